using System.Text.Json;

namespace BackupCmdlets.Engine.Catalog;

/// <summary>Appends lines to a set's journal, the header first; each batch reaches the disk before it returns.</summary>
/// <param name="header">The header, asked for at the first line (once the backup knows the parent it compares pages with).</param>
internal sealed class ResumeJournalWriter(string setPath, Func<ResumeHeader> header) : IDisposable
{
    private readonly object _lock = new();
    private FileStream? _file;

    public void Append(IReadOnlyCollection<ResumeEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_file is null)
            {
                _file = new FileStream(ResumeJournal.PathIn(setPath), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                WriteLine(JsonSerializer.SerializeToUtf8Bytes(header(), ResumeJsonContext.Default.ResumeHeader));
            }

            foreach (var entry in entries)
            {
                WriteLine(JsonSerializer.SerializeToUtf8Bytes(entry, ResumeJsonContext.Default.ResumeEntry));
            }

            _file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Closes and deletes the journal: the set is complete.</summary>
    public void Delete()
    {
        Dispose();
        File.Delete(ResumeJournal.PathIn(setPath));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void WriteLine(byte[] json)
    {
        _file!.Write(json);
        _file.WriteByte((byte)'\n');
    }
}
