namespace ScanJail.Client;

/// <summary>sysexits-style codes, so scripts can tell a refused command from a stopped engine.</summary>
internal static class ExitCodes
{
    public const int Done = 0;

    /// <summary>The engine answered "not ok" (including forbidden).</summary>
    public const int Failed = 1;

    /// <summary>EX_USAGE: bad or missing arguments, unknown command.</summary>
    public const int Usage = 64;

    /// <summary>EX_UNAVAILABLE: nothing listens on the socket.</summary>
    public const int Unavailable = 69;
}
