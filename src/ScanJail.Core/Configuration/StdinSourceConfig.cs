namespace ScanJail.Core.Configuration;

/// <summary>
/// <c>source: stdin</c>: lines from the engine's standard input, for <c>tail -F FILE | scanjail run</c>
/// and <c>journalctl -f | scanjail run</c>. Every jail naming it reads the same lines.
/// </summary>
public sealed record StdinSourceConfig(int MaxLineLength = 8192) : SourceConfig;
