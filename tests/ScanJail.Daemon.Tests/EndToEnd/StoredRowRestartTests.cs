using Microsoft.Data.Sqlite;

namespace ScanJail.Daemon.Tests.EndToEnd;

/// <summary>
/// A database holding rows no engine writes (edited by hand, or damaged) never stops a start and never costs the bans
/// that can be read: the real engine starts on such a file, enforces the ban whose captures are not JSON and the ban
/// whose counts are out of range, skips the row whose time is out of range, and says so once in its log.
/// </summary>
public sealed class StoredRowRestartTests : IDisposable
{
    private readonly TestConfig _config = new TestConfig().WithAcceptanceJail(bantime: "1h");

    [Fact]
    public async Task Unreadable_stored_rows_are_skipped_or_mended_and_the_start_goes_on()
    {
        _config.TouchAuthLog();
        var engine = await EngineProcess.StartAsync(_config.Dir);
        Assert.Equal(0, await engine.StopAsync()); // the schema
        await engine.DisposeAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var end = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        Insert(("192.0.2.41", now, end, 3L, "{\"port\":\"22\""), ("192.0.2.42", now, end, 9_000_000_000L, "{}"), ("192.0.2.43", long.MaxValue, end, 3L, "{}"));
        Insert(("192.0.2.44", now, end, 3L, "{}"));

        engine = await EngineProcess.StartAsync(_config.Dir);
        await using (engine)
        {
            await Wait.UntilAsync(() => _config.ActionLines().Contains("ban ssh 192.0.2.44"), "the readable ban to be enforced again", engine);
            Assert.Contains("ban ssh 192.0.2.41", _config.ActionLines());
            Assert.Contains("ban ssh 192.0.2.42", _config.ActionLines());
            Assert.DoesNotContain("ban ssh 192.0.2.43", _config.ActionLines());
            var banned = (await engine.ClientAsync("banned")).Stdout;
            Assert.Contains("192.0.2.41", banned, StringComparison.Ordinal);
            Assert.Contains("192.0.2.42", banned, StringComparison.Ordinal);
            Assert.Contains("1 stored row(s) skipped and 2 mended at start", engine.Output, StringComparison.Ordinal);
            Assert.False(engine.HasExited);
            Assert.Equal(0, await engine.StopAsync());
        }
    }

    public void Dispose() => _config.Dispose();

    private void Insert(params (string Ip, long Start, long End, long Failures, string Fields)[] rows)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_config.Dir, "sj.db"), Pooling = false }.ToString());
        connection.Open();
        foreach (var (ip, start, end, failures, fields) in rows)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO bans (jail, ip, start_ms, end_ms, failures, count, fields, manual) VALUES ('ssh', $i, $s, $e, $f, 1, $x, 0)";
            cmd.Parameters.AddWithValue("$i", ip);
            cmd.Parameters.AddWithValue("$s", start);
            cmd.Parameters.AddWithValue("$e", end);
            cmd.Parameters.AddWithValue("$f", failures);
            cmd.Parameters.AddWithValue("$x", fields);
            cmd.ExecuteNonQuery();
        }
    }
}
