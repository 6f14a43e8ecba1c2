namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// <c>F-MLFID</c> merging: what one session (one sshd connection) said over several lines is joined,
/// so the line that names the host and the line that says it failed make one failure. <c>F-NOFAIL</c>
/// marks a line that is no failure by itself, <c>F-MLFGAINED</c> a success, <c>F-MLFFORGET</c> the end.
/// </summary>
public sealed partial class Fail2BanFilter
{
    private const int Nofail = 1;
    private const int Forget = 2;
    private const int CachedNofail = 4;
    private const int Gained = 8;

    private Dictionary<string, string> Merge(string session, Dictionary<string, string> fail)
    {
        _sessions.TryGetValue(session, out var cached);
        HashSet<string>? users = null;
        var flags = 0;
        if (Value(fail, "mlfgained") is { } gained)
        {
            flags |= Gained | Nofail;
            if (Value(fail, "nofail") is null)
            {
                fail["nofail"] = gained;
            }
        }
        else if (Value(fail, "nofail") is not null)
        {
            flags |= Nofail;
        }
        if (fail.Remove("mlfforget", out var forget) && forget.Length > 0)
        {
            flags |= Forget;
        }
        Dictionary<string, string> result;
        if (cached is not null)
        {
            var values = cached.Values;
            users = AddUser(cached, fail);
            if (values.Remove("nofail", out var n) && n.Length > 0)
            {
                flags |= CachedNofail;
            }
            if (values.Remove("mlfgained", out var g) && g.Length > 0)
            {
                flags |= CachedNofail;
            }
            if ((flags & Gained) != 0)
            {
                values.Remove("mlfpending");
            }
            foreach (var (key, value) in fail)
            {
                values[key] = value;
            }
            result = values;
            if ((flags & Forget) != 0)
            {
                _sessions.Remove(session);
            }
        }
        else if ((flags & Forget) == 0)
        {
            var entry = new MultiLineFailure(fail);
            users = AddUser(entry, fail);
            Remember(session, entry);
            result = entry.Values;
        }
        else
        {
            result = fail;
        }
        if ((result.Remove("mlfpending", out var pending) && pending.Length > 0) || users is { Count: > 1 })
        {
            // A failure was pending, or several users were tried: whatever this line says, it counts.
            result.Remove("nofail");
            result.Remove("mlfgained");
        }
        return result;
    }

    private static HashSet<string>? AddUser(MultiLineFailure entry, Dictionary<string, string> fail)
    {
        if (Value(fail, "user") is { } user)
        {
            entry.Users.Add(user);
            return entry.Users;
        }
        return entry.Users.Count > 0 ? entry.Users : null;
    }

    // Bounded: sessions that never end (no F-MLFFORGET line) must not grow memory without limit.
    private void Remember(string session, MultiLineFailure entry)
    {
        _sessions[session] = entry;
        _sessionOrder.Enqueue(session);
        while (_sessionOrder.Count > MaxSessions)
        {
            var oldest = _sessionOrder.Dequeue();
            if (_sessionOrder.Contains(oldest))
            {
                continue;
            }
            _sessions.Remove(oldest);
        }
    }
}
