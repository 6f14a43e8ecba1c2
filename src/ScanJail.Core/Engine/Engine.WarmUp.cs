using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions;
using ScanJail.Core.Jails;

namespace ScanJail.Core.Engine;

/// <summary>
/// What the engine does at start so that the first ban is fast: a port scan is over in a fraction
/// of a second, and measured in the lab (scripts/block-measure) the first ban of a fresh engine
/// otherwise took ~150 ms to be decided (code compiled on first use: the filter's grammar, JSON,
/// SQLite) and another ~50 ms (nftables) to ~250 ms (iptables) for the action's start.
/// </summary>
public sealed partial class Engine
{
    // Shaped like scanjail-listener's line: the attackalert grammar reads it whole. Any filter may
    // see it; its result is thrown away (filters are pure functions of the line).
    private const string WarmUpLine = "Jan  1 00:00:00 host scanjail-listener[1]: attackalert: src=192.0.2.0 proto=tcp dport=1 kind=syn mode=atcp sport=1 dst=192.0.2.0";

    /// <summary>
    /// Compiles the per-line methods (marked <see cref="MethodImplOptions.AggressiveOptimization"/>) now, on a
    /// thread of their own while the jails are built. Such a method has no precompiled code and is compiled,
    /// optimised, on its first call: the sshd reader alone is several kilobytes of machine code, and a
    /// just-started engine's first ban waited for all of them (64 to 106 ms in all, measured in round 8).
    /// </summary>
    // Once per process: an engine started again (a test, the bench's replay runs) finds them compiled.
    private static readonly Lazy<Task> HotMethodsPrepared = new(() => Task.Run(PrepareHotMethods));

    private static void PrepareHotMethods()
    {
        foreach (var method in HotMethods())
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
    }

    /// <summary>The methods of this assembly marked <see cref="MethodImplOptions.AggressiveOptimization"/> that can be compiled as they are (not generic).</summary>
    internal static IReadOnlyList<MethodBase> HotMethods()
    {
        const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        return typeof(Engine).Assembly.GetTypes()
            .Where(t => !t.ContainsGenericParameters)
            .SelectMany(t => t.GetMethods(Declared).Concat<MethodBase>(t.GetConstructors(Declared)))
            .Where(m => !m.IsAbstract && !m.ContainsGenericParameters && (m.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0)
            .ToList();
    }

    /// <summary>Queues each action's start now rather than before its first ban, so that the first ban only adds an element.</summary>
    private static void StartActions(IEnumerable<Jail> jails)
    {
        foreach (var action in jails.SelectMany(j => j.Actions))
        {
            action.Enqueue(ActionVerb.Start, null);
        }
    }

    /// <summary>Runs the ban path's code once without effect (filters on a sample line, the database's ban statements rolled back).</summary>
    private void WarmUp()
    {
        var now = _time.GetUtcNow();
        foreach (var jail in _jails.Values)
        {
            jail.Filter.Match(WarmUpLine, now);
        }
        try
        {
            _store.WarmUp();
        }
        catch (SqliteException e)
        {
            // Only speed is at stake: the real ban reports a database that does not work.
            _logger.LogDebug("Warming up the database failed: {Message}", e.Message);
        }
    }
}
