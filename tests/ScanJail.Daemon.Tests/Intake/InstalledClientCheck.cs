using System.Text.RegularExpressions;
using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary>
/// The published scanjail-client is a native program (Native AOT, compiled against another framework than the
/// tests' build of it, with its JSON contracts generated and nothing left to reflection): it must answer every
/// command exactly as the client the tests build does, against the same real engine.
/// </summary>
internal static partial class InstalledClientCheck
{
    private static readonly string[][] Commands =
    [
        ["status"],
        ["status", "ssh"],
        ["--json", "status", "ssh"],
        ["banned", "192.0.2.31"],
        ["--json", "banned", "2001:db8::32"],
        ["report", "--since", "1h"],
        ["--json", "report", "--since", "1h"],
        ["ban", "nosuchjail", "192.0.2.33"],
        ["ban", "ssh", "not-an-address"],
        ["status", "nosuchjail"],
        ["--help"],
    ];

    public static async Task AnswersAsTheBuiltClientAsync(string installed)
    {
        var program = new FileInfo(installed).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? installed;
        var header = new byte[4];
        await using (var file = File.OpenRead(program))
        {
            await file.ReadExactlyAsync(header);
        }
        Assert.True(header.AsSpan().SequenceEqual("\u007fELF"u8), $"{program} is not an ELF program");
        Assert.False(File.Exists(Path.ChangeExtension(program, ".dll")), "a framework-dependent client was installed, not the native one");

        using var config = new TestConfig().WithAcceptanceJail(bantime: "1h");
        config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(config.Dir);
        foreach (var address in new[] { "192.0.2.31", "2001:db8::32" })
        {
            var ban = await Cli.RunProgramAsync(installed, ["--socket", engine.Socket, "ban", "ssh", address]);
            Assert.True(ban.Code == 0, ban.Stderr);
        }
        foreach (var command in Commands)
        {
            var native = Comparable(command, await Cli.RunProgramAsync(installed, ["--socket", engine.Socket, .. command]));
            var built = Comparable(command, await engine.ClientAsync(command));
            Assert.True(built == native, $"scanjail-client {string.Join(' ', command)}\nbuilt:  {built}\nnative: {native}");
        }
        var unban = await Cli.RunProgramAsync(installed, ["--socket", engine.Socket, "unban", "--all"]);
        Assert.True(unban.Code == 0, unban.Stderr);
        Assert.Contains("`- Banned IP list:\t\n", (await engine.ClientAsync("status", "ssh")).Stdout, StringComparison.Ordinal);
    }

    // A report's window ends at the engine's "now", which moves between the two requests: its times are masked.
    private static (int Code, string Stdout, string Stderr) Comparable(string[] command, (int Code, string Stdout, string Stderr) result) =>
        command.Contains("report") ? result with { Stdout = DateTimeText().Replace(result.Stdout, "TIME") } : result;

    [GeneratedRegex(@"\d{4}-\d\d-\d\d[T ][\d:.+-]+")]
    private static partial Regex DateTimeText();
}
