using System.Buffers;

namespace ScanJail.Core.Control;

/// <summary>
/// A result that is text (<see cref="ControlRequest.Text"/>), as a server's payload: written as one JSON string
/// straight from <paramref name="Write"/>, never built as a .NET string and escaped again.
/// </summary>
public sealed record TextResult(Action<TextWriter> Write)
{
    /// <summary>Writes the text as a JSON string literal, quotes included, in UTF-8.</summary>
    public void WriteLiteral(IBufferWriter<byte> output)
    {
        output.Write("\""u8);
        using (var text = new JsonStringWriter(output))
        {
            Write(text);
        }
        output.Write("\""u8);
    }
}
