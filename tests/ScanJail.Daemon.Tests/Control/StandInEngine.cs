using System.Collections.Concurrent;
using System.Net;
using ScanJail.Core.Actions;
using ScanJail.Core.Control;

namespace ScanJail.Daemon.Tests.Control;

/// <summary>
/// Stands in for the engine so that the control protocol and the client can be tested in isolation;
/// the real engine behind the real socket is exercised by the process-level tests. It answers with
/// fixed figures and records every call that would change something.
/// </summary>
internal sealed class StandInEngine : IEngineControl
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public ConcurrentQueue<string> Calls { get; } = new();

    public EngineStatus Status { get; } = new(["ssh", "attackalert"]);

    public JailStatus Ssh { get; } = new(
        "ssh",
        CurrentlyFailed: 2,
        TotalFailed: 17,
        Sources: ["/var/log/auth.log"],
        CurrentlyBanned: 1,
        TotalBanned: 4,
        BannedAddresses: ["203.0.113.9"],
        Actions: [new ActionHealth("record", 4, 2, 1, 0, "exit code 1: disk full", Start.AddMinutes(3))]);

    public IReadOnlyList<BanInfo> Bans { get; } =
    [
        new BanInfo("ssh", "203.0.113.9", Start, Start.AddMinutes(10), 3, 1, Manual: false),
        new BanInfo("attackalert", "2001:db8::7", Start.AddMinutes(1), null, 0, 2, Manual: true),
    ];

    public EngineStats Stats { get; } = new(
        Start,
        new Dictionary<string, long> { ["lines.read"] = 1000, ["lines.matched"] = 17, ["bans"] = 4 },
        [new ActionHealth("record", 4, 2, 1, 0, "exit code 1: disk full", Start.AddMinutes(3)), new ActionHealth("log", 4, 0, 0, 0, null, null)]);

    public EngineStatus GetStatus() => Status;

    /// <summary>A jail with 100,000 bans: its answer is a megabyte, far more than one read of the socket.</summary>
    public JailStatus Big { get; } = new(
        "big",
        CurrentlyFailed: 0,
        TotalFailed: 100_000,
        Sources: ["/var/log/auth.log"],
        CurrentlyBanned: 100_000,
        TotalBanned: 100_000,
        BannedAddresses: [.. Enumerable.Range(0, 100_000).Select(i => new IPAddress(0x0B000000u + (uint)i).ToString())],
        Actions: [new ActionHealth("nftables", 100_001, 0, 0, 0, null, null)])
    {
        Origins = [new OriginInfo("relay", 3, ["11.0.0.1"])],
    };

    public JailStatus? GetJailStatus(string jail) => jail switch
    {
        "ssh" => Ssh,
        "big" => Big,
        _ => null,
    };

    public Task<ControlOutcome> BanAsync(string jail, IPAddress address, TimeSpan? duration, bool permanent, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"ban {jail} {address} {(permanent ? "permanent" : duration?.ToString() ?? "default")}");
        return Task.FromResult(Status.Jails.Contains(jail)
            ? new ControlOutcome(true, $"{address} banned in {jail}")
            : new ControlOutcome(false, $"no such jail: {jail}"));
    }

    public Task<ControlOutcome> UnbanAsync(IPAddress address, string? jail, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"unban {address} {jail ?? "*"}");
        var banned = Bans.Any(ban => ban.Address == address.ToString() && (jail is null || ban.Jail == jail));
        return Task.FromResult(banned
            ? new ControlOutcome(true, $"{address} unbanned")
            : new ControlOutcome(false, $"{address} is not banned"));
    }

    public Task<ControlOutcome> UnbanAllAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue("unban all");
        return Task.FromResult(new ControlOutcome(true, $"{Bans.Count} bans lifted"));
    }

    public IReadOnlyList<BanInfo> GetBanned(IPAddress? address) =>
        address is null ? Bans : [.. Bans.Where(ban => ban.Address == address.ToString())];

    public Task<ControlOutcome> ReloadAsync(string? jail, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"reload {jail ?? "*"}");
        return Task.FromResult(jail == "broken"
            ? new ControlOutcome(false, "configuration refused; the running one stays", ["jail.yaml:3:5: jail broken: unknown key 'bogus'", "jail.yaml:4:5: jail broken: maxretry must be a positive number"])
            : new ControlOutcome(true, "configuration reloaded"));
    }

    public EngineStats GetStats() => Stats;

    public ScanReport GetScanReport(TimeSpan since, int top) => new(Start - since, Start, 0, []);
}
