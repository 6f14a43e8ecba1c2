namespace ScanJail.Bench;

/// <summary>
/// The ban command both tools run (ScanJail's action and fail2ban's actionban): it appends
/// "EPOCHSECONDS.MICROS ADDRESS" to the stamp file, the time taken as it starts. By default a tiny
/// static program built here with <c>cc</c> that reads the clock at its entry point, before any C
/// library start-up: what the figure ends at is then the command starting, as the issue defines it.
/// <c>--stamp c</c> reads it first thing in <c>main</c> (rounds 5 to 21), after glibc's start-up (about
/// 0.5 ms here, see <see cref="EntrySource"/>); <c>--stamp bash</c> (or no C compiler) uses
/// <c>bash -c 'printf ... "$EPOCHREALTIME"'</c>, as up to round 4, whose own start (about 1.3 ms here:
/// loading bash and its libraries) is counted in the figure. Both tools get the same command in one run.
/// </summary>
internal sealed class StampCommand
{
    /// <summary>
    /// The default stamp: the clock is read at the program's entry point, before any C library start-up. On this
    /// machine glibc's start-up (a static program's too) asks the CPU for its cache sizes with CPUID, which traps to
    /// the hypervisor: about 0.5 ms at p50 (round 22), spent inside the command after it has started, that
    /// <see cref="Source"/> counts. x86-64 Linux only (its system calls made by hand); elsewhere <see cref="Source"/>.
    /// </summary>
    private const string EntrySource = """
        #include <fcntl.h>
        #include <sys/syscall.h>
        #include <time.h>
        static long sys(long n, long a, long b, long c) {
          long r;
          __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
          return r;
        }
        static int digits(char *to, unsigned long v, int width) {
          char t[24];
          int n = 0;
          do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v != 0 || n < width);
          for (int i = 0; i < n; i++) to[i] = t[n - 1 - i];
          return n;
        }
        void stamp_entry(long *sp) {
          struct timespec now;
          sys(SYS_clock_gettime, CLOCK_REALTIME, (long)&now, 0);
          char **argv = (char **)(sp + 1);
          if (sp[0] != 3) sys(SYS_exit_group, 64, 0, 0);
          char line[160];
          int n = digits(line, (unsigned long)now.tv_sec, 1);
          line[n++] = '.';
          n += digits(line + n, (unsigned long)now.tv_nsec / 1000, 6);
          line[n++] = ' ';
          for (const char *a = argv[1]; *a != 0; a++) {
            if (n >= 150) sys(SYS_exit_group, 65, 0, 0);
            line[n++] = *a;
          }
          line[n++] = '\n';
          long fd = sys(SYS_open, (long)argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
          if (fd < 0) sys(SYS_exit_group, 73, 0, 0);
          if (sys(SYS_write, fd, (long)line, n) != n) sys(SYS_exit_group, 74, 0, 0);
          sys(SYS_exit_group, sys(SYS_close, fd, 0, 0) == 0 ? 0 : 74, 0, 0);
        }
        __asm__(".globl _start\n_start:\n\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall stamp_entry\n\thlt\n");
        """;

    // For EntrySource: no C library, and no call the compiler would make into one (memcpy for a loop).
    private static readonly string[] EntryFlags = ["-nostdlib", "-ffreestanding", "-fno-builtin", "-fno-stack-protector", "-fno-tree-loop-distribute-patterns"];

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

    /// <summary><paramref name="kind"/>: "entry" (the default, <see cref="EntrySource"/>), "c" (<see cref="Source"/>) or "bash"; each falls back to the next.</summary>
    public static StampCommand Choose(string dir, string kind)
    {
        Current = kind switch
        {
            "bash" => Bash(),
            "c" => Compile(dir) ?? Bash(),
            _ => CompileEntry(dir) ?? Compile(dir) ?? Bash(),
        };
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

    private static StampCommand? CompileEntry(string dir) =>
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64
        && CProgram.Build(dir, "stamp-entry", EntrySource, EntryFlags) is { } program
            ? new StampCommand([program], "a static program stamping its start at its entry point, before any C library start-up")
            : null;

    private static StampCommand? Compile(string dir) =>
        CProgram.Build(dir, "stamp", Source) is { } program
            ? new StampCommand([program], "a static C program stamping its start (clock read first in main)")
            : null;
}
