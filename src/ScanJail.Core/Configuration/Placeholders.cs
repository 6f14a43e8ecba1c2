using ScanJail.Core.Actions;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Stand-ins for the filter and actions of a disabled jail, which are named but never loaded
/// (empty <c>File</c>, no patterns, no commands). Nothing runs a disabled jail.
/// </summary>
internal static class Placeholders
{
    public const string NotLoaded = "not loaded: the jail is disabled";

    public static FilterDefinition Filter(string name) =>
        new(name, "", FilterKind.Regex, NotLoaded, null, [], [], [], null, null, new Dictionary<string, string>());

    public static ActionDefinition Action(string name) =>
        new(name, "", "command", new Dictionary<ActionVerb, IReadOnlyList<IReadOnlyList<string>>>(), new Dictionary<string, string>(), TimeSpan.Zero);
}
