using System.Globalization;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>A temporary configuration directory shaped like the acceptance example.</summary>
public sealed class TestConfig : IDisposable
{
    public TestConfig()
    {
        Dir = Directory.CreateTempSubdirectory("scanjail-test-").FullName;
        Directory.CreateDirectory(Path.Combine(Dir, "actions"));
    }

    public string Dir { get; }
    public string AuthLog => Path.Combine(Dir, "auth.log");
    public string ActionsLog => Path.Combine(Dir, "actions.log");

    /// <summary>The acceptance example's jail.yaml, with DIR replaced; <paramref name="extraJailKeys"/> adds lines to the ssh jail.</summary>
    public TestConfig WithAcceptanceJail(string bantime = "5s", string extraJailKeys = "")
    {
        WriteJailYaml($"""
            defaults:
              findtime: 10m
              maxretry: 3
              bantime: {bantime}
            jails:
              ssh:
                enabled: true
                source: {"{"} file: {AuthLog} {"}"}
                filter: sshd
                actions: [record]
            {extraJailKeys}
            """);
        WriteRecordAction();
        return this;
    }

    public void WriteJailYaml(string text) => File.WriteAllText(Path.Combine(Dir, "jail.yaml"), text);

    /// <summary>One jail <c>ssh</c> on the auth log, banning at the first failure for an hour, through <paramref name="actions"/>.</summary>
    public void WriteSshJail(string actions) => WriteJailYaml($$"""
        jails:
          ssh:
            source: { file: {{AuthLog}} }
            filter: sshd
            maxretry: 1
            bantime: 1h
            actions: [{{actions}}]
        """);

    /// <summary>The acceptance example's record action: ban/unban lines appended to actions.log.</summary>
    public void WriteRecordAction() => File.WriteAllText(Path.Combine(Dir, "actions", "record.yaml"), $"""
        ban:   [sh, -c, 'printf "ban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", "{ActionsLog}"]
        unban: [sh, -c, 'printf "unban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", "{ActionsLog}"]
        """);

    /// <summary>Creates the log file empty, so the engine starts at its (empty) end.</summary>
    public void TouchAuthLog() => File.WriteAllText(AuthLog, "");

    /// <summary>An sshd failure line with the current local time, as syslog would write it.</summary>
    public static string SshFailure(string address, string user = "admin", int pid = 123) =>
        $"{SyslogNow()} host sshd[{pid}]: Failed password for invalid user {user} from {address} port 52144 ssh2";

    /// <summary>RFC 3164's time stamp, day padded with a space as syslog writes it (<c>Nov  1 10:00:01</c>).</summary>
    public static string SyslogNow()
    {
        var now = DateTime.Now;
        return string.Create(CultureInfo.InvariantCulture, $"{now:MMM} {now.Day,2} {now:HH:mm:ss}");
    }

    public static void Append(string path, params string[] lines) => File.AppendAllText(path, string.Concat(lines.Select(l => l + "\n")));

    public string[] ActionLines() => File.Exists(ActionsLog) ? File.ReadAllLines(ActionsLog) : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
            // A process that outlived its test may still hold a file; the temp folder is cleaned later.
        }
    }
}
