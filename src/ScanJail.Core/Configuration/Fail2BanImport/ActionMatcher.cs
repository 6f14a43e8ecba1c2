namespace ScanJail.Core.Configuration.Fail2BanImport;

/// <summary>
/// The nearest ScanJail action for a fail2ban action, from the shipped set found at run time: an action
/// of the same name (<c>iptables-multiport</c>), else of its family (<c>iptables</c> for
/// <c>iptables-allports</c>, <c>mail</c> for <c>sendmail-whois</c>), else <c>log</c>, which changes nothing.
/// </summary>
internal sealed class ActionMatcher(IReadOnlyList<string> shippedDirs)
{
    private const string Fallback = "log";

    public void Map(ImportedJail jail, string? action)
    {
        foreach (var line in (action ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var open = line.IndexOf('[', StringComparison.Ordinal);
            var name = (open < 0 ? line : line[..open]).Trim();
            var target = Nearest(name);
            var entry = jail.Actions.FindIndex(a => a.Name == target);
            if (entry < 0)
            {
                jail.Actions.Add((target, []));
                entry = jail.Actions.Count - 1;
            }
            jail.Actions[entry].Replaces.Add(line);
            if (target == Fallback && name != Fallback)
            {
                jail.Untranslated.Add($"action {line}: no matching ScanJail action is shipped; written as log (changes nothing)");
            }
            else if (open >= 0)
            {
                jail.Untranslated.Add($"action {line}: parameters not carried over to ScanJail's {target}; check its parameters");
            }
        }
        if (jail.Actions.Count == 0)
        {
            jail.Actions.Add((Fallback, []));
        }
    }

    private string Nearest(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        var family = dash > 0 ? name[..dash] : name;
        var candidates = new List<string> { name, family };
        if (family is "sendmail" or "mail" or "smtp.py" or "complain")
        {
            candidates.Add("mail");
        }
        return candidates.FirstOrDefault(Shipped) ?? Fallback;
    }

    private bool Shipped(string name) =>
        PlainName.IsValid(name) && shippedDirs.Any(dir => File.Exists(Path.Combine(dir, "actions", name + ".yaml")));
}
