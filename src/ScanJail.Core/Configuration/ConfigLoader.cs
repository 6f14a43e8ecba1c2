namespace ScanJail.Core.Configuration;

/// <summary>
/// Loads a configuration directory. Files stack in this order, later over earlier key by key for the
/// same jail: each shipped set's <c>jails/*.yaml</c> (the last shipped set first, so the first one
/// wins), then <c>DIR/jails/*.yaml</c>, then <c>DIR/jail.yaml</c>. See docs/configuration.md.
/// </summary>
public static class ConfigLoader
{
    /// <summary>
    /// Loads DIR/jail.yaml and DIR/jails/*.yaml, resolving filter and action names in DIR/filters and
    /// DIR/actions first, then in each of <paramref name="shippedDirs"/> (the shipped set beside the program).
    /// Collects every error; Config is null when there is any.
    /// </summary>
    public static ConfigLoadResult Load(string directory, IReadOnlyList<string> shippedDirs)
    {
        ArgumentNullException.ThrowIfNull(shippedDirs);
        var errors = new ConfigErrors();
        var dir = FullPath(directory);
        if (dir is null || !Directory.Exists(dir))
        {
            errors.Add(new ConfigError(dir ?? directory ?? "", 0, 0, null, "directory",
                "the configuration directory does not exist; create it with a jail.yaml, or name another with -c DIR"));
            return new ConfigLoadResult(null, errors.Sorted());
        }
        var shipped = shippedDirs.Select(FullPath).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var layers = new ConfigLayers();
        foreach (var file in JailFiles(dir, shipped, errors))
        {
            ConfigFileReader.Read(file, isMainFile: false, dir, errors, layers);
        }
        var main = Path.Combine(dir, ConfigDirectory.JailFile);
        if (File.Exists(main))
        {
            ConfigFileReader.Read(main, isMainFile: true, dir, errors, layers);
        }
        else
        {
            errors.Add(new ConfigError(main, 0, 0, null, "file",
                "jail.yaml is missing; create it with the jails to run, for example jails: { sshd: { enabled: true } }"));
        }

        var resolver = new DefinitionResolver(dir, shipped, errors);
        var jails = layers.JailNames
            .Select(name => JailResolver.Build(name, layers.LayersOf(name), layers.Defaults, resolver, errors))
            .ToList();
        return errors.Any
            ? new ConfigLoadResult(null, errors.Sorted())
            : new ConfigLoadResult(new EngineConfig(dir, jails), []);
    }

    /// <summary>The jail definition files in load order (shipped sets, then DIR/jails), each once.</summary>
    private static List<string> JailFiles(string dir, IReadOnlyList<string> shipped, ConfigErrors errors)
    {
        var folders = shipped.Reverse().Append(dir).Select(d => Path.Combine(d, "jails"));
        var files = new List<string>();
        foreach (var folder in folders.Where(Directory.Exists))
        {
            try
            {
                files.AddRange(Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new ConfigError(folder, 0, 0, null, "directory", $"cannot list the jail files: {e.Message}"));
            }
        }
        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    private static string? FullPath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
    }
}

public sealed record ConfigLoadResult(EngineConfig? Config, IReadOnlyList<ConfigError> Errors);
