using System.Reflection;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Architecture;

/// <summary>
/// The engine's public surface is one class, BackupEngine, with one entry point per cmdlet named after
/// it (Get-TarArchiveItem is GetTarArchiveItemAsync); everything else is internal.
/// </summary>
public sealed partial class EngineSurfaceTests
{
    private static readonly Assembly Engine = typeof(BackupEngine).Assembly;

    [Fact]
    public void The_engine_exports_BackupEngine_and_nothing_else()
    {
        Assert.Equal(["BackupCmdlets.Engine.BackupEngine"], Engine.GetExportedTypes().Select(t => t.FullName));
    }

    [Fact]
    public void Every_cmdlet_has_an_entry_point_named_after_it()
    {
        var entryPoints = typeof(BackupEngine).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^"Async".Length] : m.Name)
            .ToHashSet(StringComparer.Ordinal);
        var cmdlets = CmdletName().Matches(File.ReadAllText(RepositoryLayout.ModuleManifest)).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(16, cmdlets.Count);
        Assert.All(cmdlets, cmdlet => Assert.Contains(cmdlet.Replace("-", "", StringComparison.Ordinal), entryPoints));
    }

    [GeneratedRegex(@"^\s+'([A-Z][a-z]+-[A-Za-z]+)'\s*$", RegexOptions.Multiline)]
    private static partial Regex CmdletName();
}
