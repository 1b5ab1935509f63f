using System.Diagnostics;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Backup-WalSegment (archive_command): checks the file is a WAL file by its name, and a whole segment by
/// its first page when it is one, then stores it as <see cref="WalArchiveFormat"/> says under a temporary
/// name, flushed, renamed to its name without replacing anything and the folder flushed, so success means
/// it is on disk. A name already archived is never written: the same content is success (the archiver
/// repeats a command whose success it did not record), other content <see cref="Errors.WalSegmentConflict"/>.
/// With a key the file is stored sealed under the archive's master key (<see cref="WalArchiveEncryption"/>),
/// which is worked out (and the key checked) before anything is written.
/// </summary>
internal static class WalArchivePush
{
    public static WalSegmentResult Push(BackupWalSegmentRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string source = Path.GetFullPath(request.Path);
        string archive = Path.GetFullPath(request.ArchivePath);
        string name = Path.GetFileName(source);
        if (!WalFileName.TryParse(name, out string? segment))
        {
            throw new BackupException(
                Errors.WalFileNameInvalid,
                $"'{BackupEngine.PrintableFileName(name)}' is not the name of a WAL segment, timeline history, backup history or partial segment: archive_command passes the WAL file as %p.",
                source);
        }

        if (!Directory.Exists(archive))
        {
            throw new BackupException(Errors.WalArchiveNotFound, $"The WAL archive folder '{archive}' does not exist: create it (writable by the server's user) first.", archive);
        }

        byte[] content;
        try
        {
            content = File.ReadAllBytes(source);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupException(Errors.PathNotFound, $"The WAL file '{source}' does not exist.", source, ex);
        }

        string? problem = segment is not null ? WalSegmentCheck.ProblemOfOwnCluster(content, segment)
            : content.Length == 0 ? "it is empty"
            : null;
        if (problem is not null)
        {
            throw new BackupException(Errors.WalSegmentInvalid, $"'{source}' is not a whole WAL file and is not archived: {problem}.", source);
        }

        byte[]? key = WalArchiveEncryption.KeyToWrite(archive, EncryptionSecret.From(request.EncryptionKey, request.EncryptionKeyFile is { } keyFile ? Path.GetFullPath(keyFile) : null));
        byte[] sha256 = SHA256.HashData(content);
        cancellationToken.ThrowIfCancellationRequested();
        if (Existing(archive, name, sha256, key, cancellationToken) is { } same)
        {
            return same with { Duration = clock.Elapsed };
        }

        string target = Path.Combine(archive, name + WalArchiveFormat.Suffix);
        byte[] stored = WalArchiveFormat.Encode(content, sha256);
        long storedLength = stored.Length;
        using (var writer = AtomicFileWriter.Create(target))
        {
            if (key is null)
            {
                writer.Stream.Write(stored);
            }
            else
            {
                using var seal = new SealedFileWriter(writer.Stream, key, name);
                seal.Write(stored);
                storedLength = seal.Complete().StoredLength;
            }

            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                writer.Commit(overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Another archiver wrote the name between the look and the rename: judge what it wrote.
                return (Existing(archive, name, sha256, key, cancellationToken) ?? throw new InvalidOperationException("An archived file vanished.")) with { Duration = clock.Elapsed };
            }
        }

        return new WalSegmentResult(name, WalArchiveAction.Archived, target, content.Length, storedLength, WalArchiveFormat.Hex(sha256), clock.Elapsed);
    }

    /// <summary>The result for a name already archived with this content (flushed again, as the first write may not have been; in an encrypted archive compared once opened with the key); a conflict for other content; null when the name is not archived.</summary>
    private static WalSegmentResult? Existing(string archive, string name, byte[] sha256, byte[]? key, CancellationToken cancellationToken)
    {
        if (WalArchiveFormat.Find(archive, name, encrypted: key is not null) is not { } existing)
        {
            return null;
        }

        byte[] archived = SHA256.HashData(WalArchiveFormat.ReadContent(existing, key, cancellationToken));
        if (!archived.AsSpan().SequenceEqual(sha256))
        {
            throw new BackupException(
                Errors.WalSegmentConflict,
                $"The WAL archive holds '{existing}' with other content (SHA-256 {WalArchiveFormat.Hex(archived)}; this file's is {WalArchiveFormat.Hex(sha256)}), and it is never overwritten. Two clusters may archive into one folder, or a restored copy into its source's archive: give each its own archive folder.",
                existing);
        }

        UnixFileSystem.Flush(existing);
        UnixFileSystem.FlushDirectory(archive);
        return new WalSegmentResult(name, WalArchiveAction.AlreadyArchived, existing, 0, new FileInfo(existing).Length, WalArchiveFormat.Hex(sha256), TimeSpan.Zero);
    }
}
