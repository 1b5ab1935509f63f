using BackupCmdlets.Engine.Archiving;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Damage made on purpose, and the check that a race cannot let it pass.</summary>
internal static class DamagedArchive
{
    /// <summary>A copy of <paramref name="data"/> with one bit flipped at <paramref name="position"/>.</summary>
    public static byte[] Flipped(byte[] data, int position)
    {
        byte[] copy = (byte[])data.Clone();
        copy[position] ^= 0x20;
        return copy;
    }

    /// <summary>
    /// Test-Archive finds <paramref name="archive"/> damaged in every one of <paramref name="testRuns"/>
    /// runs, and Expand-TarArchive fails on it in every one of <paramref name="expandRuns"/>: an error
    /// dropped between threads shows in some run as a pass.
    /// </summary>
    public static void IsFoundEveryTime(string archive, TempDirectory temp, int testRuns, int expandRuns)
    {
        for (int run = 0; run < testRuns; run++)
        {
            var result = Archives.Test(archive);
            Assert.False(result.IsValid, $"run {run}: Test-Archive found the damaged archive valid");
            Assert.Contains(result.Problems, p => p.ErrorId is nameof(Errors.ArchiveCorrupt) or nameof(Errors.ArchiveTruncated));
        }

        for (int run = 0; run < expandRuns; run++)
        {
            string destination = temp.Combine($"out{run}");
            var error = Record.Exception(() => Archives.Expand(archive, destination));
            Assert.True(error is BackupException { ErrorId: nameof(Errors.ArchiveCorrupt) or nameof(Errors.ArchiveTruncated) }, $"run {run}: Expand-TarArchive ended with {error?.GetType().Name ?? "success"}");
            Directory.Delete(destination, recursive: true);
        }
    }
}
