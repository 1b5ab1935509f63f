namespace BackupCmdlets.Tests.Support;

/// <summary>
/// The importable module folder exactly as users get it: <c>dotnet publish src/BackupCmdlets</c>
/// (what build.ps1 -Task Package runs) into a temporary folder, from the build the tests ran against.
/// </summary>
public sealed class PublishedModule : IDisposable
{
    public PublishedModule()
    {
        Folder = Path.Combine(Path.GetTempPath(), "backupcmdlets-package-" + Guid.NewGuid().ToString("N"));
        var publish = Dotnet.Run(
            "publish", BuildLayout.CmdletProject, "-c", BuildLayout.Configuration, "-o", Folder,
            "--no-build", "--nologo", "-nodeReuse:false");
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed: {publish}");
    }

    public string Folder { get; }

    public string DependencyFolder => Path.Combine(Folder, "Dependencies");

    public IReadOnlyList<string> TopLevelFiles =>
        Directory.GetFiles(Folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
