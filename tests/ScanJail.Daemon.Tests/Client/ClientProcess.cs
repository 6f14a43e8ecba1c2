using System.Diagnostics;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>Runs the real <c>scanjail-client</c> (built beside the test assembly, as the test project references it).</summary>
internal static class ClientProcess
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static string ClientDll { get; } = Path.Combine(AppContext.BaseDirectory, "scanjail-client.dll");

    /// <param name="asNobody">Run as uid/gid 65534 with no supplementary groups.</param>
    /// <param name="socketVariable">The value of SCANJAIL_SOCKET; never inherited from the test's own environment.</param>
    public static async Task<ClientResult> RunAsync(IEnumerable<string> args, bool asNobody = false, string? socketVariable = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = asNobody ? "setpriv" : "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asNobody)
        {
            foreach (var argument in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["HOME"] = "/tmp";
            start.Environment["DOTNET_CLI_HOME"] = "/tmp";
        }
        start.ArgumentList.Add(ClientDll);
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("SCANJAIL_SOCKET");
        if (socketVariable is not null)
        {
            start.Environment["SCANJAIL_SOCKET"] = socketVariable;
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scanjail-client {string.Join(' ', args)} did not finish within {Patience}");
        }
        return new ClientResult(process.ExitCode, await output, await error);
    }
}
