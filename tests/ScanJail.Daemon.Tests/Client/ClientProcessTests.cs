using System.Runtime.Versioning;
using System.Text.Json;
using ScanJail.Client;
using ScanJail.Core.Control;
using ScanJail.Daemon.Control;
using ScanJail.Daemon.Tests.Control;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>The real <c>scanjail-client</c> process against a real <see cref="ControlServer"/> on a temporary socket.</summary>
[SupportedOSPlatform("linux")]
public sealed class ClientProcessTests : IAsyncLifetime
{
    private ControlServerFixture _fixture = null!;

    private StandInEngine Engine => _fixture.Engine;

    public async Task InitializeAsync() => _fixture = await ControlServerFixture.StartAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    private Task<ClientResult> RunAsync(params string[] args) => ClientProcess.RunAsync(["--socket", _fixture.SocketPath, .. args]);

    [Fact]
    public async Task Status_lists_the_jails()
    {
        var result = await RunAsync("status");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(StatusFormatter.Status(Engine.Status), result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Status_of_a_jail_shows_the_fail2ban_figures_and_the_failing_action()
    {
        var result = await RunAsync("status", "ssh");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(StatusFormatter.JailStatus(Engine.Ssh), result.Output);
        Assert.Contains("   action record: 2 failed, 1 retrying, last error: exit code 1: disk full\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_a_jail_with_100000_bans_prints_every_address_in_order_and_json_the_same_figures()
    {
        var result = await RunAsync("status", "big");
        var json = await RunAsync("--json", "status", "big");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(StatusFormatter.JailStatus(Engine.Big), result.Output);
        Assert.Contains($"`- Banned IP list:\t{string.Join(" ", Engine.Big.BannedAddresses)}\n", result.Output, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        var back = JsonSerializer.Deserialize<JailStatus>(json.Output, ControlProtocol.Json)!;
        Assert.Equal(Engine.Big.BannedAddresses, back.BannedAddresses);
        Assert.Equal(StatusFormatter.JailStatus(Engine.Big), StatusFormatter.JailStatus(back));
    }

    [Fact]
    public async Task Json_is_accepted_before_and_after_the_command_and_prints_one_line()
    {
        var before = await ClientProcess.RunAsync(["--json", "--socket", _fixture.SocketPath, "status", "ssh"]);
        var after = await RunAsync("status", "ssh", "--json");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(before.Output, after.Output);
        Assert.Single(after.Output.TrimEnd('\n').Split('\n'));
        var status = JsonSerializer.Deserialize<JailStatus>(after.Output, ControlProtocol.Json)!;
        Assert.Equal(["203.0.113.9"], status.BannedAddresses);
        Assert.Contains("\"currentlyBanned\":1", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_an_unknown_jail_fails_with_exit_1()
    {
        var human = await RunAsync("status", "nope");
        var json = await RunAsync("status", "nope", "--json");

        Assert.True(human.ExitCode == 1, human.ToString());
        Assert.Contains("no such jail", human.Error, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var response = JsonSerializer.Deserialize<ControlResponse>(json.Output, ControlProtocol.Json)!;
        Assert.False(response.Ok);
        Assert.Equal("failed", response.Code);
    }

    [Fact]
    public async Task Ban_reaches_the_engine_with_the_jails_bantime_or_the_given_one()
    {
        var plain = await RunAsync("ban", "ssh", "203.0.113.9");
        var permanent = await RunAsync("ban", "attackalert", "::ffff:198.51.100.7", "--time", "permanent");

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal("203.0.113.9 banned in ssh\n", plain.Output);
        Assert.True(permanent.ExitCode == 0, permanent.ToString());
        Assert.Equal(["ban ssh 203.0.113.9 default", "ban attackalert 198.51.100.7 permanent"], Engine.Calls);
    }

    [Fact]
    public async Task Ban_in_an_unknown_jail_fails_with_exit_1()
    {
        var result = await RunAsync("ban", "nope", "203.0.113.9");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("no such jail: nope", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ban", "ssh")]
    [InlineData("ban", "ssh", "203.0.113")]
    [InlineData("ban", "ssh", "example.com")]
    [InlineData("selfdestruct")]
    [InlineData("unban")]
    [InlineData("unban", "203.0.113.9", "--all")]
    [InlineData("unban", "--all", "--jail", "ssh")]
    [InlineData("banned", "not-an-address")]
    [InlineData("status", "ssh", "extra")]
    [InlineData("status", "--frobnicate")]
    public async Task Bad_arguments_are_a_usage_error_with_exit_64_and_never_reach_the_engine(params string[] args)
    {
        var result = await RunAsync(args);

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("Usage:", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
        Assert.Empty(Engine.Calls);
    }

    [Fact]
    public async Task No_command_at_all_is_a_usage_error()
    {
        var result = await ClientProcess.RunAsync([]);

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("Usage:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unban_an_address_in_one_jail_everywhere_or_all()
    {
        var inJail = await RunAsync("unban", "203.0.113.9", "--jail", "ssh");
        var everywhere = await RunAsync("unban", "2001:db8::7");
        var all = await RunAsync("unban", "--all");
        var notBanned = await RunAsync("unban", "192.0.2.1");

        Assert.True(inJail.ExitCode == 0, inJail.ToString());
        Assert.True(everywhere.ExitCode == 0, everywhere.ToString());
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal("2 bans lifted\n", all.Output);
        Assert.True(notBanned.ExitCode == 1, notBanned.ToString());
        Assert.Contains("192.0.2.1 is not banned", notBanned.Error, StringComparison.Ordinal);
        Assert.Equal(["unban 203.0.113.9 ssh", "unban 2001:db8::7 *", "unban all", "unban 192.0.2.1 *"], Engine.Calls);
    }

    [Fact]
    public async Task Banned_prints_the_table_or_one_address()
    {
        var all = await RunAsync("banned");
        var one = await RunAsync("banned", "2001:db8::7");
        var json = await RunAsync("banned", "--json");

        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(StatusFormatter.Banned(Engine.Bans, TimeZoneInfo.Local), all.Output);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal(2, one.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("2001:db8::7", one.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.9", one.Output, StringComparison.Ordinal);
        Assert.Equal(2, JsonSerializer.Deserialize<List<BanInfo>>(json.Output, ControlProtocol.Json)!.Count);
    }

    [Fact]
    public async Task Reload_succeeds_or_lists_the_errors_of_a_refused_configuration()
    {
        var good = await RunAsync("reload");
        var broken = await RunAsync("reload", "broken");
        var brokenJson = await RunAsync("reload", "broken", "--json");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal("configuration reloaded\n", good.Output);
        Assert.True(broken.ExitCode == 1, broken.ToString());
        Assert.Contains("configuration refused; the running one stays", broken.Error, StringComparison.Ordinal);
        Assert.Contains("  jail.yaml:3:5: jail broken: unknown key 'bogus'\n", broken.Error, StringComparison.Ordinal);
        Assert.Contains("  jail.yaml:4:5: jail broken: maxretry must be a positive number\n", broken.Error, StringComparison.Ordinal);
        var response = JsonSerializer.Deserialize<ControlResponse>(brokenJson.Output, ControlProtocol.Json)!;
        Assert.Equal(2, response.Errors!.Count);
    }

    [Fact]
    public async Task Stats_prints_counters_and_action_health()
    {
        var result = await RunAsync("stats");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(StatusFormatter.Stats(Engine.Stats, TimeZoneInfo.Local), result.Output);
    }

    [Fact]
    public async Task A_missing_socket_means_the_engine_is_not_running_exit_69()
    {
        var missing = Path.Combine(_fixture.Directory.FullName, "nothing-here.sock");

        var human = await ClientProcess.RunAsync(["--socket", missing, "status"]);
        var json = await ClientProcess.RunAsync(["status", "--socket", missing, "--json"]);

        Assert.True(human.ExitCode == 69, human.ToString());
        Assert.Contains("not running", human.Error, StringComparison.Ordinal);
        Assert.Equal(69, json.ExitCode);
        Assert.Equal("unavailable", JsonSerializer.Deserialize<ControlResponse>(json.Output, ControlProtocol.Json)!.Code);
    }

    [Fact]
    public async Task The_socket_comes_from_SCANJAIL_SOCKET_when_not_given()
    {
        var result = await ClientProcess.RunAsync(["status"], socketVariable: _fixture.SocketPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(StatusFormatter.Status(Engine.Status), result.Output);
    }
}
