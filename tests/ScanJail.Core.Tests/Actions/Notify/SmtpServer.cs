using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScanJail.Core.Tests.Actions.Notify;

/// <summary>
/// A real SMTP server: Debian's python3-aiosmtpd on loopback, delivering to a Maildir. Started through
/// /usr/bin/python3 (the Debian interpreter that has the package), ended by its PID.
/// </summary>
internal sealed class SmtpServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private SmtpServer(Process process, int port, string maildir)
    {
        _process = process;
        Port = port;
        Maildir = maildir;
    }

    public int Port { get; }

    public string Maildir { get; }

    /// <summary>aiosmtpd's own command line: plain, or STARTTLS (--tlscert) or implicit TLS (--smtpscert).</summary>
    public static Task<SmtpServer> StartCliAsync(string maildir, int port, params string[] tlsOptions) =>
        StartAsync(maildir, port, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", .. tlsOptions, "--class", "aiosmtpd.handlers.Mailbox", maildir]);

    /// <summary>AUTH needs an authenticator, which aiosmtpd's command line cannot take: a small controller script, STARTTLS required before AUTH.</summary>
    public static Task<SmtpServer> StartWithAuthAsync(string maildir, int port, string user, string password, string cert, string key) =>
        StartAsync(maildir, port, ["-c", AuthScript, port.ToString(System.Globalization.CultureInfo.InvariantCulture), maildir, user, password, cert, key]);

    private const string AuthScript = """
        import sys, ssl
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Mailbox
        from aiosmtpd.smtp import AuthResult
        port, maildir, user, password, cert, key = sys.argv[1:7]
        def check(server, session, envelope, mechanism, data):
            # handled=False: aiosmtpd then answers 535 itself (its default, handled=True, answers nothing).
            return AuthResult(success=data.login == user.encode() and data.password == password.encode(), handled=False)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        c = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port), authenticator=check,
                       tls_context=context, require_starttls=True, auth_require_tls=True)
        c.start()
        sys.stdin.read()
        c.stop()
        """;

    private static async Task<SmtpServer> StartAsync(string maildir, int port, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        var server = new SmtpServer(process, port, maildir);
        var deadline = Environment.TickCount64 + 20_000;
        while (true)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (Environment.TickCount64 < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>A port nothing listens on right now (the kernel's choice, released at once).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public IReadOnlyList<string> Messages() =>
        Directory.Exists(Path.Combine(Maildir, "new"))
            ? [.. Directory.GetFiles(Path.Combine(Maildir, "new")).Order(StringComparer.Ordinal).Select(File.ReadAllText)]
            : [];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
