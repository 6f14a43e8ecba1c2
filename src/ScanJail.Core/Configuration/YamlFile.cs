using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>Reads one YAML file into a node tree that keeps line and column of every node.</summary>
public static class YamlFile
{
    /// <summary>
    /// The top-level mapping of <paramref name="path"/>, or null with an error recorded when the file
    /// cannot be read, is not YAML, or is not a mapping. An empty file is an empty mapping.
    /// </summary>
    public static YamlMappingNode? LoadMapping(string path, ConfigErrors errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ConfigError(path, 0, 0, null, "file", $"cannot read the file: {e.Message}"));
            return null;
        }
        return ParseMapping(text, path, errors);
    }

    public static YamlMappingNode? ParseMapping(string text, string path, ConfigErrors errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add(path, e.Start, null, "yaml", $"not valid YAML: {e.InnerException?.Message ?? e.Message}");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these (not a YamlException) on some broken input, found by ConfigPropertyTests.
            errors.Add(new ConfigError(path, 0, 0, null, "yaml", $"not valid YAML: {e.Message}"));
            return null;
        }
        if (stream.Documents.Count == 0)
        {
            return new YamlMappingNode();
        }
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" })
        {
            return new YamlMappingNode();
        }
        if (root is not YamlMappingNode mapping)
        {
            errors.Add(path, root, null, "file", "the file must be a YAML mapping (key: value lines) at the top level");
            return null;
        }
        return mapping;
    }
}
