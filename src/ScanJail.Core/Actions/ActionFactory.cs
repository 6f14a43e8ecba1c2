using Microsoft.Extensions.Logging;
using ScanJail.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Actions;

// OWNER: actions helper.
public static class ActionFactory
{
    /// <summary>
    /// Checks the parameters a jail gives an action (unknown names are errors, reported at <paramref name="at"/>
    /// in <paramref name="file"/>) and returns them merged over the definition's defaults.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MergeParameters(
        ActionDefinition definition, IReadOnlyDictionary<string, string> given, ConfigErrors errors, string file, YamlNode? at, string? jail)
        => throw new NotImplementedException();

    /// <summary>The live action of one jail, with its own queue.</summary>
    public static IJailAction Create(ActionConfig action, string jail, TimeProvider time, ILogger logger)
        => throw new NotImplementedException();
}
