using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using ScanJail.Core.Bans;
using ScanJail.Core.Net;

namespace ScanJail.Core.Persistence;

/// <summary>
/// Bans made durable before their rows: one JSON line each, appended with a single write to a file beside the
/// database (<c>DATABASE-bans</c>). After an idle rest that write costs about 30 µs, the ban's rows and their commit
/// about 200 µs (round 22), so a batch whose bans are all here lets their actions start before its commit, and a
/// kill -9 between the two still loses no ban that reached a firewall: the next <see cref="SqliteStore.Open"/> writes
/// the rows of the records whose batch never committed. Each record has a sequence number; a batch's commit stores
/// the highest it covers (meta 'journal'), so which records to write again is exact. Emptied after each commit.
/// Like the commit under synchronous=NORMAL, a record survives the process, not a power cut before the next sync.
/// </summary>
internal sealed class BanJournal : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;
    private readonly SafeFileHandle _file;
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;
    private long _length;

    private BanJournal(SafeFileHandle file, long length)
    {
        _file = file;
        _length = length;
        _writer = new Utf8JsonWriter(_buffer);
    }

    public static string PathFor(string database) => database + "-bans";

    /// <summary>Opens (creating if needed) the journal at <paramref name="path"/>, to read what it holds and append.</summary>
    public static BanJournal Open(string path)
    {
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        return new BanJournal(file, RandomAccess.GetLength(file));
    }

    public bool IsEmpty => _length == 0;

    /// <summary>Appends <paramref name="ban"/> as record <paramref name="sequence"/>; when this returns it outlives the process. Throws <see cref="IOException"/>.</summary>
    public void Append(long sequence, Ban ban)
    {
        var record = Format(sequence, ban);
        RandomAccess.Write(_file, record, _length);
        _length += record.Length;
    }

    /// <summary>Formats a record without writing it: the first ban then finds this code run once.</summary>
    public void WarmUp(Ban ban) => Format(0, ban);

    /// <summary>Empties the journal: every record in it has its rows committed.</summary>
    public void Clear()
    {
        RandomAccess.SetLength(_file, 0);
        _length = 0;
    }

    /// <summary>The records the journal held when opened, oldest first; a line no engine writes (a record torn by a power cut) is reported and skipped.</summary>
    public IReadOnlyList<(long Sequence, Ban Ban)> Read(StoredRowIssues? issues)
    {
        const string Table = "journal";
        var bans = new List<(long, Ban)>();
        // As many bytes as the file held when opened: a device in its place (/dev/full reads as endless zeros) has none.
        var bytes = new byte[_length];
        var read = 0;
        while (read < bytes.Length && RandomAccess.Read(_file, bytes.AsSpan(read), read) is > 0 and var n)
        {
            read += n;
        }
        foreach (var line in System.Text.Encoding.UTF8.GetString(bytes, 0, read).Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }
            if (TryParse(line, out var sequence, out var ban))
            {
                bans.Add((sequence, ban));
            }
            else
            {
                issues?.Skip(Table, "a line that is not a ban record");
            }
        }
        return bans;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
    }

    private ReadOnlySpan<byte> Format(long sequence, Ban ban)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        Span<char> address = stackalloc char[SqliteStore.AddressLength];
        _writer.WriteStartObject();
        _writer.WriteNumber("seq"u8, sequence);
        _writer.WriteString("jail"u8, ban.Jail);
        _writer.WriteString("ip"u8, address[..SqliteStore.Format(ban.Address, address)]);
        _writer.WriteNumber("start"u8, ban.Start.ToUnixTimeMilliseconds());
        if (ban.End is { } end)
        {
            _writer.WriteNumber("end"u8, end.ToUnixTimeMilliseconds());
        }
        _writer.WriteNumber("failures"u8, ban.Failures);
        _writer.WriteNumber("count"u8, ban.Count);
        if (ban.Manual)
        {
            _writer.WriteBoolean("manual"u8, true);
        }
        if (ban.Fields.Count > 0)
        {
            // The bans table's form of the captures (SqliteStore.WriteBan), read back by StoredText.TryFields.
            _writer.WritePropertyName("fields"u8);
            JsonSerializer.Serialize(_writer, ban.Fields);
        }
        _writer.WriteEndObject();
        _writer.Flush();
        _buffer.Write("\n"u8);
        return _buffer.WrittenSpan;
    }

    private static bool TryParse(string line, out long sequence, out Ban ban)
    {
        sequence = 0;
        ban = null!;
        try
        {
            using var record = JsonDocument.Parse(line);
            var root = record.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("seq"u8, out var seq) || !seq.TryGetInt64(out sequence)
                || !root.TryGetProperty("jail"u8, out var jail) || jail.GetString() is not { Length: > 0 } jailName
                || !root.TryGetProperty("ip"u8, out var ip) || !AddressParser.TryParse(ip.GetString(), out IPAddress address)
                || !root.TryGetProperty("start"u8, out var start) || !StoredText.TryTime(start.GetInt64(), out var started)
                || !root.TryGetProperty("failures"u8, out var failures) || !StoredText.TryCount(failures.GetInt64(), out var failureCount)
                || !root.TryGetProperty("count"u8, out var count) || !StoredText.TryCount(count.GetInt64(), out var banCount))
            {
                return false;
            }
            DateTimeOffset? ends = null;
            if (root.TryGetProperty("end"u8, out var end))
            {
                if (!StoredText.TryTime(end.GetInt64(), out var endTime))
                {
                    return false;
                }
                ends = endTime;
            }
            var fields = NoFields;
            if (root.TryGetProperty("fields"u8, out var captures) && !StoredText.TryFields(JsonMarshal.GetRawUtf8Value(captures), NoFields, out fields))
            {
                return false;
            }
            var manual = root.TryGetProperty("manual"u8, out var flag) && flag.GetBoolean();
            ban = new Ban(jailName, address, started, ends, failureCount, banCount, fields, manual);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
