namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary><c>scanjail check</c> and <c>scanjail run</c> on a broken configuration: every error listed, exit 78, nothing started.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task Check_accepts_the_acceptance_example()
    {
        _config.WithAcceptanceJail();
        var (code, stdout, stderr) = await EngineProcess.RunToEndAsync("check", "-c", _config.Dir);
        Assert.True(code == 0, stdout + stderr);
    }

    [Fact]
    public async Task Check_and_run_list_every_error_and_exit_78_without_starting()
    {
        _config.WriteRecordAction();
        _config.WriteJailYaml("""
            defaults:
              findtime: ten minutes
            jails:
              ssh:
                enabled: true
                source: { file: auth.log }
                filter: sshd
                maxretry: 0
                actions: [record, nosuchaction]
              web:
                enabled: yes-please
                filter: sshd
            """);
        var (code, _, stderr) = await EngineProcess.RunToEndAsync("check", "-c", _config.Dir);
        Assert.Equal(78, code);
        foreach (var field in new[] { "findtime", "maxretry", "nosuchaction", "enabled", "source" })
        {
            Assert.Contains(field, stderr, StringComparison.Ordinal);
        }
        Assert.Contains("jail.yaml:", stderr, StringComparison.Ordinal);

        var socket = Path.Combine(_config.Dir, "sj.sock");
        var run = await EngineProcess.RunToEndAsync("run", "-c", _config.Dir, "--socket", socket, "--db", Path.Combine(_config.Dir, "sj.db"));
        Assert.Equal(78, run.Code);
        Assert.False(File.Exists(socket), "run touched something before refusing the configuration");
        Assert.False(File.Exists(Path.Combine(_config.Dir, "sj.db")), "run created the database before refusing the configuration");
    }

    public void Dispose() => _config.Dispose();
}
