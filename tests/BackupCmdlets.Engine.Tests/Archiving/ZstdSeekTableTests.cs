using System.Buffers.Binary;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Archiving.Reading;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Get-TarArchiveItem lists a zstd archive we write through its seek table, decoding only the frames
/// that hold tar headers; a seek table that does not agree with the file is passed over (as zstd
/// passes over it) and the archive is read in order. The archive is one folder with a 20 MiB file, so
/// the third frame (8 to 12 MiB of the tar) holds nothing but that file's data.
/// </summary>
public sealed class ZstdSeekTableTests : IDisposable
{
    private const int FrameSize = 4 << 20;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_listing_decodes_only_the_frames_that_hold_headers()
    {
        var (archive, frames) = Archive();

        using var input = ArchiveInput.Open(archive, 2, seekable: true);
        var reader = new TarStreamReader(input.Tar);
        var names = new List<string>();
        while (reader.Next() is { } header)
        {
            names.Add(header.Name);
        }

        var seekable = Assert.IsType<ZstdSeekableStream>(input.Tar);
        Assert.Equal(["tree/", "tree/big.bin"], names);
        Assert.True(seekable.FramesDecoded <= 2, $"{seekable.FramesDecoded} of {frames} frames decoded");
    }

    [Fact]
    public void Damage_in_a_frame_of_entry_data_is_not_met_by_a_listing_and_is_by_Test_Archive()
    {
        var (archive, _) = Archive();
        byte[] bytes = File.ReadAllBytes(archive);
        var table = SeekTable(bytes);
        bytes[(int)(table[2].Start + (table[2].Length / 2))] ^= 0x04;
        string damaged = _temp.WriteFile("damaged.tar.zst", bytes);

        var listing = Archives.List(damaged);
        var test = Archives.Test(damaged);

        Assert.NotEqual(0, ExternalTool.Run("zstd", "-t", "-q", damaged).ExitCode);
        Assert.Equal(["tree/", "tree/big.bin"], listing.Items.Select(i => i.Name));
        Assert.False(test.IsValid);
        Assert.Equal(Errors.ArchiveCorrupt.Id, Assert.Single(test.Problems).ErrorId);
    }

    [Theory]
    [InlineData("a size in an entry")]
    [InlineData("the frame count")]
    [InlineData("the descriptor's reserved bits")]
    public void A_seek_table_that_does_not_agree_with_the_file_is_passed_over_and_the_archive_read_in_order(string damage)
    {
        var (archive, frames) = Archive();
        byte[] bytes = File.ReadAllBytes(archive);
        int tableStart = (int)SeekTable(bytes)[^1].End;
        int at = damage switch
        {
            "a size in an entry" => tableStart + ZstdFormat.SkippableHeaderLength + ZstdFormat.SeekTableEntryLength + 4,
            "the frame count" => bytes.Length - ZstdFormat.SeekTableFooterLength,
            _ => bytes.Length - 5,
        };
        bytes[at] ^= 0x08;
        string tableDamaged = _temp.WriteFile("table.tar.zst", bytes);
        var listing = Archives.List(tableDamaged);

        // With the table not used, damage in entry data is met by the listing too: the archive was read in order.
        var table = SeekTable(File.ReadAllBytes(archive));
        bytes[(int)(table[2].Start + (table[2].Length / 2))] ^= 0x04;
        string bothDamaged = _temp.WriteFile("both.tar.zst", bytes);
        var error = Assert.Throws<BackupException>(() => Archives.List(bothDamaged));

        ExternalTool.Run("zstd", "-t", "-q", tableDamaged).EnsureSuccess("zstd -t (zstd passes over the seek table)");
        Assert.True(frames >= 5);
        Assert.Equal(["tree/", "tree/big.bin"], listing.Items.Select(i => i.Name));
        Assert.Equal(Errors.ArchiveCorrupt.Id, error.ErrorId);
        using var input = ArchiveInput.Open(tableDamaged, 2, seekable: true);
        Assert.IsType<ZstdDecompressingStream>(input.Tar);
    }

    private (string Archive, int Frames) Archive()
    {
        string tree = _temp.CreateDirectory("src/tree");
        File.WriteAllText(Path.Combine(tree, "big.bin"), string.Concat(Enumerable.Range(0, 2_700_000).Select(i => $"{i * 2654435761L % 10000019:D7}\n"))[..(20 << 20)]);
        string archive = _temp.Combine("ours.tar.zst");
        var result = ArchiveWriter.CreateAsync(new CreateArchiveRequest([tree], archive) { RelativeBasePath = _temp.Combine("src") }, null, CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
        return (archive, SeekTable(File.ReadAllBytes(archive)).Count);
    }

    /// <summary>The frames the seek table at the end of <paramref name="bytes"/> lists: where each begins and ends in the file.</summary>
    private static List<(long Start, long Length, long End)> SeekTable(byte[] bytes)
    {
        int frames = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - ZstdFormat.SeekTableFooterLength));
        int tableStart = bytes.Length - (ZstdFormat.SkippableHeaderLength + (frames * ZstdFormat.SeekTableEntryLength) + ZstdFormat.SeekTableFooterLength);
        var list = new List<(long, long, long)>();
        long start = 0;
        for (int i = 0; i < frames; i++)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(tableStart + ZstdFormat.SkippableHeaderLength + (i * ZstdFormat.SeekTableEntryLength)));
            list.Add((start, length, start + length));
            start += length;
        }

        Assert.Equal(tableStart, start);
        return list;
    }
}
