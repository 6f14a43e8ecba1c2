using System.Text.Json;

namespace ScanJail.Client;

/// <summary>Reads what has come into <paramref name="into"/>, at least one byte; 0 at the end.</summary>
internal delegate int ByteSource(Span<byte> into);

/// <summary>
/// An answer whose result is text (<see cref="Core.Control.ControlRequest.Text"/>), copied to the output as it
/// arrives. The engine writes it as <c>{"ok":true,"result":"..."}</c> and nothing else; any other answer (an
/// error, or an engine that answered the status object) is read whole and left to <see cref="ControlAnswer.Parse"/>.
/// So printing a jail's status with 100,000 bans needs neither the whole megabyte in memory nor the serializer's
/// library, whose loading alone was a fifth of the client's time.
/// </summary>
internal static class TextAnswer
{
    private const int Chunk = 64 * 1024;

    private static ReadOnlySpan<byte> Envelope => "{\"ok\":true,\"result\":\""u8;

    /// <summary>Copies the text to <paramref name="output"/>; or, for any other answer, returns its line (without the newline).</summary>
    /// <exception cref="JsonException">The answer begins as a text answer and is not one.</exception>
    /// <exception cref="IOException">The engine closed the connection before the end of the answer, or without one.</exception>
    public static ReadOnlyMemory<byte>? Copy(ByteSource read, Stream output)
    {
        var buffer = new byte[Chunk];
        var filled = 0;
        while (filled < Envelope.Length && buffer.AsSpan(0, filled).IndexOf((byte)'\n') < 0)
        {
            var count = read(buffer.AsSpan(filled));
            if (count == 0)
            {
                break;
            }
            filled += count;
        }
        if (!buffer.AsSpan(0, filled).StartsWith(Envelope))
        {
            // Null is kept for "copied": an engine that closed before its newline gave no answer.
            return ReadLine(read, buffer, filled) ?? throw new IOException("the engine closed the connection without an answer");
        }
        var start = Envelope.Length;
        var text = new byte[Chunk];
        while (true)
        {
            var (taken, written, ended) = JsonStringUnescaper.Unescape(buffer.AsSpan(start, filled - start), text);
            output.Write(text, 0, written);
            start += taken;
            if (ended)
            {
                break;
            }
            // What is left is an escape cut at the end of the read (a few bytes): it goes first, then more is read.
            buffer.AsSpan(start, filled - start).CopyTo(buffer);
            filled -= start;
            start = 0;
            var count = read(buffer.AsSpan(filled));
            if (count == 0)
            {
                throw new IOException("the answer ended inside its text");
            }
            filled += count;
        }
        var after = ReadLine(read, buffer.AsSpan(start, filled - start).ToArray(), filled - start)
            ?? throw new IOException("the answer ended without its newline");
        if (!after.Span.Trim(" \t\r"u8).SequenceEqual("}"u8))
        {
            throw new JsonException("a text answer has nothing after its text");
        }
        return null;
    }

    /// <summary>The bytes up to the first newline (the first <paramref name="filled"/> bytes of <paramref name="buffer"/> already read), or null when the engine closed first.</summary>
    public static ReadOnlyMemory<byte>? ReadLine(ByteSource read, byte[] buffer, int filled)
    {
        var searched = 0;
        while (true)
        {
            var newline = buffer.AsSpan(searched, filled - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return buffer.AsMemory(0, searched + newline);
            }
            searched = filled;
            if (filled == buffer.Length)
            {
                // Doubled, not zeroed first: every byte up to filled is written before it is read.
                var larger = GC.AllocateUninitializedArray<byte>(Math.Max(buffer.Length * 2, Chunk));
                buffer.AsSpan(0, filled).CopyTo(larger);
                buffer = larger;
            }
            var count = read(buffer.AsSpan(filled));
            if (count == 0)
            {
                return null;
            }
            filled += count;
        }
    }
}
