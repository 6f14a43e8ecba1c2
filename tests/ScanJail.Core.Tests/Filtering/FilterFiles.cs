using ScanJail.Core.Configuration;
using ScanJail.Core.Filtering;

namespace ScanJail.Core.Tests.Filtering;

/// <summary>Writes a filter YAML into a fresh temporary folder and loads it for real.</summary>
internal sealed class FilterFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scanjail-filters-").FullName;

    public ConfigErrors Errors { get; } = new();

    public string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public FilterDefinition? Load(string name, string yaml) => FilterLoader.Load(Write(name, yaml), name, Errors);

    public IFilter? Create(string yaml, IReadOnlyDictionary<string, string>? parameters = null, TimeSpan? timeout = null)
    {
        var definition = Load("test", yaml);
        return definition is null
            ? null
            : FilterFactory.Create(definition, parameters ?? new Dictionary<string, string>(), Errors, "jail1", new FilterOptions(TimeZoneInfo.Utc, timeout ?? TimeSpan.FromSeconds(30)));
    }

    public IFilter CreateValid(string yaml, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var filter = Create(yaml, parameters);
        Assert.True(filter is not null, string.Join(Environment.NewLine, Errors.Items));
        return filter!;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
