namespace ScanJail.Core.Configuration.Fail2BanImport;

/// <summary>
/// One enabled fail2ban jail as ScanJail keys, already in jail.yaml's text forms (durations such as
/// <c>10m</c>, the filter reference). A null key is left to ScanJail's default. <see cref="Disabled"/>
/// says why the jail is written off (no source ScanJail can read yet, a missing filter).
/// </summary>
public sealed record ImportedJail(string Name)
{
    public string? Disabled { get; set; }
    public List<string> Sources { get; } = [];
    public string? Filter { get; set; }
    public string? FindTime { get; set; }
    public int? MaxRetry { get; set; }
    public string? BanTime { get; set; }
    public string? IncrementFactor { get; set; }
    public string? IncrementMaxTime { get; set; }
    public List<string> IgnoreIp { get; } = [];
    public bool? IgnoreSelf { get; set; }
    public string? UseDns { get; set; }

    /// <summary>ScanJail action names, each with the fail2ban actions it stands for.</summary>
    public List<(string Name, List<string> Replaces)> Actions { get; } = [];

    /// <summary>What this jail says that ScanJail does not do (also written as comments).</summary>
    public List<string> Untranslated { get; } = [];

    /// <summary>The fail2ban files that set something for this jail.</summary>
    public List<string> From { get; } = [];
}
