using ScanJail.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace ScanJail.Core.Actions;

/// <summary>
/// Reads a batch <c>ban</c>/<c>unban</c>:
/// <code>
/// ban:
///   run: [nft, -f, -]
///   each: "add element inet sj-&lt;jail&gt; addr-&lt;family&gt; { &lt;ip&gt; timeout &lt;remaining&gt;s }"
///   permanent: "add element inet sj-&lt;jail&gt; addr-&lt;family&gt; { &lt;ip&gt; }"   # optional
///   before: [...]  after: [...]                                                 # optional
///   session: [nft, -i]    # optional: kept running, small batches written to it as one line each
///   join: ", "            # optional: the bans' elements between { and } joined into one statement
/// </code>
/// The lines are code for the tool that reads them, so they may use built-in tags and parameters that
/// have a pattern, nothing else; <c>run</c> may use <c>&lt;jail&gt;</c> and parameters only (it runs once for many bans).
/// </summary>
internal static class BatchReader
{
    public static BatchTemplate? Read(MappingReader parent, string key, YamlMappingNode node, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> patterns)
    {
        var map = new MappingReader(node, parent.File, parent.Jail, parent.FieldName(key), parent.Errors);
        var before = map.Errors.Items.Count;
        IReadOnlyList<string>? run = null;
        if (map.Get("run") is YamlSequenceNode runNode)
        {
            run = ActionLoader.ReadArgv(map, "run", runNode);
            if (run is not null)
            {
                CheckTags(map, "run", run, runNode, [TagNames.Jail, .. parameters.Keys], "the command runs once for many bans");
            }
        }
        else
        {
            map.Error(map.Get("run") ?? node, "run", "a batch needs run: an argv array that reads the lines on its standard input, such as [nft, -f, -]");
        }
        IReadOnlyList<string>? session = null;
        if (map.Get("session") is { } sessionNode)
        {
            session = sessionNode is YamlSequenceNode sessionSeq ? ActionLoader.ReadArgv(map, "session", sessionSeq) : null;
            if (sessionNode is not YamlSequenceNode)
            {
                map.Error(sessionNode, "session", "expected an argv array of a tool that reads one transaction per line, such as [nft, -i]");
            }
            else if (session is not null)
            {
                CheckTags(map, "session", session, (YamlSequenceNode)sessionNode, [TagNames.Jail, .. parameters.Keys], "the process serves every ban");
            }
        }
        var each = Lines(map, "each", parameters, patterns);
        if (each is null && !map.Has("each"))
        {
            map.Error(node, "each", "a batch needs each: the line (or list of lines) written for every ban, such as \"add <jail>-<family> <ip>\"");
        }
        var permanent = Lines(map, "permanent", parameters, patterns);
        var head = Lines(map, "before", parameters, patterns) ?? [];
        var tail = Lines(map, "after", parameters, patterns) ?? [];
        var join = Join(map, each, permanent);
        map.ReportUnknownKeys();
        return map.Errors.Items.Count > before || run is null || each is null
            ? null
            : new BatchTemplate(run, head, each, permanent, tail) { Session = session, Join = join };
    }

    private static string? Join(MappingReader map, List<string>? each, List<string>? permanent)
    {
        if (map.Get("join") is not { } node)
        {
            return null;
        }
        if (node is not YamlScalarNode { Value: { Length: > 0 } separator } || separator.Contains('\n', StringComparison.Ordinal) || separator.Contains('\r', StringComparison.Ordinal))
        {
            map.Error(node, "join", "expected the separator of joined elements on one line, such as \", \"");
            return null;
        }
        foreach (var line in (each ?? []).Concat(permanent ?? []).Where(l => JoinedLine.TryCut(l) is null))
        {
            map.Error(node, "join", $"with join, every each and permanent line needs an element between {{ and }} to join; '{line}' has none");
        }
        return separator;
    }

    private static List<string>? Lines(MappingReader map, string key, IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<string, string> patterns)
    {
        var items = map.StringList(key);
        if (items is null)
        {
            return null;
        }
        var allowed = new HashSet<string>(TagNames.BuiltIns, StringComparer.Ordinal);
        allowed.UnionWith(parameters.Keys.Where(patterns.ContainsKey));
        var lines = new List<string>();
        foreach (var (line, node) in items)
        {
            if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal) || line.Contains('\0', StringComparison.Ordinal))
            {
                map.Error(node, key, "one line per list item: a line cannot hold a line break or NUL");
                continue;
            }
            foreach (var tag in ArgTemplate.Parse(line).Tags.Distinct(StringComparer.Ordinal).Where(t => !allowed.Contains(t)))
            {
                var why = parameters.ContainsKey(tag)
                    ? $"parameter '{tag}' has no pattern; give it one under patterns: (such as '[A-Za-z0-9_-]+') so that no value can write the tool's syntax"
                    : $"<{tag}> is not a built-in or a parameter, so it would hold text from the log; batch lines are the tool's code";
                map.Error(node, key, $"tag <{tag}> cannot be used here: {why}");
            }
            lines.Add(line);
        }
        return lines;
    }

    private static void CheckTags(MappingReader map, string key, IReadOnlyList<string> argv, YamlSequenceNode node, IReadOnlyCollection<string> allowed, string why)
    {
        for (var i = 0; i < argv.Count; i++)
        {
            foreach (var tag in ArgTemplate.Parse(argv[i]).Tags.Distinct(StringComparer.Ordinal).Where(t => !allowed.Contains(t)))
            {
                map.Error(node.Children[i], key, $"tag <{tag}> has no value here ({why}); use <{TagNames.Jail}> and parameters only");
            }
        }
    }
}
