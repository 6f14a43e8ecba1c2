namespace ScanJail.Core.Configuration;

/// <summary>
/// One problem in the configuration, with where it is and how to fix it.
/// Printed as <c>FILE:LINE:COLUMN: jail JAIL: FIELD: MESSAGE</c> (the jail part only when known).
/// </summary>
public sealed record ConfigError(string File, int Line, int Column, string? Jail, string Field, string Message)
{
    public override string ToString()
    {
        var jail = Jail is null ? "" : $"jail '{Jail}': ";
        return $"{File}:{Line}:{Column}: {jail}{Field}: {Message}";
    }
}
