namespace ScanJail.Tests.Support;

/// <summary>The folder holding ScanJail.sln, found by walking up from the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ScanJail.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no ScanJail.sln above {AppContext.BaseDirectory}");
    }
}
