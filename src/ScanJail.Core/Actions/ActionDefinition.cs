namespace ScanJail.Core.Actions;

/// <summary>
/// An action as read from <c>actions/NAME.yaml</c>: a kind (<c>command</c>, or a built-in such as
/// <c>log</c>), its verbs as argv templates, its parameters with their defaults, and the command timeout.
/// </summary>
public sealed record ActionDefinition(
    string Name,
    string File,
    string Kind,
    IReadOnlyDictionary<ActionVerb, IReadOnlyList<IReadOnlyList<string>>> Commands,
    IReadOnlyDictionary<string, string> Parameters,
    TimeSpan Timeout);

/// <summary>An action as a jail uses it: the definition and the parameters the jail gave (defaults filled in).</summary>
public sealed record ActionConfig(string Name, ActionDefinition Definition, IReadOnlyDictionary<string, string> Parameters);
