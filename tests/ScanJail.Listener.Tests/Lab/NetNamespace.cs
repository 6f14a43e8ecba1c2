using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ScanJail.Listener.Tests.Lab;

/// <summary>
/// Creates a socket inside a named network namespace from this test process: a dedicated thread
/// enters the namespace with setns(2), opens the socket and ends. A socket stays in the namespace
/// it was created in, so the test can then use it from any thread.
/// </summary>
public static partial class NetNamespace
{
    private const int CloneNewNet = 0x40000000;

    public static Socket CreateSocket(string ns, Func<Socket> create)
    {
        Socket? socket = null;
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
                socket = create();
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"cannot create a socket in {ns}", error);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
