using System.Buffers.Binary;
using System.IO.Compression;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;
using Xunit.Abstractions;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Reading takes a fixed amount of memory whatever the input claims. The "BK" length field of our
/// gzip members is a hint: a valid gzip whose BK field lies is read as gzip reads it, and members that
/// inflate to far more than ours hold cost no more memory than ordinary members. Memory is measured as
/// the growth of the CLI's peak resident set (VmHWM) over a run on a tiny archive. The tar reader
/// holds at most 16 MiB of extended headers for one entry, and as much of global ones.
/// </summary>
public sealed class ReaderMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const long Budget = 128L << 20;
    private const int HugeMember = 256 << 20;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_valid_gzip_whose_length_field_claims_two_gibibytes_is_read_as_gzip_reads_it()
    {
        string source = SampleTree.Create(_temp.Combine("src", "tree"));
        string plain = _temp.Combine("plain.tar");
        Archives.Create(source, plain);
        byte[] tar = File.ReadAllBytes(plain);
        byte[] member = new byte[GzipChunkCompressor.MaxOutputLength(tar.Length)];
        int length = GzipChunkCompressor.Compress(tar, member, 6);
        BinaryPrimitives.WriteInt32LittleEndian(member.AsSpan(16), int.MaxValue);
        string archive = _temp.WriteFile("lying.tar.gz", member[..length]);
        ExternalTool.Run("gzip", "-t", archive).EnsureSuccess("gzip -t");

        var test = Archives.Test(archive, compare: _temp.Combine("src"));

        Assert.True(test.IsValid, string.Join("\n", test.Problems));
        Assert.Equal(Archives.List(plain).Items.Count, test.EntriesRead);
    }

    [Theory]
    [InlineData('x')]
    [InlineData('g')]
    public void Extended_headers_holding_more_than_sixteen_mebibytes_are_refused(char type)
    {
        var crafted = new CraftedTar();
        for (int i = 0; i < 17; i++)
        {
            crafted.Extended(type, CraftedTar.Record($"BKC.filler{i}", new string('f', (1 << 20) - 40)));
        }

        string archive = crafted.File("a.txt", "a").Save(_temp.Combine("extended.tar"));

        var test = Archives.Test(archive);

        Assert.False(test.IsValid);
        Assert.Equal(Errors.ArchiveCorrupt.Id, Assert.Single(test.Problems).ErrorId);
    }

    [Theory]
    [InlineData("our members inflating to 256 MiB each")]
    [InlineData("our own members")]
    [InlineData("one ordinary gzip member")]
    [InlineData("bzip2")]
    [InlineData("zstd")]
    public void Test_Archive_stays_within_a_fixed_memory_budget(string kind)
    {
        string archive = kind switch
        {
            "bzip2" => ToolCompressed("bzip2", ".bz2"),
            "zstd" => ToolCompressed("zstd", ".zst"),
            "one ordinary gzip member" => ToolCompressed("gzip", ".gz"),
            "our own members" => OwnArchive(),
            _ => HugeMembers(),
        };
        string tiny = new CraftedTar().File("a.txt", "a").Save(_temp.Combine("tiny.tar"));

        var baseline = PeakMemory.OfCli("Test-Archive", "--path", tiny);
        var run = PeakMemory.OfCli("Test-Archive", "--path", archive);

        Assert.True(baseline.ExitCode == 0, baseline.StandardError);
        Assert.True(run.ExitCode == 0, run.StandardError + run.StandardOutput);
        long growth = run.PeakBytes - baseline.PeakBytes;
        output.WriteLine($"{kind}: peak {run.PeakBytes >> 20} MiB, {growth >> 20} MiB over a tiny archive's");
        Assert.True(growth < Budget, $"{kind}: the peak resident set grew by {growth >> 20} MiB over a tiny archive's ({baseline.PeakBytes >> 20} MiB)");
    }

    /// <summary>A tar of one file of zeros, 1 GiB in all, as four of our members (with the BK field) of 256 MiB each; gzip finds it valid.</summary>
    private string HugeMembers()
    {
        const int members = 4;
        long dataSize = (long)members * HugeMember - TarFormat.BlockSize - 2 * TarFormat.BlockSize;
        byte[] header = TarHeaderEncoder.Encode(new TarEntryHeader("zeros.bin", TarEntryType.File, 0x1A4, 0, 0, "", "", dataSize, new UnixTime(1_700_000_000, 0), "", 0, 0));
        byte[] first = Member(header);
        byte[] rest = Member([]);
        string archive = _temp.Combine("huge-members.tar.gz");
        using (var file = File.Create(archive))
        {
            file.Write(first);
            for (int i = 1; i < members; i++)
            {
                file.Write(rest);
            }
        }

        ExternalTool.Run("gzip", "-t", archive).EnsureSuccess("gzip -t");
        return archive;
    }

    /// <summary>One member in our layout holding <paramref name="start"/> followed by zeros up to <see cref="HugeMember"/> bytes.</summary>
    private static byte[] Member(byte[] start)
    {
        var body = new MemoryStream();
        byte[] zeros = new byte[1 << 20];
        uint crc = ZlibNative.Crc32(0, start);
        using (var deflate = new DeflateStream(body, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(start);
            for (long left = HugeMember - start.Length; left > 0; left -= zeros.Length)
            {
                var piece = zeros.AsSpan(0, (int)Math.Min(zeros.Length, left));
                deflate.Write(piece);
                crc = ZlibNative.Crc32(crc, piece);
            }
        }

        int total = GzipFormat.OwnHeaderLength + (int)body.Length + GzipFormat.TrailerLength;
        byte[] member = new byte[total];
        GzipFormat.WriteOwnHeader(member, total, 1);
        body.ToArray().CopyTo(member, GzipFormat.OwnHeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(member.AsSpan(total - 8), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(member.AsSpan(total - 4), unchecked((uint)HugeMember));
        return member;
    }

    /// <summary>A tar of zeros compressed by <paramref name="tool"/> in one stream.</summary>
    private string ToolCompressed(string tool, string suffix)
    {
        string plain = _temp.Combine("zeros.tar");
        ExternalTool.Run("tar", "-cf", plain, "-C", _temp.Path, Path.GetFileName(Zeros())).EnsureSuccess("tar -c");
        ExternalTool.Run(tool, plain).EnsureSuccess(tool);
        return plain + suffix;
    }

    /// <summary>A gzip archive we write of zeros: many members of the largest size we write, inflated in parallel.</summary>
    private string OwnArchive()
    {
        string archive = _temp.Combine("ours.tar.gz");
        Archives.Create(Zeros(), archive, ArchiveCompression.GZip);
        return archive;
    }

    /// <summary>A folder holding 64 MiB of zeros (a sparse file: quick to make and to read).</summary>
    private string Zeros()
    {
        string source = _temp.CreateDirectory("zeros");
        using var file = File.Create(Path.Combine(source, "zeros.bin"));
        file.SetLength(64 << 20);
        return source;
    }
}
