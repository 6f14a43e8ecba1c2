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
    public static ControlAnswer Send(string socketPath, ControlRequest request, ResultReader? read = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var socket = UnixStream.Connect(socketPath, AnswerTimeout);
        try
        {
            var line = new ArrayBufferWriter<byte>();
            WriteRequest(request, line);
            socket.Write(line.WrittenSpan);
            var answer = ReadLine(socket)
                ?? throw new EngineUnavailableException($"the engine closed {socketPath} without an answer");
            // From the bytes as they came, with no text decoded first (a jail's status with 100,000 bans is a megabyte).
            return ControlAnswer.Parse(answer, read);
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
    /// <paramref name="request"/> as one line, the JSON <see cref="ControlProtocol.Json"/> writes (nulls left out),
    /// written by hand: the serializer's first use would cost this short-lived process more than the request.
    /// </summary>
    public static void WriteRequest(ControlRequest request, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(request);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("command", request.Command);
            WriteIfSet(writer, "jail", request.Jail);
            WriteIfSet(writer, "address", request.Address);
            WriteIfSet(writer, "time", request.Time);
            writer.WriteBoolean("all", request.All);
            writer.WriteBoolean("text", request.Text);
            writer.WriteEndObject();
        }
        output.Write("\n"u8);
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>The bytes up to the first newline, or null when the engine closed first.</summary>
    private static ReadOnlyMemory<byte>? ReadLine(UnixStream socket)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(256 * 1024);
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                // Doubled, not zeroed first: every byte up to filled is written before it is read.
                var larger = GC.AllocateUninitializedArray<byte>(buffer.Length * 2);
                buffer.AsSpan(0, filled).CopyTo(larger);
                buffer = larger;
            }
            var read = socket.Read(buffer.AsSpan(filled));
            if (read == 0)
            {
                return null;
            }
            // Only the new bytes are searched: a megabyte comes in many reads.
            var newline = buffer.AsSpan(filled, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return buffer.AsMemory(0, filled + newline);
            }
            filled += read;
        }
    }
}
