namespace ScanJail.Core.Filtering;

/// <summary>
/// A filter as read from <c>filters/NAME.yaml</c>, before parameters are applied. Pure data.
/// <see cref="File"/> and the patterns' positions let errors point at the right line.
/// </summary>
public sealed record FilterDefinition(
    string Name,
    string File,
    FilterKind Kind,
    string? Description,
    string? Prefix,
    IReadOnlyList<FilterPattern> FailRegex,
    IReadOnlyList<FilterPattern> IgnoreRegex,
    IReadOnlyList<string> Precheck,
    string? DatePattern,
    string? Grammar,
    IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>
    /// <see cref="Prefix"/> with its place in the file, so errors in it point at the right line;
    /// null when there is no prefix or the definition was made in code.
    /// </summary>
    public FilterPattern? PrefixPattern { get; init; }

    /// <summary>Set for a fail2ban filter file (<c>fail2ban:NAME</c>): the file and its bracket parameters.</summary>
    public Fail2Ban.Fail2BanReference? Fail2Ban { get; init; }
}

public enum FilterKind
{
    Regex,
    Grammar,
}

/// <summary>One pattern with where it stands in its file.</summary>
public sealed record FilterPattern(string Pattern, int Line, int Column);
