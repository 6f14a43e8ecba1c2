using System.Text;
using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;
using ScanJail.Daemon.Commands;
using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.Commands;

/// <summary>
/// <c>scanjail regex</c> reads a large file in parts on several threads: whatever the cuts, the report
/// must be the one a single reader of the whole file gives (counts, every match with its line number,
/// host and time, the sample texts, the missed samples, the host counts).
/// </summary>
public sealed class FilterRunTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("scanjail-filterrun-").FullName;

    [Fact]
    public void Parts_cut_at_newlines_give_the_report_of_one_reader()
    {
        var log = MixedLog();
        var filter = Sshd();
        var whole = FilterRun.Over(log, filter, Now, 1, 1);
        Assert.True(whole.Matched > 1000, $"only {whole.Matched} matches");
        foreach (var parts in new[] { 2, 3, 7 })
        {
            AssertSameReport(whole, FilterRun.Over(log, filter, Now, parts, 1));
        }
    }

    [Fact]
    public void Bytes_screened_and_decoded_per_line_give_the_report_of_decoded_text()
    {
        // The slow path: every line decoded by File.ReadLines and given to the filter. The byte path skips
        // the lines without the filter's precheck literals and decodes the others itself.
        var log = MixedLog();
        var filter = Sshd();
        var text = FilterRun.OverText(File.ReadLines(log), filter, Now);
        Assert.True(text.Matched > 1000 && text.Missed > 300, $"{text.Matched} matched, {text.Missed} missed");
        foreach (var bufferSize in new[] { 1, 7, 100, ByteLines.DefaultBufferSize })
        {
            foreach (var parts in new[] { 1, 3 })
            {
                AssertSameReport(text, FilterRun.Over(log, filter, Now, parts, 1, bufferSize: bufferSize));
            }
        }
        // Without every match (the text report): the same counts and hosts, the first ten matches only.
        var firstTen = FilterRun.Over(log, filter, Now, 3, 1, everyMatch: false);
        Assert.Equal(text.Matches.Take(FilterRun.MatchedSampleCount), firstTen.Matches);
        Assert.Equal((text.Lines, text.Matched, text.Missed), (firstTen.Lines, firstTen.Matched, firstTen.Missed));
        Assert.Equal(Sorted(text.HostCounts), Sorted(firstTen.HostCounts));
    }

    [Fact]
    public void Without_fields_the_filter_finds_the_same_hosts_and_times()
    {
        // `scanjail regex` builds its filter without fields (it prints none): every other part of each result must stay.
        var withFields = Sshd();
        var withoutFields = Sshd(fields: false);
        var sample = File.ReadLines(Path.Combine(RepositoryRoot.Path, "filters", "samples", "sshd.log"));
        var lines = File.ReadLines(MixedLog()).Concat(sample).ToList();
        var withUser = 0;
        foreach (var line in lines)
        {
            var expected = withFields.Match(line, Now);
            var actual = withoutFields.Match(line, Now);
            Assert.Equal((expected.Outcome, expected.RawHost, expected.Address, expected.Time), (actual.Outcome, actual.RawHost, actual.Address, actual.Time));
            Assert.True(actual.Fields is null or { Count: 0 }, line);
            withUser += expected.Fields?.ContainsKey("user") == true ? 1 : 0;
        }
        Assert.True(withUser > 500, $"only {withUser} results with a user field");
    }

    [Fact]
    public void Byte_lines_split_and_decode_as_stream_reader_read_lines()
    {
        // Endings (\n, \r\n, lone \r, a \r\n split between two reads), invalid and cut UTF-8, any buffer size.
        byte[][] pieces = [[(byte)'a'], [(byte)' '], [(byte)'\r'], [(byte)'\n'], [(byte)'\r', (byte)'\n'], [0xE2, 0x82], [0xAC], [0xC3, 0xA9], [0xFF], [0xF0, 0x9F], "sshd"u8.ToArray()];
        var files = Gen.Elements(pieces).ListOf().Select(parts => parts.SelectMany(p => p).ToArray());
        var path = Path.Combine(_dir, "lines.log");
        Prop.ForAll(files.ToArbitrary(), Gen.Choose(1, 9).ToArbitrary(), (bytes, bufferSize) =>
        {
            File.WriteAllBytes(path, bytes);
            var expected = new List<string>();
            using (var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false))
            {
                while (reader.ReadLine() is { } line)
                {
                    expected.Add(line);
                }
            }
            var actual = new List<string>();
            using (var handle = File.OpenHandle(path))
            {
                var lines = new ByteLines(handle, 0, bytes.Length, bufferSize);
                while (lines.TryRead(out var line))
                {
                    actual.Add(Encoding.UTF8.GetString(line));
                }
            }
            return expected.SequenceEqual(actual);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    private string MixedLog()
    {
        var log = Path.Combine(_dir, "mixed.log");
        var random = new Random(7);
        using (var file = File.Create(log))
        {
            for (var i = 0; i < 3000; i++)
            {
                // Lines ending in \n, \r\n and a lone \r, invalid UTF-8, empty lines: every way a cut could split them.
                var line = random.Next(8) switch
                {
                    0 => $"Nov 21 10:00:01 h sshd[1]: Failed password for root from 198.18.{i % 7}.{i % 250} port {i} ssh2\n",
                    1 => $"Nov 21 10:00:02 h sshd[1]: Invalid user u{i} from 2001:db8::{i % 50:x} port 22\r\n",
                    2 => "Nov 21 10:00:03 h sshd[1]: Accepted publickey for git from 192.0.2.1 port 22 ssh2\r",
                    3 => "\n",
                    4 => "Nov 21 10:00:04 h sshd[1]: Failed password for \u00e9 from 203.0.113.9 port 1 ssh2\n",
                    5 => "Nov 21 10:00:05 h CRON[2]: pam_unix(cron:session): session opened\n",
                    _ => "Nov 21 10:00:06 h sshd[1]: Invalid user \u0080 from 203.0.113.8 port 2\n",
                };
                var bytes = Encoding.UTF8.GetBytes(line);
                if (i % 97 == 0 && bytes.Length > 20)
                {
                    bytes = [.. bytes[..20], 0xE2, 0x82, .. bytes[20..]];
                }
                file.Write(bytes);
            }
            file.Write("Nov 21 10:00:07 h sshd[1]: Invalid user last from 203.0.113.7 port 3"u8);
        }
        return log;
    }

    private static void AssertSameReport(FilterRun expected, FilterRun actual)
    {
        Assert.Equal((expected.Lines, expected.Matched, expected.Ignored, expected.Missed), (actual.Lines, actual.Matched, actual.Ignored, actual.Missed));
        Assert.Equal(expected.Matches, actual.Matches);
        Assert.Equal(expected.MissedSamples, actual.MissedSamples);
        Assert.Equal(Sorted(expected.HostCounts), Sorted(actual.HostCounts));
    }

    private static KeyValuePair<string, int>[] Sorted(Dictionary<string, int> counts) => [.. counts.OrderBy(h => h.Key, StringComparer.Ordinal)];

    [Fact]
    public void A_file_with_a_byte_order_mark_is_read_whole()
    {
        var log = Path.Combine(_dir, "bom.log");
        File.WriteAllText(log, string.Concat(Enumerable.Repeat("Nov 21 10:00:01 h sshd[1]: Invalid user a from 203.0.113.9 port 1\n", 200)), Encoding.Unicode);
        Assert.Single(FileSlice.Cut(log, 4, 1));
        var run = FilterRun.Over(log, Sshd(), Now, 4, 1);
        Assert.Equal((200L, 200L), (run.Lines, run.Matched));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IFilter Sshd(bool fields = true)
    {
        var errors = new ConfigErrors();
        var definition = FilterLoader.Load(Path.Combine(RepositoryRoot.Path, "filters", "sshd.yaml"), "sshd", errors);
        var filter = definition is null ? null : FilterFactory.Create(definition, new Dictionary<string, string>(), errors, null, new FilterOptions(TimeZoneInfo.Utc, TimeSpan.FromSeconds(30), Lazy: true, Fields: fields));
        Assert.True(filter is not null, string.Join(Environment.NewLine, errors.Items));
        return filter!;
    }
}
