namespace ScanJail.Client;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var commandLine = new ClientCommandLine(
            Console.Out,
            Console.Error,
            TimeZoneInfo.Local,
            Environment.GetEnvironmentVariable(ClientCommandLine.SocketVariable));
        return await commandLine.RunAsync(args, CancellationToken.None);
    }
}
