using RepositoryRoot = ScanJail.Tests.Support.RepositoryRoot;
using ScanJail.Core.Configuration;
using ScanJail.Core.Syslog;
using ScanJail.Listener.Configuration;
using ScanJail.Listener.Tests.Lab;
using ScanJail.Tests.Support;

namespace ScanJail.Listener.Tests.Configuration;

public sealed class ListenerConfigTests
{
    [Fact]
    public void The_issues_example_reads_as_written()
    {
        var config = Parse("""
            tcp: { mode: atcp, ports: "1-1024" }
            udp: { mode: audp, ports: "1-1024" }
            syslog: { target: "udp://127.0.0.1:5514", format: scanjail }
            """, out var errors);
        Assert.NotNull(config);
        Assert.Empty(errors.Items);
        Assert.Equal([ListenMode.Atcp, ListenMode.Audp], config.Modes.Select(m => m.Mode));
        Assert.Equal(1024, config.Modes[0].Ports.Count);
        Assert.Equal(new SyslogTarget(SyslogTransport.Udp, "127.0.0.1", 5514, ""), config.Syslog.Target);
        Assert.Equal((1, TimeSpan.FromMinutes(10), true, true), (config.Trigger, config.Suppress, config.Ipv4, config.Ipv6));
    }

    [Fact]
    public void The_shipped_default_configuration_is_valid()
    {
        var errors = new ConfigErrors();
        var config = ListenerConfigLoader.Load(Path.Combine(RepositoryRoot.Path, "config", "listener.yaml"), errors);
        Assert.True(config is not null, string.Join('\n', errors.Items));
        Assert.Equal(SyslogTarget.DevLog, config.Syslog.Target);
        Assert.False(config.Modes[0].Ports.Contains(0));
        Assert.True(config.Modes[0].Exclude.Contains(113));
    }

    [Fact]
    public void Every_error_is_listed_with_its_line_column_and_field()
    {
        Assert.Null(Parse("""
            tcp: { mode: audp, ports: "1-99999" }
            udp:
              - { mode: udp, ports: [7, 9], banner: hi }
              - { mode: sudp, ports: "x" }
            ignore: [192.0.2.0/24, not-an-address]
            trigger: 0
            suppress: soon
            syslog: { target: "http://x", format: psad, facility: nope, tag: "a b" }
            colour: blue
            """, out var errors));
        var listed = errors.Sorted().Select(e => $"{e.Line}:{e.Column} {e.Field}").ToList();
        Assert.Equal(
        [
            "1:14 tcp.mode", "1:27 tcp.ports",
            "3:41 udp[0].banner", "4:26 udp[1].ports",
            "5:24 ignore", "6:10 trigger", "7:11 suppress",
            "8:19 syslog.target", "8:39 syslog.format", "8:55 syslog.facility", "8:66 syslog.tag",
            "9:1 colour",
        ], listed);
        Assert.Contains("unknown key 'colour'", errors.Items.Single(e => e.Field == "colour").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_to_watch_is_an_error()
    {
        Assert.Null(Parse("trigger: 2", out var errors));
        Assert.Contains("nothing to watch", Assert.Single(errors.Items).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unix:/dev/log", SyslogTransport.Unix, "", 0)]
    [InlineData("udp://127.0.0.1:5514", SyslogTransport.Udp, "127.0.0.1", 5514)]
    [InlineData("tcp://[2001:db8::1]:514", SyslogTransport.Tcp, "2001:db8::1", 514)]
    [InlineData("tcp://logs.example.org:6514", SyslogTransport.Tcp, "logs.example.org", 6514)]
    public void Syslog_targets_read_and_print_back(string text, SyslogTransport transport, string host, int port)
    {
        Assert.True(SyslogTarget.TryParse(text, out var target, out _));
        Assert.Equal((transport, host, port), (target!.Transport, target.Host, target.Port));
        Assert.Equal(text, target.ToString());
    }

    [Theory]
    [InlineData("udp://127.0.0.1")]
    [InlineData("udp://2001:db8::1:514")]
    [InlineData("tcp://host:0")]
    [InlineData("unix:dev/log")]
    [InlineData("/dev/log")]
    public void Bad_syslog_targets_are_refused(string text) => Assert.False(SyslogTarget.TryParse(text, out _, out _));

    [Fact]
    public async Task The_program_lists_every_error_and_exits_78()
    {
        var dir = Directory.CreateTempSubdirectory("sjl-config-").FullName;
        try
        {
            var path = Path.Combine(dir, "listener.yaml");
            await File.WriteAllTextAsync(path, "tcp: { mode: atcp, ports: \"0-10\" }\nsyslog: { format: psad }\n");
            var (code, _, stderr) = await Run.Async("dotnet", [Path.Combine(AppContext.BaseDirectory, "scanjail-listener.dll"), "-c", path]);
            Assert.Equal(78, code);
            Assert.Contains($"{path}:1:27: tcp.ports: expected ports 1-65535", stderr, StringComparison.Ordinal);
            Assert.Contains($"{path}:2:19: syslog.format: expected scanjail or portsentry", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ListenerConfig? Parse(string yaml, out ConfigErrors errors)
    {
        errors = new ConfigErrors();
        return ListenerConfigLoader.Parse(yaml, "listener.yaml", errors);
    }
}
