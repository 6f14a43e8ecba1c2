using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// Reads one configuration file into <see cref="ConfigLayers"/>: <c>jails:</c> everywhere, and
/// <c>defaults:</c> in DIR/jail.yaml only (a jails/*.yaml file defines jails, not global settings).
/// </summary>
internal static class ConfigFileReader
{
    public static void Read(string path, bool isMainFile, string directory, ConfigErrors errors, ConfigLayers into)
    {
        var root = YamlFile.LoadMapping(path, errors);
        if (root is null)
        {
            return;
        }
        var top = new MappingReader(root, path, null, "", errors);
        if (isMainFile && top.Mapping("defaults") is { } defaults)
        {
            into.Defaults = JailSettingsReader.Read(defaults, directory, isJail: false) with { Node = top.Get("defaults") };
        }
        if (top.Mapping("jails") is { } jails)
        {
            ReadJails(jails, isMainFile, directory, into);
        }
        top.ReportUnknownKeys();
    }

    private static void ReadJails(MappingReader jails, bool isMainFile, string directory, ConfigLayers into)
    {
        foreach (var (keyNode, value) in jails.Node.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            jails.Get(name);
            if (!PlainName.IsValid(name))
            {
                jails.Errors.Add(jails.File, keyNode, null, jails.FieldName(name),
                    $"'{name}' is not a valid jail name: {PlainName.Rule}");
                continue;
            }
            var field = jails.FieldName(name);
            YamlMappingNode mapping;
            switch (value)
            {
                case YamlMappingNode m:
                    mapping = m;
                    break;
                // "sshd:" with nothing after it: the jail is named and takes everything from elsewhere.
                case YamlScalarNode { Value: null or "" }:
                    mapping = new YamlMappingNode();
                    break;
                default:
                    jails.Errors.Add(jails.File, value, name, field, "a jail is a mapping of keys such as enabled, source, filter");
                    continue;
            }
            var reader = new MappingReader(mapping, jails.File, name, field, jails.Errors);
            var layer = JailSettingsReader.Read(reader, directory, isJail: true) with
            {
                Node = keyNode,
                InMainFile = isMainFile,
            };
            into.Add(name, layer);
        }
    }
}
