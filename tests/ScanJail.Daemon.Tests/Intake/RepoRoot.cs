namespace ScanJail.Daemon.Tests.Intake;

/// <summary>The repository's top folder (where the Makefile and packaging/ are), found from the test binaries upwards.</summary>
public static class RepoRoot
{
    public static string Path
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Makefile")) && Directory.Exists(System.IO.Path.Combine(dir.FullName, "packaging")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException($"no Makefile above {AppContext.BaseDirectory}");
        }
    }
}
