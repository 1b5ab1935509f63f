using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>Our gzip members (stored runs for random data, deflate runs for the rest), judged by gzip itself.</summary>
public sealed class GzipMemberTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("alternating")]
    [InlineData("random-then-text-tail")]
    [InlineData("over-64KiB-random")]
    public void Gzip_decompresses_what_we_write_and_so_do_we(string pattern)
    {
        var random = new Random(pattern.Length);
        byte[] text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i} says hello\n")));
        byte[] noise = new byte[300_000];
        random.NextBytes(noise);
        byte[] input = pattern switch
        {
            "empty" => [],
            "text" => text,
            "random" => noise[..(64 * 4096)],
            "alternating" => Enumerable.Range(0, 40).SelectMany(i => i % 2 == 0 ? noise.AsSpan(i * 5000, 7000).ToArray() : text.AsSpan(i * 3000, 9000).ToArray()).ToArray(),
            "random-then-text-tail" => [.. noise[..200_000], .. text[..1234]],
            _ => noise,
        };
        byte[] member = new byte[GzipChunkCompressor.MaxOutputLength(input.Length)];
        int length = GzipChunkCompressor.Compress(input, member, 6);
        string path = _temp.WriteFile("member.gz", member[..length]);

        string original = _temp.WriteFile("input.bin", input);
        var gunzip = ExternalTool.Run("sh", "-c", $"gzip -dc '{path}' | cmp - '{original}'");
        using var ours = new GzipDecompressingStream(File.OpenRead(path), 2);
        using var decoded = new MemoryStream();
        ours.CopyTo(decoded);

        Assert.True(gunzip.ExitCode == 0, $"gzip -dc | cmp: {gunzip.StandardOutput}{gunzip.StandardError}");
        Assert.Equal(input, decoded.ToArray());
        if (pattern == "random")
        {
            Assert.True(length < input.Length + 100, $"random data stored: {length} bytes for {input.Length}");
        }
    }
}
