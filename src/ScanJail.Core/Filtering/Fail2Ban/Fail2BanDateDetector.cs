namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>
/// A filter's date templates, tried in order; the first that finds a stamp wins. With no
/// <c>datepattern</c>, fail2ban's defaults at the line's start first, then anywhere; <c>{^LN-BEG}</c>
/// alone keeps only the line-start ones; a pattern with <c>{DATE}</c> is tried with each default.
/// </summary>
public sealed class Fail2BanDateDetector
{
    private readonly IReadOnlyList<Fail2BanDateTemplate> _templates;

    private Fail2BanDateDetector(IReadOnlyList<Fail2BanDateTemplate> templates) => _templates = templates;

    public static Fail2BanDateDetector? Create(string? datepattern, out string? problem)
    {
        problem = null;
        var templates = new List<Fail2BanDateTemplate>();
        var lines = (datepattern ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            lines = [.. Fail2BanDateTemplate.Defaults.Select(d => "{^LN-BEG}" + d), .. Fail2BanDateTemplate.Defaults];
        }
        foreach (var line in lines)
        {
            IEnumerable<string> expanded = line switch
            {
                "{^LN-BEG}" => Fail2BanDateTemplate.Defaults.Select(d => "{^LN-BEG}" + d),
                "{DEFAULT}" => Fail2BanDateTemplate.Defaults,
                _ when line.Contains("{DATE}", StringComparison.OrdinalIgnoreCase) =>
                    Fail2BanDateTemplate.Defaults.Where(d => d is not ("EPOCH" or "TAI64N")).Select(d => line.Replace("{DATE}", d, StringComparison.OrdinalIgnoreCase)),
                _ => [line],
            };
            foreach (var text in expanded)
            {
                if (!Fail2BanDateTemplate.TryCreate(text, lineBegin: false, out var template, out problem))
                {
                    problem = $"datepattern '{line}': {problem}";
                    return null;
                }
                templates.Add(template!);
            }
        }
        return new Fail2BanDateDetector(templates);
    }

    public bool TryFind(string line, DateTimeOffset now, TimeZoneInfo zone, out int index, out int length, out DateTimeOffset time)
    {
        foreach (var template in _templates)
        {
            if (template.TryRead(line, now, zone, out index, out length, out time))
            {
                return true;
            }
        }
        index = length = 0;
        time = default;
        return false;
    }
}
