using BackupCmdlets.Engine.Archiving.Reading;

namespace BackupCmdlets.Engine.Archiving;

/// <summary>Lists an archive's entries (Get-TarArchiveItem); the compression is read from the content.</summary>
internal static class ArchiveReader
{
    public static Task<ArchiveListing> ListAsync(ListArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => List(request, progress, cancellationToken), cancellationToken);

    private static ArchiveListing List(ListArchiveRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        string path = Path.GetFullPath(request.Path);
        using var input = ArchiveInput.Open(path, Environment.ProcessorCount, seekable: true);
        var reader = new Tar.TarStreamReader(input.Tar);
        var throttle = new ProgressThrottle(progress);
        var items = new List<TarArchiveItem>();
        while (reader.Next() is { } header)
        {
            cancellation.ThrowIfCancellationRequested();
            items.Add(header.ToItem(path));
            throttle.Report(() => new OperationProgress($"Listing {Path.GetFileName(path)}", $"{items.Count} entries", header.Name, items.Count, null, input.CompressedPosition, input.CompressedLength));
        }

        input.DrainTrailingData();
        return new ArchiveListing(path, input.Compression, items);
    }
}
