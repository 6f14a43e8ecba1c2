using System.Diagnostics;

namespace ScanJail.Core.Actions.Mail;

/// <summary>
/// Pipes the message to the local MTA: <c>PROGRAM -t -i</c> (recipients from the headers, a lone "."
/// does not end the message), started directly, never through a shell. Lines end in LF, as a pipe expects.
/// </summary>
internal sealed class SendmailMailSender(string program, TimeSpan timeout) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-t");
        start.ArgumentList.Add("-i");
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MailException($"cannot start '{program}': {e.Message}", e);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        try
        {
            await process.StandardInput.WriteAsync(MailFormat.Build(mail).Replace("\r\n", "\n", StringComparison.Ordinal).AsMemory(), limit.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            process.Kill(entireProcessTree: true);
            throw new MailException(limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                ? $"'{program}' did not finish within {timeout.TotalSeconds:0.#}s"
                : $"'{program}': {e.Message}", e);
        }
        await stdout;
        if (process.ExitCode != 0)
        {
            var error = (await stderr).Split('\n')[0].Trim();
            throw new MailException($"'{program}' exited with {process.ExitCode}{(error.Length > 0 ? ": " + error : "")}");
        }
    }
}
