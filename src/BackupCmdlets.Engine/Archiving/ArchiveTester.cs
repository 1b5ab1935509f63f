using System.Diagnostics;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Archiving.Reading;
using BackupCmdlets.Engine.Archiving.Tar;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>
/// Verifies an archive (Test-Archive): reads every byte through decompression, so every header
/// checksum, entry size, gzip CRC-32/ISIZE, bzip2 block CRC, xz block check and index and zstd content checksum is checked; checks the .sha256
/// file beside it when there is one; optionally compares the entries with a folder.
/// </summary>
internal static class ArchiveTester
{
    public static Task<ArchiveTestResult> TestAsync(TestArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => Test(request, progress, cancellationToken), cancellationToken);

    private static async Task<ArchiveTestResult> Test(TestArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string path = Path.GetFullPath(request.Path);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new BackupException(Errors.PathNotFound, $"Cannot find archive '{path}'.", path);
        }

        string? compareDirectory = request.Compare is null ? null : Path.GetFullPath(request.Compare);
        if (compareDirectory is not null && !Directory.Exists(compareDirectory))
        {
            throw new BackupException(Errors.PathNotFound, $"Cannot find the folder to compare with, '{compareDirectory}'.", compareDirectory);
        }

        var problems = new List<ItemProblem>();
        string? expected = ChecksumFile.Expected(path);
        var checksum = expected is null ? null : Task.Run(() => HashFile(path, cancellation), cancellation);
        var throttle = new ProgressThrottle(progress);
        long entries = 0;
        long bytesRead = 0;
        var compression = ArchiveCompression.None;
        var comparer = compareDirectory is null ? null : new DirectoryComparer(compareDirectory, problems);
        try
        {
            using var input = ArchiveInput.Open(path, Environment.ProcessorCount);
            compression = input.Compression;
            var reader = new TarStreamReader(input.Tar);
            byte[] buffer = new byte[1 << 20];
            while (reader.Next(problems.Add) is { } header)
            {
                cancellation.ThrowIfCancellationRequested();
                entries++;
                if (comparer is not null)
                {
                    comparer.Compare(header, reader);
                }
                else if (compression == ArchiveCompression.None)
                {
                    reader.SkipData();
                }
                else
                {
                    while (reader.ReadData(buffer) > 0)
                    {
                    }
                }

                bytesRead = reader.Position;
                throttle.Report(() => new OperationProgress($"Testing {Path.GetFileName(path)}", $"{entries} entries", header.Name, entries, null, input.CompressedPosition, input.CompressedLength));
            }

            bytesRead = reader.Position;
            if (!input.DrainTrailingData())
            {
                problems.Add(new ItemProblem(path, Errors.ArchiveCorrupt, "There is data after the end-of-archive marker.", reader.Position));
            }

            comparer?.ReportExtras();
        }
        catch (BackupException ex) when (ex.Error != Errors.PathNotFound)
        {
            problems.Add(new ItemProblem(path, ex.Error, ex.Message, ex.Offset));
        }

        bool? matched = null;
        if (checksum is not null)
        {
            string actual = await checksum.ConfigureAwait(false);
            matched = string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase);
            if (matched == false)
            {
                problems.Add(new ItemProblem(path, Errors.ChecksumFileMismatch, $"The archive's SHA-256 is {actual}, but {Path.GetFileName(path)}.sha256 says {expected}."));
            }
        }

        return new ArchiveTestResult(path, compression, problems.Count == 0, entries, bytesRead, matched, problems, clock.Elapsed)
        {
            ComparedWith = compareDirectory,
        };
    }

    private static string HashFile(string path, CancellationToken cancellation)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 20];
        int n;
        while ((n = file.Read(buffer)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            sha.AppendData(buffer, 0, n);
        }

        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}
