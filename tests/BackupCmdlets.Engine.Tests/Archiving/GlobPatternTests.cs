using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Tests.Archiving;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*.tmp", "a/b/c.tmp", false, true)]
    [InlineData("*.tmp", "a/b/c.tmpx", false, false)]
    [InlineData("cache/", "x/cache", true, true)]
    [InlineData("cache/", "x/cache", false, false)]
    [InlineData("src/*.cs", "src/a.cs", false, true)]
    [InlineData("src/*.cs", "src/sub/a.cs", false, false)]
    [InlineData("src/**/*.cs", "src/sub/deep/a.cs", false, true)]
    [InlineData("src/**/*.cs", "src/a.cs", false, true)]
    [InlineData("/top", "top", false, true)]
    [InlineData("/top", "x/top", false, false)]
    [InlineData("file-[0-9].log", "logs/file-7.log", false, true)]
    [InlineData("file-[!0-9].log", "logs/file-7.log", false, false)]
    [InlineData("?.txt", "a.txt", false, true)]
    [InlineData("?.txt", "ab.txt", false, false)]
    public void Matches_like_tar(string pattern, string name, bool isDirectory, bool expected) =>
        Assert.Equal(expected, new GlobPattern(pattern).IsMatch(name, isDirectory));

    [Fact]
    public void An_empty_pattern_is_refused() =>
        Assert.Equal(Errors.InvalidPattern.Id, Assert.Throws<BackupException>(() => new GlobPattern(" ")).ErrorId);
}
