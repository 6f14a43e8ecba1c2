using BenchmarkDotNet.Running;

// ScanJail.Bench.Micro: BenchmarkDotNet micro-benchmarks of the hot functions on the read/filter path.
// `dotnet run -c Release --project bench/ScanJail.Bench.Micro -- --filter '*'` (see bench/README.md).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
