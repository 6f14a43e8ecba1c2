using System.Globalization;
using Microsoft.Extensions.Logging;
using ScanJail.Core.Actions.Mail;
using ScanJail.Core.Actions.Webhook;
using ScanJail.Core.Time;

namespace ScanJail.Core.Actions.Notify;

/// <summary>
/// The notification kinds (<c>mail</c>, <c>sendmail</c>, <c>webhook</c>): their parameters with defaults
/// (an action file may change the defaults, a jail the values), the checks of the values a jail ends up
/// with, and the live action. They run no commands, so they have no verbs.
/// </summary>
internal static class NotifyKinds
{
    public const string MailKind = "mail";
    public const string SendmailKind = "sendmail";
    public const string WebhookKind = "webhook";
    public const string Queue = "queue";
    public const string Retries = "retries";
    public const string Digest = "digest";

    public const int DefaultQueue = 1000;
    private const int MaxQueue = 1_000_000;
    private const int MaxRetries = 100;

    public static bool IsNotify(string kind) => kind is MailKind or SendmailKind or WebhookKind;

    public static Dictionary<string, string> Defaults(string kind)
    {
        var defaults = kind switch
        {
            MailKind => MailParameters.Smtp(),
            SendmailKind => MailParameters.SendmailDefaults(),
            _ => WebhookParameters.Defaults(),
        };
        defaults[Queue] = DefaultQueue.ToString(CultureInfo.InvariantCulture);
        defaults[Retries] = "";
        if (kind != WebhookKind)
        {
            defaults[Digest] = "";
        }
        return defaults;
    }

    /// <summary>Checks the parameters as a jail uses them; <paramref name="error"/> gets the parameter and what to do.</summary>
    public static void Validate(string kind, IReadOnlyDictionary<string, string> parameters, Action<string, string> error)
    {
        if (kind == WebhookKind)
        {
            WebhookParameters.Validate(parameters, error);
        }
        else
        {
            MailParameters.Validate(kind == MailKind, parameters, error);
            if (parameters.GetValueOrDefault(Digest, "") is { Length: > 0 } digest && (!DurationGrammar.TryParse(digest, out var every) || every < TimeSpan.FromSeconds(1)))
            {
                error(Digest, $"expected nothing (one mail per ban) or an interval of at least 1s such as 1h; found '{digest}'");
            }
        }
        if (ReadInt(parameters, Queue) is not (>= 1 and <= MaxQueue))
        {
            error(Queue, $"expected how many notices may wait, from 1 to {MaxQueue}; found '{parameters.GetValueOrDefault(Queue, "")}'");
        }
        if (parameters.GetValueOrDefault(Retries, "").Length > 0 && ReadInt(parameters, Retries) is not (>= 1 and <= MaxRetries))
        {
            error(Retries, $"expected the number of attempts, from 1 to {MaxRetries}, or nothing for the default; found '{parameters[Retries]}'");
        }
    }

    public static IJailAction Create(ActionConfig action, string jail, TimeProvider time, ILogger logger, ActionRetryOptions retry)
    {
        var parameters = action.Parameters;
        var kind = action.Definition.Kind;
        var timeout = action.Definition.Timeout;
        var hostName = HostName();
        INotifier notifier = kind switch
        {
            MailKind => new MailNotifier(new SmtpMailSender(MailParameters.Settings(parameters, timeout)), jail, parameters, hostName, time),
            SendmailKind => new MailNotifier(new SendmailMailSender(parameters[MailParameters.Sendmail], timeout), jail, parameters, hostName, time),
            _ => new WebhookNotifier(jail, parameters, hostName, timeout),
        };
        if (ReadInt(parameters, Retries) is { } attempts)
        {
            retry = retry with { MaxAttempts = attempts };
        }
        TimeSpan? digest = parameters.GetValueOrDefault(Digest, "") is { Length: > 0 } text && DurationGrammar.TryParse(text, out var every) ? every : null;
        return new NotifyAction(action.Name, jail, notifier, ReadInt(parameters, Queue) ?? DefaultQueue, digest, retry, time, logger);
    }

    private static int? ReadInt(IReadOnlyDictionary<string, string> parameters, string name) =>
        int.TryParse(parameters.GetValueOrDefault(name, ""), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string HostName()
    {
        try
        {
            return System.Net.Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}
