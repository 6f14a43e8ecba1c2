namespace ScanJail.Core.Configuration;

/// <summary>Where configuration lives: the admin's directory and the shipped set beside the program.</summary>
public static class ConfigDirectory
{
    /// <summary>The directory used when <c>-c DIR</c> is not given.</summary>
    public const string DefaultPath = "/etc/scanjail";

    /// <summary>The file every configuration directory must hold.</summary>
    public const string JailFile = "jail.yaml";

    /// <summary>Names another shipped set (a folder with filters/, jails/, actions/), searched before the program's own.</summary>
    public const string ShippedDirVariable = "SCANJAIL_SHIPPED_DIR";

    /// <summary>
    /// The shipped sets, most important first: <c>$SCANJAIL_SHIPPED_DIR</c> when set (an explicit choice,
    /// for example a source checkout), then the program's own folder, where publish puts filters/,
    /// jails/ and actions/.
    /// </summary>
    public static IReadOnlyList<string> DefaultShippedDirs()
    {
        var dirs = new List<string>();
        var fromEnvironment = Environment.GetEnvironmentVariable(ShippedDirVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            dirs.Add(Path.GetFullPath(fromEnvironment));
        }
        var own = Path.GetFullPath(AppContext.BaseDirectory);
        if (!dirs.Contains(own, StringComparer.Ordinal))
        {
            dirs.Add(own);
        }
        return dirs;
    }
}
