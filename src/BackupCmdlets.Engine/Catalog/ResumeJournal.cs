using System.Text;
using System.Text.Json;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>
/// <c>resume.jsonl</c> in a set folder while it is written: a header line (the cluster, the kind, the
/// parent a page file was compared with, the encryption record), then one line per file the copy has
/// stored and flushed to disk, with what the source was when it was read. A later backup into the same
/// repository that finds the set left incomplete (its process gone) takes over every file whose source
/// has not changed since (<see cref="ResumeEntry.StillMatches"/>) instead of reading it again. Lines
/// are written only after the files they name are on disk; a line cut short by a crash ends the journal.
/// The journal goes once the set's manifest is written.
/// </summary>
internal static class ResumeJournal
{
    public const string FileName = "resume.jsonl";

    public static string PathIn(string setPath) => Path.Combine(setPath, FileName);

    /// <summary>The newest set of <paramref name="repository"/> left incomplete by a process that is gone, whose journal <paramref name="fits"/>; null when there is none.</summary>
    public static (string SetPath, ResumeHeader Header, IReadOnlyDictionary<string, ResumeEntry> Entries)? Newest(string repository, Func<ResumeHeader, bool> fits)
    {
        string folder = Path.GetFullPath(repository);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        foreach (string set in Directory.EnumerateDirectories(folder).Where(d => BackupSetFolder.IsSetName(Path.GetFileName(d))).OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal))
        {
            if (!File.Exists(PathIn(set)) || BackupRepository.Describe(set).Status != BackupSetStatus.Incomplete)
            {
                continue;
            }

            if (Read(set) is { } journal && fits(journal.Header))
            {
                return (set, journal.Header, journal.Entries);
            }
        }

        return null;
    }

    private static (ResumeHeader Header, IReadOnlyDictionary<string, ResumeEntry> Entries)? Read(string setPath)
    {
        try
        {
            using var reader = new StreamReader(PathIn(setPath), Encoding.UTF8);
            if (reader.ReadLine() is not { } first || JsonSerializer.Deserialize(first, ResumeJsonContext.Default.ResumeHeader) is not { } header)
            {
                return null;
            }

            var entries = new Dictionary<string, ResumeEntry>(StringComparer.Ordinal);
            while (reader.ReadLine() is { } line)
            {
                ResumeEntry? entry;
                try
                {
                    entry = JsonSerializer.Deserialize(line, ResumeJsonContext.Default.ResumeEntry);
                }
                catch (JsonException)
                {
                    break;
                }

                if (entry is null)
                {
                    break;
                }

                entries[entry.SetPath] = entry;
            }

            return (header, entries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>What a journal's files were copied for: only a backup of the same cluster and kind, encrypted the same way, takes them over; page files only with the same parent.</summary>
internal sealed record ResumeHeader(DatabaseEngine Engine, BackupKind Kind, string Identity, string? ParentSetId, string? ReferencePosition, ManifestEncryption? Encryption);

/// <summary>
/// One file copied into the set: its set path, the source's size, inode and change time (ctime, which
/// every write moves and no caller can set) as it was before and after the read, and what was stored:
/// the whole file, or (a relation compared with the parent) its page delta and page file.
/// </summary>
internal sealed record ResumeEntry(string SetPath, long SourceSize, ulong SourceInode, long ChangeSeconds, int ChangeNanoseconds, ManifestFile? File, ManifestPageDelta? Pages, ManifestFile? PageFile, long BlocksChecked, long TornBlocks)
{
    /// <summary>
    /// The margin by which the source's change time must precede the read: the kernel stamps writes
    /// with a coarse clock, so a write during the read could carry a time just before the read began.
    /// </summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromMilliseconds(50);

    /// <summary>The entry of a file whose source did not change while it was read, and had not changed for a while before; null otherwise (it is copied again by a resumed backup).</summary>
    public static ResumeEntry? For(string setPath, FileMetadata before, FileMetadata? after, DateTimeOffset readStart, ManifestFile? file, ManifestPageDelta? pages, ManifestFile? pageFile, long checkedBlocks, long tornBlocks)
    {
        if (after is null || after.Size != before.Size || after.Inode != before.Inode || after.ChangeTime != before.ChangeTime
            || before.ChangeTime.ToDateTimeOffset() > readStart - ClockMargin)
        {
            return null;
        }

        return new ResumeEntry(setPath, before.Size, before.Inode, before.ChangeTime.Seconds, before.ChangeTime.Nanoseconds, file, pages, pageFile, checkedBlocks, tornBlocks);
    }

    /// <summary>The source is still what was copied: same size, inode and change time.</summary>
    public bool StillMatches(FileMetadata now) =>
        now.Size == SourceSize && now.Inode == SourceInode && now.ChangeTime == new UnixTime(ChangeSeconds, ChangeNanoseconds);
}
