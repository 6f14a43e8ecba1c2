using ScanJail.Core.Configuration;

namespace ScanJail.Core.Tests.Configuration;

public sealed class ConfigDirectoryTests
{
    [Fact]
    public void The_shipped_sets_are_the_environment_variable_first_then_the_program_folder()
    {
        var own = Path.GetFullPath(AppContext.BaseDirectory);
        var before = Environment.GetEnvironmentVariable(ConfigDirectory.ShippedDirVariable);
        try
        {
            Environment.SetEnvironmentVariable(ConfigDirectory.ShippedDirVariable, null);
            Assert.Equal([own], ConfigDirectory.DefaultShippedDirs());

            Environment.SetEnvironmentVariable(ConfigDirectory.ShippedDirVariable, "/opt/scanjail-shipped");
            Assert.Equal(["/opt/scanjail-shipped", own], ConfigDirectory.DefaultShippedDirs());
        }
        finally
        {
            Environment.SetEnvironmentVariable(ConfigDirectory.ShippedDirVariable, before);
        }
    }
}
