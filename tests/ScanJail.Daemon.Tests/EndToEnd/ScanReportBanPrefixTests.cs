using System.Text.Json;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// With a banprefix the jail counts and bans the network, and the scan report still lists each scanner by its own
/// address (the engine hands the ledger the address's key, not the network's), shows the network's ban as in force for
/// each of them, and counts it for the scanner whose probe made it. A real engine, file and client.
/// </summary>
public sealed class ScanReportBanPrefixTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task The_report_lists_each_scanner_and_the_ban_covers_their_network()
    {
        _config.WriteRecordAction();
        _config.WriteJailYaml($$"""
            jails:
              portscan:
                enabled: true
                source: { file: {{_config.AuthLog}} }
                filter: attackalert
                maxretry: 3
                bantime: 1h
                banprefix: { ipv4: 24 }
                actions: [record]
            """);
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);

        TestConfig.Append(_config.AuthLog,
            Alert("192.0.2.7", 22), Alert("192.0.2.7", 23), Alert("192.0.2.8", 80));
        await Wait.UntilAsync(() => _config.ActionLines().Length > 0, "the network's ban", engine);

        Assert.Equal(["ban portscan 192.0.2.0/24"], _config.ActionLines());
        var (code, report, error) = await engine.ClientAsync("report", "--since", "1h", "--json");
        Assert.True(code == 0, error);
        Assert.Contains("\"address\":\"192.0.2.7\"", report, StringComparison.Ordinal);
        Assert.Contains("\"address\":\"192.0.2.8\"", report, StringComparison.Ordinal);
        Assert.DoesNotContain("\"address\":\"192.0.2.0\"", report, StringComparison.Ordinal);
        Assert.Contains("\"ports\":\"22-23\"", report, StringComparison.Ordinal);

        // The network's ban is in force for both scanners, and counted for the one whose probe made it (the third failure).
        using var json = JsonDocument.Parse(report);
        var sources = json.RootElement.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("address").GetString()!);
        foreach (var (address, bans) in new[] { ("192.0.2.7", 0), ("192.0.2.8", 1) })
        {
            var source = sources[address];
            Assert.True(source.GetProperty("bannedNow").GetBoolean(), address);
            Assert.Equal("192.0.2.0/24", source.GetProperty("bannedAs").GetString());
            Assert.Equal(bans, source.GetProperty("bans").GetInt32());
        }
        var (_, text, _) = await engine.ClientAsync("report", "--since", "1h");
        Assert.Contains("(its network 192.0.2.0/24)", text, StringComparison.Ordinal);
    }

    public void Dispose() => _config.Dispose();

    private static string Alert(string address, int port) =>
        $"{TestConfig.SyslogNow()} host scanjail-listener[812]: attackalert: src={address} proto=tcp dport={port} kind=syn mode=atcp sport=40000 dst=192.0.2.1";
}
