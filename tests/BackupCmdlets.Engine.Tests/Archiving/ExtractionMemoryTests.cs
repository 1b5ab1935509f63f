using BackupCmdlets.Engine.Archiving.Tar;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Archiving;

/// <summary>
/// Extraction remembers little per entry (only the folders whose mode and time are set at the end), so
/// its peak memory does not grow with the number of files: measured as the maximum resident set size of
/// the CLI process (GNU time's %M, the kernel's own count).
/// </summary>
public sealed class ExtractionMemoryTests : IDisposable
{
    private const int FilesPerFolder = 1000;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Peak_memory_does_not_grow_with_the_number_of_files()
    {
        string few = WriteArchive(_temp.Combine("few.tar"), 2_000);
        string many = WriteArchive(_temp.Combine("many.tar"), 60_000);

        long fewPeak = PeakKilobytes(few, _temp.Combine("few"));
        long manyPeak = PeakKilobytes(many, _temp.Combine("many"));

        Assert.Equal(60_000, Directory.EnumerateFiles(_temp.Combine("many"), "*", SearchOption.AllDirectories).Count());
        Assert.True(manyPeak - fewPeak < 10 * 1024, $"2,000 files: {fewPeak} KiB at peak; 60,000 files: {manyPeak} KiB");
    }

    private static string WriteArchive(string path, int files)
    {
        using var output = new BufferedStream(File.Create(path), 1 << 20);
        byte[] padding = new byte[TarFormat.BlockSize];
        var time = new UnixTime(1_600_000_000, 0);
        for (int i = 0; i < files; i++)
        {
            string folder = $"d{i / FilesPerFolder:D3}";
            if (i % FilesPerFolder == 0)
            {
                output.Write(TarHeaderEncoder.Encode(new TarEntryHeader(folder + "/", TarEntryType.Directory, 0x1ED, 0, 0, "", "", 0, time, "", 0, 0)));
            }

            output.Write(TarHeaderEncoder.Encode(new TarEntryHeader($"{folder}/file-{i:D6}.txt", TarEntryType.File, 0x1A4, 0, 0, "", "", 1, time, "", 0, 0)));
            padding[0] = (byte)('a' + i % 26);
            output.Write(padding);
        }

        output.Write(new byte[TarFormat.RecordSize]);
        return path;
    }

    private static long PeakKilobytes(string archive, string destination)
    {
        var run = ExternalTool.Run("/usr/bin/time", ["-f", "peak %M", .. CliProcess.Launcher, "Expand-TarArchive", "--path", archive, "--destination-path", destination])
            .EnsureSuccess("Expand-TarArchive");
        string line = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith("peak ", StringComparison.Ordinal));
        return long.Parse(line["peak ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
