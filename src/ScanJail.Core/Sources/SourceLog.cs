using Microsoft.Extensions.Logging;

namespace ScanJail.Core.Sources;

/// <summary>The file source's log messages, generated so a disabled level costs nothing.</summary>
internal static partial class SourceLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {Path} again")]
    public static partial void Recovered(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read {Path}: {Reason}; retrying")]
    public static partial void CannotRead(this ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} was rotated; finishing the old file and following the new one")]
    public static partial void Rotated(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} was truncated; reading it from the start")]
    public static partial void Truncated(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} does not exist yet; waiting for it")]
    public static partial void Missing(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} appeared; reading it from the start")]
    public static partial void Appeared(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} was rotated while stopped; reading the rest of {Rotated} first")]
    public static partial void RotatedWhileDown(this ILogger logger, string path, string rotated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} was rotated while stopped, but {Rotated} cannot be read: {Reason}")]
    public static partial void RotatedUnreadable(this ILogger logger, string path, string rotated, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No file matches {Pattern} yet; waiting for one")]
    public static partial void NoMatch(this ILogger logger, string pattern);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Directory} for changes ({Reason}); polling it instead")]
    public static partial void CannotWatch(this ILogger logger, string directory, string reason);
}
