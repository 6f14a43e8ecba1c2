using ScanJail.Core.Configuration;

namespace ScanJail.Core.Filtering;

// OWNER: filtering helper.
public static class FilterLoader
{
    /// <summary>Reads filters/NAME.yaml; records every problem in <paramref name="errors"/> and returns null if unusable.</summary>
    public static FilterDefinition? Load(string path, string name, ConfigErrors errors) => throw new NotImplementedException();
}
