namespace ScanJail.Core.Tests.Actions;

/// <summary>A temporary directory removed after the test.</summary>
internal sealed class Scratch : IDisposable
{
    public Scratch() => Path = Directory.CreateTempSubdirectory("scanjail-actions-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process the test started may still hold a file for a moment; the OS cleans /tmp.
        }
    }
}
