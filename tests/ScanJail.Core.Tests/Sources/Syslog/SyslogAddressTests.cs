using ScanJail.Core.Syslog;
using System.Net;
using ScanJail.Core.Sources.Syslog;

namespace ScanJail.Core.Tests.Sources.Syslog;

public sealed class SyslogAddressTests
{
    [Theory]
    [InlineData("udp://127.0.0.1:5514", SyslogTransport.Udp, "127.0.0.1", 5514)]
    [InlineData("tcp://[::1]:6514", SyslogTransport.Tcp, "::1", 6514)]
    [InlineData("tcp://0.0.0.0:514", SyslogTransport.Tcp, "0.0.0.0", 514)]
    public void Reads_network_addresses(string text, SyslogTransport transport, string host, int port)
    {
        Assert.True(SyslogAddress.TryParse(text, "/etc/scanjail", out var address, out _));
        Assert.Equal(new SyslogAddress(transport, IPAddress.Parse(host), port, null), address);
        Assert.Equal(text, address!.ToString());
    }

    [Fact]
    public void Reads_a_unix_path_relative_to_the_configuration()
    {
        Assert.True(SyslogAddress.TryParse("unix:run/log.sock", "/etc/scanjail", out var address, out _));
        Assert.Equal("/etc/scanjail/run/log.sock", address!.Path);
    }

    [Theory]
    [InlineData("udp://localhost:514", "not an IP address")]
    [InlineData("tcp://::1:514", "brackets")]
    [InlineData("udp://127.0.0.1:0", "port")]
    [InlineData("udp://127.0.0.1", "PORT")]
    [InlineData("syslog://127.0.0.1:514", "expected unix:PATH, udp://")]
    [InlineData("unix:", "empty")]
    public void Refuses_what_it_cannot_bind(string text, string hint)
    {
        Assert.False(SyslogAddress.TryParse(text, "/", out _, out var error));
        Assert.Contains(hint, error, StringComparison.Ordinal);
    }
}
