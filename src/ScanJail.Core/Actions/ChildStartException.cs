namespace ScanJail.Core.Actions;

/// <summary>A command could not be started; the message is the system's reason ("No such file or directory").</summary>
internal sealed class ChildStartException(string message) : Exception(message);
