using System.Text;

namespace ScanJail.Client;

internal static class Program
{
    public static int Main(string[] args)
    {
        // Standard output through one large buffer, flushed once at the end: Console.Out flushes every 256
        // characters, thousands of writes for the megabyte a jail with 100,000 bans prints.
        using var stdout = Console.OpenStandardOutput();
        using var output = new StreamWriter(stdout, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        // Standard error as a plain writer: Console.Error would first work out the console's encoding.
        using var error = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
        var commandLine = new ClientCommandLine(
            output,
            stdout,
            error,
            () => TimeZoneInfo.Local,
            Environment.GetEnvironmentVariable(ClientCommandLine.SocketVariable));
        return commandLine.Run(args);
    }
}
