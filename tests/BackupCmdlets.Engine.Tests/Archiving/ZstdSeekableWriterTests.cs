using System.Security.Cryptography;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// The files of a compressed Plain set: zstd expands them to the content written (zstd is the judge),
/// the sizes and SHA-256 the writer reports are the content's and the stored bytes', and a read at any
/// offset through the seek table gives the content's bytes there, across frame edges and at the end; an
/// expansion on several threads writes the content in order, and stops at a damaged frame.
/// </summary>
public sealed class ZstdSeekableWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ZstdSeekableWriter.FrameContentSize)]
    [InlineData(ZstdSeekableWriter.FrameContentSize + 1)]
    [InlineData((3 * ZstdSeekableWriter.FrameContentSize) + 4321)]
    public async Task Zstd_expands_the_file_to_its_content_and_any_range_reads_back(int length)
    {
        byte[] content = Content(length);
        string path = Path.Combine(_temp.Path, $"file-{length}.zst");
        long storedLength;
        string storedSha256, contentSha256;
        using (var file = File.Create(path))
        using (var writer = new ZstdSeekableWriter(file, 3))
        {
            // Written in pieces that do not fall on frame edges.
            for (int at = 0; at < length; at += 70_001)
            {
                writer.Write(content.AsSpan(at, Math.Min(70_001, length - at)));
            }

            writer.Complete();
            (storedLength, storedSha256, contentSha256) = (writer.StoredLength, writer.StoredSha256, writer.ContentHash);
            Assert.Equal(length, writer.ContentLength);
        }

        byte[] stored = File.ReadAllBytes(path);
        Assert.Equal(storedLength, stored.Length);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(stored)).ToLowerInvariant(), storedSha256);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(), contentSha256);
        string expanded = Path.Combine(_temp.Path, $"expanded-{length}");
        ExternalTool.Run("zstd", "-q", "-d", "-f", path, "-o", expanded).EnsureSuccess("zstd -d");
        Assert.Equal(content, File.ReadAllBytes(expanded));

        using var reader = CompressedSetFile.Open(PlainFileReader.Open(path), "file");
        Assert.Equal(length, reader.Length);
        var random = new Random(length);
        foreach (long offset in new long[] { 0, length / 2, Math.Max(0, length - 5), ZstdSeekableWriter.FrameContentSize - 3 }.Concat(Enumerable.Range(0, 20).Select(_ => (long)random.Next(length + 1))))
        {
            byte[] buffer = new byte[8192];
            int read = reader.Read(buffer, offset);
            int expected = (int)Math.Clamp(length - offset, 0, buffer.Length);
            Assert.Equal(expected, read);
            Assert.True(buffer.AsSpan(0, read).SequenceEqual(content.AsSpan((int)Math.Min(offset, length), read)), $"bytes at {offset}");
        }

        using var stream = CompressedSetFile.Open(PlainFileReader.Open(path), "file").AsStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal(content, copy.ToArray());

        using var inParallel = new MemoryStream();
        using (var file = CompressedSetFile.Open(PlainFileReader.Open(path), "file"))
        {
            await file.ExpandToAsync(inParallel, 3, CancellationToken.None);
        }

        Assert.Equal(content, inParallel.ToArray());
    }

    [Fact]
    public async Task A_changed_byte_in_a_frame_stops_an_expansion_on_several_threads_as_damage()
    {
        byte[] content = Content((5 * ZstdSeekableWriter.FrameContentSize) + 17);
        string path = Path.Combine(_temp.Path, "damaged.zst");
        using (var file = File.Create(path))
        using (var writer = new ZstdSeekableWriter(file, 3))
        {
            writer.Write(content);
            writer.Complete();
        }

        byte[] stored = File.ReadAllBytes(path);
        stored[stored.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, stored);

        using var damaged = CompressedSetFile.Open(PlainFileReader.Open(path), "data/base/5/1259");
        var failed = await Assert.ThrowsAsync<BackupException>(() => damaged.ExpandToAsync(Stream.Null, 3, CancellationToken.None));
        Assert.Equal(Errors.BackupSetFileChanged, failed.Error);
        Assert.Contains("data/base/5/1259", failed.Message);
    }

    /// <summary>Half repetitive (compresses), half random (does not), as relation files are.</summary>
    private static byte[] Content(int length)
    {
        byte[] content = new byte[length];
        new Random(7).NextBytes(content.AsSpan(0, length / 2));
        for (int i = length / 2; i < length; i++)
        {
            content[i] = (byte)(i % 13);
        }

        return content;
    }
}
