using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// One jail key's value with where it was written, so that a later check (an unknown filter, say)
/// can point at the right file and line. Built-in defaults have no file and no node.
/// </summary>
internal sealed record Setting<T>(T Value, string File, YamlNode? Node);
