using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;
using ScanJail.Core.Jails;
using ScanJail.Core.Sources;
using ScanJail.Core.Sources.Journald;
using ScanJail.Core.Sources.Syslog;

namespace ScanJail.Core.Engine;

/// <summary>
/// The sources other than files, one per distinct receiver: one syslog receiver per address (the
/// allow lists of the jails sharing it are merged: an empty one, on loopback, takes every sender),
/// one journalctl per set of matches, and one standard input for the whole engine.
/// </summary>
internal static class IntakeSources
{
    public static IEnumerable<(ILogSource Source, List<JailRoute> Routes)> Create(
        IEnumerable<Jail> jails, ICursorStore? cursors, TimeProvider time, ILoggerFactory loggers)
    {
        var syslog = new Dictionary<string, (SyslogSourceConfig Config, List<JailRoute> Routes)>(StringComparer.Ordinal);
        var journald = new Dictionary<string, (JournaldSourceConfig Config, List<JailRoute> Routes)>(StringComparer.Ordinal);
        List<JailRoute>? stdin = null;
        var stdinMax = 0;
        foreach (var jail in jails)
        {
            var route = JailRoute.Of(jail) with { UseDns = DnsMode.Warn };
            foreach (var config in jail.Config.Sources)
            {
                switch (config)
                {
                    case SyslogSourceConfig s:
                        var key = s.Address.ToString();
                        if (syslog.TryGetValue(key, out var entry))
                        {
                            syslog[key] = (Merge(entry.Config, s), entry.Routes);
                        }
                        else
                        {
                            syslog[key] = (s, []);
                        }
                        syslog[key].Routes.Add(route);
                        break;
                    case JournaldSourceConfig j:
                        if (!journald.TryGetValue(j.Key, out var journal))
                        {
                            journal = (j, []);
                            journald[j.Key] = journal;
                        }
                        journal.Routes.Add(route);
                        break;
                    case StdinSourceConfig i:
                        (stdin ??= []).Add(route);
                        stdinMax = Math.Max(stdinMax, i.MaxLineLength);
                        break;
                }
            }
        }
        foreach (var (config, routes) in syslog.Values)
        {
            yield return (new SyslogSource(config, time, loggers.CreateLogger<SyslogSource>()), routes);
        }
        foreach (var (config, routes) in journald.Values)
        {
            yield return (new JournaldSource(config, cursors ?? new MemoryCursorStore(), time, loggers.CreateLogger<JournaldSource>()), routes);
        }
        if (stdin is not null)
        {
            yield return (new StdinSource(new StdinSourceConfig(stdinMax), time), stdin);
        }
    }

    private static SyslogSourceConfig Merge(SyslogSourceConfig a, SyslogSourceConfig b) =>
        a with
        {
            Allow = a.Allow.Count == 0 || b.Allow.Count == 0 ? [] : [.. a.Allow.Union(b.Allow)],
            MaxLineLength = Math.Max(a.MaxLineLength, b.MaxLineLength),
        };
}
