using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Syncing;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Syncing;

public sealed class BlockDeltaTests : IDisposable
{
    private readonly TempDirectory _temp = new("bkc-delta-");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(0, 700)]
    [InlineData(490_000, 700)]
    [InlineData(1_000_000, 1000)]
    [InlineData(268_435_456, 16384)]
    [InlineData(100_000_000_000, 131072)]
    public void Block_size_grows_with_the_file_as_rsyncs_does(long length, int expected) =>
        Assert.Equal(expected, BlockSignature.BlockSizeFor(length));

    [Theory]
    [InlineData("", 0xEF46DB3751D8E999UL)]
    [InlineData("a", 0xD24EC4F1A98C6E5BUL)]
    [InlineData("abc", 0x44BC2CF5AD770999UL)]
    [InlineData("abcd", 0xDE0327B0D25D92CCUL)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0x856E843298F99AD7UL)]
    [InlineData("Nobody inspects the spammish repetition", 0xFBCEA83C8A378BF1UL)]
    public void Strong_hash_is_xxh64(string text, ulong expected) =>
        Assert.Equal(expected, XxHash64.Hash(System.Text.Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Rolling_the_weak_checksum_equals_computing_it_afresh()
    {
        byte[] data = new byte[5000];
        new Random(5).NextBytes(data);
        var rolling = RollingChecksum.Of(data.AsSpan(0, 700));
        for (int i = 1; i + 700 <= data.Length; i++)
        {
            rolling.Roll(data[i - 1], data[i + 699]);
            Assert.Equal(RollingChecksum.Of(data.AsSpan(i, 700)).Value, rolling.Value);
        }
    }

    [Fact]
    public void Moved_blocks_are_found_and_in_place_deltas_never_read_what_they_overwrote()
    {
        byte[] basis = new byte[200_000];
        new Random(9).NextBytes(basis);
        // New file: the second half first, then new data, then the first half.
        byte[] source = [.. basis.AsSpan(100_000), .. new byte[5000], .. basis.AsSpan(0, 100_000)];
        string basisPath = _temp.WriteFile("basis", basis);
        string sourcePath = _temp.WriteFile("source", source);
        using var basisHandle = UnixFileSystem.OpenRead(basisPath);
        using var sourceHandle = UnixFileSystem.OpenRead(sourcePath);

        var delta = DeltaEncoder.Compute(sourceHandle, source.Length, basisHandle, basis.Length, inPlace: false, 2, CancellationToken.None);
        var inPlace = DeltaEncoder.Compute(sourceHandle, source.Length, basisHandle, basis.Length, inPlace: true, 2, CancellationToken.None);

        Assert.Equal(source, Rebuild(delta, source, basis));
        Assert.Equal(source, Rebuild(inPlace, source, basis));
        Assert.InRange(delta.Where(d => !d.IsMatch).Sum(d => d.Length), 5000, 5000 + 2 * 700);
        Assert.All(inPlace.Where(d => d.IsMatch), d => Assert.True(d.BasisOffset >= d.SourceOffset));
    }

    private static byte[] Rebuild(List<DeltaInstruction> delta, byte[] source, byte[] basis)
    {
        var output = new List<byte>();
        foreach (var step in delta)
        {
            Assert.Equal(output.Count, step.SourceOffset);
            output.AddRange((step.IsMatch ? basis.AsSpan((int)step.BasisOffset, (int)step.Length) : source.AsSpan((int)step.SourceOffset, (int)step.Length)).ToArray());
        }

        return [.. output];
    }
}
