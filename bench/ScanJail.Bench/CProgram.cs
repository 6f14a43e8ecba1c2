using System.Diagnostics;

namespace ScanJail.Bench;

/// <summary>A small C program the bench builds for itself with <c>cc -O2 -static</c> (the stamp command, the latency floor).</summary>
internal static class CProgram
{
    /// <summary>The built program's path in <paramref name="dir"/>, or null (said why) when <c>cc</c> is missing or fails.</summary>
    public static string? Build(string dir, string name, string source, IReadOnlyList<string>? flags = null)
    {
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name + ".c");
        var program = Path.Combine(dir, name);
        File.WriteAllText(file, source);
        try
        {
            using var cc = Process.Start(new ProcessStartInfo("cc", ["-O2", "-static", .. flags ?? [], "-o", program, file]) { RedirectStandardError = true });
            var errors = cc!.StandardError.ReadToEnd();
            cc.WaitForExit();
            if (cc.ExitCode != 0)
            {
                Console.WriteLine($"cc could not build {name} ({errors.Trim()})");
                return null;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine($"no C compiler (cc) to build {name}");
            return null;
        }
        return program;
    }
}
