namespace ScanJail.Core.Configuration.Fail2BanImport;

/// <summary>
/// The result of reading a fail2ban directory: the jail.yaml text, the enabled jails it holds, and
/// every line of the fail2ban configuration that was not translated (each "JAIL: what: why").
/// </summary>
public sealed record ImportResult(string Yaml, IReadOnlyList<ImportedJail> Jails, IReadOnlyList<string> Untranslated);
