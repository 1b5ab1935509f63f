using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Zstd frames decoded on worker threads, damaged where the damage is only found at the end of a frame
/// (a flipped content checksum, the checksum cut off): in many small frames decoded in parallel, and in
/// one large frame decoded as it is read. Whether the queue is full when the error is raised is a race:
/// each case is repeated until a dropped error would show.
/// </summary>
public sealed class ZstdDamageRaceTests : IDisposable
{
    private const int TestRuns = 30;
    private const int ExpandRuns = 6;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("many frames", "checksum flipped")]
    [InlineData("many frames", "checksum cut off")]
    [InlineData("one frame", "checksum flipped")]
    [InlineData("one frame", "checksum cut off")]
    public void The_error_found_at_the_end_of_a_frame_reaches_the_caller_every_time(string frames, string damage)
    {
        string source = _temp.CreateDirectory("src/tree");
        byte[] noise = new byte[12 << 20];
        new Random(17).NextBytes(noise);
        File.WriteAllBytes(Path.Combine(source, "noise.bin"), noise);
        File.WriteAllText(Path.Combine(source, "small.txt"), "small");
        string plain = _temp.Combine("plain.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Combine("src"), "tree").EnsureSuccess("tar -c");
        string archive = _temp.Combine("damaged.tar.zst");
        if (frames == "one frame")
        {
            ExternalTool.Run("zstd", "-q", "-f", plain, "-o", archive).EnsureSuccess("zstd");
        }
        else
        {
            // Frames of 1 MiB each, as the zstd tool writes them for files joined.
            byte[] tar = File.ReadAllBytes(plain);
            using var joined = File.Create(archive);
            for (int at = 0; at < tar.Length; at += 1 << 20)
            {
                string part = _temp.WriteFile("part", tar[at..Math.Min(tar.Length, at + (1 << 20))]);
                ExternalTool.Run("zstd", "-q", "-f", part, "-o", part + ".zst").EnsureSuccess("zstd");
                joined.Write(File.ReadAllBytes(part + ".zst"));
            }
        }

        byte[] whole = File.ReadAllBytes(archive);
        byte[] bad = damage == "checksum cut off" ? whole[..^4] : DamagedArchive.Flipped(whole, whole.Length - 2);
        File.WriteAllBytes(archive, bad);
        Assert.NotEqual(0, ExternalTool.Run("zstd", "-t", "-q", archive).ExitCode);

        DamagedArchive.IsFoundEveryTime(archive, _temp, TestRuns, ExpandRuns);
    }
}
