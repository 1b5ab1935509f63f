using System.Buffers;
using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Archiving.Creating;

/// <summary>
/// Lays source entries into the tar stream. A file gets its header from the fstat taken when it was
/// opened and its content as read, with a problem when it changed meanwhile (see <see cref="SourceFileRead"/>);
/// small files come read ahead on other threads (<see cref="ReadAhead"/>), large ones are streamed; a caller's
/// inspector sees the content as read (<see cref="CreateArchiveRequest.InspectContent"/>). A hard
/// link is written only to a name whose content the archive holds: when the first name of a file could not
/// be stored (it vanished or could not be read), the next name holds the content instead, and later links
/// point to that one.
/// </summary>
internal sealed class ArchiveEntryWriter(
    TarChunkWriter tar, List<ItemProblem> problems, ArrayPool<byte> buffers, Action<string>? beforeOpen, Func<string, IEntryContentInspector?>? inspect, CancellationToken cancellation)
{
    /// <summary>Files up to this size are read ahead whole; larger ones are streamed.</summary>
    public const int SmallFileLimit = 1 << 20;

    // Names stored with content, of files that had several names: the names hard links may point to.
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);

    // First names whose content could not be stored, with the name that holds it instead.
    private readonly Dictionary<string, string> _storedInstead = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads a small file on a read-ahead thread: its content and whether it changed while read. A file
    /// that has grown past <see cref="SmallFileLimit"/> since the scan is handed over open, to be streamed.
    /// </summary>
    public static FileContent ReadAhead(SourceEntry entry, Action<string>? beforeOpen, Func<string, IEntryContentInspector?>? inspect, ArrayPool<byte> buffers)
    {
        SourceFileRead read;
        try
        {
            beforeOpen?.Invoke(entry.FullPath);
            read = SourceFileRead.Open(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileContent(null, null, 0, ArchiveSourceScanner.Unreadable(entry.FullPath, ex));
        }

        if (read.Before.Size > SmallFileLimit)
        {
            return new FileContent(read, null, 0, null);
        }

        using (read)
        {
            long size = read.Before.Size;
            byte[] buffer = buffers.Rent((int)size + 1);
            try
            {
                // Asking for one byte more than fstat said tells growth; a short read is end of file.
                int total = 0;
                while (total <= size)
                {
                    int want = (int)(size + 1 - total);
                    int n = RandomAccess.Read(read.Handle, buffer.AsSpan(total, want), total);
                    total += n;
                    if (n < want)
                    {
                        break;
                    }
                }

                inspect?.Invoke(entry.Header.Name)?.Inspect(read.Handle, buffer.AsSpan(0, (int)Math.Min(total, size)), 0);
                return new FileContent(read, buffer, total, read.Check(entry.FullPath, total));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                buffers.Return(buffer);
                return new FileContent(null, null, 0, ArchiveSourceScanner.Unreadable(entry.FullPath, ex));
            }
        }
    }

    /// <summary>Writes one entry; <paramref name="content"/> is its read-ahead result, if it had one. False when it was left out.</summary>
    public bool Write(SourceEntry entry, FileContent? content, Action report)
    {
        switch (entry.Header.Type)
        {
            case TarEntryType.File when content is not null:
                return WriteReadAhead(entry, content, report);
            case TarEntryType.File:
                return WriteStreamed(entry, null, report);
            case TarEntryType.HardLink:
                return WriteHardLink(entry, report);
            default:
                tar.Write(TarHeaderEncoder.Encode(entry.Header));
                if (entry.Header.DumpDirectoryData is { } dumpDirectory)
                {
                    tar.Write(dumpDirectory);
                    tar.PadToBlock();
                }

                return true;
        }
    }

    /// <summary>Gives back what a read-ahead result holds (a buffer, an open file) when it is not written.</summary>
    public static void Release(FileContent content, ArrayPool<byte> buffers)
    {
        if (content.Buffer is not null)
        {
            buffers.Return(content.Buffer);
        }
        else
        {
            content.Read?.Dispose();
        }
    }

    private bool WriteReadAhead(SourceEntry entry, FileContent content, Action report)
    {
        if (content.Problem is not null)
        {
            problems.Add(content.Problem);
        }

        if (content.Buffer is null)
        {
            return content.Read is { } open && WriteStreamed(entry, open, report);
        }

        try
        {
            var header = FileHeader(entry, content.Read!.Before);
            tar.Write(TarHeaderEncoder.Encode(header));
            int stored = (int)Math.Min(content.Length, header.Size);
            tar.Write(content.Buffer.AsSpan(0, stored));
            tar.WriteZeros(header.Size - stored);
            tar.PadToBlock();
            Stored(entry, header.Name);
            return true;
        }
        finally
        {
            buffers.Return(content.Buffer);
        }
    }

    /// <summary>Streams a file into the tar stream, opening it first unless <paramref name="open"/> is given (and then disposed here).</summary>
    private bool WriteStreamed(SourceEntry entry, SourceFileRead? open, Action report)
    {
        SourceFileRead read;
        try
        {
            if (open is null)
            {
                beforeOpen?.Invoke(entry.FullPath);
            }

            read = open ?? SourceFileRead.Open(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(ArchiveSourceScanner.Unreadable(entry.FullPath, ex));
            return false;
        }

        using (read)
        {
            var header = FileHeader(entry, read.Before);
            long size = header.Size;
            tar.Write(TarHeaderEncoder.Encode(header));
            var inspector = inspect?.Invoke(entry.Header.Name);
            long offset = 0;
            try
            {
                while (offset < size)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var space = tar.FreeSpace();
                    int want = (int)Math.Min(space.Length, size - offset);
                    int n = RandomAccess.Read(read.Handle, space[..want], offset);
                    if (n == 0)
                    {
                        break;
                    }

                    inspector?.Inspect(read.Handle, space[..n], offset);
                    tar.Advance(n);
                    offset += n;
                    report();
                }

                Span<byte> probe = stackalloc byte[1];
                long total = offset < size ? offset : size + RandomAccess.Read(read.Handle, probe, size);
                if (read.Check(entry.FullPath, total) is { } changed)
                {
                    problems.Add(changed);
                }
            }
            catch (IOException ex)
            {
                problems.Add(ArchiveSourceScanner.Unreadable(entry.FullPath, ex));
            }

            tar.WriteZeros(size - offset);
            tar.PadToBlock();
            Stored(entry, header.Name);
        }

        return true;
    }

    private bool WriteHardLink(SourceEntry entry, Action report)
    {
        string first = entry.Header.LinkName;
        string target = _storedInstead.GetValueOrDefault(first, first);
        if (_stored.Contains(target))
        {
            tar.Write(TarHeaderEncoder.Encode(entry.Header with { LinkName = target }));
            return true;
        }

        if (!WriteStreamed(entry, null, report))
        {
            return false;
        }

        _storedInstead[first] = entry.Header.Name;
        return true;
    }

    /// <summary>A file's header with the size, time and mode it had when opened; a hard link that holds the content becomes a file.</summary>
    private static TarEntryHeader FileHeader(SourceEntry entry, FileMetadata opened) =>
        entry.Header with { Type = TarEntryType.File, LinkName = "", Size = opened.Size, ModifiedTime = opened.ModifiedTime, Mode = opened.Permissions };

    private void Stored(SourceEntry entry, string name)
    {
        if (entry.LinkCount > 1)
        {
            _stored.Add(name);
        }
    }
}
