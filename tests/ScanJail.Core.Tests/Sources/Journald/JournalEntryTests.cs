using ScanJail.Core.Sources.Journald;

namespace ScanJail.Core.Tests.Sources.Journald;

public sealed class JournalEntryTests
{
    [Fact]
    public void Rebuilds_a_syslog_line_from_the_journal_fields()
    {
        var entry = JournalEntry.Read("""{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1795238480123456","_HOSTNAME":"web1","SYSLOG_IDENTIFIER":"sshd","_PID":"812","MESSAGE":"Invalid user bob from 192.0.2.8 port 1"}""");

        Assert.NotNull(entry);
        Assert.Equal("s=1;i=2", entry.Cursor);
        Assert.Equal("2026-11-21T05:21:20.123456+00:00 web1 sshd[812]: Invalid user bob from 192.0.2.8 port 1", entry.FilterText());
    }

    [Fact]
    public void A_message_journald_stored_as_bytes_is_decoded_with_replacement()
    {
        // journalctl -o json writes a MESSAGE that is not valid UTF-8 as an array of byte values.
        var entry = JournalEntry.Read("""{"__CURSOR":"c","MESSAGE":[104,105,255,33]}""");

        Assert.Equal("hi\uFFFD!", entry!.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"MESSAGE":"no cursor"}""")]
    [InlineData("[1,2]")]
    public void Lines_that_are_not_entries_are_skipped(string line)
    {
        Assert.Null(JournalEntry.Read(line));
    }
}
