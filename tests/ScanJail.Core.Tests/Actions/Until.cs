namespace ScanJail.Core.Tests.Actions;

/// <summary>Bounded polling: waits for a condition instead of assuming how fast a noisy machine is.</summary>
internal static class Until
{
    public static async Task TrueAsync(Func<bool> condition, string what, Action? step = null, int seconds = 10)
    {
        var deadline = Environment.TickCount64 + seconds * 1000L;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out after {seconds}s waiting for: {what}");
            }
            step?.Invoke();
            await Task.Delay(20);
        }
    }
}
