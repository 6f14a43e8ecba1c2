using Microsoft.Extensions.Logging;
using ScanJail.Core.Bans;

namespace ScanJail.Core.Actions;

/// <summary>The built-in <c>log</c> action: writes each ban and unban to the engine's log and changes nothing else.</summary>
internal sealed class LogVerbRunner(string jail, ILogger logger) : IVerbRunner
{
    public int Steps(ActionVerb verb) => verb is ActionVerb.Ban or ActionVerb.Unban ? 1 : 0;

    public Task<VerbResult> RunAsync(ActionVerb verb, Ban? ban, int fromStep, CancellationToken cancellationToken)
    {
        if (ban is null)
        {
            return Task.FromResult(VerbResult.Done);
        }
        if (verb == ActionVerb.Ban && ban.Duration is { } duration)
        {
            logger.LogWarning("Ban {Jail} {Ip} for {BanTime}s after {Failures} failures", jail, ban.Address, (long)duration.TotalSeconds, ban.Failures);
        }
        else if (verb == ActionVerb.Ban)
        {
            logger.LogWarning("Ban {Jail} {Ip} permanently after {Failures} failures", jail, ban.Address, ban.Failures);
        }
        else if (verb == ActionVerb.Unban && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Unban {Jail} {Ip}", jail, ban.Address);
        }
        return Task.FromResult(VerbResult.Done);
    }
}
