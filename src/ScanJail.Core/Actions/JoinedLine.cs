namespace ScanJail.Core.Actions;

/// <summary>
/// One <c>each</c> or <c>permanent</c> line of a batch with <c>join</c>, cut at its first <c>{</c> and last
/// <c>}</c>: the statement's head (up to the brace), the element between the braces, and the tail. Tags
/// cannot hold a brace (<c>&lt;name&gt;</c>), so the cut never splits one; values are pasted in after it.
/// </summary>
/// <param name="Head">Up to and with the first <c>{</c>, such as <c>add element inet sj-&lt;jail&gt; addr-&lt;family&gt; {</c>.</param>
/// <param name="Element">Between the braces, trimmed, such as <c>&lt;ip&gt; timeout &lt;remaining&gt;s</c>.</param>
/// <param name="Tail">From the last <c>}</c> on.</param>
internal sealed record JoinedLine(ArgTemplate Head, ArgTemplate Element, ArgTemplate Tail)
{
    /// <summary>Null when <paramref name="line"/> has no <c>{</c> before a <c>}</c> with an element between them.</summary>
    public static JoinedLine? TryCut(string line)
    {
        var open = line.IndexOf('{', StringComparison.Ordinal);
        var close = line.LastIndexOf('}');
        if (open < 0 || close < open || line.AsSpan(open + 1, close - open - 1).IsWhiteSpace())
        {
            return null;
        }
        return new JoinedLine(
            ArgTemplate.Parse(line[..(open + 1)]),
            ArgTemplate.Parse(line[(open + 1)..close].Trim()),
            ArgTemplate.Parse(line[close..]));
    }
}
