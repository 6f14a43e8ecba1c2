using System.Net;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;
using ScanJail.Core.Control;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Engine;

// The control surface of the engine (what scanjail-client can ask). Every call runs on the loop.
public sealed partial class Engine : IEngineControl
{
    public EngineStatus GetStatus() => OnLoop(() => new EngineStatus([.. _jails.Keys.Order(StringComparer.Ordinal)])).GetAwaiter().GetResult();

    public JailStatus? GetJailStatus(string jail) => OnLoop(() =>
    {
        if (!_jails.TryGetValue(jail, out var j))
        {
            return null;
        }
        var bans = BanOrder.ByStart(_book.ActiveIn(jail).ToArray());
        return new JailStatus(
            j.Name,
            j.Counter.CurrentlyFailing(_time.GetUtcNow()),
            j.TotalFailed,
            [.. j.Config.Sources.Select(DescribeSource)],
            bans.Count,
            j.TotalBanned,
            new BanTargets(bans),
            [.. j.Actions.Select(a => a.Health)])
        {
            Origins = [.. j.Origins.Snapshot(bans.Select(b => b.Address)).Select(o => new OriginInfo(o.Origin, o.Failures, [.. o.Banned.Select(a => a.ToString())]))],
        };
    }).GetAwaiter().GetResult();

    public Task<ControlOutcome> BanAsync(string jail, IPAddress address, TimeSpan? duration, bool permanent, CancellationToken cancellationToken) => OnLoop(() =>
    {
        if (!_jails.TryGetValue(jail, out var j))
        {
            return new ControlOutcome(false, $"no such jail: {jail}");
        }
        if (j.Ignore.Contains(address))
        {
            return new ControlOutcome(false, $"{address} is ignored by jail {jail} (ignoreip or ignoreself); remove it there to ban it");
        }
        var ban = _book.Ban(j, address, j.Counter.FailuresOf(address, _time.GetUtcNow()), new Dictionary<string, string>(), duration, permanent, manual: true);
        if (ban is null)
        {
            return new ControlOutcome(false, $"{address} is already banned in {jail}");
        }
        j.Counter.Forget(address);
        Counters.Bans.Increment();
        return new ControlOutcome(true, $"banned {address} in {jail} {Describe(ban)}");
    });

    public Task<ControlOutcome> UnbanAsync(IPAddress address, string? jail, CancellationToken cancellationToken) => OnLoop(() =>
    {
        if (jail is not null && !_jails.ContainsKey(jail))
        {
            return new ControlOutcome(false, $"no such jail: {jail}");
        }
        var lifted = _jails.Values
            .Where(j => jail is null || j.Name == jail)
            .Where(j => _book.Unban(j, address, "by request"))
            .Select(j => j.Name)
            .ToList();
        Counters.Unbans.Add(lifted.Count);
        return lifted.Count == 0
            ? new ControlOutcome(false, $"{address} is not banned{(jail is null ? "" : $" in {jail}")}")
            : new ControlOutcome(true, $"unbanned {address} in {string.Join(", ", lifted)}");
    });

    public Task<ControlOutcome> UnbanAllAsync(CancellationToken cancellationToken) => OnLoop(() =>
    {
        var lifted = 0;
        foreach (var ban in _book.Active.ToList())
        {
            if (_jails.TryGetValue(ban.Jail, out var j) && _book.Unban(j, ban.Address, "by request (all)"))
            {
                lifted++;
            }
        }
        Counters.Unbans.Add(lifted);
        return new ControlOutcome(true, $"unbanned {lifted} address(es)");
    });

    public IReadOnlyList<BanInfo> GetBanned(IPAddress? address) => OnLoop(() =>
        (IReadOnlyList<BanInfo>)[.. _book.Active
            .Where(b => address is null || b.Address.Equals(address) || (b.Prefix is { } p && new Net.IpNetwork(b.Address, p).Contains(address)))
            .OrderBy(b => b.Jail, StringComparer.Ordinal).ThenBy(b => b.Start)
            .Select(b => new BanInfo(b.Jail, b.Target, b.Start, b.End, b.Failures, b.Count, b.Manual))]).GetAwaiter().GetResult();

    public ScanReport GetScanReport(TimeSpan since, int top) => OnLoop(() =>
    {
        var now = _time.GetUtcNow();
        var inForce = new BansInForce(_book.Active);
        return _scans.Report(now - since, now, inForce.Covering, top);
    }).GetAwaiter().GetResult();

    /// <summary>
    /// Completes once the loop has handled every message the sources had sent when it checked (control work
    /// goes ahead of the source lanes, so a plain control call does not wait for them): for a replay's end.
    /// </summary>
    public async Task SettleAsync()
    {
        while (!await OnLoop(() => _inbox.IsEmpty))
        {
            await Task.Delay(1);
        }
    }

    public EngineStats GetStats() => OnLoop(() =>
    {
        var counters = Counters.Snapshot();
        counters["bans.active"] = _book.Count;
        // Writes refused at once, and batches whose commit failed (disk full shows only at the commit).
        counters["database.errors"] = _book.StoreErrors + Counters.DatabaseErrors.Value;
        // Bans and unbans the database refused, enforced from memory until a checkpoint writes them.
        counters["database.unsaved"] = _book.Unsaved;
        counters["failures.tracked"] = _jails.Values.Sum(j => j.Counter.Count);
        counters["failures.evicted"] = _jails.Values.Sum(j => j.Counter.Evicted);
        // Lines whose match ran past the regex timeout: skipped (counted as missed too).
        counters["lines.regex-timeout"] = Filtering.FilterCounters.RegexTimeouts.Value;
        foreach (var source in _pipeline?.Sources ?? [])
        {
            counters["lines.too-long"] = counters.GetValueOrDefault("lines.too-long") + source.Counters.TooLong.Value;
            counters["lines.invalid-utf8"] = counters.GetValueOrDefault("lines.invalid-utf8") + source.Counters.InvalidUtf8.Value;
            counters["sources.rotations"] = counters.GetValueOrDefault("sources.rotations") + source.Counters.Rotations.Value;
            counters["sources.errors"] = counters.GetValueOrDefault("sources.errors") + source.Counters.Errors.Value;
            counters["sources.refused"] = counters.GetValueOrDefault("sources.refused") + source.Counters.Refused.Value;
        }
        return new EngineStats(StartedAt, counters, [.. _jails.Values.SelectMany(j => j.Actions).Select(a => a.Health)]);
    }).GetAwaiter().GetResult();

    /// <summary>
    /// Re-reads the whole configuration; a broken one is refused and the running one stays. With
    /// <paramref name="jail"/>, only that jail takes the new configuration. Jails keep their bans and
    /// failure counts; a jail whose actions changed gets new actions that apply its bans again; a jail
    /// that is gone (or disabled) has its bans lifted through its old actions.
    /// </summary>
    public async Task<ControlOutcome> ReloadAsync(string? jail, CancellationToken cancellationToken)
    {
        await _pipelineGate.WaitAsync(cancellationToken);
        try
        {
            var loaded = _loadConfig();
            if (loaded.Config is null)
            {
                return new ControlOutcome(false, $"the configuration has {loaded.Errors.Count} error(s); the running one stays", [.. loaded.Errors.Select(e => e.ToString())]);
            }
            var known = await OnLoop(() => jail is null || _jails.ContainsKey(jail));
            if (!known && !loaded.Config.EnabledJails.Any(j => j.Name == jail))
            {
                return new ControlOutcome(false, $"no such jail: {jail}");
            }
            await StopPipelineAsync();
            var retired = await OnLoop(() => Apply(loaded.Config, jail));
            await StartPipelineAsync();
            _ = RetireAsync(retired);
            return new ControlOutcome(true, jail is null ? "reloaded" : $"reloaded jail {jail}");
        }
        finally
        {
            _pipelineGate.Release();
        }
    }

    /// <summary>Swaps jails on the loop; returns the actions that are no longer used (their stop is queued).</summary>
    private List<IJailAction> Apply(EngineConfig config, string? only)
    {
        var wanted = config.EnabledJails.ToDictionary(j => j.Name, StringComparer.Ordinal);
        var retired = new List<IJailAction>();
        foreach (var (name, old) in _jails.ToList())
        {
            if ((only is null || only == name) && !wanted.ContainsKey(name))
            {
                foreach (var ban in _book.Drop(name))
                {
                    foreach (var action in old.Actions)
                    {
                        action.Enqueue(ActionVerb.Unban, ban);
                    }
                }
                _jails.Remove(name);
                retired.AddRange(old.Actions);
                _logger.LogInformation("Jail {Jail} removed by reload", name);
            }
        }
        foreach (var (name, jailConfig) in wanted)
        {
            if (only is not null && only != name)
            {
                continue;
            }
            var old = _jails.GetValueOrDefault(name);
            var jail = JailBuilder.Build(jailConfig, old, _time, _loggers, CurrentBansAsync, _release);
            _jails[name] = jail;
            if (old is null)
            {
                StartActions([jail]);
            }
            if (old is not null && !ReferenceEquals(old.Actions, jail.Actions))
            {
                retired.AddRange(old.Actions);
                foreach (var ban in _book.ActiveIn(name))
                {
                    foreach (var action in jail.Actions)
                    {
                        action.Enqueue(ActionVerb.Ban, ban);
                    }
                }
            }
        }
        foreach (var action in retired)
        {
            action.Enqueue(ActionVerb.Stop, null);
        }
        _config = only is null ? config : _config;
        return retired;
    }

    private async Task RetireAsync(List<IJailAction> actions)
    {
        using var timeout = new CancellationTokenSource(_options.StopTimeout);
        foreach (var action in actions)
        {
            try
            {
                await action.DrainAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("Retired action {Action} did not finish its stop in time", action.Name);
            }
            await action.DisposeAsync();
        }
    }

    private static string DescribeSource(SourceConfig source) => source switch
    {
        FileSourceConfig file => file.Path,
        SyslogSourceConfig syslog => syslog.Address.ToString(),
        JournaldSourceConfig journald => journald.Key,
        StdinSourceConfig => "stdin",
        _ => source.ToString() ?? "",
    };

    private static string Describe(Ban ban) => ban.End is null ? "permanently" : $"for {ban.Duration}";
}
