using System.CommandLine;

namespace ScanJail.Daemon;

/// <summary>The options several commands share.</summary>
internal static class Options
{
    public const string DefaultConfigDir = "/etc/scanjail";
    public const string DefaultSocket = "/run/scanjail/scanjail.sock";
    public const string DefaultDatabase = "/var/lib/scanjail/scanjail.db";

    public static Option<string> ConfigDir() => new("--config", "-c")
    {
        Description = "The configuration directory (jail.yaml, jails/, filters/, actions/)",
        DefaultValueFactory = _ => DefaultConfigDir,
        HelpName = "DIR",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text" };
}
