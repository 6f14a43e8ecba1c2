using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace ScanJail.Core.Jails;

/// <summary>
/// An IPv4 or IPv6 address as a 24-byte value, for tables with a million entries: no object, no
/// string, no per-entry allocation. Equal exactly when the <see cref="IPAddress"/>es are equal (same
/// family, bytes and IPv6 scope id up to 2^31), so a table keyed by it behaves as one keyed by the address.
/// </summary>
public readonly record struct AddressKey
{
    // IPv4 is marked in Tag (an IPv6 scope id is never negative), so ::ffff:192.0.2.1 and 192.0.2.1 stay apart, as IPAddress keeps them.
    private const int IPv4Tag = -1;

    private AddressKey(ulong high, ulong low, int tag)
    {
        High = high;
        Low = low;
        Tag = tag;
    }

    public ulong High { get; }
    public ulong Low { get; }
    public int Tag { get; }

    public bool IsIPv4 => Tag == IPv4Tag;

    public static AddressKey From(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return new AddressKey(0, BinaryPrimitives.ReadUInt32BigEndian(bytes), IPv4Tag);
        }
        address.TryWriteBytes(bytes, out _);
        return new AddressKey(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            (int)(address.ScopeId & int.MaxValue));
    }

    public IPAddress ToAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        if (IsIPv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)Low);
            return new IPAddress(bytes[..4]);
        }
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return new IPAddress(bytes, Tag);
    }

    /// <summary>A well-mixed hash (addresses in one network differ only in their last bits).</summary>
    public override int GetHashCode()
    {
        var h = (High * 0x9E3779B97F4A7C15UL) ^ (Low * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)(uint)Tag;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        return (int)(h ^ (h >> 32));
    }

    public override string ToString() => ToAddress().ToString();
}
