using System.Globalization;
using System.Runtime.InteropServices;
using ScanJail.Core.Actions;

namespace ScanJail.Core.Tests.Actions;

/// <summary>The posix_spawn path for commands, with real processes: what the child gets, exit codes, reaping, killing.</summary>
public sealed partial class ChildProcessTests
{
    private static readonly string[] Plain = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

    private static async Task<(int? Code, string Output)> RunAsync(params string[] argv)
    {
        using var child = ChildProcess.Start(argv, Plain);
        var ended = await child.Finished.WaitAsync(TimeSpan.FromSeconds(30));
        return (ended.ExitCode, ended.Output);
    }

    [Fact]
    public async Task Exit_codes_come_through_and_a_signal_counts_as_128_plus_its_number()
    {
        Assert.Equal(0, (await RunAsync("true")).Code);
        Assert.Equal(7, (await RunAsync("sh", "-c", "exit 7")).Code);
        Assert.Equal(128 + 15, (await RunAsync("sh", "-c", "kill -TERM $$")).Code);
    }

    [Fact]
    public async Task The_child_gets_exactly_the_argv_and_environment_given()
    {
        using var child = ChildProcess.Start(["sh", "-c", "printf '%s|' \"$@\"; printf '%s' \"$SCANJAIL_IP\"", "sh", "a b", "$HOME", "; rm -rf /"],
            [.. Plain, "SCANJAIL_IP=192.0.2.7"]);
        var ended = await child.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("a b|$HOME|; rm -rf /|192.0.2.7", ended.Output);
        Assert.Equal(0, ended.ExitCode);
    }

    [Fact]
    public async Task A_command_given_no_input_reads_end_of_file_at_once_from_the_null_device()
    {
        // cat would wait for ever on a stdin that never ends; the link says where stdin points.
        using var child = ChildProcess.Start(["sh", "-c", "cat; readlink /proc/self/fd/0"], Plain);
        var ended = await child.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(child.StandardInput);
        Assert.Equal("/dev/null\n", ended.Output);
        Assert.Equal(0, ended.ExitCode);
    }

    [Fact]
    public async Task A_command_given_input_reads_it_from_a_pipe_until_the_engine_closes_it()
    {
        using var child = ChildProcess.Start(["sh", "-c", "cat; readlink /proc/self/fd/0"], Plain, input: true);
        await using (var writer = new StreamWriter(child.StandardInput!))
        {
            await writer.WriteAsync("add element 192.0.2.7\n");
        }
        var ended = await child.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("add element 192.0.2.7\npipe:[", ended.Output, StringComparison.Ordinal);
        Assert.Equal(0, ended.ExitCode);
    }

    [Fact]
    public async Task The_child_starts_with_no_signal_blocked_or_ignored_and_only_its_three_streams_open()
    {
        // The programs themselves read their own state (a shell would block signals while it waits for a child).
        var (_, status) = await RunAsync("grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status");
        var (_, listing) = await RunAsync("ls", "/proc/self/fd");

        Assert.Contains("SigBlk:\t0000000000000000", status, StringComparison.Ordinal);
        Assert.Contains("SigIgn:\t0000000000000000", status, StringComparison.Ordinal);
        // ls opens one more, the directory it lists. Nothing else: not the engine's own descriptors, not the other
        // ends of the pipes, and not those the test host holds without close-on-exec (its runner's).
        var fds = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.Equal([0, 1, 2], fds.Where(fd => fd <= 2));
        Assert.True(fds.Count(fd => fd > 2) <= 1, $"descriptors open in the child: {string.Join(' ', fds)}");
    }

    [Fact]
    public async Task A_descriptor_without_close_on_exec_in_the_engine_does_not_reach_the_child()
    {
        // A pipe made without O_CLOEXEC: what another thread's open looks like before it sets the flag.
        var ends = new int[2];
        Assert.Equal(0, Pipe(ends));
        try
        {
            Assert.False(CloseOnExec($"/proc/self/fdinfo/{ends[0]}"));
            var (_, listing) = await RunAsync("ls", "/proc/self/fd");
            var fds = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            Assert.DoesNotContain(ends[0], fds);
            Assert.DoesNotContain(ends[1], fds);
        }
        finally
        {
            _ = Close(ends[0]);
            _ = Close(ends[1]);
        }
    }

    [LibraryImport("libc", EntryPoint = "pipe")]
    private static partial int Pipe([Out] int[] fds);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    // fdinfo's "flags:" is octal; O_CLOEXEC is 02000000.
    private static bool CloseOnExec(string fdinfo)
    {
        try
        {
            var flags = File.ReadLines(fdinfo).First(l => l.StartsWith("flags:", StringComparison.Ordinal))[6..].Trim();
            return (Convert.ToInt64(flags, 8) & 0x80000) != 0;
        }
        catch (IOException)
        {
            return true; // closed meanwhile
        }
    }

    [Fact]
    public async Task The_child_leads_a_process_group_of_its_own()
    {
        using var child = ChildProcess.Start(["cat", "/proc/self/stat"], Plain);
        var stat = (await child.Finished.WaitAsync(TimeSpan.FromSeconds(30))).Output;

        // pid (comm) state ppid pgrp ...
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(child.Id, int.Parse(fields[2], CultureInfo.InvariantCulture));
        Assert.Equal(Environment.ProcessId, int.Parse(fields[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Every_child_is_reaped_no_zombie_is_left()
    {
        var children = Enumerable.Range(0, 40).Select(i => ChildProcess.Start(["sh", "-c", $"exit {i % 3}"], Plain)).ToList();
        var codes = await Task.WhenAll(children.Select(async c => (await c.Finished).ExitCode)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (int?)(i % 3)), codes);
        foreach (var child in children)
        {
            AssertReaped(child);
            child.Dispose();
        }
    }

    [Fact]
    public async Task Children_that_end_in_any_order_are_all_reaped_by_one_thread()
    {
        // Started first, ended last: each exit code reaches its own child whatever the order of the exits.
        var children = Enumerable.Range(0, 20).Select(i => ChildProcess.Start(["sh", "-c", $"sleep 0.{20 - i:D2}; exit {i + 1}"], Plain)).ToList();
        var reapers = ReaperThreads();
        var codes = await Task.WhenAll(children.Select(async c => (await c.Finished).ExitCode)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (int?)i), codes);
        Assert.Equal(1, reapers);
        children.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Where_pidfds_are_missing_each_child_is_reaped_by_a_thread_of_its_own()
    {
        var children = Enumerable.Range(0, 5).Select(i => ChildProcess.Start(["sh", "-c", $"exit {i + 3}"], Plain, reaperOfItsOwn: true)).ToList();
        using var sleeper = ChildProcess.Start(["sleep", "60"], Plain, reaperOfItsOwn: true);
        var codes = await Task.WhenAll(children.Select(async c => (await c.Finished).ExitCode)).WaitAsync(TimeSpan.FromSeconds(60));
        sleeper.KillAll();

        Assert.Equal(Enumerable.Range(3, 5).Select(i => (int?)i), codes);
        Assert.Equal(128 + 9, (await sleeper.Finished.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode);
        foreach (var child in children.Append(sleeper))
        {
            AssertReaped(child);
        }
        children.ForEach(c => c.Dispose());
        // Their threads end with them (the other test counts the reaping threads).
        await Until.TrueAsync(() => ReaperThreads() <= 1, "the children's own reaping threads to end");
    }

    // Reaped: the pid is gone from /proc, not left as a zombie ("Z").
    private static void AssertReaped(ChildProcess child) =>
        Assert.False(Directory.Exists($"/proc/{child.Id}") && File.ReadAllText($"/proc/{child.Id}/stat").Contains(") Z ", StringComparison.Ordinal),
            $"pid {child.Id} is a zombie");

    private static int ReaperThreads() => Directory.GetDirectories("/proc/self/task").Count(task =>
    {
        try
        {
            return File.ReadAllText($"{task}/comm").Trim() == ChildReaper.ThreadName;
        }
        catch (IOException)
        {
            return false; // the thread ended meanwhile
        }
    });

    [Fact]
    public async Task A_child_another_reaper_took_still_ends_with_its_exit_code_lost()
    {
        // The test reaps the child itself, racing the engine's reaper, as .NET does when the engine was started with
        // SIGCHLD ignored: exactly one of the two gets the status, and Finished completes either way.
        using var child = ChildProcess.Start(["sh", "-c", "sleep 0.3; exit 5"], Plain);
        var taken = WaitPid(child.Id, out var status, 0);
        var code = (await child.Finished.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode;

        if (taken == child.Id)
        {
            Assert.Equal(5, (status >> 8) & 0xff);
            Assert.Null(code);
        }
        else
        {
            Assert.Equal(5, code);
        }
    }

    [LibraryImport("libc", EntryPoint = "waitpid")]
    private static partial int WaitPid(int pid, out int status, int options);

    [Fact]
    public async Task KillAll_ends_the_child_and_the_children_in_its_group()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"scanjail-killall-{Guid.NewGuid():N}");
        using var child = ChildProcess.Start(["sh", "-c", $"sleep 60 & echo $! > {pidFile}.new; mv {pidFile}.new {pidFile}; wait"], Plain);
        await Until.TrueAsync(() => File.Exists(pidFile), "the background sleep's pid");
        var sleeper = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        File.Delete(pidFile);

        child.KillAll();

        Assert.Equal(128 + 9, (await child.Finished.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode);
        await Until.TrueAsync(() => !Directory.Exists($"/proc/{sleeper}") || File.ReadAllText($"/proc/{sleeper}/stat").Contains(") Z ", StringComparison.Ordinal),
            $"the background sleep (pid {sleeper}) to be killed");
        // Killing after the reap is a no-op, never a signal to a reused pid.
        child.KillAll();
    }

    [Fact]
    public void A_missing_or_non_executable_program_fails_to_start_with_the_systems_reason()
    {
        var missing = Assert.Throws<ChildStartException>(() => ChildProcess.Start(["/nonexistent/scanjail-test-program"], Plain));
        Assert.Equal("No such file or directory", missing.Message);
        Assert.Throws<ChildStartException>(() => ChildProcess.Start(["/etc/hostname"], Plain));
        Assert.Throws<ChildStartException>(() => ChildProcess.Start(["scanjail-no-such-program-in-path"], Plain));
    }

    [Fact]
    public void A_name_without_a_slash_is_found_in_PATH_and_never_in_the_current_directory()
    {
        Assert.True(Path.IsPathRooted(ChildProcess.Resolve("sh")));
        Assert.Equal("./x", ChildProcess.Resolve("./x"));
        Assert.Equal("scanjail-no-such-program-in-path", ChildProcess.Resolve("scanjail-no-such-program-in-path"));
    }
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_verbose_command_never_blocks_and_the_start_of_each_stream_is_kept(bool reaperOfItsOwn)
    {
        // 1 MB on each stream, far past a pipe's 64 KB: a command nobody reads would block until its timeout.
        using var child = ChildProcess.Start(["sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' o; echo oops >&2; head -c 1048576 /dev/zero | tr '\\0' e >&2; exit 4"],
            Plain, reaperOfItsOwn: reaperOfItsOwn);

        var ended = await child.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(4, ended.ExitCode);
        Assert.Equal(new string('o', ChildOutput.Kept), ended.Output);
        Assert.StartsWith("oops\neee", ended.Errors, StringComparison.Ordinal);
        Assert.Equal(ChildOutput.Kept, ended.Errors.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Output_held_open_by_a_process_that_left_the_group_ends_the_command_after_the_grace(bool reaperOfItsOwn)
    {
        // setsid: the background sleep leaves the command's group, as a daemon does, and keeps stdout and stderr open.
        var pidFile = Path.Combine(Path.GetTempPath(), $"scanjail-grace-{Guid.NewGuid():N}");
        using var child = ChildProcess.Start(["sh", "-c", $"echo started; setsid sleep 30 & echo $! > {pidFile}; exit 6"], Plain, reaperOfItsOwn: reaperOfItsOwn);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var ended = await child.Finished.WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(6, ended.ExitCode);
            Assert.Equal("started\n", ended.Output);
            Assert.InRange(clock.Elapsed, ChildProcess.OutputGrace - TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(15));
            AssertReaped(child);
        }
        finally
        {
            // The test's own grandchild, by the pid it wrote.
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var sleeper))
            {
                _ = Kill(sleeper, 9);
            }
            File.Delete(pidFile);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    [Fact]
    public async Task What_awaits_a_command_goes_on_on_the_reaping_thread_without_a_hop_to_the_pool()
    {
        // Still running when the continuation is added, so that it cannot run at once on the test's thread.
        using var child = ChildProcess.Start(["sleep", "0.3"], Plain);

        var thread = await child.Finished.ContinueWith(_ => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((ChildReaper.ThreadName, false), thread);
    }
}
