using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// A single-member gzip as GNU tar and gzip write it, damaged where the damage is only found at the
/// member's end (a flipped byte in a stored block, the trailer cut off), so the error is raised on
/// the read-ahead thread after it has queued every segment. Whether the queue is full then is a race:
/// each case is repeated until a dropped error would show.
/// </summary>
public sealed class GzipDamageRaceTests : IDisposable
{
    private const int TestRuns = 40;
    private const int ExpandRuns = 8;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("flipped byte in a stored block")]
    [InlineData("trailer cut off")]
    public void The_error_found_at_the_end_of_the_member_reaches_the_caller_every_time(string damage)
    {
        string source = _temp.CreateDirectory("src/tree");
        byte[] noise = new byte[12 << 20];
        new Random(17).NextBytes(noise);
        File.WriteAllBytes(Path.Combine(source, "noise.bin"), noise);
        File.WriteAllText(Path.Combine(source, "small.txt"), "small");
        string archive = _temp.Combine("gnu.tar.gz");
        ExternalTool.Run("tar", "-czf", archive, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -cz");
        byte[] whole = File.ReadAllBytes(archive);
        byte[] bad = damage == "trailer cut off" ? whole[..^8] : DamagedArchive.Flipped(whole, whole.Length / 2);
        File.WriteAllBytes(archive, bad);
        Assert.NotEqual(0, ExternalTool.Run("gzip", "-t", archive).ExitCode);

        DamagedArchive.IsFoundEveryTime(archive, _temp, TestRuns, ExpandRuns);
    }
}
