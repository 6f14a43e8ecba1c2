namespace ScanJail.Daemon.Tests.Client;

internal static class Surrogates
{
    /// <summary>Whether <paramref name="text"/> has a surrogate that is not half of a pair (text no UTF-8 can carry).</summary>
    public static bool HasLone(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }
}
