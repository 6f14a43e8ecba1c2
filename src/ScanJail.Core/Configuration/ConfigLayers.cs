namespace ScanJail.Core.Configuration;

/// <summary>Everything the files say, before merging: the defaults and, per jail name, its layers in load order.</summary>
internal sealed class ConfigLayers
{
    private readonly Dictionary<string, List<JailLayer>> _jails = new(StringComparer.Ordinal);

    public JailLayer? Defaults { get; set; }

    public IEnumerable<string> JailNames => _jails.Keys.Order(StringComparer.Ordinal);

    public IReadOnlyList<JailLayer> LayersOf(string jail) => _jails[jail];

    public void Add(string jail, JailLayer layer)
    {
        if (!_jails.TryGetValue(jail, out var layers))
        {
            _jails[jail] = layers = [];
        }
        layers.Add(layer);
    }
}
