using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Control;
using ScanJail.Core.Net;
using ScanJail.Core.Time;

namespace ScanJail.Daemon.Control;

/// <summary>
/// Turns one request line into one response: parses it, checks the peer may do it, asks the engine.
/// Never throws: whatever goes wrong becomes a <c>usage</c>, <c>forbidden</c> or <c>failed</c> answer.
/// </summary>
public sealed class ControlDispatcher(IEngineControl engine, ILogger logger)
{
    public async Task<ControlResponse> HandleAsync(ReadOnlyMemory<byte> line, PeerCredentials? peer, CancellationToken cancellationToken)
    {
        ControlRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<ControlRequest>(line.Span, ControlProtocol.Json);
        }
        catch (JsonException e)
        {
            return Usage($"malformed request: {e.Message}");
        }
        if (request is null || string.IsNullOrEmpty(request.Command))
        {
            return Usage("a request needs a command");
        }
        try
        {
            return await DispatchAsync(request, peer, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Failed("the engine is stopping");
        }
#pragma warning disable CA1031 // An engine fault must reach the client as an answer, not take the server down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Control command {Command} failed", request.Command);
            return Failed($"internal error: {e.Message}");
        }
    }

    private async Task<ControlResponse> DispatchAsync(ControlRequest request, PeerCredentials? peer, CancellationToken cancellationToken)
    {
        switch (request.Command)
        {
            case "status":
                if (request.Jail is null)
                {
                    return Ok(engine.GetStatus());
                }
                var status = engine.GetJailStatus(request.Jail);
                if (status is null)
                {
                    return Failed($"no such jail: {request.Jail}");
                }
                return request.Text ? Ok(new TextResult(text => StatusFormatter.WriteJailStatus(status, text))) : Ok(status);
            case "banned":
                IPAddress? filter = null;
                if (request.Address is not null && !TryAddress(request.Address, out filter))
                {
                    return Usage($"not an IP address: {request.Address}");
                }
                return Ok(engine.GetBanned(filter));
            case "stats":
                return Ok(engine.GetStats());
            case "report":
                return Report(request);
            case "ban":
                return Forbidden(peer, "ban") ?? await BanAsync(request, cancellationToken);
            case "unban":
                return Forbidden(peer, "unban") ?? await UnbanAsync(request, cancellationToken);
            case "reload":
                return Forbidden(peer, "reload") ?? Outcome(await engine.ReloadAsync(request.Jail, cancellationToken));
            default:
                return Usage($"unknown command: {request.Command}");
        }
    }

    private async Task<ControlResponse> BanAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Jail) || request.Address is null)
        {
            return Usage("ban needs a jail and an address");
        }
        if (!TryAddress(request.Address, out var address))
        {
            return Usage($"not an IP address: {request.Address}");
        }
        TimeSpan? duration = null;
        var permanent = false;
        if (request.Time is not null)
        {
            if (request.Time == "permanent")
            {
                permanent = true;
            }
            else if (DurationGrammar.TryParse(request.Time, out var parsed) && parsed > TimeSpan.Zero)
            {
                duration = parsed;
            }
            else
            {
                return Usage($"not a duration: {request.Time} (for example 30s, 10m, 1h30m, 2d, 1w or permanent)");
            }
        }
        return Outcome(await engine.BanAsync(request.Jail, address, duration, permanent, cancellationToken));
    }

    private async Task<ControlResponse> UnbanAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        if (request.All)
        {
            return request.Address is null && request.Jail is null
                ? Outcome(await engine.UnbanAllAsync(cancellationToken))
                : Usage("unban all takes no address and no jail");
        }
        if (request.Address is null)
        {
            return Usage("unban needs an address (or all)");
        }
        if (!TryAddress(request.Address, out var address))
        {
            return Usage($"not an IP address: {request.Address}");
        }
        return Outcome(await engine.UnbanAsync(address, request.Jail, cancellationToken));
    }

    // "Time" carries --since; 24 hours when not given.
    private ControlResponse Report(ControlRequest request)
    {
        var since = TimeSpan.FromHours(24);
        if (request.Time is not null && (!DurationGrammar.TryParse(request.Time, out since) || since <= TimeSpan.Zero))
        {
            return Usage($"not a duration: {request.Time} (for example 1h, 24h, 7d)");
        }
        return Ok(engine.GetScanReport(since, top: 50));
    }

    private static bool TryAddress(string text, out IPAddress address) => AddressParser.TryParse(text, out address);

    private static ControlResponse? Forbidden(PeerCredentials? peer, string verb) =>
        peer is { IsRoot: true } ? null : new ControlResponse(false, Error: $"only root may {verb}", Code: "forbidden");

    private static ControlResponse Outcome(ControlOutcome outcome) =>
        outcome.Ok ? Ok(outcome) : new ControlResponse(false, Error: outcome.Message, Code: "failed", Errors: outcome.Errors);

    // Serialised once, when the line is written (ControlProtocol.WriteLine), not here and again there.
    private static ControlResponse Ok<T>(T result) where T : notnull => new(true) { Payload = result };

    private static ControlResponse Usage(string error) => new(false, Error: error, Code: "usage");

    private static ControlResponse Failed(string error) => new(false, Error: error, Code: "failed");
}
