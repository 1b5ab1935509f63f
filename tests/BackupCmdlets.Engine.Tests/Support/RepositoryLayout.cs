namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>Where the repository's sources are, found from the test assembly upwards.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string EngineSources => Path.Combine(Root, "src", "BackupCmdlets.Engine");

    public static string ModuleManifest => Path.Combine(Root, "module", "BackupCmdlets.psd1");

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "BackupCmdlets.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException($"No BackupCmdlets.sln above {AppContext.BaseDirectory}.");
    }
}
