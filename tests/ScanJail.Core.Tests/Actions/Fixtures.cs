using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ScanJail.Core.Actions;
using ScanJail.Core.Bans;
using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Actions;

internal static class Fixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static Ban Ban(string ip = "203.0.113.9", IReadOnlyDictionary<string, string>? fields = null, TimeSpan? bantime = null, string jail = "ssh") =>
        new(jail, IPAddress.Parse(ip), Start, Start + (bantime ?? TimeSpan.FromMinutes(10)), 3, 1, fields ?? new Dictionary<string, string>());

    /// <summary>Loads an action from YAML text and fails the test on any error.</summary>
    public static ActionDefinition Definition(string yaml, string name = "record")
    {
        var errors = new ConfigErrors();
        var definition = ActionLoader.Parse(yaml, $"actions/{name}.yaml", name, errors);
        Assert.True(definition is not null, string.Join("\n", errors.Sorted()));
        return definition!;
    }

    public static IJailAction Create(
        string yaml, TimeProvider? time = null, ActionRetryOptions? retry = null, ILogger? logger = null,
        IReadOnlyDictionary<string, string>? parameters = null, string name = "record")
    {
        var definition = Definition(yaml, name);
        var merged = ActionFactory.MergeParameters(definition, parameters ?? new Dictionary<string, string>(), new ConfigErrors(), "jail.yaml", null, "ssh");
        return ActionFactory.Create(new ActionConfig(name, definition, merged), "ssh", time ?? TimeProvider.System,
            logger ?? NullLogger.Instance, retry ?? new ActionRetryOptions(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), 3));
    }

    /// <summary>A token that ends a wait which would otherwise hang the test run.</summary>
    public static CancellationToken Bounded(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>YAML single-quoted scalar: safe for any path.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
