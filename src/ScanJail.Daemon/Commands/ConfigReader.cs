using ScanJail.Core.Configuration;

namespace ScanJail.Daemon.Commands;

/// <summary>Loads the configuration and prints every error, as `check` and `run` both need.</summary>
internal static class ConfigReader
{
    public static ConfigLoadResult Load(string directory) =>
        ConfigLoader.Load(Path.GetFullPath(directory), ConfigDirectory.DefaultShippedDirs());

    public static void PrintErrors(ConfigLoadResult result, TextWriter writer)
    {
        foreach (var error in result.Errors)
        {
            writer.WriteLine(error);
        }
        writer.WriteLine($"{result.Errors.Count} error(s) in the configuration; nothing was started.");
    }
}
