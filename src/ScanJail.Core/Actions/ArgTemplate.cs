namespace ScanJail.Core.Actions;

/// <summary>
/// One argv element with its tags, tokenized once at load. Rendering always yields exactly one
/// element: a value is pasted in as text and is never split, quoted or interpreted.
/// </summary>
internal sealed class ArgTemplate
{
    private readonly TemplatePart[] _parts;

    private ArgTemplate(string source, TemplatePart[] parts)
    {
        Source = source;
        _parts = parts;
    }

    public string Source { get; }

    public IReadOnlyList<TemplatePart> Parts => _parts;

    public IEnumerable<string> Tags => _parts.Where(p => p.IsTag).Select(p => p.Text);

    /// <summary>
    /// Splits <paramref name="text"/> into literal text and <c>&lt;name&gt;</c> tags. Anything in
    /// angle brackets that is not a tag name (<c>&lt;1&gt;</c>, <c>&lt; a&gt;</c>, a lone <c>&lt;</c>) stays literal.
    /// </summary>
    public static ArgTemplate Parse(string text)
    {
        var parts = new List<TemplatePart>();
        var literalStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('<', i);
            if (open < 0)
            {
                break;
            }
            var end = open + 1;
            while (end < text.Length && (end == open + 1 ? TagNames.IsFirst(text[end]) : TagNames.IsRest(text[end])))
            {
                end++;
            }
            if (end > open + 1 && end < text.Length && text[end] == '>')
            {
                if (open > literalStart)
                {
                    parts.Add(new TemplatePart(text[literalStart..open], false));
                }
                parts.Add(new TemplatePart(text[(open + 1)..end], true));
                literalStart = end + 1;
                i = end + 1;
            }
            else
            {
                // Not a tag: the '<' is text; look for the next one after it (it may start a real tag).
                i = open + 1;
            }
        }
        if (literalStart < text.Length || parts.Count == 0)
        {
            parts.Add(new TemplatePart(text[literalStart..], false));
        }
        return new ArgTemplate(text, [.. parts]);
    }

    /// <summary>The element with every tag replaced by its value (the empty string when it has none).</summary>
    public string Render(ITagSource values)
    {
        if (_parts.Length == 1)
        {
            var only = _parts[0];
            return only.IsTag ? values.Get(only.Text) : only.Text;
        }
        // Look each value up once, measure, then write the element in one allocation.
        var pieces = new string[_parts.Length];
        var length = 0;
        for (var k = 0; k < _parts.Length; k++)
        {
            var part = _parts[k];
            pieces[k] = part.IsTag ? values.Get(part.Text) : part.Text;
            length = checked(length + pieces[k].Length);
        }
        return string.Create(length, pieces, static (span, all) =>
        {
            foreach (var piece in all)
            {
                piece.AsSpan().CopyTo(span);
                span = span[piece.Length..];
            }
        });
    }
}
