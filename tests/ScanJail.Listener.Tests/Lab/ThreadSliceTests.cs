namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// The real listener: the raw sensor's thread, which a scan's first probe wakes, runs with the short slice
/// (ScanJail.Core.Scheduling.ThreadSlice); the process's other threads keep the kernel's default.
/// </summary>
[Collection(LabGroup.Name)]
public sealed class ThreadSliceTests(LabNetwork lab)
{
    [Fact]
    public async Task The_raw_sensors_thread_has_the_short_slice_and_the_main_thread_the_default()
    {
        await using var listener = await ListenerProcess.StartAsync(lab, """tcp: { mode: atcp, ports: "1-1024" }""");
        var tasks = $"/proc/{listener.Pid}/task";
        string? Raw() => Directory.GetDirectories(tasks)
            .FirstOrDefault(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == "atcp on IPv4");
        await Wait.UntilAsync(() => Raw() is not null, "the raw sensor's thread", listener.Diagnostics);
        // Linux 6.12 and later show each thread's slice; the lab and CI machines run such a kernel.
        await Wait.UntilAsync(() => Slice(Raw()!) == "100000", "the raw thread's short slice", () => $"slice {Slice(Raw()!)}");
        Assert.NotNull(Slice(Path.Combine(tasks, listener.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.NotEqual("100000", Slice(Path.Combine(tasks, listener.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(0, await listener.StopAsync());
    }

    private static string? Slice(string task) => File.ReadLines(Path.Combine(task, "sched"))
        .Where(l => l.StartsWith("se.slice", StringComparison.Ordinal))
        .Select(l => l.Split(':')[1].Trim())
        .FirstOrDefault();
}
