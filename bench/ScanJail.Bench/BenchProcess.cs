using System.Diagnostics;

namespace ScanJail.Bench;

/// <summary>Starting this bench again, or a built .NET program, the way this bench itself was started.</summary>
internal static class BenchProcess
{
    /// <summary>The <c>dotnet</c> host this bench runs under (or the system's).</summary>
    public static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "/usr/bin/dotnet";

    /// <summary>This bench again with <paramref name="args"/>: its apphost, or <c>dotnet</c> with its assembly.</summary>
    public static ProcessStartInfo Again(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchProcess).Assembly.Location);
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }
}
