namespace BackupCmdlets.Engine.Archiving.Compression;

/// <summary>
/// One zstd decompression context, fed in pieces: frames are decoded one after another, each
/// frame's content checksum checked, and windows above zstd's default limit (128 MiB) refused, so
/// memory stays bounded whatever a frame header claims. Damage is an <see cref="InvalidDataException"/>.
/// </summary>
internal abstract class ZstdDecoder : IDisposable
{
    /// <summary>Decodes what it can of <paramref name="input"/> into <paramref name="output"/>; answers whether a frame ended (decoding stops there).</summary>
    public abstract bool Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced);

    public abstract void Dispose();
}
