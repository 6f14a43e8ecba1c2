namespace ScanJail.Daemon.Control;

/// <summary>How the control socket is exposed and how hard it defends itself against its clients.</summary>
public sealed record ControlServerOptions
{
    /// <summary>The socket file's mode: owner and group may talk to the engine, others may not.</summary>
    public UnixFileMode SocketMode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>A group name to own the socket (so its members can read status); null leaves the process's group.</summary>
    public string? Group { get; init; }

    /// <summary>A connection that sends nothing (or only part of a line) for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once; one more is answered with an error and closed.</summary>
    public int MaxConnections { get; init; } = 64;
}
