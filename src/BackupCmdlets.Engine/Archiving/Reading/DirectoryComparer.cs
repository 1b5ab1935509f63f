using System.Buffers;
using BackupCmdlets.Engine.Archiving.Extracting;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;
using Microsoft.Win32.SafeHandles;

namespace BackupCmdlets.Engine.Archiving.Reading;

/// <summary>
/// Compares archive entries with a folder, as <c>tar -d</c> does (missing, type, size, content,
/// mode, modification time, link target, owner), and also reports files on disk inside archived
/// folders that the archive does not have (for an incremental archive: that their dumpdir does not list).
/// </summary>
internal sealed class DirectoryComparer
{
    private readonly string _root;
    private readonly List<ItemProblem> _problems;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _directories = [];

    public DirectoryComparer(string root, List<ItemProblem> problems)
    {
        _root = root;
        _problems = problems;
    }

    public void Compare(TarEntryHeader entry, TarStreamReader reader)
    {
        string relative;
        try
        {
            relative = EntryPath.Normalize(entry.Name, _root);
        }
        catch (BackupException ex)
        {
            Add(entry.Name, ex.Error, ex.Message, entry.Offset);
            return;
        }

        _seen.Add(relative);
        string disk = relative.Length == 0 ? _root : Path.Combine(_root, relative);
        var meta = UnixFileSystem.TryLstat(disk);
        if (meta is null)
        {
            Add(entry.Name, Errors.DifferenceMissing, "in the archive but not on disk", entry.Offset);
            return;
        }

        var expectedKind = entry.Type switch
        {
            TarEntryType.Directory => FileKind.Directory,
            TarEntryType.SymbolicLink => FileKind.SymbolicLink,
            TarEntryType.Fifo => FileKind.Fifo,
            TarEntryType.CharacterDevice => FileKind.CharacterDevice,
            TarEntryType.BlockDevice => FileKind.BlockDevice,
            _ => FileKind.File,
        };
        if (meta.Kind != expectedKind)
        {
            Add(entry.Name, Errors.DifferenceType, $"a {expectedKind} in the archive but a {meta.Kind} on disk", entry.Offset);
            return;
        }

        if (entry.Type == TarEntryType.Directory)
        {
            _directories.Add(relative);

            // An incremental archive holds only what changed: what its dumpdir lists is accounted for.
            foreach (var listed in entry.DumpDirectory ?? [])
            {
                if (listed.Mark is DumpDirectoryMark.InArchive or DumpDirectoryMark.NotInArchive or DumpDirectoryMark.Directory)
                {
                    _seen.Add(relative.Length == 0 ? listed.Name : $"{relative}/{listed.Name}");
                }
            }
        }

        if (entry.Type != TarEntryType.SymbolicLink && meta.Permissions != entry.Mode)
        {
            Add(entry.Name, Errors.DifferenceMode, $"mode differs: {Convert.ToString(entry.Mode, 8)} in the archive, {Convert.ToString(meta.Permissions, 8)} on disk", entry.Offset);
        }

        if (meta.UserId != entry.UserId || meta.GroupId != entry.GroupId)
        {
            Add(entry.Name, Errors.DifferenceOwner, $"owner differs: {entry.UserId}:{entry.GroupId} in the archive, {meta.UserId}:{meta.GroupId} on disk", entry.Offset);
        }

        switch (entry.Type)
        {
            case TarEntryType.SymbolicLink:
                string target = UnixFileSystem.ReadLink(disk);
                if (target != entry.LinkName)
                {
                    Add(entry.Name, Errors.DifferenceLinkTarget, $"link target differs: '{entry.LinkName}' in the archive, '{target}' on disk", entry.Offset);
                }

                break;
            case TarEntryType.HardLink:
                string linked = Path.Combine(_root, EntryPath.Normalize(entry.LinkName, _root));
                var linkedMeta = UnixFileSystem.TryLstat(linked);
                if (linkedMeta is null || linkedMeta.Inode != meta.Inode || linkedMeta.Device != meta.Device)
                {
                    Add(entry.Name, Errors.DifferenceLinkTarget, $"not hard-linked to '{entry.LinkName}' on disk", entry.Offset);
                }

                break;
            case TarEntryType.File:
                CompareTime(entry, meta);
                if (meta.Size != entry.Size)
                {
                    Add(entry.Name, Errors.DifferenceSize, $"size differs: {entry.Size} in the archive, {meta.Size} on disk", entry.Offset);
                }
                else if (FirstDifference(disk, reader, entry) is { } at)
                {
                    Add(entry.Name, Errors.DifferenceContent, $"contents differ from byte {at}", entry.Offset);
                }

                break;
        }
    }

    /// <summary>Files on disk, inside folders the archive holds, that the archive does not have.</summary>
    public void ReportExtras()
    {
        foreach (string directory in _directories)
        {
            string disk = directory.Length == 0 ? _root : Path.Combine(_root, directory);
            foreach (var child in UnixFileSystem.ReadDirectory(disk))
            {
                string relative = directory.Length == 0 ? child.Name : $"{directory}/{child.Name}";
                if (!_seen.Contains(relative))
                {
                    Add(relative, Errors.DifferenceExtra, "on disk but not in the archive", null);
                }
            }
        }
    }

    private void CompareTime(TarEntryHeader entry, FileMetadata meta)
    {
        var archived = entry.ModifiedTime;
        bool same = archived.Nanoseconds == 0 ? archived.Seconds == meta.ModifiedTime.Seconds : archived == meta.ModifiedTime;
        if (!same)
        {
            Add(entry.Name, Errors.DifferenceModifiedTime, $"modification time differs: {archived.ToDateTimeOffset():u} in the archive, {meta.ModifiedTime.ToDateTimeOffset():u} on disk", entry.Offset);
        }
    }

    /// <summary>The first byte where the file on disk differs from the entry's content (holes of a sparse entry are zeros).</summary>
    private static long? FirstDifference(string disk, TarStreamReader reader, TarEntryHeader entry)
    {
        byte[] archived = ArrayPool<byte>.Shared.Rent(1 << 20);
        byte[] onDisk = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            using SafeFileHandle handle = UnixFileSystem.OpenRead(disk);
            long position = 0;
            foreach (var (offset, length) in entry.Sparse?.Segments ?? [(0, entry.Size)])
            {
                if ((FirstNonZero(handle, position, offset, onDisk) ?? FirstDifferenceInData(handle, reader, offset, length, archived, onDisk)) is { } at)
                {
                    reader.SkipData();
                    return at;
                }

                position = offset + length;
            }

            return FirstNonZero(handle, position, entry.Size, onDisk);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(archived);
            ArrayPool<byte>.Shared.Return(onDisk);
        }
    }

    private static long? FirstDifferenceInData(SafeFileHandle handle, TarStreamReader reader, long offset, long length, byte[] archived, byte[] onDisk)
    {
        for (long done = 0; done < length;)
        {
            int n = reader.ReadData(archived.AsSpan(0, (int)Math.Min(archived.Length, length - done)));
            int m = RandomAccess.Read(handle, onDisk.AsSpan(0, n), offset + done);
            int mismatch = archived.AsSpan(0, n).CommonPrefixLength(onDisk.AsSpan(0, m));
            if (mismatch < n)
            {
                return offset + done + mismatch;
            }

            done += n;
        }

        return null;
    }

    private static long? FirstNonZero(SafeFileHandle handle, long from, long to, byte[] buffer)
    {
        for (long position = from; position < to;)
        {
            int m = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - position)), position);
            int nonZero = buffer.AsSpan(0, m).IndexOfAnyExcept((byte)0);
            if (nonZero >= 0)
            {
                return position + nonZero;
            }

            if (m == 0)
            {
                return position;
            }

            position += m;
        }

        return null;
    }

    private void Add(string name, ErrorDefinition error, string what, long? offset) =>
        _problems.Add(new ItemProblem(name, error, what.TrimEnd('.') + ".", offset));
}
