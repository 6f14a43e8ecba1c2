namespace ScanJail.Core.Configuration;

// OWNER: configuration helper.
public static class ConfigLoader
{
    /// <summary>
    /// Loads DIR/jail.yaml and DIR/jails/*.yaml, resolving filter and action names in DIR/filters and
    /// DIR/actions first, then in each of <paramref name="shippedDirs"/> (the shipped set beside the program).
    /// Collects every error; Config is null when there is any.
    /// </summary>
    public static ConfigLoadResult Load(string directory, IReadOnlyList<string> shippedDirs) => throw new NotImplementedException();
}

public sealed record ConfigLoadResult(EngineConfig? Config, IReadOnlyList<ConfigError> Errors);
