using System.Runtime.InteropServices;

namespace ScanJail.Tests.Support;

/// <summary>
/// Runs <paramref name="create"/> on a dedicated thread that first entered a test's network namespace with
/// setns(2): a socket made there (a netlink socket, a raw or UDP socket) belongs to that namespace for its
/// whole life, whichever thread uses it later, so the test touches only the namespace, never the host's
/// network or firewall. The thread then ends.
/// </summary>
public static partial class NetNamespace
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
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or UnauthorizedAccessException)
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
