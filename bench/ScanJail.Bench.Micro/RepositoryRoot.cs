namespace ScanJail.Bench.Micro;

/// <summary>The folder holding ScanJail.sln (BenchmarkDotNet runs each benchmark from a copy of the build under bin/).</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ScanJail.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("run the micro-benchmarks from inside the repository");
    }
}
