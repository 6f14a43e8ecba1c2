namespace ScanJail.Core.Filtering.Fail2Ban;

/// <summary>One option of a fail2ban INI file, with where it was written (for error messages).</summary>
public sealed record IniValue(string Text, string File, int Line);
