using System.Globalization;
using ScanJail.Core.Actions.Notify;
using ScanJail.Core.Configuration;
using ScanJail.Core.Time;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Actions;

/// <summary>
/// Reads <c>actions/NAME.yaml</c>:
/// <code>
/// description: text
/// kind: command            # or log
/// parameters: { chain: INPUT }
/// timeout: 30s
/// start/stop/check/ban/unban/flush: [argv...] or [[argv...], [argv...]]
/// </code>
/// </summary>
public static partial class ActionLoader
{
    public const string CommandKind = "command";
    public const string LogKind = "log";

    /// <summary>How long one command may run when the file does not say.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A command that needs longer is stuck; a timer cannot wait much beyond this anyway.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>Reads actions/NAME.yaml; records every problem in <paramref name="errors"/> and returns null if unusable.</summary>
    public static ActionDefinition? Load(string path, string name, ConfigErrors errors)
    {
        var root = YamlFile.LoadMapping(path, errors);
        return root is null ? null : Read(root, path, name, errors);
    }

    /// <summary>Reads an action from YAML text (tests, and actions given inline).</summary>
    public static ActionDefinition? Parse(string text, string path, string name, ConfigErrors errors)
    {
        var root = YamlFile.ParseMapping(text, path, errors);
        return root is null ? null : Read(root, path, name, errors);
    }

    private static ActionDefinition? Read(YamlMappingNode root, string path, string name, ConfigErrors errors)
    {
        var before = errors.Items.Count;
        var reader = new MappingReader(root, path, null, "", errors);
        reader.Scalar("description");

        var kind = reader.Scalar("kind") ?? CommandKind;
        var notify = NotifyKinds.IsNotify(kind);
        if (kind is not (CommandKind or LogKind) && !notify)
        {
            reader.Error(reader.Get("kind"), "kind",
                $"unknown action kind '{kind}'; use '{CommandKind}' (argv commands), '{LogKind}' (the engine's log), " +
                $"'{NotifyKinds.MailKind}' (SMTP), '{NotifyKinds.SendmailKind}' (the local MTA) or '{NotifyKinds.WebhookKind}' (HTTP)");
        }

        var parameters = ReadParameters(reader);
        if (notify)
        {
            // A notification kind knows its parameters; the file changes their defaults (and may add its own tags).
            var all = NotifyKinds.Defaults(kind);
            foreach (var (key, value) in parameters)
            {
                all[key] = value;
            }
            parameters = all;
        }
        var patterns = ParameterPatterns.Read(reader, parameters);
        var timeout = ReadTimeout(reader);
        var checkInterval = ReadCheckInterval(reader);
        var startResets = ReadStartResets(reader);
        var batches = new Dictionary<ActionVerb, BatchTemplate>();

        var commands = new Dictionary<ActionVerb, IReadOnlyList<IReadOnlyList<string>>>();
        foreach (var verb in Enum.GetValues<ActionVerb>())
        {
            var key = VerbKey(verb);
            var node = reader.Get(key);
            if (node is null)
            {
                continue;
            }
            if (kind == LogKind || notify)
            {
                reader.Error(node, key, $"a '{kind}' action runs no commands; remove '{key}' or use kind: {CommandKind}");
                continue;
            }
            if (node is YamlMappingNode batchNode && verb is ActionVerb.Ban or ActionVerb.Unban)
            {
                if (BatchReader.Read(reader, key, batchNode, parameters, patterns) is { } batch)
                {
                    batches[verb] = batch;
                }
                continue;
            }
            var argvs = ReadVerb(reader, key, node);
            foreach (var (argv, argvNode) in argvs)
            {
                CheckCode(reader, key, argv, argvNode, parameters.Keys);
            }
            commands[verb] = [.. argvs.Select(a => a.Argv)];
        }
        var netlink = kind == CommandKind ? ReadNetlink(reader, parameters, patterns) : null;
        if (kind == CommandKind && !reader.Has(VerbKey(ActionVerb.Ban)))
        {
            errors.Add(path, root, null, "ban", "a command action needs at least 'ban', an argv array such as [nft, add, element, inet, f2b, addr, \"<ip>\"]");
        }
        reader.ReportUnknownKeys();
        if (errors.Items.Count > before)
        {
            return null;
        }
        return new ActionDefinition(name, path, kind, commands, parameters, timeout)
        {
            Batches = batches,
            Patterns = patterns,
            CheckInterval = checkInterval,
            StartResets = startResets,
            Netlink = netlink,
        };
    }

    /// <summary><c>check-interval</c>: how often <c>check</c> runs by itself (and repairs on failure); absent means never.</summary>
    private static TimeSpan? ReadCheckInterval(MappingReader reader)
    {
        var text = reader.Scalar(CheckIntervalKey);
        if (text is null)
        {
            return null;
        }
        if (!DurationGrammar.TryParse(text, out var interval) || interval < TimeSpan.FromSeconds(1) || interval > MaxTimeout)
        {
            reader.Error(reader.Get(CheckIntervalKey), CheckIntervalKey, $"expected a duration from 1s to 1d, such as 60s, found '{text}'");
            return null;
        }
        if (!reader.Has(VerbKey(ActionVerb.Check)))
        {
            reader.Error(reader.Get(CheckIntervalKey), CheckIntervalKey, "there is no check verb to run; add check: [argv] or remove check-interval");
        }
        return interval;
    }

    public const string CheckIntervalKey = "check-interval";

    public static string VerbKey(ActionVerb verb) => verb.ToString().ToLowerInvariant();

    private static Dictionary<string, string> ReadParameters(MappingReader reader)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var map = reader.Mapping("parameters");
        if (map is null)
        {
            return parameters;
        }
        foreach (var (keyNode, valueNode) in map.Node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!TagNames.IsValid(key))
            {
                map.Error(keyNode, key, $"'{key}' is not a usable parameter name: use letters, digits, '_' and '-', starting with a letter or '_'");
                continue;
            }
            if (TagNames.BuiltIns.Contains(key))
            {
                map.Error(keyNode, key, $"'{key}' is a built-in tag and cannot be a parameter; choose another name");
                continue;
            }
            var value = map.Scalar(key);
            if (value is null)
            {
                continue;
            }
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                map.Error(valueNode, key, "a parameter cannot contain a NUL character");
                continue;
            }
            parameters[key] = value;
        }
        return parameters;
    }

    private static TimeSpan ReadTimeout(MappingReader reader)
    {
        var text = reader.Scalar("timeout");
        if (text is null)
        {
            return DefaultTimeout;
        }
        // Plain whole seconds are read here; anything else (30s, 2m) goes through the duration grammar.
        var whole = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds);
        var duration = TimeSpan.Zero;
        var ok = whole ? seconds > 0 : DurationGrammar.TryParse(text, out duration);
        duration = whole ? TimeSpan.FromSeconds(Math.Max(seconds, 0)) : duration;
        if (!ok || duration <= TimeSpan.Zero || duration > MaxTimeout)
        {
            reader.Error(reader.Get("timeout"), "timeout", $"expected a duration above zero and at most 1d, such as 30s or 2m, found '{text}'");
            return DefaultTimeout;
        }
        return duration;
    }

    /// <summary>One argv (a list of scalars) or a list of argvs (a list of lists of scalars).</summary>
    private static List<(IReadOnlyList<string> Argv, YamlNode Node)> ReadVerb(MappingReader reader, string key, YamlNode node)
    {
        var result = new List<(IReadOnlyList<string>, YamlNode)>();
        if (node is not YamlSequenceNode seq)
        {
            var found = node is YamlScalarNode ? "a single string (ScanJail never runs a shell string)" : "a mapping";
            reader.Error(node, key, $"expected an argv array such as [iptables, -I, \"<chain>\", -s, \"<ip>\", -j, DROP], or a list of them; found {found}");
            return result;
        }
        if (seq.Children.Count == 0)
        {
            reader.Error(node, key, "empty argv: give the program and its arguments, such as [logger, -t, scanjail, \"ban <ip>\"]");
            return result;
        }
        if (seq.Children.All(c => c is YamlSequenceNode))
        {
            foreach (var child in seq.Children)
            {
                if (ReadArgv(reader, key, (YamlSequenceNode)child) is { } argv)
                {
                    result.Add((argv, child));
                }
            }
        }
        else if (ReadArgv(reader, key, seq) is { } argv)
        {
            result.Add((argv, seq));
        }
        return result;
    }

    internal static List<string>? ReadArgv(MappingReader reader, string key, YamlSequenceNode seq)
    {
        if (seq.Children.Count == 0)
        {
            reader.Error(seq, key, "empty argv: give the program and its arguments");
            return null;
        }
        var argv = new List<string>();
        var ok = true;
        foreach (var item in seq.Children)
        {
            if (item is not YamlScalarNode scalar)
            {
                reader.Error(item, key, "each argv element must be a single value (quote it); a list of commands must contain only lists");
                ok = false;
                continue;
            }
            var value = scalar.Value ?? "";
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                reader.Error(item, key, "an argument cannot contain a NUL character");
                ok = false;
            }
            argv.Add(value);
        }
        if (ok && argv[0].Length == 0)
        {
            reader.Error(seq.Children[0], key, "the program (the first argv element) is empty");
            ok = false;
        }
        return ok ? argv : null;
    }

    /// <summary>
    /// Elements that choose a program or are shell code may use only built-in tags and declared
    /// parameters: every other tag is a capture from log text, which an attacker writes.
    /// </summary>
    private static void CheckCode(MappingReader reader, string key, IReadOnlyList<string> argv, YamlNode argvNode, IEnumerable<string> parameters)
    {
        var allowed = new HashSet<string>(parameters, StringComparer.Ordinal);
        allowed.UnionWith(TagNames.BuiltIns);
        var items = argvNode is YamlSequenceNode seq ? seq.Children : null;
        foreach (var index in ShellCode.CodeElements(argv))
        {
            foreach (var tag in ArgTemplate.Parse(argv[index]).Tags.Distinct(StringComparer.Ordinal))
            {
                if (allowed.Contains(tag))
                {
                    continue;
                }
                var at = items is not null && index < items.Count ? items[index] : argvNode;
                var what = index == 0 ? "the program to run" : "shell code (a script, or a shell option)";
                reader.Error(at, key,
                    $"tag <{tag}> is not a built-in or a declared parameter, so it holds text from the log, and this element is {what}; " +
                    $"pass it as a separate argument instead, for example [sh, -c, 'echo \"$1\"', sh, \"<{tag}>\"]");
            }
        }
    }
}
