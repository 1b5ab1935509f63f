using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// The rsync algorithm between a new file and the old (basis) file it replaces, both local: the
/// basis is cut into blocks with weak and strong checksums; the new file is searched at every byte
/// offset with the rolling weak checksum, a weak hit confirmed by the strong hash, so data that moved
/// is found too. Because both files are at hand, blocks that are equal at the same offset are first
/// found by comparing them directly, in parallel, and the rolling search runs only where they differ.
/// </summary>
internal static class DeltaEncoder
{
    private const int ChunkBytes = 4 << 20;

    /// <summary>
    /// The instructions that rebuild <paramref name="source"/> from <paramref name="basis"/>. With
    /// <paramref name="inPlace"/> a block is only reused from at or after the offset being written, so the
    /// instructions can be applied to the basis file itself from start to end.
    /// </summary>
    public static List<DeltaInstruction> Compute(SafeFileHandle source, long sourceLength, SafeFileHandle basis, long basisLength, bool inPlace, int parallelism, CancellationToken cancellationToken)
    {
        int blockSize = BlockSignature.BlockSizeFor(basisLength);
        int blockCount = (int)((basisLength + blockSize - 1) / blockSize);
        var weak = new uint[blockCount];
        var sameAtOffset = new bool[blockCount];
        CompareAndSign(source, sourceLength, basis, basisLength, blockSize, weak, sameAtOffset, parallelism, cancellationToken);
        var signature = new BlockSignature(basis, basisLength, blockSize, weak);
        return Search(source, sourceLength, signature, sameAtOffset, inPlace, cancellationToken);
    }

    private static void CompareAndSign(SafeFileHandle source, long sourceLength, SafeFileHandle basis, long basisLength, int blockSize, uint[] weak, bool[] sameAtOffset, int parallelism, CancellationToken cancellationToken)
    {
        int blocksPerChunk = Math.Max(1, ChunkBytes / blockSize);
        int chunks = (weak.Length + blocksPerChunk - 1) / blocksPerChunk;
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        Parallel.For(0, chunks, options, () => (new byte[blocksPerChunk * blockSize], new byte[blocksPerChunk * blockSize]), (chunk, _, buffers) =>
        {
            var (basisBuffer, sourceBuffer) = buffers;
            int first = chunk * blocksPerChunk;
            int last = Math.Min(weak.Length, first + blocksPerChunk);
            long offset = (long)first * blockSize;
            int basisRead = PositionedRead.Fill(basis, basisBuffer.AsSpan(0, (int)Math.Min(basisBuffer.Length, basisLength - offset)), offset);
            int sourceRead = offset < sourceLength ? PositionedRead.Fill(source, sourceBuffer.AsSpan(0, (int)Math.Min(sourceBuffer.Length, sourceLength - offset)), offset) : 0;
            for (int i = first; i < last; i++)
            {
                int start = (i - first) * blockSize;
                int basisBlock = Math.Clamp(basisRead - start, 0, blockSize);
                int sourceBlock = Math.Clamp(sourceRead - start, 0, blockSize);
                var block = basisBuffer.AsSpan(start, basisBlock);
                weak[i] = RollingChecksum.Of(block).Value;
                sameAtOffset[i] = basisBlock > 0 && basisBlock == sourceBlock && block.SequenceEqual(sourceBuffer.AsSpan(start, sourceBlock));
            }

            return buffers;
        }, _ => { });
    }

    private static List<DeltaInstruction> Search(SafeFileHandle source, long sourceLength, BlockSignature signature, bool[] sameAtOffset, bool inPlace, CancellationToken cancellationToken)
    {
        int blockSize = signature.BlockSize;
        var instructions = new List<DeltaInstruction>();
        var window = new SourceWindow(source, sourceLength, blockSize);
        long position = 0;
        long literalStart = 0;
        int previousMatch = -1;
        RollingChecksum rolling = default;
        bool rollingValid = false;

        void Emit(long sourceOffset, long length, long basisOffset)
        {
            if (literalStart < sourceOffset)
            {
                Append(instructions, new DeltaInstruction(literalStart, sourceOffset - literalStart, DeltaInstruction.Literal));
            }

            Append(instructions, new DeltaInstruction(sourceOffset, length, basisOffset));
            literalStart = sourceOffset + length;
        }

        while (position < sourceLength)
        {
            long block = position / blockSize;
            if (block < sameAtOffset.Length && sameAtOffset[block])
            {
                long end = Math.Min((block + 1) * blockSize, sourceLength);
                Emit(position, end - position, position);
                position = end;
                previousMatch = (int)block;
                rollingValid = false;
                continue;
            }

            int length = (int)Math.Min(blockSize, sourceLength - position);
            var bytes = window.Get(position, length + 1);
            if (bytes.Length < length)
            {
                break; // The source shrank while being read: the rest goes as literal data.
            }

            if (length < blockSize)
            {
                // The tail can only be the basis file's last, shorter block.
                ulong? tailStrong = null;
                int tail = signature.Find(RollingChecksum.Of(bytes[..length]).Value, bytes[..length], signature.Count - 1, inPlace ? position : 0, ref tailStrong);
                if (tail >= 0)
                {
                    Emit(position, length, (long)tail * blockSize);
                }

                break;
            }

            if (!rollingValid)
            {
                rolling = RollingChecksum.Of(bytes[..blockSize]);
                rollingValid = true;
                cancellationToken.ThrowIfCancellationRequested();
            }

            ulong? strong = null;
            int found = signature.Find(rolling.Value, bytes[..blockSize], previousMatch + 1, inPlace ? position : 0, ref strong);
            if (found >= 0)
            {
                Emit(position, blockSize, (long)found * blockSize);
                position += blockSize;
                previousMatch = found;
                rollingValid = false;
                continue;
            }

            if (bytes.Length > blockSize)
            {
                rolling.Roll(bytes[0], bytes[blockSize]);
            }
            else
            {
                rollingValid = false;
            }

            position++;
        }

        if (literalStart < sourceLength)
        {
            Append(instructions, new DeltaInstruction(literalStart, sourceLength - literalStart, DeltaInstruction.Literal));
        }

        return instructions;
    }

    /// <summary>Adds an instruction, merging it into the previous one when it continues it.</summary>
    private static void Append(List<DeltaInstruction> instructions, DeltaInstruction next)
    {
        if (instructions.Count > 0)
        {
            var last = instructions[^1];
            bool continues = last.SourceOffset + last.Length == next.SourceOffset
                && (last.IsMatch ? next.IsMatch && last.BasisOffset + last.Length == next.BasisOffset : !next.IsMatch);
            if (continues)
            {
                instructions[^1] = last with { Length = last.Length + next.Length };
                return;
            }
        }

        instructions.Add(next);
    }

    /// <summary>A sliding read buffer over the new file, refilled only where the search actually looks.</summary>
    private sealed class SourceWindow(SafeFileHandle file, long length, int blockSize)
    {
        private readonly byte[] _buffer = new byte[Math.Max(ChunkBytes, blockSize * 4)];
        private long _start = -1;
        private int _count;

        /// <summary>Up to <paramref name="wanted"/> bytes at <paramref name="offset"/> (fewer at the end of the file).</summary>
        public ReadOnlySpan<byte> Get(long offset, int wanted)
        {
            long available = Math.Min(wanted, length - offset);
            if (_start < 0 || offset < _start || offset + available > _start + _count)
            {
                _start = offset;
                _count = PositionedRead.Fill(file, _buffer.AsSpan(0, (int)Math.Min(_buffer.Length, length - offset)), offset);
            }

            int from = (int)(offset - _start);
            return _buffer.AsSpan(from, (int)Math.Min(available, _count - from));
        }
    }
}
