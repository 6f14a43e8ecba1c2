using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ScanJail.Core.Syslog;
using ScanJail.Listener.Output;

namespace ScanJail.Listener.Tests.Output;

/// <summary>
/// The sink's direct send (a line goes out from the caller's thread when nothing waits before it) against a
/// real unix datagram receiver: every line arrives once and in order, also when the receiver stops reading
/// for a while so that direct sends would block and lines must wait in the sink's queue.
/// </summary>
public sealed class SyslogSinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sjl-sink-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (Socket Receiver, SyslogSink Sink) Start()
    {
        var path = Path.Combine(_dir, "alerts.sock");
        var receiver = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        receiver.Bind(new UnixDomainSocketEndPoint(path));
        var formatter = new SyslogMessageFormatter(4, "scanjail-listener", "host", 1, TimeZoneInfo.Utc);
        var writer = new SyslogWriter(new SyslogTarget(SyslogTransport.Unix, "", 0, path), formatter, TimeProvider.System);
        return (receiver, new SyslogSink(writer, echo: false));
    }

    private static List<int> Receive(Socket receiver, int count)
    {
        var seen = new List<int>();
        var buffer = new byte[8192];
        receiver.ReceiveTimeout = 10_000;
        while (seen.Count < count)
        {
            var text = Encoding.UTF8.GetString(buffer, 0, receiver.Receive(buffer));
            seen.Add(int.Parse(text[(text.LastIndexOf('=') + 1)..], CultureInfo.InvariantCulture));
        }
        return seen;
    }

    [Fact]
    public async Task A_line_reaches_a_datagram_receiver_at_once_from_the_callers_thread()
    {
        var (receiver, sink) = Start();
        using (receiver)
        {
            await using (sink)
            {
                sink.Write(SyslogSeverity.Warning, "attackalert: src=192.0.2.2 proto=tcp dport=22 kind=syn mode=atcp n=1");
                // Sent before Write returned: the datagram is already in the receiver's queue.
                Assert.True(receiver.Available > 0);
                Assert.Equal([1], Receive(receiver, 1));
                Assert.Equal(0, sink.Lost);
            }
        }
    }

    [Fact]
    public async Task Lines_keep_their_order_when_the_receiver_falls_behind()
    {
        const int Lines = 5000; // far more than a unix datagram queue holds unread
        var (receiver, sink) = Start();
        using (receiver)
        {
            await using (sink)
            {
                // Nothing is read while all are written: Write never waits, the later lines wait in the sink.
                for (var i = 0; i < Lines; i++)
                {
                    sink.Write(SyslogSeverity.Warning, string.Create(CultureInfo.InvariantCulture, $"attackalert: src=192.0.2.2 proto=tcp kind=syn n={i}"));
                }
                var seen = await Task.Run(() => Receive(receiver, Lines));

                Assert.Equal(Enumerable.Range(0, Lines), seen);
                Assert.Equal(0, sink.Lost);
            }
        }
    }
}
