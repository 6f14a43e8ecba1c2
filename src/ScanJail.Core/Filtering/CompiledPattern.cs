using System.Text.RegularExpressions;

namespace ScanJail.Core.Filtering;

/// <summary>A compiled pattern with its field groups looked up once.</summary>
internal sealed class CompiledPattern(Regex regex)
{
    public Regex Regex { get; } = regex;

    public (string Name, int Number)[] Fields { get; } = PatternCompiler.FieldGroups(regex);

    public int HostGroup { get; } = regex.GroupNumberFromName(HostPatterns.GroupName);
}
