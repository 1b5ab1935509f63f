using System.Buffers.Binary;
using System.Security.Cryptography;
using BackupCmdlets.Engine.Archiving.Compression;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// The changed pages of one relation file in a differential or incremental set: the pages one after
/// the other, then the number of each (little-endian uint32, ascending), then a 16-byte footer: the
/// page count, the page size and the magic <c>BCPAGES1</c>. Written as the copy reads, so the count
/// goes last; a reader checks that the length, the footer and the order of the numbers agree.
/// </summary>
internal static class PageDeltaFile
{
    private const int FooterLength = 16;
    private static ReadOnlySpan<byte> Magic => "BCPAGES1"u8;

    /// <summary>
    /// Writes the pages of one file as the copy finds them (encrypted with <paramref name="key"/> when the set is);
    /// the file is made at the first page, so a file with no changed page has none.
    /// </summary>
    /// <param name="compress">Store the file zstd-compressed (<see cref="ZstdSeekableWriter"/>), as every file of a compressed Plain set.</param>
    public sealed class PageFileWriter(string path, int pageSize, SetKey? key, string setPath, bool compress) : IDisposable
    {
        private readonly List<uint> _numbers = [];
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private FileStream? _file;
        private SealedFileWriter? _seal;
        private ZstdSeekableWriter? _zstd;

        public int Count => _numbers.Count;

        public void Add(long number, ReadOnlySpan<byte> page)
        {
            if (_file is null)
            {
                var options = SetFileCopier.DestinationOptions(0);
                options.BufferSize = 1 << 16;
                _file = new FileStream(path, options);
                _seal = key?.Seal(_file, setPath, withContentMac: !compress);
                _zstd = compress ? new ZstdSeekableWriter((Stream?)_seal ?? _file, SetFileCopier.FileZstdLevel, key?.NewContentMac()) : null;
            }

            _numbers.Add(checked((uint)number));
            Write(page);
        }

        /// <summary>Ends the file (numbers and footer), starts its writeback and answers its manifest entry; null when no page was added.</summary>
        public ManifestFile? Complete()
        {
            if (_file is null)
            {
                return null;
            }

            byte[] numbers = new byte[_numbers.Count * 4];
            for (int i = 0; i < _numbers.Count; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(numbers.AsSpan(i * 4), _numbers[i]);
            }

            Write(numbers);
            Span<byte> footer = stackalloc byte[FooterLength];
            BinaryPrimitives.WriteUInt32LittleEndian(footer, (uint)_numbers.Count);
            BinaryPrimitives.WriteUInt32LittleEndian(footer[4..], (uint)pageSize);
            Magic.CopyTo(footer[8..]);
            Write(footer);
            var entry = _zstd is not null ? SetFileCopier.Compressed(_zstd, _seal, setPath, 0x180)
                : _seal is not null ? SetFileCopier.Sealed(_seal, setPath, 0x180)
                : new ManifestFile(setPath, _file.Length, Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant(), 0x180);
            _file.Flush();
            IO.UnixFileSystem.StartWriteback(_file.SafeFileHandle, 0, _file.Length);
            return entry;
        }

        public void Dispose()
        {
            _zstd?.Dispose();
            _seal?.Dispose();
            _file?.Dispose();
            _hash.Dispose();
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            if (_zstd is not null)
            {
                _zstd.Write(bytes);
                return;
            }

            if (_seal is not null)
            {
                _seal.Write(bytes);
                return;
            }

            _file!.Write(bytes);
            _hash.AppendData(bytes);
        }
    }

    /// <summary>
    /// Writes the pages stored in <paramref name="source"/> (the set's file <paramref name="path"/>) into <paramref name="target"/> at their places.
    /// A file whose footer, length or numbers do not agree is a BackupChainBroken error naming it, raised before any page is written.
    /// </summary>
    public static long ApplyTo(IPositionedReader source, string path, SafeFileHandle target, CancellationToken cancellationToken)
    {
        long length = source.Length;
        Span<byte> footer = stackalloc byte[FooterLength];
        if (length < FooterLength || source.Read(footer, length - FooterLength) != FooterLength || !footer[8..].SequenceEqual(Magic))
        {
            throw Damaged(path, "it has no page-file footer");
        }

        long count = BinaryPrimitives.ReadUInt32LittleEndian(footer);
        int pageSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(footer[4..]);
        if (pageSize is < 512 or > 1 << 20 || count * (pageSize + 4L) + FooterLength != length)
        {
            throw Damaged(path, $"its length {length} does not hold {count} pages of {pageSize} bytes");
        }

        byte[] numbers = new byte[count * 4];
        source.Read(numbers, count * pageSize);
        long previous = -1;
        for (long i = 0; i < count; i++)
        {
            long number = BinaryPrimitives.ReadUInt32LittleEndian(numbers.AsSpan((int)(i * 4)));
            if (number <= previous)
            {
                throw Damaged(path, "its page numbers are not in ascending order");
            }

            previous = number;
        }

        byte[] page = new byte[pageSize];
        for (long i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (source.Read(page, i * pageSize) != pageSize)
            {
                throw Damaged(path, "it ends inside a page");
            }

            RandomAccess.Write(target, page, BinaryPrimitives.ReadUInt32LittleEndian(numbers.AsSpan((int)(i * 4))) * (long)pageSize);
        }

        return count;
    }

    private static BackupException Damaged(string path, string why) =>
        new(Errors.BackupChainBroken, $"The page file '{path}' is damaged: {why}.", path);
}
