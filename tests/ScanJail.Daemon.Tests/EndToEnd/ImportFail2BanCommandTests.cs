namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// <c>scanjail import-fail2ban</c> on the Debian package's /etc/fail2ban (read only): the file it writes
/// passes <c>scanjail check</c>, and what it could not translate is on stderr.
/// </summary>
public sealed class ImportFail2BanCommandTests : IDisposable
{
    private readonly TestConfig _config = new();

    [Fact]
    public async Task The_written_jail_yaml_passes_check_and_the_untranslated_items_are_on_stderr()
    {
        var output = Path.Combine(_config.Dir, "jail.yaml");

        var (code, stdout, stderr) = await EngineProcess.RunToEndAsync("import-fail2ban", "/etc/fail2ban", "-o", output);

        Assert.True(code == 0, stdout + stderr);
        Assert.Empty(stdout);
        Assert.Contains("not translated: sshd: action iptables-multiport[", stderr, StringComparison.Ordinal);
        Assert.Contains("filter: \"fail2ban:sshd\"", File.ReadAllText(output), StringComparison.Ordinal);
        var check = await EngineProcess.RunToEndAsync("check", "-c", _config.Dir);
        Assert.True(check.Code == 0, check.Stdout + check.Stderr);
        Assert.Contains("1 enabled: sshd", check.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_output_the_yaml_goes_to_stdout_and_a_missing_directory_is_exit_66()
    {
        var (code, stdout, _) = await EngineProcess.RunToEndAsync("import-fail2ban", "/etc/fail2ban");
        Assert.Equal(0, code);
        Assert.StartsWith("# jail.yaml written by scanjail import-fail2ban from /etc/fail2ban", stdout, StringComparison.Ordinal);

        var missing = await EngineProcess.RunToEndAsync("import-fail2ban", Path.Combine(_config.Dir, "nothing"));
        Assert.Equal(66, missing.Code);
    }

    public void Dispose() => _config.Dispose();
}
