namespace ScanJail.Core.Configuration;

/// <summary>
/// Jail, filter and action names: letters, digits, '_', '-' and '.', not starting with '.'.
/// A name becomes a file name (filters/NAME.yaml), so slashes and ".." must never get through.
/// </summary>
internal static class PlainName
{
    public const string Rule = "use only letters, digits, '_', '-' and '.' (not first)";

    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || name[0] == '.')
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }
}
