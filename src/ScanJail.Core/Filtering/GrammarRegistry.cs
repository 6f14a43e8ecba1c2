using System.Collections.Frozen;

namespace ScanJail.Core.Filtering;

/// <summary>The grammars a filter may name with <c>grammar: NAME</c>.</summary>
public static class GrammarRegistry
{
    private static readonly FrozenDictionary<string, LineGrammar> Grammars = new[]
    {
        new LineGrammar("attackalert", AttackAlertGrammar.Read, AttackAlertGrammar.TryReadChars),
    }.ToFrozenDictionary(g => g.Name, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Names => Grammars.Keys;

    public static bool TryGet(string name, out LineGrammar grammar) => Grammars.TryGetValue(name, out grammar!);
}
