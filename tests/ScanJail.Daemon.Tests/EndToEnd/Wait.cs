namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>Bounded polling: the machine is shared and noisy, so tests wait for conditions, never for fixed times.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, EngineProcess? engine = null, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}.{(engine is null ? "" : $"\nEngine output:\n{engine.Output}")}");
            }
            await Task.Delay(20);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, EngineProcess? engine = null, double seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}.{(engine is null ? "" : $"\nEngine output:\n{engine.Output}")}");
            }
            await Task.Delay(50);
        }
    }
}
