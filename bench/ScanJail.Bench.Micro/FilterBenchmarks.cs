using BenchmarkDotNet.Attributes;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;

namespace ScanJail.Bench.Micro;

/// <summary>
/// One line through one shipped filter, for each kind of line the throughput bench's log holds:
/// a failure the filter takes, an sshd line it leaves (no failregex's literal fits), a line of
/// another program (the precheck stops it), and a scan report for the attackalert grammar.
/// </summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private const string Failed = "Nov 21 00:00:01 bench sshd[4242]: Failed password for invalid user admin from 198.18.12.34 port 52113 ssh2";
    private const string Invalid = "Nov 21 00:00:01 bench sshd[4242]: Invalid user oracle from 2001:db8:3::2a port 40022";
    private const string Accepted = "Nov 21 00:00:01 bench sshd[4242]: Accepted publickey for git from 198.18.12.34 port 52113 ssh2: ED25519 SHA256:abc";
    private const string Disconnected = "Nov 21 00:00:01 bench sshd[4242]: Disconnected from user deploy 198.18.12.34 port 52113";
    private const string Noise = "Nov 21 00:00:01 bench CRON[4242]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)";
    private const string Scan = "Nov 21 00:00:01 bench scanjail-listener[812]: attackalert: src=198.18.12.34 proto=tcp dport=22 kind=syn mode=atcp sport=40000 dst=192.0.2.1";
    private const string PortsentryScan = "Nov 21 00:00:01 bench portsentry[1203]: attackalert: TCP SYN/Normal scan from host: 198.18.12.34/198.18.12.34 to TCP port: 22";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private IFilter _sshd = null!;
    private IFilter _sshdRegexes = null!;
    private IFilter _attackalert = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sshd = Load("sshd");
        _sshdRegexes = LoadWithoutReader();
        _attackalert = Load("attackalert");
    }

    [Benchmark]
    public FilterResult SshdFailedPassword() => _sshd.Match(Failed, Now);

    [Benchmark]
    public FilterResult SshdInvalidUser() => _sshd.Match(Invalid, Now);

    // The same lines through the regexes alone (what the OpenSSH reader replaces, see OpenSshReader).
    [Benchmark]
    public FilterResult SshdFailedPasswordRegexes() => _sshdRegexes.Match(Failed, Now);

    [Benchmark]
    public FilterResult SshdInvalidUserRegexes() => _sshdRegexes.Match(Invalid, Now);

    [Benchmark]
    public FilterResult SshdAcceptedMissRegexes() => _sshdRegexes.Match(Accepted, Now);

    [Benchmark]
    public FilterResult SshdAcceptedMiss() => _sshd.Match(Accepted, Now);

    [Benchmark]
    public FilterResult SshdDisconnectedMiss() => _sshd.Match(Disconnected, Now);

    [Benchmark]
    public FilterResult SshdOtherProgram() => _sshd.Match(Noise, Now);

    [Benchmark]
    public FilterResult AttackAlertScan() => _attackalert.Match(Scan, Now);

    [Benchmark]
    public FilterResult AttackAlertPortsentryScan() => _attackalert.Match(PortsentryScan, Now);

    private static IFilter Load(string name, string? path = null)
    {
        var errors = new ConfigErrors();
        var definition = FilterLoader.Load(path ?? Path.Combine(RepositoryRoot.Find(), "filters", name + ".yaml"), name, errors);
        return (definition is null ? null : FilterFactory.Create(definition, new Dictionary<string, string>(), errors, null, new FilterOptions(TimeZoneInfo.Utc)))
            ?? throw new InvalidOperationException(string.Join("\n", errors.Items));
    }

    // The shipped sshd filter with a prefix that means the same but reads differently ("(?:)" in front):
    // the reader only answers for the exact texts it was written from, so this one runs its regexes.
    private static IFilter LoadWithoutReader()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "filters", "sshd.yaml"));
        var path = Path.Combine(Path.GetTempPath(), $"scanjail-bench-sshd-{Environment.ProcessId}.yaml");
        File.WriteAllText(path, yaml.Replace("prefix: '^(?:", "prefix: '^(?:)(?:", StringComparison.Ordinal));
        try
        {
            return Load("sshd", path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
