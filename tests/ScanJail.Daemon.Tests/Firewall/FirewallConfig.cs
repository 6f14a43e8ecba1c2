using ScanJail.Daemon.Tests.EndToEnd;

namespace ScanJail.Daemon.Tests.Firewall;

/// <summary>A configuration directory with one jail <c>fw</c> (sshd filter, maxretry 1) using the given actions.</summary>
internal static class FirewallConfig
{
    public const string Jail = "fw";

    public static TestConfig Create(string actions, string extraJailKeys = "")
    {
        var config = new TestConfig();
        config.WriteJailYaml($"""
            jails:
              {Jail}:
                source: {"{"} file: {config.AuthLog} {"}"}
                filter: sshd
                maxretry: 1
                bantime: 1h
                actions: {actions}
            {extraJailKeys}
            """);
        config.TouchAuthLog();
        return config;
    }

    /// <summary>
    /// Copies a shipped action into the configuration's actions/ (which wins over the shipped one) with its
    /// check running every second instead of every minute, so a repair shows within a test's patience.
    /// </summary>
    public static void ShippedWithFastCheck(TestConfig config, string action)
    {
        var text = File.ReadAllText(Path.Combine(EngineProcess.BinDir, "actions", $"{action}.yaml"));
        Assert.Contains("check-interval: 60s", text, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(config.Dir, "actions", $"{action}.yaml"), text.Replace("check-interval: 60s", "check-interval: 1s", StringComparison.Ordinal));
    }

    internal static async Task ClientOkAsync(EngineProcess engine, params string[] args)
    {
        var (code, stdout, stderr) = await engine.ClientAsync(args);
        Assert.True(code == 0, $"scanjail-client {string.Join(' ', args)} exited with {code}: {stdout}{stderr}\n{engine.Output}");
    }
}
