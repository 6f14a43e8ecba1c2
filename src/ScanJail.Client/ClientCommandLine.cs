using System.Reflection;
using System.Text;
using System.Text.Json;
using ScanJail.Core.Control;
using ScanJail.Core.Net;

namespace ScanJail.Client;

/// <summary>
/// <c>scanjail-client [--socket PATH] [--json] COMMAND</c>. Parse errors exit 64 with the usage on
/// stderr; everything else is one request to the engine (<see cref="ControlClient"/>).
/// </summary>
public sealed class ClientCommandLine
{
    public const string DefaultSocket = "/run/scanjail/scanjail.sock";
    public const string SocketVariable = "SCANJAIL_SOCKET";
    public const string Description = "Talks to the running scanjail engine over its control socket.";

    private const string Jail = "JAIL";
    private const string Address = "ADDR";

    /// <summary>Every command, its arguments and options: what the parser reads and what the help shows.</summary>
    public static readonly IReadOnlyList<CommandSyntax> Commands =
    [
        new("status", "The jails, or one jail's failures and bans", [new(Jail, "A jail's figures instead of the jail list", Required: false)], []),
        new("ban", "Bans an address in a jail (root only)",
            [new(Jail, "The jail that bans", Required: true), new(Address, "The address to ban", Required: true)],
            [new("--time", "DURATION", "How long: 30s, 10m, 1h30m, 2d, 1w or permanent (default: the jail's bantime)")]),
        new("unban", "Unbans an address, or everything with --all (root only)",
            [new(Address, "The address to unban", Required: false)],
            [new("--jail", "JAIL", "Only in this jail (default: every jail)"), new("--all", null, "Unban every address in every jail")]),
        new("banned", "The active bans", [new(Address, "Only the bans of this address", Required: false)], []),
        new("reload", "Re-reads the configuration; a broken one is refused and the running one stays (root only)",
            [new(Jail, "Only this jail", Required: false)], []),
        new("stats", "The engine's counters and every action's health", [], []),
        new("report", "The port-scanning sources the engine saw: ports, kinds, when, and their bans", [],
            [new("--since", "DURATION", "How far back: 1h, 24h, 7d (default 24h)")]),
    ];

    private readonly TextWriter _output;
    private readonly Stream _utf8Output;
    private readonly TextWriter _error;
    private readonly Lazy<TimeZoneInfo> _zone;
    private readonly string _defaultSocket;

    /// <param name="output">Standard output as text, UTF-8.</param>
    /// <param name="utf8Output">The stream under <paramref name="output"/>, for text already in UTF-8 (written after <paramref name="output"/> is flushed).</param>
    /// <param name="environmentSocket">The value of <c>SCANJAIL_SOCKET</c>, used when <c>--socket</c> is not given.</param>
    /// <param name="zone">The time zone times are shown in, asked for only by the commands that show times (reading it costs a status a few ms).</param>
    public ClientCommandLine(TextWriter output, Stream utf8Output, TextWriter error, Func<TimeZoneInfo> zone, string? environmentSocket)
    {
        _output = output;
        _utf8Output = utf8Output;
        _error = error;
        _zone = new Lazy<TimeZoneInfo>(zone);
        _defaultSocket = string.IsNullOrEmpty(environmentSocket) ? DefaultSocket : environmentSocket;
    }

    /// <summary>The options every command takes, in the help.</summary>
    private static readonly IReadOnlyList<OptionSyntax> Common =
    [
        new(CommandLineParser.SocketOption, "PATH", $"The engine's control socket (default ${SocketVariable}, else {DefaultSocket})"),
        new(CommandLineParser.JsonOption, null, "Print the result as one line of JSON"),
    ];

    public int Run(string[] args)
    {
        var parsed = CommandLineParser.Parse(args, Commands);
        Validate(parsed);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                _error.WriteLine(error);
            }
            _error.WriteLine();
            _error.Write(CommandHelp.Text(Description, Commands, Common, parsed.Command));
            return ExitCodes.Usage;
        }
        if (parsed.Help)
        {
            _output.Write(CommandHelp.Text(Description, Commands, Common, parsed.Command));
            return ExitCodes.Done;
        }
        if (parsed.Version || parsed.Command is null)
        {
            _output.WriteLine(typeof(ClientCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
            return ExitCodes.Done;
        }
        var socket = parsed.Socket ?? _defaultSocket;
        return parsed.Command.Name switch
        {
            "status" when parsed.Value(Jail) is { } name && !parsed.Json => StatusText(socket, name),
            "status" when parsed.Value(Jail) is { } name => Execute(socket, parsed.Json, new ControlRequest("status", Jail: name), result => StatusFormatter.JailStatus(Read<JailStatus>(result))),
            "status" => Execute(socket, parsed.Json, new ControlRequest("status"), result => StatusFormatter.Status(Read<EngineStatus>(result))),
            "ban" => Execute(socket, parsed.Json, new ControlRequest("ban", Jail: parsed.Value(Jail), Address: parsed.Value(Address), Time: parsed.Value("--time")), OutcomeText),
            "unban" => Execute(
                socket,
                parsed.Json,
                new ControlRequest("unban", Jail: parsed.Value("--jail"), Address: parsed.Value(Address), All: parsed.Flags.Contains("--all")),
                OutcomeText),
            "banned" => Execute(socket, parsed.Json, new ControlRequest("banned", Address: parsed.Value(Address)), result => StatusFormatter.Banned(Read<List<BanInfo>>(result), _zone.Value)),
            "reload" => Execute(socket, parsed.Json, new ControlRequest("reload", Jail: parsed.Value(Jail)), OutcomeText),
            "stats" => Execute(socket, parsed.Json, new ControlRequest("stats"), result => StatusFormatter.Stats(Read<EngineStats>(result), _zone.Value)),
            "report" => Execute(socket, parsed.Json, new ControlRequest("report", Time: parsed.Value("--since")), result => ScanReportFormatter.Format(Read<ScanReport>(result), _zone.Value)),
            var other => throw new InvalidOperationException($"no request for the command {other}"),
        };
    }

    // What the syntax alone cannot say. Addresses are checked here too, so a typo is a usage error even when the engine is down.
    private static void Validate(ParsedCommandLine parsed)
    {
        if (parsed.Value(Address) is { } address && !AddressParser.TryParse(address, out _))
        {
            parsed.Errors.Add($"Not an IP address: {address}");
        }
        if (parsed.Command?.Name == "unban" && !parsed.Help)
        {
            var isAll = parsed.Flags.Contains("--all");
            if ((parsed.Value(Address) is not null) == isAll)
            {
                parsed.Errors.Add("unban takes either an address or --all.");
            }
            else if (isAll && parsed.Value("--jail") is not null)
            {
                parsed.Errors.Add("unban --all takes no --jail.");
            }
        }
    }

    // A jail's status as the engine's text, copied to standard output as it arrives; an engine that answered
    // the status object instead (one from before the text request) has it formatted here, the same text.
    private int StatusText(string socket, string jail)
    {
        var request = new ControlRequest("status", Jail: jail, Text: true);
        _output.Flush();
        return Execute(json: false, () => ControlClient.CopyText(socket, request, _utf8Output), PrintJailStatus);
    }

    private int Execute(string socket, bool json, ControlRequest request, Func<ReadOnlyMemory<byte>, string> present) =>
        Execute(json, () => ControlClient.Send(socket, request), (answer, output) => output.Write(present(answer.Result)));

    /// <param name="send">Sends the request and reads the answer; null when it printed the answer itself.</param>
    /// <param name="print">Writes an ok answer for people; the result is in <see cref="ControlAnswer.Value"/> when the answer's reader could read it.</param>
    private int Execute(bool json, Func<ControlAnswer?> send, Action<ControlAnswer, TextWriter> print)
    {
        ControlAnswer? response;
        try
        {
            response = send();
            if (response is null)
            {
                return ExitCodes.Done;
            }
        }
        catch (EngineUnavailableException e)
        {
            Report(json, new ControlResponse(false, Error: e.Message, Code: "unavailable"));
            return ExitCodes.Unavailable;
        }
        catch (UnauthorizedAccessException e)
        {
            Report(json, new ControlResponse(false, Error: e.Message, Code: "forbidden"));
            return ExitCodes.Failed;
        }
        if (!response.Ok)
        {
            Report(json, new ControlResponse(false, Error: response.Error, Code: response.Code, Errors: response.Errors));
            return response.Code == "usage" ? ExitCodes.Usage : ExitCodes.Failed;
        }
        try
        {
            if (response.Result.IsEmpty)
            {
                throw new JsonException("no result in the answer");
            }
            if (json)
            {
                // The result's text as the engine sent it (one line: the engine writes no indentation).
                _output.Write(Encoding.UTF8.GetString(response.Result.Span) + "\n");
            }
            else
            {
                print(response, _output);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            Report(json: false, new ControlResponse(false, Error: $"unexpected answer from the engine: {e.Message}", Code: "failed"));
            return ExitCodes.Failed;
        }
        return ExitCodes.Done;
    }

    // The text a fallback read (see StatusText), or the object formatted here.
    private void PrintJailStatus(ControlAnswer answer, TextWriter output)
    {
        if (answer.Value is ReadOnlyMemory<byte> text)
        {
            output.Flush();
            _utf8Output.Write(text.Span);
            return;
        }
        StatusFormatter.WriteJailStatus(Read<JailStatus>(answer.Result), output);
    }

    private void Report(bool json, ControlResponse response)
    {
        if (json)
        {
            _output.Write(JsonSerializer.Serialize(response, ControlJsonContext.Contract<ControlResponse>()) + "\n");
            return;
        }
        _error.Write("ERROR: " + StatusFormatter.Outcome(response.Error ?? "failed", response.Errors));
    }

    private static string OutcomeText(ReadOnlyMemory<byte> result)
    {
        var outcome = Read<ControlOutcome>(result);
        return StatusFormatter.Outcome(outcome.Message, outcome.Errors);
    }

    private static T Read<T>(ReadOnlyMemory<byte> result) =>
        JsonSerializer.Deserialize(result.Span, ControlJsonContext.Contract<T>())
            ?? throw new JsonException($"no {typeof(T).Name} in the answer");
}
