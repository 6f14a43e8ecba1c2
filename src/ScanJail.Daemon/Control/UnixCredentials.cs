using System.Runtime.InteropServices;

namespace ScanJail.Daemon.Control;

/// <summary>Linux's <c>struct ucred</c>, filled by getsockopt(SO_PEERCRED).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UnixCredentials
{
    public int Pid;
    public uint Uid;
    public uint Gid;
}
