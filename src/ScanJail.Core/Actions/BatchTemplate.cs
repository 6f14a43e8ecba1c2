namespace ScanJail.Core.Actions;

/// <summary>
/// A <c>ban</c> or <c>unban</c> that runs one command for many bans at once, such as <c>nft -f -</c> or
/// <c>ipset restore</c>: the command's standard input is <see cref="Before"/>, then for each ban its
/// <see cref="Each"/> lines (<see cref="Permanent"/> ones for a permanent ban, when given), then
/// <see cref="After"/>. Every line ends with a newline. Lines are the tool's own language, so they may
/// hold only built-in tags and parameters that have a pattern (the loader checks), never captures.
/// </summary>
public sealed record BatchTemplate(
    IReadOnlyList<string> Run,
    IReadOnlyList<string> Before,
    IReadOnlyList<string> Each,
    IReadOnlyList<string>? Permanent,
    IReadOnlyList<string> After)
{
    /// <summary>
    /// A process kept running that reads the same lines one transaction per line (such as <c>nft -i</c>):
    /// small batches go to it as one line, with no process started per ban (<see cref="ToolSession"/>).
    /// Null: every batch runs <see cref="Run"/>.
    /// </summary>
    public IReadOnlyList<string>? Session { get; init; }

    /// <summary>
    /// The separator of joined elements (such as <c>", "</c>), or null: with it, the <see cref="Each"/> and
    /// <see cref="Permanent"/> lines of all bans that differ only between their first <c>{</c> and last
    /// <c>}</c> are written as one statement, their elements joined (<see cref="JoinedStatements"/>).
    /// </summary>
    public string? Join { get; init; }

    /// <summary>Every template text in order, to compare two definitions (reload keeps an unchanged action).</summary>
    public string Key => string.Join("\u0001", Run.Concat(["|"]).Concat(Before).Concat(["|"]).Concat(Each).Concat(["|"])
        .Concat(Permanent ?? ["(none)"]).Concat(["|"]).Concat(After).Concat(["|"]).Concat(Session ?? ["(none)"]).Concat(["|", Join ?? "(none)"]));
}
