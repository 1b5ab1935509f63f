using System.Diagnostics;

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
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList =
            {
                "publish", BuildLayout.CmdletProject, "-c", BuildLayout.Configuration, "-o", Folder,
                "--no-build", "--nologo", "-nodeReuse:false",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // The test host may run inside an MSBuild/VSTest environment: the child must not inherit it.
        foreach (string name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet publish failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
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
