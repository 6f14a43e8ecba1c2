using ScanJail.Daemon.Tests.EndToEnd;
using ScanJail.Tests.Support;

namespace ScanJail.Daemon.Tests.Intake;

/// <summary><c>make install</c> into a temporary DESTDIR: the tree, the installed programs working, <c>systemd-analyze verify</c> on the units, and <c>make uninstall</c>.</summary>
[Collection(AloneWhileInstalling.Name)]
public sealed class InstallTests : IDisposable
{
    private readonly string _dest = Directory.CreateTempSubdirectory("scanjail-destdir-").FullName;
    private readonly string _publish = Directory.CreateTempSubdirectory("scanjail-publish-").FullName;

    [Fact]
    public async Task Make_install_lays_out_programs_configuration_units_and_uninstall_removes_them()
    {
        var (code, output) = await RunAsync("make", RepositoryRoot.Path, "install", $"DESTDIR={_dest}", $"PUBLISH={_publish}");
        Assert.True(code == 0, output);

        string[] expected =
        [
            "usr/local/bin/scanjail", "usr/local/bin/scanjail-client",
            "usr/local/lib/scanjail/scanjail", "usr/local/lib/scanjail/filters/sshd.yaml", "usr/local/lib/scanjail/jails/sshd.yaml",
            "usr/local/lib/scanjail/actions/log.yaml",
            "etc/scanjail/jail.yaml", "etc/scanjail/filters", "etc/scanjail/jails", "etc/scanjail/actions",
            "usr/local/lib/systemd/system/scanjail.service", "etc/logrotate.d/scanjail", "usr/local/share/doc/scanjail/README.md",
        ];
        foreach (var path in expected)
        {
            Assert.True(Path.Exists(Path.Combine(_dest, path)), $"{path} is missing after make install\n{output}");
        }
        var listener = File.Exists(Path.Combine(RepositoryRoot.Path, "src/ScanJail.Listener/ScanJail.Listener.csproj"));
        Assert.Equal(listener, File.Exists(Path.Combine(_dest, "usr/local/lib/systemd/system/scanjail-listener.service")));
        Assert.Equal(listener, Path.Exists(Path.Combine(_dest, "usr/local/bin/scanjail-listener")));

        var unit = await File.ReadAllTextAsync(Path.Combine(_dest, "usr/local/lib/systemd/system/scanjail.service"));
        Assert.Contains("Type=notify", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/local/bin/scanjail run -c /etc/scanjail", unit, StringComparison.Ordinal);
        Assert.Contains("RuntimeDirectory=scanjail", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("@BINDIR@", unit, StringComparison.Ordinal);

        // The installed program, through its link, finds the shipped filters and accepts the default configuration.
        var (checkCode, checkOut) = await RunAsync(Path.Combine(_dest, "usr/local/bin/scanjail"), _dest, "check", "-c", Path.Combine(_dest, "etc/scanjail"));
        Assert.True(checkCode == 0, checkOut);

        // The installed client, through its link, is the native program and answers as the built one does.
        await InstalledClientCheck.AnswersAsTheBuiltClientAsync(Path.Combine(_dest, "usr/local/bin/scanjail-client"));

        // systemd-analyze checks that ExecStart programs exist, so it reads copies whose paths point into DESTDIR.
        var verifyDir = Directory.CreateDirectory(Path.Combine(_dest, "verify")).FullName;
        var units = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(_dest, "usr/local/lib/systemd/system")))
        {
            var copy = Path.Combine(verifyDir, Path.GetFileName(file));
            await File.WriteAllTextAsync(copy, (await File.ReadAllTextAsync(file)).Replace("/usr/local/", $"{_dest}/usr/local/", StringComparison.Ordinal));
            units.Add(copy);
        }
        var (verifyCode, verifyOut) = await RunAsync("systemd-analyze", verifyDir, ["verify", .. units]);
        Assert.True(verifyCode == 0 && verifyOut.Trim().Length == 0, $"systemd-analyze verify:\n{verifyOut}");

        // An admin's edited jail.yaml survives a second install.
        await File.WriteAllTextAsync(Path.Combine(_dest, "etc/scanjail/jail.yaml"), "jails: {}\n");
        Assert.Equal(0, (await RunAsync("make", RepositoryRoot.Path, "install", $"DESTDIR={_dest}", $"PUBLISH={_publish}")).Code);
        Assert.Equal("jails: {}\n", await File.ReadAllTextAsync(Path.Combine(_dest, "etc/scanjail/jail.yaml")));

        Assert.Equal(0, (await RunAsync("make", RepositoryRoot.Path, "uninstall", $"DESTDIR={_dest}")).Code);
        Assert.False(Path.Exists(Path.Combine(_dest, "usr/local/bin/scanjail")));
        Assert.False(Path.Exists(Path.Combine(_dest, "usr/local/lib/scanjail")));
        Assert.False(Path.Exists(Path.Combine(_dest, "usr/local/lib/systemd/system/scanjail.service")));
        Assert.False(Path.Exists(Path.Combine(_dest, "etc/logrotate.d/scanjail")));
        Assert.True(File.Exists(Path.Combine(_dest, "etc/scanjail/jail.yaml")), "the configuration stays");
    }

    // stdout and stderr together, as a failure message shows them; make install may take minutes (it publishes).
    private static async Task<(int Code, string Output)> RunAsync(string program, string directory, params string[] args)
    {
        var (code, stdout, stderr) = await Cli.RunProgramAsync(program, args, directory, TimeSpan.FromMinutes(10));
        return (code, stdout + stderr);
    }

    public void Dispose()
    {
        foreach (var dir in new[] { _dest, _publish })
        {
            try
            {
                Directory.Delete(dir, true);
            }
            catch (IOException)
            {
                // Cleaned with the temp folder later.
            }
        }
    }
}
