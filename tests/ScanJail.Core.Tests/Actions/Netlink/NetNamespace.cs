using System.Runtime.InteropServices;

namespace ScanJail.Core.Tests.Actions.Netlink;

/// <summary>
/// Runs <paramref name="create"/> on a dedicated thread that first entered a test's network namespace with
/// setns(2): a netlink socket made there belongs to that namespace for its whole life, whichever thread uses
/// it later, so the test changes only the namespace's firewall, never the host's. The thread then ends.
/// </summary>
internal static partial class NetNamespace
{
    private const int CloneNewNet = 0x40000000;

    public static T Inside<T>(string ns, Func<T> create) where T : class
    {
        T? made = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{ns}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns {ns} failed: errno {Marshal.GetLastPInvokeError()}");
                }
                made = create();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        // Never fall back to the host's namespace: no socket rather than one on the host's firewall.
        return made ?? throw new IOException($"cannot create it inside {ns}", error);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
