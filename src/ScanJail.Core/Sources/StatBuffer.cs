using System.Runtime.InteropServices;

namespace ScanJail.Core.Sources;

/// <summary>The head of struct stat (st_dev, st_ino) followed by room for the rest of it; see <see cref="NativeStat"/>.</summary>
[StructLayout(LayoutKind.Sequential, Size = 256)]
internal struct StatBuffer
{
    public ulong Device;
    public ulong Inode;
}
