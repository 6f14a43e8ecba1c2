using System.Buffers.Binary;
using System.Text;

namespace ScanJail.Core.Actions.Netlink;

/// <summary>
/// Writes one nf_tables transaction as netlink messages in one buffer: <c>NFNL_MSG_BATCH_BEGIN</c>, set
/// element messages, <c>NFNL_MSG_BATCH_END</c> (constants from linux/netfilter/nfnetlink.h and nf_tables.h).
/// The kernel applies all of it or none. Every element message asks for an acknowledgement, so the
/// answer tells which message failed and the writer knows when it has heard about all of them.
/// Host byte order is little-endian here (x86-64, arm64); netlink headers are in host order, the
/// element's key and timeout in network order.
/// </summary>
internal sealed class NfTablesBatch
{
    private const ushort NlmFRequest = 0x01;
    private const ushort NlmFAck = 0x04;
    private const ushort NlmFCreate = 0x400;
    private const ushort NlaFNested = 0x8000;
    private const ushort BatchBegin = 0x10;
    private const ushort BatchEnd = 0x11;
    private const ushort SubsysNfTables = 10;
    private const ushort MsgNewSetElem = 12;
    private const ushort MsgDelSetElem = 14;
    private const ushort ListTable = 1;
    private const ushort ListSet = 2;
    private const ushort ListElements = 3;
    private const ushort ListElem = 1;
    private const ushort ElemKey = 1;
    private const ushort ElemTimeout = 4;
    private const ushort DataValue = 1;
    private const int HeaderLength = 16;

    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _messageStart;
    private readonly Stack<int> _nests = new();
    private readonly List<uint> _acked = [];

    /// <summary>The sequence number of the batch-begin message (an error answer to it fails the whole batch).</summary>
    public uint BeginSequence { get; private set; }

    /// <summary>Sequence numbers of the messages that will each be acknowledged.</summary>
    public IReadOnlyList<uint> Acknowledged => _acked;

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>Starts a new transaction; <paramref name="sequence"/> numbers its first message, later ones count up.</summary>
    public void Begin(uint sequence)
    {
        _length = 0;
        _acked.Clear();
        BeginSequence = sequence;
        // The batch header is addressed to the nf_tables subsystem through its resource id (network order).
        StartMessage(BatchBegin, NlmFRequest, sequence, family: 0, resourceId: SubsysNfTables);
        EndMessage();
    }

    /// <summary>
    /// Adds (or, with <paramref name="delete"/>, removes) <paramref name="elements"/> in set <paramref name="set"/>
    /// of table <paramref name="table"/>. Each element is its key bytes (4 for IPv4, 16 for IPv6) and a timeout
    /// in milliseconds, or null for none (permanent, or not needed for a delete).
    /// </summary>
    public void SetElements(bool delete, byte family, string table, string set, IReadOnlyList<(byte[] Key, ulong? TimeoutMs)> elements, uint sequence)
    {
        var type = (ushort)((SubsysNfTables << 8) | (delete ? MsgDelSetElem : MsgNewSetElem));
        // Create without EXCL: an element that is there already is no error (and gets the new timeout).
        StartMessage(type, (ushort)(NlmFRequest | NlmFAck | (delete ? 0 : NlmFCreate)), sequence, family, resourceId: 0);
        _acked.Add(sequence);
        String(ListTable, table);
        String(ListSet, set);
        Nest(ListElements);
        foreach (var (key, timeout) in elements)
        {
            Nest(ListElem);
            Nest(ElemKey);
            Attribute(DataValue, key);
            EndNest();
            EndNest(timeout);
        }
        EndNest();
        EndMessage();
    }

    /// <summary>Ends the transaction: the kernel commits it once it reads this.</summary>
    public void End(uint sequence)
    {
        StartMessage(BatchEnd, NlmFRequest, sequence, family: 0, resourceId: SubsysNfTables);
        EndMessage();
    }

    private void StartMessage(ushort type, ushort flags, uint sequence, byte family, ushort resourceId)
    {
        _messageStart = _length;
        var header = Reserve(HeaderLength + 4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        // nfgenmsg: family, version NFNETLINK_V0, resource id.
        header[16] = family;
        header[17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[18..], resourceId);
    }

    private void EndMessage() =>
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_messageStart), (uint)(_length - _messageStart));

    private void String(ushort type, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var span = AttributeSpan(type, count + 1);
        Encoding.UTF8.GetBytes(value, span);
        span[count] = 0;
    }

    private void Attribute(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(AttributeSpan(type, value.Length));

    private Span<byte> AttributeSpan(ushort type, int length)
    {
        var span = Reserve(Align(4 + length));
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(4 + length));
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        span[(4 + length)..].Clear();
        return span.Slice(4, length);
    }

    private void Nest(ushort type)
    {
        _nests.Push(_length);
        var span = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)(type | NlaFNested));
    }

    /// <summary>Closes the innermost nest; a list element gets its timeout (network order, milliseconds) last.</summary>
    private void EndNest(ulong? timeoutMs = null)
    {
        if (timeoutMs is { } ms)
        {
            BinaryPrimitives.WriteUInt64BigEndian(AttributeSpan(ElemTimeout, 8), ms);
        }
        var start = _nests.Pop();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), checked((ushort)(_length - start)));
    }

    private Span<byte> Reserve(int length)
    {
        if (_length + length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + length));
        }
        var span = _buffer.AsSpan(_length, length);
        _length += length;
        return span;
    }

    private static int Align(int length) => (length + 3) & ~3;
}
