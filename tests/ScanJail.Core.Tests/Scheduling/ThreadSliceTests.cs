using System.Runtime.InteropServices;
using ScanJail.Core.Scheduling;

namespace ScanJail.Core.Tests.Scheduling;

/// <summary>The real kernel: the slice a thread asked for, read back from /proc/thread-self/sched.</summary>
public sealed partial class ThreadSliceTests
{
    [Fact]
    public void The_calling_thread_gets_the_slice_and_keeps_its_nice_value()
    {
        var (shortened, nice, before, after) = OnOwnThread(() =>
        {
            Assert.Equal(0, SetPriority(0, 0, 3));
            var before = Slice();
            var shortened = ThreadSlice.TryShorten(ThreadSlice.Shortest);
            return (shortened, GetPriority(0, 0), before, Slice());
        });
        Assert.True(shortened);
        Assert.Equal(3, nice);
        // Linux 6.12 and later report each thread's slice; the lab and CI machines run such a kernel.
        Assert.NotNull(before);
        Assert.NotEqual("100000", before);
        Assert.Equal("100000", after);
        Assert.Equal(before, Slice());
    }

    [Fact]
    public void A_thread_started_by_a_shortened_thread_gets_the_default_slice()
    {
        var (mine, child, fresh) = OnOwnThread(() =>
        {
            var fresh = Slice();
            ThreadSlice.TryShorten(ThreadSlice.Shortest);
            return (Slice(), OnOwnThread(Slice), fresh);
        });
        Assert.Equal("100000", mine);
        Assert.Equal(fresh, child);
    }

    [Fact]
    public void A_longer_slice_is_taken_as_asked()
    {
        var (shortened, after) = OnOwnThread(() => (ThreadSlice.TryShorten(TimeSpan.FromMilliseconds(2)), Slice()));
        Assert.True(shortened);
        Assert.Equal("2000000", after);
    }

    /// <summary>The slice in ns from the calling thread's scheduler statistics, null where the kernel does not show it.</summary>
    private static string? Slice() => File.ReadLines("/proc/thread-self/sched")
        .Where(l => l.StartsWith("se.slice", StringComparison.Ordinal))
        .Select(l => l.Split(':')[1].Trim())
        .FirstOrDefault();

    /// <summary>Runs <paramref name="work"/> on a thread of its own, so the test runner's threads keep their slice.</summary>
    private static T OnOwnThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("the thread's work failed", failure);
    }

    [LibraryImport("libc", EntryPoint = "getpriority")]
    private static partial int GetPriority(int which, uint who);

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, uint who, int nice);
}
