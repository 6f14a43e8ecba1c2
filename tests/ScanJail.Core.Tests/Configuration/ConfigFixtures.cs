namespace ScanJail.Core.Tests.Configuration;

/// <summary>Filter and action files in the form FilterLoader and ActionLoader read.</summary>
internal static class ConfigFixtures
{
    public const string SshdFilter = """
        failregex:
          - 'Failed password for (?:invalid user )?(?<user>\S+) from <HOST> port \d+'
          - 'Invalid user (?<user>\S+) from <HOST>'
        """;

    public const string RecordAction = """
        ban: [sh, -c, 'printf "ban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", "/tmp/actions.log"]
        unban: [sh, -c, 'printf "unban %s %s\n" "$1" "$2" >> "$3"', record, "<jail>", "<ip>", "/tmp/actions.log"]
        """;

    /// <summary>An action that does nothing, standing in for any name.</summary>
    public const string NoopAction = """
        ban: ["true"]
        unban: ["true"]
        """;
}
