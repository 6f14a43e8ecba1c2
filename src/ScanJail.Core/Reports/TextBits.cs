namespace ScanJail.Core.Reports;

/// <summary>
/// The few texts a ledger's sources share (their protocols, scan kinds or jails), each given a bit: the first
/// <see cref="Capacity"/> distinct ones seen, so a source holds its set as one <see cref="ulong"/> instead of an
/// object. A text past them has no bit (the source keeps it in a <see cref="TextSet"/> of its own), so what
/// alert lines can make this table hold is bounded.
/// </summary>
internal sealed class TextBits
{
    public const int Capacity = 64;

    private readonly List<string> _texts = [];
    private int _lastBit = -1;

    /// <summary>The bit of <paramref name="text"/>, given one if there is room; false when it has none.</summary>
    public bool TryBit(string text, out int bit)
    {
        // A source's alerts repeat one protocol and kind line after line: the last text's bit first.
        if (_lastBit >= 0 && string.Equals(_texts[_lastBit], text, StringComparison.Ordinal))
        {
            bit = _lastBit;
            return true;
        }
        bit = _texts.IndexOf(text); // ordinal: the default comparer of strings
        if (bit < 0)
        {
            if (_texts.Count == Capacity)
            {
                return false;
            }
            bit = _texts.Count;
            _texts.Add(text);
        }
        _lastBit = bit;
        return true;
    }

    /// <summary>The texts whose bits are set in <paramref name="bits"/>.</summary>
    public IEnumerable<string> Texts(ulong bits)
    {
        for (var bit = 0; bit < _texts.Count; bit++)
        {
            if ((bits & (1UL << bit)) != 0)
            {
                yield return _texts[bit];
            }
        }
    }
}
