namespace ScanJail.Listener.Configuration;

public static class ListenModes
{
    public static bool IsTcp(this ListenMode mode) => mode is ListenMode.Tcp or ListenMode.Stcp or ListenMode.Atcp;

    /// <summary>Stealth and advanced modes read a raw socket; the plain ones bind ports.</summary>
    public static bool IsRaw(this ListenMode mode) => mode is not (ListenMode.Tcp or ListenMode.Udp);

    public static bool IsAdvanced(this ListenMode mode) => mode is ListenMode.Atcp or ListenMode.Audp;

    public static string Name(this ListenMode mode) => mode.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ListenMode mode)
    {
        mode = default;
        return text is "tcp" or "udp" or "stcp" or "sudp" or "atcp" or "audp"
            && Enum.TryParse(text, ignoreCase: true, out mode);
    }
}
