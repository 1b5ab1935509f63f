using System.Buffers;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// Brings one regular file's contents and metadata to the destination. New and small files are copied
/// whole inside the kernel (reflink or copy_file_range) into a temporary beside the target and renamed
/// over it; large changed files are rebuilt from the old destination file's blocks plus the changed
/// data (the rsync algorithm), or with in-place mode only the changed blocks are written into it.
/// Sparse, a file written anew gets no blocks for holes and runs of zeros (see <see cref="SparseCopy"/>).
/// </summary>
internal sealed class FileCopier(bool owners, int parallelism, bool sparse, XattrCopier? xattrs, CancellationToken cancellationToken)
{
    /// <summary>Below this size a changed file is copied whole: reading the old one would cost more than it saves.</summary>
    public const long DeltaMinimumSize = 1 << 20;

    private const int MaximumAttempts = 3;
    private const int CopyBufferSize = 1 << 20;

    public readonly record struct Outcome(long BytesWritten, long BytesReused);

    /// <summary>
    /// True when a transfer writes into the existing destination file. A file with other names is
    /// never written in place: the change would show through those names too.
    /// </summary>
    public static bool UpdatesInPlace(bool inPlace, FileMetadata? destination) =>
        inPlace && destination is { Kind: FileKind.File, Size: > 0, LinkCount: 1 };

    /// <summary>
    /// Transfers the file and checks afterwards that the source did not change while it was read; if it
    /// did, the transfer is repeated with its new state (a few times, then it is reported).
    /// </summary>
    public Outcome Transfer(string sourcePath, FileMetadata source, string destinationPath, FileMetadata? destination, bool inPlace)
    {
        long written = 0;
        long reused = 0;
        for (int attempt = 1; ; attempt++)
        {
            FileMetadata now;
            using (var input = SourceReadException.Open(sourcePath))
            {
                bool writeInPlace = UpdatesInPlace(inPlace, destination);
                var outcome = writeInPlace || destination is { Kind: FileKind.File, Size: >= DeltaMinimumSize } && source.Size >= DeltaMinimumSize
                    ? Delta(input, sourcePath, source, destinationPath, destination!, writeInPlace)
                    : Whole(input, sourcePath, source, destinationPath);
                written += outcome.BytesWritten;
                reused += outcome.BytesReused;
                now = UnixFileSystem.Stat(input);
            }

            if (now.Size == source.Size && now.ModifiedTime == source.ModifiedTime)
            {
                return new Outcome(written, reused);
            }

            if (attempt == MaximumAttempts)
            {
                throw new BackupException(Errors.SyncSourceKeptChanging, $"The file kept changing while it was copied ({MaximumAttempts} attempts); the destination holds a copy that may be torn and will be redone next run.", sourcePath);
            }

            source = now;
            destination = UnixFileSystem.TryLstat(destinationPath);
        }
    }

    private Outcome Whole(SafeFileHandle input, string sourcePath, FileMetadata source, string destinationPath)
    {
        using var writer = AtomicFileWriter.Create(destinationPath, bufferSize: 0, privateUntilCommit: true);
        long copied = sparse ? 0 : UnixFileSystem.CopyInKernel(input, writer.Handle, source.Size, tryClone: true);
        if (copied == 0 && source.Size > 0)
        {
            copied = CopyRange(input, 0, writer.Handle, 0, source.Size);
        }

        if (sparse)
        {
            UnixFileSystem.SetLength(writer.Handle, copied);
        }

        UnixFileSystem.SetMetadata(writer.Handle, source, owners);
        xattrs?.Copy(sourcePath, writer.TemporaryPath, FileKind.File, destinationPath);
        writer.Commit(overwrite: true, durable: false);
        return new Outcome(copied, 0);
    }

    private Outcome Delta(SafeFileHandle input, string sourcePath, FileMetadata source, string destinationPath, FileMetadata destination, bool inPlace)
    {
        long written = 0;
        long reused = 0;
        if (inPlace)
        {
            using (var target = UnixFileSystem.OpenReadWrite(destinationPath))
            {
                var delta = DeltaEncoder.Compute(input, source.Size, target, destination.Size, inPlace: true, parallelism, cancellationToken);
                foreach (var step in delta)
                {
                    if (!step.IsMatch)
                    {
                        written += CopyDense(input, step.SourceOffset, target, step.SourceOffset, step.Length);
                    }
                    else
                    {
                        if (step.BasisOffset != step.SourceOffset)
                        {
                            MoveForward(target, step.BasisOffset, step.SourceOffset, step.Length);
                        }

                        reused += step.Length;
                    }
                }

                RandomAccess.SetLength(target, source.Size);
            }

            EntryMetadata.Apply(destinationPath, source, destination with { ModifiedTime = default }, owners);
            xattrs?.Copy(sourcePath, destinationPath, FileKind.File, destinationPath);
            return new Outcome(written, reused);
        }

        using var basis = UnixFileSystem.OpenRead(destinationPath);
        var instructions = DeltaEncoder.Compute(input, source.Size, basis, destination.Size, inPlace: false, parallelism, cancellationToken);
        using var writer = AtomicFileWriter.Create(destinationPath, bufferSize: 0, privateUntilCommit: true);
        foreach (var step in instructions)
        {
            if (step.IsMatch)
            {
                reused += CopyRange(basis, step.BasisOffset, writer.Handle, step.SourceOffset, step.Length);
            }
            else
            {
                written += CopyRange(input, step.SourceOffset, writer.Handle, step.SourceOffset, step.Length);
            }
        }

        if (sparse)
        {
            UnixFileSystem.SetLength(writer.Handle, source.Size);
        }

        UnixFileSystem.SetMetadata(writer.Handle, source, owners);
        xattrs?.Copy(sourcePath, writer.TemporaryPath, FileKind.File, destinationPath);
        writer.Commit(overwrite: true, durable: false);
        return new Outcome(written, reused);
    }

    /// <summary>Copies a range into a file written anew: sparse through <see cref="SparseCopy"/>, else as <see cref="CopyDense"/>.</summary>
    private long CopyRange(SafeFileHandle from, long fromOffset, SafeFileHandle to, long toOffset, long length) =>
        sparse ? SparseCopy.CopyRange(from, fromOffset, to, toOffset, length) : CopyDense(from, fromOffset, to, toOffset, length);

    /// <summary>Copies a range between files in the kernel where possible, else through a buffer; answers the bytes copied.</summary>
    private static long CopyDense(SafeFileHandle from, long fromOffset, SafeFileHandle to, long toOffset, long length)
    {
        long copied = UnixFileSystem.CopyRange(from, fromOffset, to, toOffset, length);
        if (copied > 0 || length == 0)
        {
            return copied;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (copied < length)
            {
                int n = PositionedRead.Fill(from, buffer.AsSpan(0, (int)Math.Min(CopyBufferSize, length - copied)), fromOffset + copied);
                if (n == 0)
                {
                    break;
                }

                RandomAccess.Write(to, buffer.AsSpan(0, n), toOffset + copied);
                copied += n;
            }

            return copied;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Moves data to an earlier offset of the same file, front to back, so no byte is overwritten before it is read.</summary>
    private static void MoveForward(SafeFileHandle file, long fromOffset, long toOffset, long length)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            for (long done = 0; done < length;)
            {
                int n = PositionedRead.Fill(file, buffer.AsSpan(0, (int)Math.Min(CopyBufferSize, length - done)), fromOffset + done);
                if (n == 0)
                {
                    break;
                }

                RandomAccess.Write(file, buffer.AsSpan(0, n), toOffset + done);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
