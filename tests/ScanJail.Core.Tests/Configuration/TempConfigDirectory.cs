using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Configuration;

/// <summary>
/// A real configuration on disk for one test: <see cref="Dir"/> is the admin's directory (etc/),
/// <see cref="Shipped"/> a shipped set beside it (shipped/). Deleted when the test ends.
/// </summary>
internal sealed class TempConfigDirectory : IDisposable
{
    public TempConfigDirectory()
    {
        Root = Directory.CreateTempSubdirectory("scanjail-config-").FullName;
        Directory.CreateDirectory(Dir);
        Directory.CreateDirectory(Shipped);
    }

    public string Root { get; }

    public string Dir => Path.Combine(Root, "etc");

    public string Shipped => Path.Combine(Root, "shipped");

    /// <summary>Writes <paramref name="text"/> to a path relative to <see cref="Root"/> and returns the full path.</summary>
    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public ConfigLoadResult Load() => ConfigLoader.Load(Dir, [Shipped]);

    public ConfigLoadResult Load(params string[] shippedDirs) => ConfigLoader.Load(Dir, shippedDirs);

    /// <summary>One error per line with paths relative to <see cref="Root"/>, stable across runs.</summary>
    public string Listing(IEnumerable<ConfigError> errors) =>
        string.Concat(errors.Select(e => e.ToString().Replace(Root + "/", "", StringComparison.Ordinal) + "\n"));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
