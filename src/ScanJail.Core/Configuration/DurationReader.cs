using ScanJail.Core.Time;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>Reads duration keys (findtime, bantime's parts) with errors that show the accepted forms.</summary>
internal static class DurationReader
{
    public const string Forms = "a duration such as 30s, 10m, 1h30m, 2d or 1w (units s, m, h, d, w, largest first; a plain number is seconds)";

    /// <summary>A positive duration under <paramref name="key"/>, or null (with an error when present but wrong).</summary>
    public static Setting<TimeSpan>? Read(MappingReader map, string key)
    {
        var text = map.Scalar(key);
        if (text is null)
        {
            return null;
        }
        var node = map.Get(key);
        return Parse(map, node, key, text) is { } value ? new Setting<TimeSpan>(value, map.File, node) : null;
    }

    public static TimeSpan? Parse(MappingReader map, YamlNode? node, string key, string text)
    {
        if (!DurationGrammar.TryParse(text, out var value))
        {
            map.Error(node, key, $"expected {Forms}, found '{text}'");
            return null;
        }
        if (value <= TimeSpan.Zero)
        {
            map.Error(node, key, $"must be longer than zero, found '{text}'");
            return null;
        }
        return value;
    }
}
