namespace BackupCmdlets.Engine.IO;

/// <summary>Content read at any offset: a plain file, or an encrypted one (<see cref="SealedFileReader"/>).</summary>
internal interface IPositionedReader : IDisposable
{
    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>'s length from <paramref name="offset"/>; answers the bytes read (fewer only at the end).</summary>
    int Read(Span<byte> buffer, long offset);
}
