namespace ScanJail.Bench;

/// <summary>
/// The ban command both tools run (ScanJail's action and fail2ban's actionban): it appends
/// "EPOCHSECONDS.MICROS ADDRESS" to the stamp file, the time taken as it starts. By default a tiny
/// static C program built here with <c>cc</c>, which reads the clock as the first thing in
/// <c>main</c>: what the figure ends at is then the command starting, as the issue defines it.
/// <c>--stamp bash</c> (or no C compiler) uses <c>bash -c 'printf ... "$EPOCHREALTIME"'</c>, the
/// earlier method, whose own start (about 1.3 ms here: loading bash and its libraries) is counted
/// in the figure. Both tools get the same command in one run.
/// </summary>
internal sealed class StampCommand
{
    // Static: no dynamic loader between exec and the clock read. Errors are sysexits codes.
    private const string Source = """
        #include <fcntl.h>
        #include <stdio.h>
        #include <time.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
          struct timespec now;
          clock_gettime(CLOCK_REALTIME, &now);
          if (argc != 3) return 64;
          char line[160];
          int n = snprintf(line, sizeof line, "%lld.%06ld %s\n", (long long)now.tv_sec, now.tv_nsec / 1000, argv[1]);
          if (n <= 0 || n >= (int)sizeof line) return 65;
          int fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
          if (fd < 0) return 73;
          if (write(fd, line, (size_t)n) != n) return 74;
          return close(fd) == 0 ? 0 : 74;
        }
        """;

    private StampCommand(IReadOnlyList<string> prefix, string name)
    {
        Prefix = prefix;
        Name = name;
    }

    /// <summary>The argv before the two arguments (address, stamp file).</summary>
    public IReadOnlyList<string> Prefix { get; }

    /// <summary>What the table's header says about the method.</summary>
    public string Name { get; }

    /// <summary>The command chosen for this run (<see cref="Choose"/>).</summary>
    public static StampCommand Current { get; private set; } = Bash();

    /// <summary>Builds the C stamper into <paramref name="dir"/> unless <paramref name="bash"/>; falls back to bash without a compiler.</summary>
    public static StampCommand Choose(string dir, bool bash)
    {
        Current = bash ? Bash() : Compile(dir) ?? Bash();
        return Current;
    }

    /// <summary>A YAML flow sequence for ScanJail's action: the command with the address tag and the stamp file.</summary>
    public string Yaml(string stamps) =>
        "[" + string.Join(", ", Prefix.Select(Quote).Append("\"<ip>\"").Append(Quote(stamps))) + "]";

    /// <summary>fail2ban's actionban line (run by its shell): the same command.</summary>
    public string Fail2BanLine(string stamps) =>
        string.Join(' ', Prefix.Select(p => p.Contains(' ', StringComparison.Ordinal) ? $"'{p.Replace("%", "%%", StringComparison.Ordinal)}'" : p)) + $" <ip> {stamps}";

    private static string Quote(string text) => text.Contains('\'', StringComparison.Ordinal) ? $"\"{text.Replace("\"", "\\\"", StringComparison.Ordinal)}\"" : $"'{text}'";

    private static StampCommand Bash() => new(["bash", "-c", StampLog.Script, "stamp"], "bash -c 'printf ... $EPOCHREALTIME' (its start counted)");

    private static StampCommand? Compile(string dir) =>
        CProgram.Build(dir, "stamp", Source) is { } program
            ? new StampCommand([program], "a static C program stamping its start (clock read first in main)")
            : null;
}
