namespace ScanJail.Listener;

/// <summary>sysexits.h codes.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 64;
    public const int Unavailable = 69;
    public const int Config = 78;
}
