using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using ScanJail.Client;
using ScanJail.Core.Control;

namespace ScanJail.Daemon.Tests.Client;

/// <summary>
/// The real client against a socket that gives one fixed answer line: answers the engine never writes (its
/// status object where the text was asked for, a status of the wrong shape) still print the same text, or fail as an
/// unexpected answer.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OneAnswerSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sj-one-answer-").FullName;

    private Task<(ClientResult Result, string Request)> AskAsync(string answer, params string[] args) => SendAsync(answer + "\n", args);

    // The bytes sent as they are, then the connection closed.
    private async Task<(ClientResult Result, string Request)> SendAsync(string answer, string[] args)
    {
        var path = Path.Combine(_dir, "one.sock");
        File.Delete(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var serve = Task.Run(async () =>
        {
            using var connection = await listener.AcceptAsync();
            var request = new List<byte>();
            var buffer = new byte[4096];
            while (!request.Contains((byte)'\n'))
            {
                var read = await connection.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }
                request.AddRange(buffer.AsSpan(0, read));
            }
            var bytes = Encoding.UTF8.GetBytes(answer);
            for (var sent = 0; sent < bytes.Length;)
            {
                sent += await connection.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
            }
            return Encoding.UTF8.GetString([.. request]);
        });
        var result = await ClientProcess.RunAsync(["--socket", path, .. args]);
        return (result, await serve.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task An_engine_that_answers_a_text_request_with_the_status_object_still_gets_its_status_printed()
    {
        var status = new Control.StandInEngine().Ssh;
        var (result, request) = await AskAsync(
            """{"ok":true,"result":{"bannedAddresses":["203.0.113.9"],"jail":"ssh","currentlyFailed":2,"totalFailed":17,"sources":["/var/log/auth.log"],"currentlyBanned":1,"totalBanned":4,"""
            + """ "actions":[{"action":"record","succeeded":4,"failed":2,"retrying":1,"pending":0,"lastError":"exit code 1: disk full","lastErrorAt":"2026-11-21T10:03:00+00:00"}]}}""",
            "status", "ssh");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(StatusFormatter.JailStatus(status), result.Output);
        Assert.Equal("{\"command\":\"status\",\"jail\":\"ssh\",\"all\":false,\"text\":true}\n", request);
    }

    [Fact]
    public async Task A_status_of_the_wrong_shape_is_an_unexpected_answer_with_exit_1()
    {
        var (result, _) = await AskAsync("""{"ok":true,"result":{"jail":["not","a","name"]}}""", "status", "ssh");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.Output);
        Assert.StartsWith("ERROR: unexpected answer from the engine: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_json_is_not_the_control_protocol_exit_69()
    {
        var (result, _) = await AskAsync("""{"ok":true,"result":{"jail":"ssh",""", "status", "ssh");

        Assert.True(result.ExitCode == 69, result.ToString());
        Assert.Contains("is not the control protocol", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"ok\":false,\"error\":\"cut")]
    [InlineData("{\"ok\":true,\"result\":\"Status for")]
    public async Task A_status_cut_short_or_never_answered_is_exit_69_and_never_printed_as_done(string answer)
    {
        var (result, _) = await SendAsync(answer, ["status", "ssh"]);

        Assert.True(result.ExitCode == 69, result.ToString());
        Assert.StartsWith("ERROR: the connection to ", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
