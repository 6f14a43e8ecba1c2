using System.Runtime.Versioning;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Daemon.Control;

namespace ScanJail.Daemon.Tests.Control;

/// <summary>A started <see cref="ControlServer"/> on a socket in a fresh temporary directory, with a <see cref="StandInEngine"/>.</summary>
[SupportedOSPlatform("linux")]
internal sealed class ControlServerFixture : IAsyncDisposable
{
    private ControlServerFixture(DirectoryInfo directory, ControlServer server, StandInEngine engine)
    {
        Directory = directory;
        Server = server;
        Engine = engine;
    }

    public DirectoryInfo Directory { get; }

    public ControlServer Server { get; }

    public StandInEngine Engine { get; }

    public string SocketPath => Server.SocketPath;

    public static async Task<ControlServerFixture> StartAsync(ControlServerOptions? options = null, UnixFileMode? directoryMode = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("sj-control-");
        if (directoryMode is { } mode)
        {
            File.SetUnixFileMode(directory.FullName, mode);
        }
        var engine = new StandInEngine();
        var server = new ControlServer(Path.Combine(directory.FullName, "sj.sock"), engine, NullLogger.Instance, options);
        await server.StartAsync(CancellationToken.None);
        return new ControlServerFixture(directory, server, engine);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(recursive: true);
    }
}
