namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>TEST CODE: the simulator's background writer (DBWR), changing blocks in two halves.</summary>
public sealed partial class SimulatedOracleDatabase
{
    private void WriteLoop(int halfWriteMilliseconds)
    {
        var random = new Random(7);
        while (_writerRunning)
        {
            lock (_writeGate)
            {
                var change = NextChange(random);
                if (change is var (path, block, image, inBackupMode))
                {
                    // Header half first, the tail half after a pause (sessions may query meanwhile; a checkpoint
                    // waits on the write gate): a reader in between sees a fractured block.
                    using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                    RandomAccess.Write(handle, image.AsSpan(0, BlockSize / 2), block * BlockSize);
                    if (inBackupMode)
                    {
                        _writeInFlight.Set();
                    }

                    Thread.Sleep(halfWriteMilliseconds);
                    RandomAccess.Write(handle, image.AsSpan(BlockSize / 2), block * BlockSize + BlockSize / 2);
                }
            }

            // Let the sessions in between two writes.
            Thread.Sleep(1);
        }
    }

    /// <summary>Picks a block to change (in the files in backup mode, when there are some) and logs the change; null while shut down.</summary>
    private (string Path, long Block, byte[] Image, bool InBackupMode)? NextChange(Random random)
    {
        lock (_gate)
        {
            var candidates = _datafiles.Where(d => d.BackupScn is not null).ToList() is { Count: > 0 } hot ? hot : _datafiles;
            var file = candidates[random.Next(candidates.Count)];
            long block = random.Next(2, file.Blocks - 4);
            if (!IsOpen || _untouchable.Contains((file.Number, block)) || !File.Exists(file.Path))
            {
                return null;
            }

            _scn++;
            var image = SimulatedBlocks.Format(BlockSize, file.Number, block, SimulatedBlocks.DataType, _scn, (byte)random.Next(1, 255), random);
            BlocksWritten++;
            if (file.BackupScn is not null)
            {
                // In backup mode a change logs the whole block image: what repairs a fractured copy.
                _blockImages.Add(new SimulatedRedoRecord(file.Number, block, _scn, image));
            }

            if (++_changesInLog >= 200)
            {
                SwitchLog();
            }

            return (file.Path, block, image, file.BackupScn is not null);
        }
    }
}
