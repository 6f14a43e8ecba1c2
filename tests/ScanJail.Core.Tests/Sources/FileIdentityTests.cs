using System.Text;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

public sealed class FileIdentityTests
{
    [Fact]
    public void File_identity_tells_a_renamed_file_from_a_new_one()
    {
        var directory = Directory.CreateTempSubdirectory("scanjail-id-").FullName;
        try
        {
            var path = Path.Combine(directory, "a");
            File.WriteAllText(path, "x");
            Assert.True(FileIdentity.TryOfPath(path, out var before, out _));
            File.Move(path, path + ".1");
            Assert.True(FileIdentity.TryOfPath(path + ".1", out var renamed, out _));
            File.WriteAllText(path, "y");
            Assert.True(FileIdentity.TryOfPath(path, out var created, out _));
            Assert.Equal(before, renamed);
            Assert.NotEqual(before, created);
            Assert.False(FileIdentity.TryOfPath(Path.Combine(directory, "none"), out _, out var errno));
            Assert.True(FileIdentity.IsMissing(errno));
            using var handle = File.OpenHandle(path);
            Assert.Equal(created, FileIdentity.Of(handle));
            Assert.Equal(Encoding.ASCII.GetBytes("y").Length, (int)RandomAccess.GetLength(handle));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
