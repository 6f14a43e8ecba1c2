using System.Net;
using ScanJail.Core.Net;

namespace ScanJail.Core.Persistence;

/// <summary>The ban history: how often an address was banned (the bantime increment), the latest bans, the purge.</summary>
public sealed partial class SqliteStore
{
    /// <summary>How many times this address was banned in this jail since <paramref name="since"/>.</summary>
    public int CountPreviousBans(string jail, IPAddress address, DateTimeOffset since)
    {
        lock (_gate)
        {
            // Every ban asks this on the engine loop, before its action runs: an address with no history row
            // here (a scanner's first ban) is answered from memory; the others ask SQLite (BanHistoryKeys).
            Span<char> text = stackalloc char[AddressLength];
            return _history.MayHave(jail, text[..Format(address, text)]) ? CountInDatabase(jail, address, since) : 0;
        }
    }

    /// <summary>The same count always asked of SQLite (the start's warm-up, and the tests that pin the answer from memory to it).</summary>
    internal int CountPreviousBansInDatabase(string jail, IPAddress address, DateTimeOffset since)
    {
        lock (_gate)
        {
            return CountInDatabase(jail, address, since);
        }
    }

    /// <summary>The start of the latest ban of each address in each jail since <paramref name="since"/> (from the history).</summary>
    public IReadOnlyList<(string Jail, IPAddress Address, DateTimeOffset Start)> LatestBans(DateTimeOffset since, StoredRowIssues? issues = null)
    {
        lock (_gate)
        {
            using var rows = new RawStatement(_connection, "SELECT jail, ip, MAX(start_ms) FROM ban_history WHERE start_ms >= ?1 GROUP BY jail, ip");
            rows.Int64(1, since.ToUnixTimeMilliseconds());
            var text = new StoredText();
            var list = new List<(string, IPAddress, DateTimeOffset)>();
            while (rows.NextRow())
            {
                if (!StoredText.TryAddress(rows.ColumnUtf8(1), out var address))
                {
                    issues?.Skip("ban_history", "no address in ip");
                }
                else if (!StoredText.TryTime(rows.ColumnInt64(2), out var start))
                {
                    issues?.Skip("ban_history", $"{address}: start_ms out of range");
                }
                else
                {
                    list.Add((text.Name(rows.ColumnUtf8(0)), address, start));
                }
            }
            return list;
        }
    }

    /// <summary>Forgets history older than <paramref name="before"/>, so the file does not grow for ever.</summary>
    public void PurgeHistory(DateTimeOffset before)
    {
        lock (_gate)
        {
            // The keys stay: a superset of the rows left is right (a purged pair only costs the query).
            Run("DELETE FROM ban_history WHERE start_ms < $before", ("$before", before.ToUnixTimeMilliseconds()));
        }
    }

    private int CountInDatabase(string jail, IPAddress address, DateTimeOffset since)
    {
        WriteJournaled(); // the batch's journaled bans count too

        // Prepared once and kept.
        _countHistory ??= Prepare("SELECT COUNT(*) FROM ban_history WHERE jail = $jail AND ip = $ip AND start_ms >= $since", "$jail", "$ip", "$since");
        _countHistory.Parameters[0].Value = jail;
        _countHistory.Parameters[1].Value = address.ToString();
        _countHistory.Parameters[2].Value = since.ToUnixTimeMilliseconds();
        return Convert.ToInt32(_countHistory.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // Every (jail, ip) of the history, read over its index when the store opens (no one else holds it yet), as UTF-8:
    // the hash is of the text, decoded on the stack (a string per column was most of the time with 100,000 pairs).
    private void LoadHistoryKeys()
    {
        using var rows = new RawStatement(_connection, "SELECT DISTINCT jail, ip FROM ban_history");
        var text = new StoredText();
        Span<char> address = stackalloc char[AddressLength];
        while (rows.NextRow())
        {
            var jail = text.Name(rows.ColumnUtf8(0));
            var ip = rows.ColumnUtf8(1);
            if (StoredText.TryDecode(ip, address, out var length))
            {
                _history.Add(jail, address[..length]);
            }
            else
            {
                _history.Add(jail, System.Text.Encoding.UTF8.GetString(ip)); // no address: kept all the same, as the text it is
            }
        }
    }
}
