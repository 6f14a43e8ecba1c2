namespace ScanJail.Listener.Tests.Lab;

/// <summary>Bounded polling: the machine is shared and noisy, so tests wait for conditions, never for fixed times.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, Func<string>? context = null, double seconds = 30)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(seconds);
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"Timed out after {seconds} s waiting for {what}.{(context is null ? "" : "\n" + context())}");
            }
            await Task.Delay(20);
        }
    }
}
