using System.Buffers;
using System.Text.Json;
using ScanJail.Core.Control;

namespace ScanJail.Client;

/// <summary>One request, one response over the engine's control socket.</summary>
public static class ControlClient
{
    /// <summary>Long enough for a reload of a large configuration; a hung engine still ends the wait.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Sends <paramref name="request"/> and reads the answer with blocking calls (<see cref="UnixStream"/>): a
    /// short-lived process waits for one answer.
    /// </summary>
    /// <exception cref="EngineUnavailableException">Nothing answers on the socket.</exception>
    /// <exception cref="UnauthorizedAccessException">The socket exists but this user may not connect to it.</exception>
    public static ControlAnswer Send(string socketPath, ControlRequest request) =>
        Exchange(socketPath, request, socket =>
            // From the bytes as they came, with no text decoded first.
            ControlAnswer.Parse(TextAnswer.ReadLine(socket.Read, GC.AllocateUninitializedArray<byte>(256 * 1024), 0)
                ?? throw new EngineUnavailableException($"the engine closed {socketPath} without an answer")))!;

    /// <summary>
    /// Sends <paramref name="request"/>, whose result is text, and copies the text to <paramref name="output"/> as it
    /// arrives (<see cref="TextAnswer"/>). Null when it was copied; otherwise the answer, an error or a result that
    /// is not text, read as <see cref="Send"/> reads it.
    /// </summary>
    /// <exception cref="EngineUnavailableException">Nothing answers on the socket.</exception>
    /// <exception cref="UnauthorizedAccessException">The socket exists but this user may not connect to it.</exception>
    public static ControlAnswer? CopyText(string socketPath, ControlRequest request, Stream output) =>
        Exchange(socketPath, request, socket => TextAnswer.Copy(socket.Read, output) switch
        {
            { } line => ControlAnswer.Parse(line, ControlAnswer.Utf8String),
            null => null,
        });

    private static ControlAnswer? Exchange(string socketPath, ControlRequest request, Func<UnixStream, ControlAnswer?> answer)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var socket = UnixStream.Connect(socketPath, AnswerTimeout);
        try
        {
            var line = new ArrayBufferWriter<byte>(256);
            WriteRequest(request, line);
            socket.Write(line.WrittenSpan);
            return answer(socket);
        }
        catch (TimeoutException e)
        {
            throw new EngineUnavailableException($"the engine did not answer on {socketPath} within {AnswerTimeout.TotalSeconds:0} s", e);
        }
        catch (IOException e)
        {
            throw new EngineUnavailableException($"the connection to {socketPath} broke: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new EngineUnavailableException($"the answer on {socketPath} is not the control protocol: {e.Message}", e);
        }
    }

    /// <summary>
    /// <paramref name="request"/> as one line of the JSON the engine reads (<see cref="ControlProtocol.Json"/>; nulls
    /// left out), written by hand: the serializer's library, loaded for a request, cost this short-lived process
    /// more than the request. Strings are escaped as <see cref="JsonStringWriter"/> escapes the engine's text.
    /// </summary>
    public static void WriteRequest(ControlRequest request, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"command\":"u8);
        WriteString(request.Command, output);
        WriteIfSet(",\"jail\":"u8, request.Jail, output);
        WriteIfSet(",\"address\":"u8, request.Address, output);
        WriteIfSet(",\"time\":"u8, request.Time, output);
        output.Write(request.All ? ",\"all\":true"u8 : ",\"all\":false"u8);
        output.Write(request.Text ? ",\"text\":true}\n"u8 : ",\"text\":false}\n"u8);
    }

    private static void WriteIfSet(ReadOnlySpan<byte> name, string? value, IBufferWriter<byte> output)
    {
        if (value is not null)
        {
            output.Write(name);
            WriteString(value, output);
        }
    }

    private static void WriteString(string value, IBufferWriter<byte> output)
    {
        output.Write("\""u8);
        using (var text = new JsonStringWriter(output))
        {
            text.Write(value);
        }
        output.Write("\""u8);
    }
}
