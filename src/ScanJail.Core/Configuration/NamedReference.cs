using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Configuration;

/// <summary>
/// A filter or action as a jail names it: <c>sshd</c>, or <c>{ nftables: { port: 22 } }</c>.
/// <see cref="Node"/> and <see cref="Field"/> locate it for errors.
/// </summary>
internal sealed record NamedReference(string Name, IReadOnlyDictionary<string, string> Parameters, YamlNode? Node, string Field);
