using ScanJail.Core.Configuration.Fail2BanImport;

namespace ScanJail.Core.Tests.Configuration.Fail2BanImport;

/// <summary>fail2ban's jail files stacked and interpolated as fail2ban does (on small files written here).</summary>
public sealed class Fail2BanJailFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scanjail-f2b-").FullName;

    [Fact]
    public void Files_stack_in_fail2bans_order_with_includes_and_default_inheritance()
    {
        Write("paths.conf", "[DEFAULT]\nweb_log = /var/log/web.log\nbackend_default = %(default/backend)s\n");
        Write("jail.conf", "[INCLUDES]\nbefore = paths.conf\n[DEFAULT]\nbackend = auto\nmaxretry = 5\nfilter = %(__name__)s[mode=%(mode)s]\nmode = normal\n[web]\nlogpath = %(web_log)s\nbackend = %(backend_default)s\n");
        Write("jail.d/10-a.conf", "[web]\nmaxretry = 4\n");
        Write("jail.local", "[web]\nmaxretry = 3\nmode = ddos\n");
        Write("jail.d/20-b.local", "[web]\nenabled = true\n");

        var files = Fail2BanJailFiles.Read(_dir);

        Assert.Empty(files.Problems);
        Assert.Equal(["paths.conf", "jail.conf", "10-a.conf", "jail.local", "20-b.local"], files.Files.Select(Path.GetFileName));
        Assert.Equal(["web"], files.Jails);
        Assert.Equal("/var/log/web.log", files.Get("web", "logpath"));
        Assert.Equal("auto", files.Get("web", "backend"));
        Assert.Equal("3", files.Get("web", "maxretry"));
        Assert.Equal("web[mode=ddos]", files.Get("web", "filter"));
        Assert.Equal("true", files.Get("web", "enabled"));
    }

    [Fact]
    public void Known_and_a_self_reference_give_the_value_before_the_redefinition()
    {
        Write("jail.conf", "[DEFAULT]\naction = first\n[web]\nignoreip = 192.0.2.1\n");
        Write("jail.local", "[web]\naction = %(known/action)s\n         second\nignoreip = %(ignoreip)s 192.0.2.2\n");

        var files = Fail2BanJailFiles.Read(_dir);

        Assert.Equal("first\nsecond", files.Get("web", "action"));
        Assert.Equal("192.0.2.1 192.0.2.2", files.Get("web", "ignoreip"));
    }

    [Fact]
    public void A_reference_to_nothing_is_a_problem_not_a_crash()
    {
        Write("jail.conf", "[web]\nlogpath = %(nowhere)s\n");

        var files = Fail2BanJailFiles.Read(_dir);

        Assert.Equal("", files.Get("web", "logpath"));
        Assert.Contains(files.Problems, p => p.Contains("%(nowhere)s", StringComparison.Ordinal));
    }

    private void Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
