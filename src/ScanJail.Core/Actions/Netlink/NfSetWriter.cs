using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions.Netlink;

/// <summary>
/// Writes bans as elements of an nf_tables set over netlink, in one transaction per batch: the
/// kernel has the drop in force when <see cref="Apply"/> returns, with no tool process in between
/// (no wake-up of <c>nft -i</c>, no parse of a text line, no thread reading its answer). A ban adds
/// its address with the ban's remaining time as the element's timeout; an unban adds the element and
/// deletes it in the same transaction, so an element already gone (expired) is no error. Addresses go
/// to the kernel as their bytes. Errors (no such table or set: the firewall was flushed) come back as
/// text, for the action's queue to retry and, after giving up, to repair. Not thread-safe: the
/// action's queue loop owns it.
/// </summary>
internal sealed class NfSetWriter : IDisposable
{
    private const ushort NlmsgError = 2;
    private const int MaxElementsPerMessage = 512;

    private readonly Func<NetlinkSocket> _open;
    private readonly byte _family;
    private readonly string _table;
    private readonly string _inet4Set;
    private readonly string _inet6Set;
    private readonly NfTablesBatch _batch = new();
    private readonly byte[] _answer = new byte[16384];
    private NetlinkSocket? _socket;
    private uint _sequence;

    /// <param name="open">Opens the socket (in the namespace whose firewall is meant); called again after a failure.</param>
    public NfSetWriter(byte family, string table, string inet4Set, string inet6Set, Func<NetlinkSocket> open)
    {
        _family = family;
        _table = table;
        _inet4Set = inet4Set;
        _inet6Set = inet6Set;
        _open = open;
        // Sequence numbers start away from zero and from any earlier socket's, so a stale answer is never taken for a new one.
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>Batches sent so far (for tests and the debug log).</summary>
    public long Batches { get; private set; }

    /// <summary>Opens the socket now, so the first ban does not pay for it; null when it is open, else why not.</summary>
    public string? EnsureOpen()
    {
        if (_socket is not null)
        {
            return null;
        }
        try
        {
            _socket = _open();
            return null;
        }
        catch (IOException e)
        {
            return $"netlink: {e.Message}";
        }
    }

    /// <summary>Applies <paramref name="bans"/> (or lifts them, for <see cref="ActionVerb.Unban"/>) in one transaction; null when the kernel took it.</summary>
    public string? Apply(ActionVerb verb, IReadOnlyList<Ban> bans, DateTimeOffset now)
    {
        if (EnsureOpen() is { } openError)
        {
            return openError;
        }
        var unban = verb == ActionVerb.Unban;
        var v4 = new List<(byte[], ulong?)>();
        var v6 = new List<(byte[], ulong?)>();
        foreach (var ban in bans)
        {
            var six = ban.Address.AddressFamily == AddressFamily.InterNetworkV6;
            // The ban's whole seconds left, at least one, as nft's `timeout <remaining>s` would give; none when permanent.
            ulong? timeout = unban || ban.End is not { } end ? null : (ulong)Math.Max(1, (long)(end - now).TotalSeconds) * 1000;
            (six ? v6 : v4).Add((ban.Address.GetAddressBytes(), timeout));
        }
        _batch.Begin(++_sequence);
        foreach (var (set, elements) in new[] { (_inet4Set, v4), (_inet6Set, v6) })
        {
            foreach (var chunk in elements.Chunk(MaxElementsPerMessage))
            {
                _batch.SetElements(delete: false, _family, _table, set, chunk, ++_sequence);
                if (unban)
                {
                    _batch.SetElements(delete: true, _family, _table, set, chunk, ++_sequence);
                }
            }
        }
        _batch.End(++_sequence);
        try
        {
            _socket!.Send(_batch.Bytes);
            Batches++;
            return ReadAnswers();
        }
        catch (IOException e)
        {
            Reopen();
            return $"netlink: {e.Message}";
        }
    }

    /// <summary>
    /// Reads one answer per acknowledged message (the kernel writes them while it handles the send, so they
    /// are waiting already); an error answer to the batch's own header ends the batch at once.
    /// </summary>
    private string? ReadAnswers()
    {
        var waiting = new HashSet<uint>(_batch.Acknowledged);
        string? error = null;
        while (waiting.Count > 0)
        {
            var length = _socket!.Receive(_answer);
            if (length < 0)
            {
                // Answers that come later must not be read as the next batch's: a new socket.
                Reopen();
                return error ?? "netlink: the kernel gave no answer in time";
            }
            for (var at = 0; at + 16 <= length;)
            {
                var span = _answer.AsSpan(at, length - at);
                var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                var sequence = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                if (size < 16 || size > span.Length)
                {
                    break;
                }
                if (type == NlmsgError && size >= 20)
                {
                    var code = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
                    var mine = waiting.Remove(sequence);
                    if (code != 0)
                    {
                        error ??= Describe(-code);
                    }
                    if (!mine && sequence == _batch.BeginSequence && code != 0)
                    {
                        return error;
                    }
                }
                at += (size + 3) & ~3;
            }
        }
        return error;
    }

    private string Describe(int errno)
    {
        var what = errno switch
        {
            2 => $"table {_table} or its set does not exist (flushed?)",
            28 => "the set is full",
            _ => Marshal.GetPInvokeErrorMessage(errno),
        };
        return $"netlink: {what} (errno {errno})";
    }

    private void Reopen()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose() => Reopen();
}
