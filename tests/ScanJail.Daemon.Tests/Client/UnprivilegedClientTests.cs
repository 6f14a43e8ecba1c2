using System.Runtime.Versioning;
using ScanJail.Client;
using ScanJail.Core.Control;
using ScanJail.Daemon.Control;
using ScanJail.Daemon.Tests.Control;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>The real client run as <c>nobody</c>: SO_PEERCRED lets it read but not change anything.</summary>
[SupportedOSPlatform("linux")]
public sealed class UnprivilegedClientTests
{
    private const UnixFileMode Everyone = (UnixFileMode)0b_111_111_111;

    [Fact]
    public async Task Nobody_may_read_status_but_not_ban_unban_or_reload()
    {
        // The socket must be reachable by nobody: an open directory and a 0666 socket.
        await using var fixture = await ControlServerFixture.StartAsync(
            new ControlServerOptions { SocketMode = (UnixFileMode)0b_110_110_110 },
            directoryMode: Everyone);

        var status = await ClientProcess.RunAsync(["--socket", fixture.SocketPath, "status"], asNobody: true);
        var ban = await ClientProcess.RunAsync(["--socket", fixture.SocketPath, "ban", "ssh", "203.0.113.9"], asNobody: true);
        var unban = await ClientProcess.RunAsync(["--socket", fixture.SocketPath, "unban", "--all", "--json"], asNobody: true);
        var reload = await ClientProcess.RunAsync(["--socket", fixture.SocketPath, "reload"], asNobody: true);

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(StatusFormatter.Status(fixture.Engine.Status), status.Output);
        Assert.True(ban.ExitCode == 1, ban.ToString());
        Assert.Contains("only root may ban", ban.Error, StringComparison.Ordinal);
        Assert.True(unban.ExitCode == 1, unban.ToString());
        Assert.Contains("\"code\":\"forbidden\"", unban.Output, StringComparison.Ordinal);
        Assert.True(reload.ExitCode == 1, reload.ToString());
        Assert.Empty(fixture.Engine.Calls);
    }

    [Fact]
    public async Task Nobody_cannot_even_connect_to_a_0660_socket()
    {
        await using var fixture = await ControlServerFixture.StartAsync(directoryMode: Everyone);

        var status = await ClientProcess.RunAsync(["--socket", fixture.SocketPath, "status"], asNobody: true);

        Assert.True(status.ExitCode == 1, status.ToString());
        Assert.Contains("permission denied", status.Error, StringComparison.Ordinal);
    }
}
