using System.Net;
using BenchmarkDotNet.Attributes;
using ScanJail.Core.Net;
using ScanJail.Core.Time;

namespace ScanJail.Bench.Micro;

/// <summary>What a filter does for every line it takes: the captured address parsed, the time stamp found.</summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private const string Line = "Nov 21 00:00:01 bench sshd[4242]: Failed password for root from 198.18.12.34 port 52113 ssh2";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    // Instance fields: BenchmarkDotNet runs instance methods, and constants could be folded away.
    private readonly string _v4 = "198.18.12.34";
    private readonly string _v6 = "2001:db8:3::2a";
    private readonly string _line = Line;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.Utc;

    [Benchmark]
    public IPAddress ParseIPv4() => AddressParser.TryParse(_v4.AsSpan(), out var address) ? address : IPAddress.None;

    [Benchmark]
    public IPAddress ParseIPv6() => AddressParser.TryParse(_v6.AsSpan(), out var address) ? address : IPAddress.None;

    [Benchmark]
    public DateTimeOffset FindSyslogStampUtc() => TimestampFinder.TryFind(_line, Now, _zone, out var time) ? time : Now;
}
