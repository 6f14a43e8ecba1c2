namespace ScanJail.Core.Actions;

/// <summary>
/// How a command ended: its exit code (null when another reaper took it) and the first <see cref="ChildOutput.Kept"/>
/// bytes of its stdout and stderr.
/// </summary>
internal readonly record struct ChildResult(int? ExitCode, string Output, string Errors);
