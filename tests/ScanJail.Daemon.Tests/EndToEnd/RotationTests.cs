namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>Each rotation mode under the running engine: failures before and after the rotation add up, none is lost or repeated.</summary>
public sealed class RotationTests : IDisposable
{
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    public enum Mode
    {
        RenameAndCreate,
        CopyTruncate,
        DeleteAndRecreate,
    }

    [Theory]
    [InlineData(Mode.RenameAndCreate)]
    [InlineData(Mode.CopyTruncate)]
    [InlineData(Mode.DeleteAndRecreate)]
    public async Task Failures_on_both_sides_of_a_rotation_ban_together(Mode mode)
    {
        _config.TouchAuthLog();
        await using var engine = await EngineProcess.StartAsync(_config.Dir);
        TestConfig.Append(_config.AuthLog, TestConfig.SshFailure("192.0.2.77"), TestConfig.SshFailure("192.0.2.77"));
        await Wait.UntilAsync(async () => (await engine.ClientAsync("status", "ssh")).Stdout.Contains("Total failed:\t2", StringComparison.Ordinal),
            "two failures before the rotation", engine);

        Rotate(mode);
        TestConfig.Append(_config.AuthLog, "Nov 21 10:00:00 host cron[1]: noise after rotation", TestConfig.SshFailure("192.0.2.77"));
        await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.77"), $"the ban after {mode}", engine);

        var (_, status, _) = await engine.ClientAsync("status", "ssh");
        Assert.Contains("Total failed:\t3", status, StringComparison.Ordinal); // nothing read twice
        Assert.Single(_config.ActionLines(), l => l == "ban ssh 192.0.2.77");
    }

    private void Rotate(Mode mode)
    {
        var log = _config.AuthLog;
        switch (mode)
        {
            case Mode.RenameAndCreate:
                File.Move(log, log + ".1");
                File.WriteAllText(log, "");
                break;
            case Mode.CopyTruncate:
                File.Copy(log, log + ".1");
                using (var stream = new FileStream(log, FileMode.Open, FileAccess.Write))
                {
                    stream.SetLength(0);
                }
                break;
            case Mode.DeleteAndRecreate:
                File.Delete(log);
                File.WriteAllText(log, "");
                break;
        }
    }

    public void Dispose() => _config.Dispose();
}
