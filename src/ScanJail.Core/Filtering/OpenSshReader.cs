using System.Runtime.CompilerServices;

namespace ScanJail.Core.Filtering;

/// <summary>
/// A one-pass reader for the OpenSSH messages of the shipped sshd filter (filters/sshd.yaml, mode
/// normal): the same answer as its prefix and failregexes, without a regex scan or a Match object.
/// A <see cref="RegexFilter"/> uses it only when its prefix and failregexes, expanded, are exactly the
/// texts below (<see cref="For"/>): an edited filter, another mode or another filter runs its regexes.
/// It reads only lines of printable ASCII (where <c>\d</c>, <c>\s</c> and <c>.</c> mean what this code
/// checks); any other line is declined and goes to the regexes. Each pattern's captures are found by the
/// unique split the backtracking engine finds: the address, port and tail contain no space, so they
/// are read from the line's end and the user name (<c>.*</c>) is what is left. A property test
/// (OpenSshReaderTests) checks reader = regexes on generated and sample lines, so a change to either fails.
/// Linear time: a bounded number of passes over the line.
/// </summary>
internal sealed partial class OpenSshReader
{
    // Written from these, as in filters/sshd.yaml with mode: normal (methods and only_aggressive expanded).
    private const string PrefixText = @"^(?:\S*[^\s:] +){0,6}?sshd(?:-session|-auth)?(?:\[\d+\])?: ";
    private static readonly string[] FailRegexTexts =
    [
        @"^Failed (?:password|keyboard-interactive/pam) for (?:invalid user )?(?<user>.*) from <HOST> port (?<sport>\d+) ssh2(?:: \S+ \S+)?$",
        @"^Invalid user (?<user>.*) from <HOST> port (?<sport>\d+)$",
        @"^Connection closed by (?:authenticating|invalid) user (?<user>.*) <HOST> port (?<sport>\d+) \[preauth\]$",
        @"^Disconnected from (?:authenticating|invalid) user (?<user>.*) <HOST> port (?<sport>\d+) \[preauth\]$",
        @"^(?:error: )?maximum authentication attempts exceeded for (?:invalid user )?(?<user>.*) from <HOST> port (?<sport>\d+) ssh2 \[preauth\]$",
        @"^Disconnecting (?:authenticating|invalid) user (?<user>.*) <HOST> port (?<sport>\d+): Too many authentication failures \[preauth\]$",
        @"^(?:error: )?banner exchange: Connection from <HOST> port (?<sport>\d+): (?:invalid format|could not read protocol version)(?: \[preauth\])?$",
        @"^Unable to negotiate with <HOST> port (?<sport>\d+): no matching [a-z ]+ found\. Their offer: ",
        @"^(?:pam_unix\(sshd:auth\): authentication failure|PAM \d+ more authentication failures?); logname=\S* uid=\d+ euid=\d+ tty=\S* ruser=\S* rhost=<HOST>(?:  user=(?<user>.*))?$",
        @"^[^\s\S]Received disconnect from <HOST> port (?<sport>\d+):11: .*\[preauth\]$",
        @"^[^\s\S]Connection (?:closed|reset) by <HOST> port (?<sport>\d+) \[preauth\]$",
        @"^[^\s\S]Timeout before authentication for <HOST> port (?<sport>\d+)$",
        @"^[^\s\S]Did not receive identification string from <HOST> port (?<sport>\d+)$",
    ];

    private const int FailedPattern = 0;
    private const int InvalidUserPattern = 1;
    private const int ConnectionClosedPattern = 2;
    private const int DisconnectedPattern = 3;
    private const int MaximumPattern = 4;
    private const int DisconnectingPattern = 5;
    private const int BannerPattern = 6;
    private const int NegotiatePattern = 7;
    private const int PamPattern = 8;
    private const int MaxPrefixWords = 6;

    private static readonly OpenSshReader Instance = new();

    private OpenSshReader()
    {
    }

    /// <summary>The reader when <paramref name="prefix"/> and <paramref name="failRegex"/> are exactly the patterns it was written from, else null.</summary>
    public static OpenSshReader? For(CompiledPattern? prefix, IReadOnlyList<CompiledPattern> failRegex)
    {
        ArgumentNullException.ThrowIfNull(failRegex);
        if (prefix?.Text != PrefixText || failRegex.Count != FailRegexTexts.Length)
        {
            return null;
        }
        for (var i = 0; i < FailRegexTexts.Length; i++)
        {
            if (failRegex[i].Text != HostPatterns.Expand(FailRegexTexts[i]))
            {
                return null;
            }
        }
        return Instance;
    }

    /// <summary>What the prefix and failregexes make of <paramref name="line"/>, or Declined.</summary>
    // Per log line: compiled optimised at its first call, not run unoptimised until tiering catches up (a quarter
    // of `scanjail regex` ran in unoptimised code; docs/performance.md, round 7). Likewise the other methods marked so here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReaderMatch Read(ReadOnlySpan<char> line)
    {
        // Printable ASCII only: no tab, newline or non-ASCII space or digit, whose regex meaning this code does not model.
        if (line.ContainsAnyExceptInRange(' ', '~'))
        {
            return ReaderMatch.Declined;
        }
        var start = PrefixEnd(line);
        return start < 0 ? ReaderMatch.Missed : ReadMessage(line, start);
    }

    // The prefix: up to six words (not ending in ':', each followed by spaces) before the first that is the
    // program tag, as few as possible (the lazy {0,6}?). Returns where the message starts, or -1.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PrefixEnd(ReadOnlySpan<char> line)
    {
        var at = 0;
        for (var words = 0; ; words++)
        {
            var tagEnd = TagEnd(line, at);
            if (tagEnd >= 0)
            {
                return tagEnd;
            }
            if (words == MaxPrefixWords)
            {
                return -1;
            }
            var space = line[at..].IndexOf(' ');
            if (space <= 0 || line[at + space - 1] == ':')
            {
                return -1;
            }
            at += space;
            var next = line[at..].IndexOfAnyExcept(' ');
            if (next < 0)
            {
                return -1;
            }
            at += next;
        }
    }

    // sshd, sshd-session or sshd-auth, an optional [PID], then ": ".
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int TagEnd(ReadOnlySpan<char> line, int at)
    {
        if (!line[at..].StartsWith("sshd", StringComparison.Ordinal))
        {
            return -1;
        }
        at += 4;
        if (line[at..].StartsWith("-session", StringComparison.Ordinal))
        {
            at += 8;
        }
        else if (line[at..].StartsWith("-auth", StringComparison.Ordinal))
        {
            at += 5;
        }
        if (at < line.Length && line[at] == '[')
        {
            var digits = Digits(line, at + 1);
            if (digits == 0 || !At(line, at + 1 + digits, "]"))
            {
                return -1;
            }
            at += digits + 2;
        }
        return At(line, at, ": ") ? at + 2 : -1;
    }

    // The failregexes' leading literals are exclusive: at most one pattern can match a message.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReaderMatch ReadMessage(ReadOnlySpan<char> line, int at)
    {
        if (After(line, at, "Failed ") is var failed and >= 0)
        {
            return Failed(line, failed);
        }
        if (After(line, at, "Invalid user ") is var invalid and >= 0)
        {
            return UserHostPort(line, InvalidUserPattern, invalid, true, false, "");
        }
        if (After(line, at, "Connection closed by ") is var closed and >= 0)
        {
            return AuthenticatingUser(line, ConnectionClosedPattern, closed, " [preauth]");
        }
        if (After(line, at, "Disconnected from ") is var disconnected and >= 0)
        {
            return AuthenticatingUser(line, DisconnectedPattern, disconnected, " [preauth]");
        }
        if (After(line, at, "Disconnecting ") is var disconnecting and >= 0)
        {
            return AuthenticatingUser(line, DisconnectingPattern, disconnecting, ": Too many authentication failures [preauth]");
        }
        if (After(line, at, "Unable to negotiate with ") is var negotiate and >= 0)
        {
            return Negotiate(line, negotiate);
        }
        if (After(line, at, "pam_unix(sshd:auth): authentication failure") is var pam and >= 0)
        {
            return Pam(line, pam);
        }
        if (AfterNumber(line, at, "PAM ") is var count and >= 0)
        {
            // failures? : the s is taken when present (without it, "; " would have to start where it stands).
            var more = After(line, count, " more authentication failure");
            return more < 0 ? ReaderMatch.Missed : Pam(line, At(line, more, "s") ? more + 1 : more);
        }
        // (?:error: )? before two patterns: taken when present (neither pattern's text could start where it stands).
        var rest = After(line, at, "error: ") is var error and >= 0 ? error : at;
        if (After(line, rest, "maximum authentication attempts exceeded for ") is var maximum and >= 0)
        {
            return UserHostPort(line, MaximumPattern, maximum, true, true, " ssh2 [preauth]");
        }
        if (After(line, rest, "banner exchange: Connection from ") is var banner and >= 0)
        {
            return Banner(line, banner);
        }
        return ReaderMatch.Missed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReaderMatch Failed(ReadOnlySpan<char> line, int at)
    {
        var user = After(line, at, "password for ") is var password and >= 0 ? password : After(line, at, "keyboard-interactive/pam for ");
        if (user < 0)
        {
            return ReaderMatch.Missed;
        }
        // ssh2(?:: \S+ \S+)?$ : either the line ends in " ssh2", or in " ssh2: WORD WORD".
        var plain = UserHostPort(line, FailedPattern, user, true, true, " ssh2");
        var withTail = TailWords(line, out var tailStart) ? UserHostPort(line[..tailStart], FailedPattern, user, true, true, " ssh2:") : ReaderMatch.Missed;
        // Both cannot hold (the word before the port would be both "port" and "ssh2:"); the greedy user takes the later split.
        return plain.Outcome == ReaderOutcome.Matched && (withTail.Outcome != ReaderOutcome.Matched || plain.Host.Start.Value > withTail.Host.Start.Value)
            ? plain
            : withTail;
    }

    // (?:authenticating|invalid) user (?<user>.*) <HOST> port (?<sport>\d+)TAIL$
    private static ReaderMatch AuthenticatingUser(ReadOnlySpan<char> line, int pattern, int at, string tail)
    {
        var user = After(line, at, "authenticating user ") is var authenticating and >= 0 ? authenticating : After(line, at, "invalid user ");
        return user < 0 ? ReaderMatch.Missed : UserHostPort(line, pattern, user, false, false, tail);
    }
}
