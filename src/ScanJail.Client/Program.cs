using System.Text;

namespace ScanJail.Client;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Standard output through one large buffer, flushed once at the end: Console.Out flushes every 256
        // characters, thousands of writes for the megabyte a jail with 100,000 bans prints.
        await using var stdout = Console.OpenStandardOutput();
        await using var output = new StreamWriter(stdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        var commandLine = new ClientCommandLine(
            output,
            stdout,
            Console.Error,
            TimeZoneInfo.Local,
            Environment.GetEnvironmentVariable(ClientCommandLine.SocketVariable));
        return await commandLine.RunAsync(args, CancellationToken.None);
    }
}
