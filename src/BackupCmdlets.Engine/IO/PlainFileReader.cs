using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.IO;

/// <summary>A plain file read at any offset.</summary>
internal sealed class PlainFileReader(SafeFileHandle file) : IPositionedReader
{
    public long Length { get; } = RandomAccess.GetLength(file);

    public static PlainFileReader Open(string path) =>
        new(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan));

    public int Read(Span<byte> buffer, long offset) => PositionedRead.Fill(file, buffer, offset);

    public void Dispose() => file.Dispose();
}
