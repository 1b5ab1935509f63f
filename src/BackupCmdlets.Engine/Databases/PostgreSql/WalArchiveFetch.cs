using System.Diagnostics;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Restore-WalSegment (restore_command): finds the WAL file in the archive in any form
/// <see cref="WalArchiveFormat"/> reads, decompresses and checks it (a segment must also be whole), and
/// writes it to the destination under a temporary name, flushed and renamed. A name the archive does not
/// hold is <see cref="Errors.WalFileNotFound"/>: recovery asks for files that may not exist (the next
/// timeline's history, the segment after the last) and takes a failure as "not there". An encrypted archive
/// (<see cref="WalArchiveEncryption"/>) needs its key, and is read only in its sealed form; given a key, an
/// archive in the clear is refused.
/// </summary>
internal static class WalArchiveFetch
{
    public static WalSegmentResult Fetch(RestoreWalSegmentRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string archive = Path.GetFullPath(request.ArchivePath);
        string destination = Path.GetFullPath(request.DestinationPath);
        if (!WalFileName.TryParse(request.Name, out string? segment))
        {
            throw new BackupException(
                Errors.WalFileNameInvalid,
                $"'{BackupEngine.PrintableFileName(request.Name)}' is not the name of a WAL segment, timeline history, backup history or partial segment: restore_command passes it as %f.",
                request.Name);
        }

        if (!Directory.Exists(archive))
        {
            throw new BackupException(Errors.WalArchiveNotFound, $"The WAL archive folder '{archive}' does not exist.", archive);
        }

        var secret = EncryptionSecret.From(request.EncryptionKey, request.EncryptionKeyFile is { } keyFile ? Path.GetFullPath(keyFile) : null);
        byte[]? key = WalArchiveEncryption.KeyToRead(archive, secret, mustBeEncrypted: secret is not null);
        if (WalArchiveFormat.Find(archive, request.Name, encrypted: key is not null) is not { } stored)
        {
            throw new BackupException(Errors.WalFileNotFound, $"WAL file {request.Name} is not in the archive '{archive}'.", Path.Combine(archive, request.Name));
        }

        if (!request.Force && (File.Exists(destination) || Directory.Exists(destination)))
        {
            throw new BackupException(Errors.WalDestinationExists, $"'{destination}' exists already: give {ParameterNames.Of(nameof(RestoreWalSegmentRequest.Force))} to replace it.", destination);
        }

        byte[] content = WalArchiveFormat.ReadContent(stored, key, cancellationToken);
        if (segment is not null && WalSegmentCheck.ProblemOfOwnCluster(content, segment) is { } problem)
        {
            throw WalArchiveFormat.Damaged(stored, problem, null);
        }

        using (var writer = AtomicFileWriter.Create(destination))
        {
            writer.Stream.Write(content);
            cancellationToken.ThrowIfCancellationRequested();
            writer.Commit(overwrite: request.Force);
        }

        return new WalSegmentResult(request.Name, WalArchiveAction.Restored, stored, content.Length, new FileInfo(stored).Length, WalArchiveFormat.Hex(SHA256.HashData(content)), clock.Elapsed)
        {
            DestinationPath = destination,
        };
    }
}
