namespace ScanJail.Daemon.Tests.Client;

internal sealed record ClientResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}
