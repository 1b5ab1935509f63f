using System.Security.Cryptography;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Encryption;

/// <summary>
/// The encrypted file layout: content comes back whole at any offset, and any changed byte, a cut, an
/// extension, a moved or swapped file, or another key is refused (EncryptedFileDamaged) rather than read.
/// </summary>
public sealed class SealedFileTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(SealedFile.KeyLength);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(SealedFile.ChunkSize - 1)]
    [InlineData(SealedFile.ChunkSize)]
    [InlineData(SealedFile.ChunkSize + 1)]
    [InlineData((3 * SealedFile.ChunkSize) + 12345)]
    public void Content_of_any_length_comes_back_whole_and_the_stored_length_is_as_computed(int length)
    {
        using var temp = new TempDirectory("bkc-seal-");
        byte[] content = RandomNumberGenerator.GetBytes(length);
        string path = Seal(temp, content, "data/base/1/1259", "sealed");

        Assert.Equal(SealedFile.StoredLength(length), new FileInfo(path).Length);
        Assert.True(SealedFile.TryPlainLength(new FileInfo(path).Length, out long plain, out _));
        Assert.Equal(length, plain);
        using var reader = SealedFileReader.Open(path, Key, "data/base/1/1259");
        Assert.Equal(length, reader.Length);
        using var read = new MemoryStream();
        reader.AsStream().CopyTo(read);
        Assert.Equal(content, read.ToArray());
    }

    [Fact]
    public void Reads_at_any_offset_return_the_content_there()
    {
        using var temp = new TempDirectory("bkc-seal-");
        byte[] content = RandomNumberGenerator.GetBytes((2 * SealedFile.ChunkSize) + 5000);
        string path = Seal(temp, content, "f");
        using var reader = SealedFileReader.Open(path, Key, "f");
        foreach (long offset in new long[] { content.Length - 16, 0, SealedFile.ChunkSize - 3, 77, (2 * SealedFile.ChunkSize) + 1 })
        {
            byte[] buffer = new byte[100];
            int read = reader.Read(buffer, offset);
            Assert.Equal((int)Math.Min(100, content.Length - offset), read);
            Assert.Equal(content.AsSpan((int)offset, read).ToArray(), buffer[..read]);
        }
    }

    [Fact]
    public void Every_changed_byte_of_a_stored_file_is_refused()
    {
        using var temp = new TempDirectory("bkc-seal-");
        byte[] content = RandomNumberGenerator.GetBytes(SealedFile.ChunkSize + 100);
        string path = Seal(temp, content, "f");
        byte[] stored = File.ReadAllBytes(path);

        // Every byte of the header, of the first chunk's edges and tag, of the last chunk and its tag; and a sample between.
        var positions = Enumerable.Range(0, 64)
            .Concat(Enumerable.Range(SealedFile.HeaderLength + SealedFile.ChunkSize - 8, 40))
            .Concat(Enumerable.Range(stored.Length - 140, 140))
            .Concat(Enumerable.Range(0, 200).Select(i => (int)((long)i * stored.Length / 200)))
            .Distinct();
        foreach (int position in positions)
        {
            byte[] changed = (byte[])stored.Clone();
            changed[position] ^= (byte)(1 << (position % 8));
            File.WriteAllBytes(path, changed);
            Assert.True(IsRefused(path, "f"), $"a flipped bit at byte {position} of {stored.Length} was read");
        }
    }

    [Fact]
    public void A_cut_extended_reordered_moved_or_swapped_file_or_another_key_is_refused()
    {
        using var temp = new TempDirectory("bkc-seal-");
        byte[] content = RandomNumberGenerator.GetBytes((2 * SealedFile.ChunkSize) + 10);
        string path = Seal(temp, content, "a");
        string other = Seal(temp, content, "b");
        byte[] stored = File.ReadAllBytes(path);
        int sealedChunk = SealedFile.ChunkSize + SealedFile.TagLength;

        // Cut at a chunk boundary: what is left is a whole file of two chunks, but its last is not marked last.
        File.WriteAllBytes(path, stored[..(SealedFile.HeaderLength + (2 * sealedChunk))]);
        Assert.True(IsRefused(path, "a"), "cut at a chunk boundary");
        File.WriteAllBytes(path, stored[..^1]);
        Assert.True(IsRefused(path, "a"), "cut by one byte");
        File.WriteAllBytes(path, [.. stored, 0]);
        Assert.True(IsRefused(path, "a"), "one byte added");

        byte[] reordered = (byte[])stored.Clone();
        stored.AsSpan(SealedFile.HeaderLength + sealedChunk, sealedChunk).CopyTo(reordered.AsSpan(SealedFile.HeaderLength));
        stored.AsSpan(SealedFile.HeaderLength, sealedChunk).CopyTo(reordered.AsSpan(SealedFile.HeaderLength + sealedChunk));
        File.WriteAllBytes(path, reordered);
        Assert.True(IsRefused(path, "a"), "first two chunks swapped");

        File.WriteAllBytes(path, stored);
        Assert.True(IsRefused(path, "b"), "read under another name (moved)");
        Assert.True(IsRefused(other, "a"), "another file of the same content in its place (swapped)");
        Assert.True(IsRefused(path, "a", RandomNumberGenerator.GetBytes(SealedFile.KeyLength)), "another key");
        Assert.False(IsRefused(path, "a"), "the file itself, back as it was");
    }

    [Fact]
    public void A_whole_read_of_a_file_of_many_chunks_finds_the_one_changed_and_names_it()
    {
        using var temp = new TempDirectory("bkc-seal-");
        byte[] content = RandomNumberGenerator.GetBytes((40 * SealedFile.ChunkSize) + 10);
        string path = Seal(temp, content, "f");
        Assert.False(IsRefused(path, "f"), "the file as written");

        byte[] stored = File.ReadAllBytes(path);
        stored[SealedFile.HeaderLength + (31 * (SealedFile.ChunkSize + SealedFile.TagLength)) + 5] ^= 1;
        File.WriteAllBytes(path, stored);
        using var reader = SealedFileReader.Open(path, Key, "f");
        var refused = Assert.Throws<BackupException>(() => reader.ReadAll(CancellationToken.None));
        Assert.Contains("chunk 31 ", refused.Message);
    }

    [Fact]
    public void Reads_from_several_threads_at_once_each_get_their_own_content()
    {
        using var temp = new TempDirectory("bkc-seal-");
        byte[] content = RandomNumberGenerator.GetBytes((8 * SealedFile.ChunkSize) + 321);
        string path = Seal(temp, content, "f");
        using var reader = SealedFileReader.Open(path, Key, "f");

        // Each thread reads across other chunks than the others at the same moment, so an unguarded reader mixes them up.
        long wrong = 0;
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            byte[] buffer = new byte[SealedFile.ChunkSize];
            for (int i = 0; i < 3000; i++)
            {
                long offset = ((((i * 4) + t) * 7919L) + (t * 2L * SealedFile.ChunkSize)) % (content.Length - buffer.Length);
                try
                {
                    if (reader.Read(buffer, offset) != buffer.Length || !content.AsSpan((int)offset, buffer.Length).SequenceEqual(buffer))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                catch (Exception)
                {
                    // A chunk opened from bytes another thread was reading in fails authentication; other mix-ups fail otherwise. An exception here would end the test run.
                    Interlocked.Increment(ref wrong);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, Interlocked.Read(ref wrong));
    }

    [Fact]
    public void The_same_content_is_stored_differently_each_time()
    {
        using var temp = new TempDirectory("bkc-seal-");
        byte[] content = new byte[1000];
        Assert.NotEqual(File.ReadAllBytes(Seal(temp, content, "x", "one")), File.ReadAllBytes(Seal(temp, content, "x", "two")));
    }

    private static string Seal(TempDirectory temp, byte[] content, string name, string? file = null)
    {
        string path = temp.Combine(file ?? name);
        (long StoredLength, string StoredSha256, long PlainLength, string? ContentMac) written;
        using (var stream = File.Create(path))
        using (var writer = new SealedFileWriter(stream, Key, name))
        {
            // Odd write sizes, so chunks are filled across writes.
            for (int at = 0; at < content.Length; at += 7919)
            {
                writer.Write(content, at, Math.Min(7919, content.Length - at));
            }

            written = writer.Complete();
        }

        Assert.Equal(content.Length, written.PlainLength);
        Assert.Equal(new FileInfo(path).Length, written.StoredLength);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant(), written.StoredSha256);
        return path;
    }

    private static bool IsRefused(string path, string name, byte[]? key = null)
    {
        try
        {
            using var reader = SealedFileReader.Open(path, key ?? Key, name);
            reader.ReadAll(CancellationToken.None);
            return false;
        }
        catch (BackupException ex) when (ex.Error == Errors.EncryptedFileDamaged)
        {
            Assert.Contains(path, ex.Message);
            return true;
        }
    }
}
