using ScanJail.Core.Configuration;

namespace ScanJail.Core.Actions;

// OWNER: actions helper.
public static class ActionLoader
{
    /// <summary>Reads actions/NAME.yaml; records every problem in <paramref name="errors"/> and returns null if unusable.</summary>
    public static ActionDefinition? Load(string path, string name, ConfigErrors errors) => throw new NotImplementedException();
}
