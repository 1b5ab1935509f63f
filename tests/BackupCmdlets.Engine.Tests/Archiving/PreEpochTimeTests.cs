using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Modification times before 1970 in both directions, judged by GNU tar: what we write GNU tar lists
/// and extracts without complaint, and the negative base-256 times GNU tar writes we read with their sign.
/// </summary>
public sealed class PreEpochTimeTests : IDisposable
{
    private static readonly (string Name, string Touch, UnixTime Time)[] Times =
    [
        ("nineteen-sixty.txt", "1960-01-01 00:00:00", new UnixTime(-315_619_200, 0)),
        ("one-second-before.txt", "1969-12-31 23:59:59", new UnixTime(-1, 0)),
        ("half-second-before.txt", "1969-12-31 23:59:59.5", new UnixTime(-1, 500_000_000)),
        ("nineteen-hundred-one.txt", "1901-12-14 00:00:00", new UnixTime(-2_147_472_000, 0)),
    ];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(ArchiveCompression.None)]
    [InlineData(ArchiveCompression.GZip)]
    public void GNU_tar_lists_and_extracts_the_pre_epoch_times_we_write(ArchiveCompression compression)
    {
        string source = CreateTree(touch: false);
        string archive = _temp.Combine("ours" + Archives.Suffix(compression));
        Archives.Create(source, archive, compression);

        var listing = ExternalTool.Run("tar", "--full-time", "-tvf", archive);
        string extracted = _temp.CreateDirectory("gnu");
        var extract = ExternalTool.Run("tar", "-xf", archive, "-C", extracted);

        Assert.True(listing.ExitCode == 0, listing.StandardError);
        Assert.True(extract.ExitCode == 0, extract.StandardError);
        var lines = listing.StandardOutput.Split('\n');
        foreach (var (name, touch, time) in Times)
        {
            // GNU tar 1.34 lists a negative time with a fraction wrongly (-0.5 as 00:00:00.5), though it extracts it right.
            if (time.Nanoseconds == 0)
            {
                Assert.Contains(lines, l => l.Contains(touch, StringComparison.Ordinal) && l.EndsWith(" tree/" + name, StringComparison.Ordinal));
            }

            Assert.Equal(time, UnixFileSystem.Lstat(Path.Combine(extracted, "tree", name)).ModifiedTime);
        }
    }

    [Fact]
    public void We_read_the_negative_base_256_times_GNU_tar_writes()
    {
        string source = CreateTree(touch: true);
        string archive = _temp.Combine("gnu.tar");
        ExternalTool.Run("tar", "--format=gnu", "-cf", archive, "-C", _temp.Path, "tree").EnsureSuccess("tar -c");

        var items = Archives.List(archive).Items.ToDictionary(i => i.Name);
        var test = Archives.Test(archive, compare: _temp.Path);
        var expanded = Archives.Expand(archive, _temp.Combine("ours"));

        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        Assert.True(expanded.Complete, string.Join("\n", expanded.Problems));
        foreach (var (name, _, time) in Times)
        {
            // The gnu format keeps whole seconds only.
            var seconds = new UnixTime(time.Seconds, 0);
            Assert.Equal(seconds.ToDateTimeOffset(), items["tree/" + name].Modified);
            Assert.Equal(seconds, UnixFileSystem.Lstat(_temp.Combine("ours", "tree", name)).ModifiedTime);
        }
    }

    private string CreateTree(bool touch)
    {
        string source = _temp.CreateDirectory("tree");
        foreach (var (name, when, time) in Times)
        {
            string path = Path.Combine(source, name);
            File.WriteAllText(path, name);
            if (touch)
            {
                ExternalTool.Run("touch", "-d", when + " UTC", path).EnsureSuccess("touch -d");
                Assert.Equal(time.Seconds, UnixFileSystem.Lstat(path).ModifiedTime.Seconds);
            }
            else
            {
                UnixFileSystem.SetModifiedTime(path, time);
            }
        }

        return source;
    }
}
