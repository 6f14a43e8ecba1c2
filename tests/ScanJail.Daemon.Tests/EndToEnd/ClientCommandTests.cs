namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>Manual bans and unbans through the real client take the same path as detected ones.</summary>
public sealed class ClientCommandTests : IDisposable
{
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task Ban_banned_unban_and_unban_all_drive_the_actions()
    {
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        Assert.Equal(0, (await engine.ClientAsync("ban", "ssh", "192.0.2.10", "--time", "2d")).Code);
        Assert.Equal(0, (await engine.ClientAsync("ban", "ssh", "2001:db8::10")).Code);
        Assert.Equal(1, (await engine.ClientAsync("ban", "ssh", "192.0.2.10")).Code); // already banned
        Assert.Equal(1, (await engine.ClientAsync("ban", "ssh", "127.0.0.1")).Code); // ignoreself
        Assert.Equal(1, (await engine.ClientAsync("ban", "nosuchjail", "192.0.2.11")).Code);
        Assert.Equal(64, (await engine.ClientAsync("ban", "ssh", "not-an-address")).Code);
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 2001:db8::10"), "the IPv6 ban", engine);

        var (_, banned, _) = await engine.ClientAsync("banned", "192.0.2.10");
        Assert.Contains("192.0.2.10", banned, StringComparison.Ordinal);
        Assert.DoesNotContain("2001:db8::10", banned, StringComparison.Ordinal);

        Assert.Equal(0, (await engine.ClientAsync("unban", "192.0.2.10", "--jail", "ssh")).Code);
        await Wait.UntilAsync(() => _config.ActionLines().Contains("unban ssh 192.0.2.10"), "the unban", engine);
        Assert.Equal(1, (await engine.ClientAsync("unban", "192.0.2.10")).Code); // not banned any more

        Assert.Equal(0, (await engine.ClientAsync("unban", "--all")).Code);
        await Wait.UntilAsync(() => _config.ActionLines().Contains("unban ssh 2001:db8::10"), "unban --all", engine);

        var (code, stats, _) = await engine.ClientAsync("stats");
        Assert.Equal(0, code);
        Assert.Contains("bans", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_lists_the_bans_in_the_order_they_were_made_even_when_an_unban_left_a_gap()
    {
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        // One client process after the other: each ban starts later than the one before.
        foreach (var address in new[] { "192.0.2.21", "192.0.2.22", "2001:db8::23" })
        {
            Assert.Equal(0, (await engine.ClientAsync("ban", "ssh", address)).Code);
        }
        Assert.Equal(0, (await engine.ClientAsync("unban", "192.0.2.21")).Code);
        Assert.Equal(0, (await engine.ClientAsync("ban", "ssh", "192.0.2.24")).Code); // may take the unbanned one's place in the book

        var (code, status, error) = await engine.ClientAsync("status", "ssh");
        var (jsonCode, json, _) = await engine.ClientAsync("--json", "status", "ssh");

        Assert.True(code == 0, error);
        Assert.Contains("   |- Currently banned:\t3\n", status, StringComparison.Ordinal);
        Assert.Contains("   `- Banned IP list:\t192.0.2.22 2001:db8::23 192.0.2.24\n", status, StringComparison.Ordinal);
        Assert.DoesNotContain("   origin ", status, StringComparison.Ordinal); // no forwarded source, no origin line
        Assert.Equal(0, jsonCode);
        Assert.Contains("\"bannedAddresses\":[\"192.0.2.22\",\"2001:db8::23\",\"192.0.2.24\"]", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_says_69_when_no_engine_runs()
    {
        var (code, _, _) = await Cli.RunAsync(Path.Combine(EngineProcess.BinDir, "scanjail-client.dll"),
            ["--socket", Path.Combine(_config.Dir, "none.sock"), "status"]);
        Assert.Equal(69, code);
    }

    public void Dispose() => _config.Dispose();
}
