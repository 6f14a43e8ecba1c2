using System.Text.RegularExpressions;

namespace ScanJail.Bench;

/// <summary>The commands measured beside the engine, each on the same generated file.</summary>
internal static partial class Peers
{
    /// <summary>
    /// The addresses the shipped sshd filter takes from the generated log, for <c>rg -o</c>: the same
    /// program tag, the same failure wordings, the address group printed alone (<c>-r '$1'</c>).
    /// </summary>
    public const string RipgrepPattern =
        @"sshd(?:-session|-auth)?\[[0-9]+\]: (?:Failed (?:password|keyboard-interactive/pam) for (?:invalid user )?.* from|Invalid user .* from) ([0-9A-Fa-f:.]+) port [0-9]+";

    /// <summary>The same pattern for PCRE2 (<c>rg -P</c>): <c>\K</c> and a lookahead leave only the address in the match.</summary>
    public const string RipgrepPcrePattern =
        @"sshd(?:-session|-auth)?\[[0-9]+\]: (?:Failed (?:password|keyboard-interactive/pam) for (?:invalid user )?.* from|Invalid user .* from) \K[0-9A-Fa-f:.]+(?= port [0-9]+)";

    public static ProcessStage Fail2BanRegex(string log) => new(
        "fail2ban-regex FILE sshd.conf", "/usr/bin/fail2ban-regex", [log, "/etc/fail2ban/filter.d/sshd.conf"], Fail2BanLines());

    public static ProcessStage Ripgrep(string log) => new(
        "rg -o (sshd addresses)", "/usr/bin/rg", ["-o", "-N", "--no-filename", "-r", "$1", RipgrepPattern, log]);

    public static ProcessStage RipgrepPcre(string log) => new(
        "rg -P -o (sshd addresses, PCRE2 JIT)", "/usr/bin/rg", ["-P", "-o", "-N", "--no-filename", RipgrepPcrePattern, log]);

    /// <summary>
    /// <c>scanjail regex FILE sshd</c>: the built CLI run with the <c>dotnet</c> host, as the end-to-end tests run
    /// it, or with <paramref name="published"/> (<c>--scanjail DIR</c>) the program <c>dotnet publish</c> made there,
    /// ReadyToRun, as admins run it.
    /// </summary>
    public static ProcessStage ScanJailRegex(string log, string repoRoot, string? published = null) => published is null
        ? new("scanjail regex FILE sshd (process)", BenchProcess.DotnetHost(),
            [Path.Combine(AppContext.BaseDirectory, "scanjail.dll"), "regex", log, "sshd", "--config", repoRoot], ScanJailLines())
        : new("scanjail regex FILE sshd (process, published)", Path.Combine(published, "scanjail"),
            ["regex", log, "sshd", "--config", repoRoot], ScanJailLines());

    // "Lines: 1000000 lines, 0 ignored, 299640 matched, 700360 missed"
    [GeneratedRegex(@"^Lines: (?<result>.*)$")]
    private static partial Regex ScanJailLines();

    // fail2ban-regex: "Lines: 1000000 lines, 0 ignored, 299640 matched, 700360 missed"
    [GeneratedRegex(@"^Lines: (?<result>.*)$")]
    private static partial Regex Fail2BanLines();
}
