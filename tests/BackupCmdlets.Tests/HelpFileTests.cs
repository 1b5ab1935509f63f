using BackupCmdlets.Tests.Help;
using BackupCmdlets.Tests.Support;

namespace BackupCmdlets.Tests;

/// <summary>
/// The MAML help file Get-Help reads is built from the cmdlets and their doc comments, and must not
/// drift from them. To refresh it after changing a cmdlet: <c>BACKUPCMDLETS_UPDATE_HELP=1 dotnet test --filter HelpFile</c>.
/// </summary>
public sealed class HelpFileTests : IDisposable
{
    private readonly CmdletAssembly _cmdlets = new();

    public void Dispose() => _cmdlets.Dispose();

    private static string HelpPath => Path.Combine(BuildLayout.ModuleFolder, "en-US", "BackupCmdlets.dll-Help.xml");

    private static DocComments Docs => new(Path.ChangeExtension(BuildLayout.CmdletAssembly, ".xml"));

    [Fact]
    public void The_help_file_matches_the_cmdlets_and_their_doc_comments()
    {
        var help = MamlHelpBuilder.Build(_cmdlets.Cmdlets, Docs);
        string expected = help.Declaration + Environment.NewLine + help.Root;
        if (Environment.GetEnvironmentVariable("BACKUPCMDLETS_UPDATE_HELP") == "1")
        {
            File.WriteAllText(HelpPath, expected + Environment.NewLine);
        }

        Assert.True(File.Exists(HelpPath), $"{HelpPath} is missing; make it with BACKUPCMDLETS_UPDATE_HELP=1 dotnet test --filter HelpFile");
        Assert.True(File.ReadAllText(HelpPath).TrimEnd() == expected.TrimEnd(), $"{HelpPath} is out of date with the cmdlets; refresh it with BACKUPCMDLETS_UPDATE_HELP=1 dotnet test --filter HelpFile");
    }

    [Fact]
    public void Every_cmdlet_has_a_synopsis_examples_with_remarks_related_links_and_every_parameter_a_description()
    {
        var docs = Docs;
        var missing = new List<string>();
        foreach (var cmdlet in _cmdlets.Cmdlets)
        {
            var (synopsis, _, examples, seeAlso) = docs.Type(cmdlet.Type.FullName!);
            missing.AddRange(examples.Where(e => e.Remarks.Length == 0).Select(e => $"{cmdlet.Name}: remarks for the example '{e.Code}'"));
            if (seeAlso.Count == 0)
            {
                missing.Add($"{cmdlet.Name}: <seealso>");
            }

            // What -Path names differs from cmdlet to cmdlet (an archive, a repository, a set, a source folder): each says it.
            missing.AddRange(new[] { "Path", "LiteralPath" }
                .Where(p => cmdlet.Parameter(p) is not null && docs.Property(cmdlet.Type, p) is [var text] && text.StartsWith("Paths to read", StringComparison.Ordinal))
                .Select(p => $"{cmdlet.Name} -{p}: its own <parameter name=\"{p}\"> description"));
            if (synopsis.Count == 0)
            {
                missing.Add($"{cmdlet.Name}: synopsis");
            }

            if (examples.Count == 0)
            {
                missing.Add($"{cmdlet.Name}: example");
            }

            missing.AddRange(cmdlet.Parameters.Where(p => docs.Property(cmdlet.Type, p.Name).Count == 0).Select(p => $"{cmdlet.Name} -{p.Name}: description"));
        }

        Assert.True(missing.Count == 0, "Help is missing for: " + string.Join(", ", missing));
    }
}
