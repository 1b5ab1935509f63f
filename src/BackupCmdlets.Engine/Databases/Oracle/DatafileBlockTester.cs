using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>Test-DatafileBlock: reads a datafile in whole aligned blocks and judges each with <see cref="OracleBlockVerifier"/>, as DBVERIFY does.</summary>
internal static class DatafileBlockTester
{
    private const int ChunkBlocks = 128;
    private const int DefaultBlockSize = 8192;

    public static Task<DatafileBlockResult> TestAsync(TestDatafileBlockRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => Test(request, progress, cancellationToken), cancellationToken);

    private static DatafileBlockResult Test(TestDatafileBlockRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string path = System.IO.Path.GetFullPath(request.Path);
        if (!File.Exists(path))
        {
            throw new BackupException(Errors.OracleDatafileNotFound, $"There is no datafile at '{path}'.", path);
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        long length = RandomAccess.GetLength(handle);
        int blockSize = request.BlockSize ?? BlockSizeOf(handle);
        long? startScn = request.StartScn ?? StartScnFromSet(path);
        var verifier = new OracleBlockVerifier(blockSize, startScn);
        var throttle = new ProgressThrottle(progress);
        var findings = new List<BlockFinding>();
        long blocks = 0, checkedBlocks = 0, empty = 0, fractured = 0, corrupt = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(blockSize * ChunkBlocks);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(0, blockSize * ChunkBlocks), offset)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int at = 0; at + blockSize <= read; at += blockSize)
                {
                    long block = (offset + at) / blockSize;
                    blocks++;
                    var verdict = verifier.Check(buffer.AsSpan(at, blockSize), block, out string? detail);
                    switch (verdict)
                    {
                        case BlockCheck.NotChecked:
                            empty++;
                            break;
                        case BlockCheck.Valid:
                            checkedBlocks++;
                            break;
                        case BlockCheck.Torn:
                            checkedBlocks++;
                            fractured++;
                            findings.Add(new BlockFinding(path, block, verdict, detail ?? "fractured"));
                            break;
                        case BlockCheck.Corrupt:
                            checkedBlocks++;
                            corrupt++;
                            findings.Add(new BlockFinding(path, block, verdict, detail ?? "corrupt"));
                            break;
                    }
                }

                offset += read - (read % blockSize);
                if (read % blockSize != 0)
                {
                    findings.Add(new BlockFinding(path, offset / blockSize, BlockCheck.Corrupt, string.Create(CultureInfo.InvariantCulture, $"the file ends {read % blockSize} bytes into a block: truncated")));
                    corrupt++;
                    break;
                }

                throttle.Report(() => new OperationProgress("Test datafile blocks", "Checking", path, 0, 1, offset, length));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var problems = findings
            .Where(f => f.Verdict == BlockCheck.Corrupt)
            .Select(f => new ItemProblem(path, Errors.CorruptBlock, string.Create(CultureInfo.InvariantCulture, $"block {f.Block} is corrupt: {f.Message}"), f.Block * blockSize))
            .ToList();
        return new DatafileBlockResult(path, blockSize, startScn, blocks, checkedBlocks, empty, fractured, corrupt, clock.Elapsed, findings) { Problems = problems };
    }

    /// <summary>A datafile copy in a hot Oracle set: the start SCN its manifest records for it; otherwise null (cold, or not in a set).</summary>
    private static long? StartScnFromSet(string path)
    {
        string relative = System.IO.Path.GetFileName(path);
        for (var folder = Directory.GetParent(path); folder is not null; folder = folder.Parent)
        {
            if (ManifestStore.Exists(folder.FullName))
            {
                var manifest = ManifestStore.Read(folder.FullName);
                return manifest is { Engine: DatabaseEngine.Oracle, Kind: BackupKind.Hot } && manifest.FileStartPositions.TryGetValue(relative, out string? scn)
                    ? long.Parse(scn, CultureInfo.InvariantCulture)
                    : null;
            }

            relative = folder.Name + "/" + relative;
        }

        return null;
    }

    private static int BlockSizeOf(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        Span<byte> block0 = stackalloc byte[32];
        return RandomAccess.Read(handle, block0, 0) == block0.Length ? OracleBlockHeader.BlockSizeFromFileHeader(block0) ?? DefaultBlockSize : DefaultBlockSize;
    }
}
