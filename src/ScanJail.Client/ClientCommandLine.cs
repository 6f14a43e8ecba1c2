using System.CommandLine;
using System.CommandLine.Parsing;
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

    private readonly TextWriter _output;
    private readonly Stream _utf8Output;
    private readonly TextWriter _error;
    private readonly TimeZoneInfo _zone;
    private readonly Option<string> _socket;
    private readonly Option<bool> _json;
    private readonly RootCommand _root;

    /// <param name="output">Standard output as text, UTF-8.</param>
    /// <param name="utf8Output">The stream under <paramref name="output"/>, for text already in UTF-8 (written after <paramref name="output"/> is flushed).</param>
    /// <param name="environmentSocket">The value of <c>SCANJAIL_SOCKET</c>, used when <c>--socket</c> is not given.</param>
    public ClientCommandLine(TextWriter output, Stream utf8Output, TextWriter error, TimeZoneInfo zone, string? environmentSocket)
    {
        _output = output;
        _utf8Output = utf8Output;
        _error = error;
        _zone = zone;
        _socket = new Option<string>("--socket")
        {
            Description = $"The engine's control socket (default ${SocketVariable}, else {DefaultSocket})",
            HelpName = "PATH",
            Recursive = true,
            DefaultValueFactory = _ => string.IsNullOrEmpty(environmentSocket) ? DefaultSocket : environmentSocket,
        };
        _json = new Option<bool>("--json") { Description = "Print the result as one line of JSON", Recursive = true };
        _root = new RootCommand("Talks to the running scanjail engine over its control socket.") { _socket, _json };
        _root.Subcommands.Add(StatusCommand());
        _root.Subcommands.Add(BanCommand());
        _root.Subcommands.Add(UnbanCommand());
        _root.Subcommands.Add(BannedCommand());
        _root.Subcommands.Add(ReloadCommand());
        _root.Subcommands.Add(StatsCommand());
        _root.Subcommands.Add(ReportCommand());
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var parse = _root.Parse(args);
        var invocation = new InvocationConfiguration { Output = _output, Error = _error };
        if (parse.Errors.Count == 0)
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        foreach (var error in parse.Errors)
        {
            await _error.WriteLineAsync(error.Message);
        }
        await _error.WriteLineAsync();
        string[] help = parse.CommandResult.Command == _root ? ["--help"] : [parse.CommandResult.Command.Name, "--help"];
        await _root.Parse(help).InvokeAsync(new InvocationConfiguration { Output = _error, Error = _error }, cancellationToken);
        return ExitCodes.Usage;
    }

    private Command StatusCommand()
    {
        var jail = JailArgument(ArgumentArity.ZeroOrOne, "A jail's figures instead of the jail list");
        var command = new Command("status", "The jails, or one jail's failures and bans") { jail };
        command.SetAction((parse, token) =>
        {
            var name = parse.GetValue(jail);
            return name is null
                ? ExecuteAsync(parse, new ControlRequest("status"), result => StatusFormatter.Status(Read<EngineStatus>(result)), token)
                : ExecuteAsync(
                    parse,
                    new ControlRequest("status", Jail: name),
                    JailStatusReader.Render,
                    PrintJailStatus,
                    token);
        });
        return command;
    }

    private Command BanCommand()
    {
        var jail = JailArgument(ArgumentArity.ExactlyOne, "The jail that bans");
        var address = AddressArgument(ArgumentArity.ExactlyOne, "The address to ban");
        var time = new Option<string?>("--time")
        {
            Description = "How long: 30s, 10m, 1h30m, 2d, 1w or permanent (default: the jail's bantime)",
            HelpName = "DURATION",
        };
        var command = new Command("ban", "Bans an address in a jail (root only)") { jail, address, time };
        command.SetAction((parse, token) => ExecuteAsync(
            parse,
            new ControlRequest("ban", Jail: parse.GetValue(jail), Address: parse.GetValue(address), Time: parse.GetValue(time)),
            OutcomeText,
            token));
        return command;
    }

    private Command UnbanCommand()
    {
        var address = AddressArgument(ArgumentArity.ZeroOrOne, "The address to unban");
        var jail = new Option<string?>("--jail") { Description = "Only in this jail (default: every jail)", HelpName = "JAIL" };
        var all = new Option<bool>("--all") { Description = "Unban every address in every jail" };
        var command = new Command("unban", "Unbans an address, or everything with --all (root only)") { address, jail, all };
        command.Validators.Add(result =>
        {
            var hasAddress = result.GetValue(address) is not null;
            var isAll = result.GetValue(all);
            if (hasAddress == isAll)
            {
                result.AddError("unban takes either an address or --all.");
            }
            else if (isAll && result.GetValue(jail) is not null)
            {
                result.AddError("unban --all takes no --jail.");
            }
        });
        command.SetAction((parse, token) => ExecuteAsync(
            parse,
            new ControlRequest("unban", Jail: parse.GetValue(jail), Address: parse.GetValue(address), All: parse.GetValue(all)),
            OutcomeText,
            token));
        return command;
    }

    private Command BannedCommand()
    {
        var address = AddressArgument(ArgumentArity.ZeroOrOne, "Only the bans of this address");
        var command = new Command("banned", "The active bans") { address };
        command.SetAction((parse, token) => ExecuteAsync(
            parse,
            new ControlRequest("banned", Address: parse.GetValue(address)),
            result => StatusFormatter.Banned(Read<List<BanInfo>>(result), _zone),
            token));
        return command;
    }

    private Command ReloadCommand()
    {
        var jail = JailArgument(ArgumentArity.ZeroOrOne, "Only this jail");
        var command = new Command("reload", "Re-reads the configuration; a broken one is refused and the running one stays (root only)") { jail };
        command.SetAction((parse, token) => ExecuteAsync(parse, new ControlRequest("reload", Jail: parse.GetValue(jail)), OutcomeText, token));
        return command;
    }

    private Command StatsCommand()
    {
        var command = new Command("stats", "The engine's counters and every action's health");
        command.SetAction((parse, token) => ExecuteAsync(
            parse,
            new ControlRequest("stats"),
            result => StatusFormatter.Stats(Read<EngineStats>(result), _zone),
            token));
        return command;
    }

    private Command ReportCommand()
    {
        var since = new Option<string?>("--since") { Description = "How far back: 1h, 24h, 7d (default 24h)", HelpName = "DURATION" };
        var command = new Command("report", "The port-scanning sources the engine saw: ports, kinds, when, and their bans") { since };
        command.SetAction((parse, token) => ExecuteAsync(
            parse,
            new ControlRequest("report", Time: parse.GetValue(since)),
            result => ScanReportFormatter.Format(Read<ScanReport>(result), _zone),
            token));
        return command;
    }

    // System.CommandLine would take a mistyped option ("status --jsn") as the jail's name.
    private static Argument<string?> JailArgument(ArgumentArity arity, string description)
    {
        var jail = new Argument<string?>("JAIL") { Description = description, Arity = arity };
        jail.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>();
            if (text is not null && text.StartsWith('-'))
            {
                result.AddError($"Unknown option: {text}");
            }
        });
        return jail;
    }

    // Checked here too so a typo is a usage error even when the engine is down.
    private static Argument<string?> AddressArgument(ArgumentArity arity, string description)
    {
        var address = new Argument<string?>("ADDR") { Description = description, Arity = arity };
        address.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>();
            if (text is not null && !AddressParser.TryParse(text, out _))
            {
                result.AddError($"Not an IP address: {text}");
            }
        });
        return address;
    }

    private Task<int> ExecuteAsync(ParseResult parse, ControlRequest request, Func<ReadOnlyMemory<byte>, string> present, CancellationToken token) =>
        ExecuteAsync(parse, request, read: null, (answer, output) => output.Write(present(answer.Result)), token);

    /// <param name="read">Reads the result while the answer is read (see <see cref="ControlAnswer.Parse"/>); not for --json.</param>
    /// <param name="print">Writes an ok answer for people; the result is in <see cref="ControlAnswer.Value"/> when <paramref name="read"/> could read it.</param>
    private async Task<int> ExecuteAsync(ParseResult parse, ControlRequest request, ResultReader? read, Action<ControlAnswer, TextWriter> print, CancellationToken token)
    {
        var json = parse.GetValue(_json);
        var socket = parse.GetValue(_socket) ?? DefaultSocket;
        ControlAnswer response;
        try
        {
            response = ControlClient.Send(socket, request, json ? null : read);
        }
        catch (EngineUnavailableException e)
        {
            await ReportAsync(json, new ControlResponse(false, Error: e.Message, Code: "unavailable"));
            return ExitCodes.Unavailable;
        }
        catch (UnauthorizedAccessException e)
        {
            await ReportAsync(json, new ControlResponse(false, Error: e.Message, Code: "forbidden"));
            return ExitCodes.Failed;
        }
        if (!response.Ok)
        {
            await ReportAsync(json, new ControlResponse(false, Error: response.Error, Code: response.Code, Errors: response.Errors));
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
                await _output.WriteAsync(Encoding.UTF8.GetString(response.Result.Span) + "\n");
            }
            else
            {
                print(response, _output);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            await ReportAsync(json: false, new ControlResponse(false, Error: $"unexpected answer from the engine: {e.Message}", Code: "failed"));
            return ExitCodes.Failed;
        }
        return ExitCodes.Done;
    }

    // Rendered while the answer was read when it could be (see JailStatusReader.Render), else read and formatted now.
    private void PrintJailStatus(ControlAnswer answer, TextWriter output)
    {
        if (answer.Value is ReadOnlyMemory<byte> text)
        {
            output.Flush();
            _utf8Output.Write(text.Span);
            return;
        }
        StatusFormatter.WriteJailStatus(JailStatusReader.Read(answer.Result.Span), output);
    }

    private async Task ReportAsync(bool json, ControlResponse response)
    {
        if (json)
        {
            await _output.WriteAsync(JsonSerializer.Serialize(response, ControlProtocol.Json) + "\n");
            return;
        }
        await _error.WriteAsync("ERROR: " + StatusFormatter.Outcome(response.Error ?? "failed", response.Errors));
    }

    private static string OutcomeText(ReadOnlyMemory<byte> result)
    {
        var outcome = Read<ControlOutcome>(result);
        return StatusFormatter.Outcome(outcome.Message, outcome.Errors);
    }

    private static T Read<T>(ReadOnlyMemory<byte> result) =>
        JsonSerializer.Deserialize<T>(result.Span, ControlProtocol.Json)
            ?? throw new JsonException($"no {typeof(T).Name} in the answer");
}
