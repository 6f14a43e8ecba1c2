using System.Globalization;
using System.Text;

namespace ScanJail.Core.Actions.Mail;

/// <summary>
/// Reads SMTP replies (multi-line: "250-..." continues, "250 ..." ends) and writes commands. Reads a
/// byte at a time so that nothing past a reply is buffered: STARTTLS hands the raw stream to TLS next.
/// </summary>
internal sealed class SmtpLine(Stream stream, string[] stage)
{
    private const int MaxLine = 4096;
    private readonly byte[] _one = new byte[1];

    public async Task WriteAsync(string text, CancellationToken token)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), token);
        await stream.FlushAsync(token);
    }

    public async Task<IReadOnlyList<string>> CommandAsync(string command, int expected, CancellationToken token, string? shown = null, int also = 0)
    {
        stage[0] = (shown ?? command).Split(' ')[0];
        await WriteAsync(command + "\r\n", token);
        return await ExpectAsync(expected, token, shown ?? command, also);
    }

    public async Task<IReadOnlyList<string>> ExpectAsync(int expected, CancellationToken token, string? after = null, int also = 0)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(token);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                throw new MailException($"not an SMTP reply: '{Short(line)}'");
            }
            lines.Add(line);
            if (line.Length > 3 && line[3] == '-')
            {
                continue;
            }
            if (code != expected && (also == 0 || code != also))
            {
                var what = after is null ? "greeting" : after.Split(' ')[0] == "AUTH" ? "AUTH" : Short(after);
                throw new MailException($"{what}: server answered '{Short(line)}'");
            }
            return lines;
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken token)
    {
        var bytes = new List<byte>();
        while (true)
        {
            if (await stream.ReadAsync(_one, token) == 0)
            {
                throw new MailException("the server closed the connection");
            }
            if (_one[0] == '\n')
            {
                break;
            }
            if (bytes.Count < MaxLine)
            {
                bytes.Add(_one[0]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
    }

    private static string Short(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
