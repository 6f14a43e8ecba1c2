namespace ScanJail.Daemon;

/// <summary>sysexits.h codes, as sshguard and other daemons use them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 64;
    public const int NoInput = 66;
    public const int Unavailable = 69;
    public const int CannotCreate = 73;
    public const int IoError = 74;
    public const int Config = 78;
}
