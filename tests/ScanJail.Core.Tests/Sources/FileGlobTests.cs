using FsCheck;
using FsCheck.Fluent;
using ScanJail.Core.Sources;

namespace ScanJail.Core.Tests.Sources;

public sealed class FileGlobTests
{
    [Theory]
    [InlineData("*.log", "auth.log", true)]
    [InlineData("*.log", "auth.log.1", false)]
    [InlineData("*.log", ".hidden.log", false)]
    [InlineData(".*.log", ".hidden.log", true)]
    [InlineData("auth.log*", "auth.log.1", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("[ab]*", "bcd", true)]
    [InlineData("[!ab]*", "bcd", false)]
    [InlineData("[^ab]*", "cde", true)]
    [InlineData("site[0-9].log", "site7.log", true)]
    [InlineData("site[0-9].log", "sitex.log", false)]
    [InlineData("[]]x", "]x", true)]
    [InlineData("[x", "[x", true)]
    [InlineData("*a*b*c", "xxaxxbxxc", true)]
    [InlineData("*a*b*c", "xxaxxcxxb", false)]
    [InlineData("exact", "exact", true)]
    public void Segments_match_like_the_shell(string pattern, string name, bool expected)
        => Assert.Equal(expected, FileGlob.IsMatch(pattern, name));

    [Fact]
    public void A_name_without_wildcards_matches_itself_and_nothing_longer()
        => Prop.ForAll<NonEmptyString>(s =>
        {
            var name = s.Get.Replace("*", "", StringComparison.Ordinal).Replace("?", "", StringComparison.Ordinal).Replace("[", "", StringComparison.Ordinal);
            return name.Length == 0 || (FileGlob.IsMatch(name, name) && !FileGlob.IsMatch(name, name + "x") && !FileGlob.IsMatch(name + "x", name));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_star_matches_every_name_without_a_leading_dot()
        => Prop.ForAll<NonEmptyString>(s => FileGlob.IsMatch("*", s.Get) == !s.Get.StartsWith('.')).QuickCheckThrowOnFailure();

    [Fact]
    public void Expansion_lists_matching_files_in_matching_directories()
    {
        var root = Directory.CreateTempSubdirectory("scanjail-glob-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "a"));
            Directory.CreateDirectory(Path.Combine(root, "b"));
            Directory.CreateDirectory(Path.Combine(root, "c.d"));
            File.WriteAllText(Path.Combine(root, "a", "x.log"), "");
            File.WriteAllText(Path.Combine(root, "b", "y.log"), "");
            File.WriteAllText(Path.Combine(root, "b", "y.txt"), "");
            File.WriteAllText(Path.Combine(root, "c.d", "z.log"), "");

            var glob = FileGlob.Parse(Path.Combine(root, "?", "*.log"));
            Assert.True(glob.HasWildcards);
            Assert.Equal([Path.Combine(root, "a", "x.log"), Path.Combine(root, "b", "y.log")], glob.ExpandFiles());
            Assert.Equal([Path.Combine(root, "a"), Path.Combine(root, "b")], glob.ExpandDirectories());
            Assert.True(glob.MatchesFileName("new.log"));
            Assert.False(glob.MatchesFileName("new.txt"));

            var literal = FileGlob.Parse(Path.Combine(root, "a", "x.log"));
            Assert.False(literal.HasWildcards);
            Assert.Equal([Path.Combine(root, "a", "x.log")], literal.ExpandFiles());
            Assert.True(literal.MatchesFileName("x.log"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
