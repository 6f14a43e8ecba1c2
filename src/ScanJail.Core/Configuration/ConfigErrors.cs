using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Collects every configuration error instead of stopping at the first, so an admin sees the whole
/// list at once. Not thread-safe: one loader fills one collector.
/// </summary>
public sealed class ConfigErrors
{
    private readonly List<ConfigError> _items = [];

    public IReadOnlyList<ConfigError> Items => _items;

    public bool Any => _items.Count > 0;

    public void Add(ConfigError error) => _items.Add(error);

    public void Add(string file, Mark at, string? jail, string field, string message) =>
        _items.Add(new ConfigError(file, (int)at.Line, (int)at.Column, jail, field, message));

    public void Add(string file, YamlNode? at, string? jail, string field, string message) =>
        Add(file, at?.Start ?? Mark.Empty, jail, field, message);

    /// <summary>Errors in file order, then line and column: the order an admin reads them in.</summary>
    public IReadOnlyList<ConfigError> Sorted() =>
        [.. _items.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column)];
}
