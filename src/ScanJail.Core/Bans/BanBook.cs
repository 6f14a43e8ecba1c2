using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions;
using ScanJail.Core.Jails;
using ScanJail.Core.Persistence;

namespace ScanJail.Core.Bans;

/// <summary>
/// The active bans of every jail. Decides a ban's length (with the increment for repeat
/// offenders), records it in SQLite before any action runs, schedules its end, and hands it to the
/// jail's actions. Not thread-safe: the engine loop owns it. A database failure is logged and
/// counted, and the ban is still enforced from memory.
/// </summary>
public sealed class BanBook(SqliteStore store, TimeProvider time, ILogger logger, Action onDue) : IDisposable
{
    /// <summary>How far back earlier bans count towards the increment.</summary>
    public static readonly TimeSpan HistoryWindow = TimeSpan.FromDays(30);

    private static readonly IReadOnlyDictionary<string, string> NoFields = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    // Keyed by the address as a value (AddressKey: equal exactly when the IPAddresses are): every failure asks
    // IsBanned on the loop, and hashing and comparing an IPAddress object there cost more than the rest of the lookup.
    private readonly Dictionary<ActiveKey, Ban> _active = [];
    private readonly UnbanSchedule _schedule = new(time, onDue);

    // Writes the database refused (locked, read-only, full): the ban to save, or null for a row to
    // delete. Written again at each checkpoint until the fault clears, so a restart finds them.
    private readonly Dictionary<(string Jail, IPAddress Address), Ban?> _unsaved = [];

    // Writes made inside the engine's open batch: if its commit fails they join _unsaved.
    private readonly List<(string Jail, IPAddress Address, Ban? Ban)> _uncommitted = [];

    // Those of them that SaveUnsaved wrote again: said to be written once the batch commits, not before.
    private readonly List<(string Jail, IPAddress Address, Ban? Ban)> _rewritten = [];

    /// <summary>
    /// Runs what may wait until the ban's actions have been handed out: the engine passes its batch's release
    /// (<c>ActionRelease.AfterRelease</c>), so the <c>Ban</c> line (formatting it and waking the console logger's
    /// thread, about 0.1 ms) comes after an idle ban's command has started, not before it; the <c>Unban</c> line
    /// waits too, so the two keep their order. By default, at once.
    /// </summary>
    public Action<Action> AfterActionsStart { get; init; } = static then => then();

    public long StoreErrors { get; private set; }
    public int Count => _active.Count;
    public IEnumerable<Ban> Active => _active.Values;

    public bool IsBanned(string jail, IPAddress address) => IsBanned(jail, AddressKey.From(address));

    /// <summary>The same question with the address as a key (the loop makes it once per failure).</summary>
    public bool IsBanned(string jail, AddressKey address) => _active.ContainsKey(new ActiveKey(jail, address));

    private static ActiveKey Key(string jail, IPAddress address) => new(jail, AddressKey.From(address));

    public IEnumerable<Ban> ActiveIn(string jail) => _active.Values.Where(b => b.Jail == jail);

    /// <summary>
    /// Bans <paramref name="address"/> in <paramref name="jail"/> unless it is already banned there.
    /// <paramref name="duration"/> overrides the jail's bantime (manual bans); <paramref name="permanent"/> overrides both.
    /// </summary>
    public Ban? Ban(Jail jail, IPAddress address, int failures, IReadOnlyDictionary<string, string> fields, TimeSpan? duration = null, bool permanent = false, bool manual = false,
        IReadOnlyList<string>? lines = null)
    {
        address = Target(jail, address);
        if (IsBanned(jail.Name, address))
        {
            return null;
        }
        var now = time.GetUtcNow();
        var count = 1 + Guard(() => store.CountPreviousBans(jail.Name, address, now - HistoryWindow), 0);
        var length = permanent ? null : duration ?? jail.Config.BanTime.For(count);
        var ban = new Ban(jail.Name, address, now, now + length, failures, count, fields, manual, lines) { Prefix = jail.Config.BanPrefix?.For(address) };
        // Queued before the row is written: an action that is not held for the commit (start-resets, such as
        // nftables) gets the ban now; the others wait for the commit all the same (Engine.ActionRelease).
        Apply(jail, ban);
        Save(ban.Jail, ban.Address, ban);
        jail.TotalBanned++;
        // Asked first: the call boxes its values and makes its argument array even for a logger that drops it (a replay bans thousands a second).
        if (logger.IsEnabled(LogLevel.Warning))
        {
            AfterActionsStart(() => logger.LogWarning("[{Jail}] Ban {Address} ({Failures} failures, {Length})", jail.Name, address, failures, length?.ToString() ?? "permanent"));
        }
        return ban;
    }

    /// <summary>Takes a ban read back from the database at start: active ones are applied again, expired ones lifted.</summary>
    public void Restore(Jail jail, Ban ban) => Restore(jail, [ban]);

    /// <summary>
    /// Takes a jail's bans read back from the database at start, in one pass: the active ones go to the
    /// book and the schedule together and reach the actions back to back (so batch actions apply them
    /// in a few runs), the expired ones are lifted. One log line for the lot: 100,000 lines at Information
    /// would take longer than applying the bans.
    /// </summary>
    public void Restore(Jail jail, IReadOnlyList<Ban> bans)
    {
        var now = time.GetUtcNow();
        var restored = new List<Ban>(bans.Count);
        foreach (var stored in bans)
        {
            // The database keeps the network's first address; the jail's banprefix says how wide the ban is.
            var ban = stored with
            {
                Jail = jail.Name, // one string for all, not one read per row
                Prefix = jail.Config.BanPrefix?.For(stored.Address),
                // Most stored bans have no captures: one shared empty map instead of one each (100,000 at a restart).
                Fields = stored.Fields.Count == 0 ? NoFields : stored.Fields,
            };
            jail.Counter.Spent(ban.Address, ban.Start);
            if (ban.ExpiredAt(now))
            {
                foreach (var action in jail.Actions)
                {
                    action.Enqueue(ActionVerb.Unban, ban);
                }
                Save(ban.Jail, ban.Address, null);
                logger.LogInformation("[{Jail}] Unban {Address} (expired while the engine was down)", jail.Name, ban.Address);
                continue;
            }
            _active[Key(jail.Name, ban.Address)] = ban;
            restored.Add(ban);
        }
        _schedule.AddRange(restored);
        foreach (var action in jail.Actions)
        {
            foreach (var ban in restored)
            {
                action.Enqueue(ActionVerb.Ban, ban);
            }
        }
        if (restored.Count > 0)
        {
            logger.LogInformation("[{Jail}] Restored {Count} ban(s) from the database", jail.Name, restored.Count);
        }
    }

    /// <summary>Lifts a ban; false when the address was not banned in that jail.</summary>
    public bool Unban(Jail jail, IPAddress address, string reason)
    {
        address = Target(jail, address);
        if (!_active.Remove(Key(jail.Name, address), out var ban))
        {
            return false;
        }
        Save(jail.Name, address, null);
        foreach (var action in jail.Actions)
        {
            action.Enqueue(ActionVerb.Unban, ban);
        }
        // After the actions as well: a ban and an unban of one address in one batch keep their lines' order.
        AfterActionsStart(() => logger.LogWarning("[{Jail}] Unban {Address} ({Reason})", jail.Name, address, reason));
        return true;
    }

    /// <summary>Lifts every ban whose time has come. <paramref name="jails"/> finds the live jail by name.</summary>
    public int ExpireDue(Func<string, Jail?> jails)
    {
        var lifted = 0;
        foreach (var (jailName, address, end) in _schedule.TakeDue())
        {
            // A ban lifted by hand, or banned again with another end, has a stale entry here.
            if (_active.TryGetValue(Key(jailName, address), out var ban) && ban.End == end && jails(jailName) is { } jail)
            {
                Unban(jail, address, "ban time over");
                lifted++;
            }
        }
        return lifted;
    }

    /// <summary>Forgets a jail's bans in memory only (the jail was removed by a reload: its actions' stop lifts them).</summary>
    public IReadOnlyList<Ban> Drop(string jail)
    {
        var dropped = ActiveIn(jail).ToList();
        foreach (var ban in dropped)
        {
            _active.Remove(Key(ban.Jail, ban.Address));
            Save(ban.Jail, ban.Address, null);
        }
        return dropped;
    }

    /// <summary>Bans and unbans the database refused, still waiting to be written.</summary>
    public int Unsaved => _unsaved.Count;

    /// <summary>
    /// Writes what the database refused earlier, oldest first, stopping at the first refusal (the fault
    /// is still there). False while something is still unsaved.
    /// </summary>
    public bool SaveUnsaved()
    {
        foreach (var ((jail, address), ban) in _unsaved.ToList())
        {
            try
            {
                Write(jail, address, ban);
            }
            catch (SqliteException e)
            {
                StoreErrors++;
                logger.LogDebug("Database {Path} still failing: {Message}", store.Path, e.Message);
                return false;
            }
            _unsaved.Remove((jail, address));
            if (store.Batching)
            {
                // Durable only once the engine's batch commits, and a full disk refuses the commit, not the write.
                _uncommitted.Add((jail, address, ban));
                _rewritten.Add((jail, address, ban));
            }
            else
            {
                LogRewritten(jail, address, ban);
            }
        }
        return true;
    }

    /// <summary>The engine's batch was committed: its writes are durable.</summary>
    public void BatchCommitted()
    {
        _uncommitted.Clear();
        foreach (var (jail, address, ban) in _rewritten)
        {
            LogRewritten(jail, address, ban);
        }
        _rewritten.Clear();
    }

    private void LogRewritten(string jail, IPAddress address, Ban? ban) =>
        logger.LogInformation("[{Jail}] {What} of {Address} written to the database after an earlier failure", jail, ban is null ? "Unban" : "Ban", address);

    /// <summary>The engine's batch could not be committed: its writes wait for <see cref="SaveUnsaved"/> like refused ones.</summary>
    public void BatchFailed()
    {
        _rewritten.Clear();
        var latest = new Dictionary<(string, IPAddress), Ban?>();
        foreach (var (jail, address, ban) in _uncommitted)
        {
            latest[(jail, address)] = ban; // the batch's last write of an address wins
        }
        foreach (var (key, ban) in latest)
        {
            // A write of the same address already waiting was made after these (Save replaces it): it wins.
            _unsaved.TryAdd(key, ban);
        }
        _uncommitted.Clear();
    }

    public void Dispose() => _schedule.Dispose();

    /// <summary>What a ban of <paramref name="address"/> in <paramref name="jail"/> is keyed by: the address, or its network's first address (banprefix).</summary>
    public static IPAddress Target(Jail jail, IPAddress address) => jail.Config.BanPrefix?.NetworkOf(address) ?? address;

    private void Apply(Jail jail, Ban ban)
    {
        _active[Key(jail.Name, ban.Address)] = ban;
        foreach (var action in jail.Actions)
        {
            action.Enqueue(ActionVerb.Ban, ban);
        }
        // After the actions: an action not held for the commit (nftables over netlink) writes its ban inside
        // Enqueue, and re-arming the unban timer first cost 0.02 to 0.1 ms on the way from a scan to its drop.
        _schedule.Add(ban);
    }

    /// <summary>Records a ban (or, with null, its end); a refused write is kept for <see cref="SaveUnsaved"/>.</summary>
    private void Save(string jail, IPAddress address, Ban? ban)
    {
        // A write still waiting for this address would land after this one and undo it: this one replaces it.
        _unsaved.Remove((jail, address));
        if (_unsaved.Count > 0)
        {
            // The database is failing: the next checkpoint retries it, rather than every ban waiting
            // on it again (a locked database makes each write wait for the busy timeout).
            _unsaved[(jail, address)] = ban;
            return;
        }
        if (!Guard(() => Write(jail, address, ban)))
        {
            _unsaved[(jail, address)] = ban;
        }
        else if (store.Batching)
        {
            _uncommitted.Add((jail, address, ban));
        }
    }

    private void Write(string jail, IPAddress address, Ban? ban)
    {
        if (ban is null)
        {
            store.RemoveBan(jail, address);
        }
        else
        {
            store.SaveBan(ban);
        }
    }

    private T Guard<T>(Func<T> work, T fallback)
    {
        try
        {
            return work();
        }
        catch (SqliteException e)
        {
            StoreErrors++;
            logger.LogError("Database {Path}: {Message}; the ban is enforced from memory", store.Path, store.Explain(e));
            return fallback;
        }
    }

    private bool Guard(Action work) => Guard(() => { work(); return true; }, false);
}
