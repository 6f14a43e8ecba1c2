using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Filtering.Fail2Ban;

namespace ScanJail.Core.Tests.Filtering.Fail2Ban;

/// <summary>fail2ban's INI files: any text reads without throwing; generated files round-trip; a mutated sshd.conf loads or is refused with problems.</summary>
public sealed class IniPropertyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scanjail-ini-").FullName;

    private static readonly Gen<string> Name = Gen.Elements("abcdefghijklmnopqrstuvwxyz_0123456789".ToCharArray()).ArrayOf().Where(c => c.Length > 0).Select(c => new string(c));

    // A value as fail2ban writes one: no line ends, no " ;" comment, no leading/trailing blanks.
    private static readonly Gen<string> Value = Gen.Elements("abc xyz=:#%()[]<>\\\"'\t\u00e9\u4e2d".ToCharArray()).ArrayOf()
        .Select(c => new string(c).Trim());

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Any_text_reads_without_throwing()
    {
        var pieces = Gen.Elements("[", "]", "[Definition]", "=", ":", " ", "\t", "\n", "\n ", "#", ";", " ;", "x", "key", "%(x)s", "\r\n", "\0", "\u00e9")
            .ListOf().Select(string.Concat);
        var path = Path.Combine(_dir, "any.conf");
        Prop.ForAll(Gen.OneOf(pieces, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")).ToArbitrary(), text =>
        {
            File.WriteAllText(path, text);
            var ini = IniFile.Read(path, out var problems);
            return ini.Sections.All(s => s.Options.Count >= 0) && problems.All(p => p.StartsWith(path, StringComparison.Ordinal));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Generated_sections_with_single_and_continued_values_round_trip()
    {
        var option = from key in Name from first in Value from more in Value.Where(v => v.Length > 0 && v[0] != '#').ListOf() select (key, first, more);
        var section = from name in Name from options in option.NonEmptyListOf() select (name, options);
        var path = Path.Combine(_dir, "gen.conf");
        Prop.ForAll(section.NonEmptyListOf().ToArbitrary(), sections =>
        {
            var text = string.Concat(sections.Select(s => $"[{s.name}]\n" + string.Concat(s.options.Select(o =>
                $"{o.key} = {o.first}\n" + string.Concat(o.more.Select(m => "    " + m + "\n"))))));
            File.WriteAllText(path, text);
            var ini = IniFile.Read(path, out var problems);
            // Later sections and keys of the same name win, as in ConfigParser.
            var expected = new Dictionary<(string, string), string>();
            foreach (var (name, options) in sections)
            {
                foreach (var (key, first, more) in options)
                {
                    expected[(name, key)] = string.Join('\n', more.Prepend(first));
                }
            }
            var actual = ini.Sections.SelectMany(s => s.Options.Select(o => ((s.Name, o.Key), o.Value.Text))).ToDictionary();
            return problems.Count == 0 && actual.Count == expected.Count && expected.All(e => actual.TryGetValue(e.Key, out var v) && v == e.Value);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_mutated_sshd_conf_loads_or_is_refused_with_problems_never_an_exception()
    {
        var original = File.ReadAllText("/etc/fail2ban/filter.d/sshd.conf");
        File.Copy("/etc/fail2ban/filter.d/common.conf", Path.Combine(_dir, "common.conf"), overwrite: true);
        var tokens = Gen.Elements("(", ")", "[", "]", "(?P<", "%(", ")s", "<HOST>", "<F-USER>", "</F-USER>", "\\", "{", "}", "*", "+?", "\n", "\n ", "=", ":", "(?(", "|", "$");
        var edit = from position in Gen.Choose(0, original.Length) from delete in Gen.Choose(0, 8) from insert in tokens select (position, delete, insert);
        var path = Path.Combine(_dir, "sshd.conf");
        Prop.ForAll(edit.NonEmptyListOf().ToArbitrary(), edits =>
        {
            var text = original;
            foreach (var (position, delete, insert) in edits)
            {
                var at = Math.Min(position, text.Length);
                text = text[..at] + insert + text[Math.Min(text.Length, at + delete)..];
            }
            File.WriteAllText(path, text);
            var filter = Fail2BanFilterLoader.Load(path, new Dictionary<string, string>(), TimeZoneInfo.Utc, TimeSpan.FromSeconds(5), out var problems);
            if (filter is null)
            {
                return problems.Count > 0;
            }
            filter.Match("Nov 21 10:00:00 host sshd[1]: Failed password for root from 203.0.113.9 port 22 ssh2", DateTimeOffset.UnixEpoch);
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
