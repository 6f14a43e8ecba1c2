using System.Runtime.CompilerServices;

namespace ScanJail.Tests.Support;

/// <summary>
/// Golden files in Verify's naming (<c>Class.Method.verified.txt</c> beside the test source), so that
/// Verify can replace this helper once the registry serves it. On a mismatch the actual text is written
/// to <c>*.received.txt</c>; run with <c>SCANJAIL_ACCEPT=1</c> to accept it as the new golden file.
/// </summary>
public static class Golden
{
    public static void Verify(string actual, string name, [CallerFilePath] string sourceFile = "")
    {
        var dir = Path.GetDirectoryName(sourceFile)!;
        var verified = Path.Combine(dir, $"{name}.verified.txt");
        var received = Path.Combine(dir, $"{name}.received.txt");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (Environment.GetEnvironmentVariable("SCANJAIL_ACCEPT") == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        var expected = File.Exists(verified) ? File.ReadAllText(verified) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No golden file {verified}; the output was written to {received}. Review it, then run with SCANJAIL_ACCEPT=1."
            : $"Output differs from {verified}; see {received}.\n--- expected\n{expected}\n--- actual\n{actual}");
    }
}
