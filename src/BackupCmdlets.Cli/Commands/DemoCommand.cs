using System.CommandLine;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Cli.Commands;

/// <summary>
/// The main job on built-in sample data: builds a tree in a temp folder, archives it, tests the
/// archive, extracts it and shows the copy is identical (by comparing every entry with the copy);
/// then takes a hot backup of a sample SQLite database while a writer runs, and restores it.
/// </summary>
internal sealed class DemoCommand : ICliCommand
{
    public Command Build()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the demo folder instead of removing it." };
        var command = new Command("demo", "Runs the archive round trip and a SQLite hot backup and restore on built-in sample data in temp folders.") { keep };
        command.SetAction(async (parse, cancellation) =>
        {
            string root = Directory.CreateTempSubdirectory("backupcmdlets-demo-").FullName;
            try
            {
                return await RunAsync(root, cancellation);
            }
            finally
            {
                if (!parse.GetValue(keep))
                {
                    Directory.Delete(root, recursive: true);
                }
                else
                {
                    Console.WriteLine($"Demo folder kept: {root}");
                }
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string root, CancellationToken cancellation)
    {
        string source = DemoData.Create(Path.Combine(root, "sample"));
        Console.WriteLine($"1. Sample tree: {source}");
        Console.WriteLine($"   {DemoData.Describe(source)}");

        string archive = Path.Combine(root, "sample.tar.gz");
        var created = await BackupEngine.NewTarArchiveAsync(new CreateArchiveRequest([source], archive) { Compression = ArchiveCompression.GZip, Checksum = true }, null, cancellation);
        Console.WriteLine($"2. New-TarArchive: {created.EntryCount} entries, {created.BytesIn:N0} bytes -> {created.BytesOut:N0} bytes (ratio {created.Ratio}) in {created.Duration.TotalMilliseconds:F0} ms");
        Console.WriteLine($"   SHA-256 {created.Sha256} (also in {Path.GetFileName(created.ChecksumPath)})");

        var tested = await BackupEngine.TestArchiveAsync(new TestArchiveRequest(archive), null, cancellation);
        Console.WriteLine($"3. Test-Archive: IsValid={tested.IsValid}, {tested.EntriesRead} entries, .sha256 matched={tested.ChecksumFileMatched}");

        string copy = Path.Combine(root, "restored");
        var expanded = await BackupEngine.ExpandTarArchiveAsync(new ExpandArchiveRequest(archive, copy), null, cancellation);
        Console.WriteLine($"4. Expand-TarArchive: {expanded.Files} files, {expanded.Directories} folders, {expanded.SymbolicLinks} symlinks, {expanded.HardLinks} hard links into {copy}");

        var compared = await BackupEngine.TestArchiveAsync(new TestArchiveRequest(archive) { Compare = copy }, null, cancellation);
        Console.WriteLine($"5. Test-Archive -Compare {copy}: {compared.Problems.Count} differences (content, size, mode, time, links, owner checked for every entry)");
        foreach (var problem in compared.Problems)
        {
            Console.WriteLine($"   {problem}");
        }

        bool ok = created.Complete && tested.IsValid && expanded.Complete && compared.IsValid;
        Console.WriteLine(ok ? "The restored copy is identical to the sample tree." : "The round trip found problems.");

        Console.WriteLine();
        Console.WriteLine("6. Start-HotBackup -Engine Sqlite while a writer commits, then Restore-BackupSet:");
        bool sqlite = await SqliteDemo.RunAsync(Console.Out, cancellation);
        return ok && sqlite ? ExitCodes.Success : ExitCodes.ProblemsFound;
    }
}
