using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Tests.Support;

namespace BackupCmdlets.Engine.Tests.Architecture;

/// <summary>
/// The engine's folders are layers (ARCHITECTURE.md): IO at the bottom; Archiving, Syncing and Snapshots on IO;
/// Catalog (manifests, repositories, retention) on IO; Databases on all but Syncing. A file may name
/// the types of its own folder and of the folders below it, never of one beside or above it. Read from
/// the sources: a type's folder is where it is declared.
/// </summary>
public sealed partial class EngineLayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["IO"] = [],
        ["Archiving"] = ["IO"],
        ["Syncing"] = ["IO"],
        ["Snapshots"] = ["IO"],
        ["Catalog"] = ["IO"],
        ["Databases"] = ["IO", "Archiving", "Catalog"],
    };

    [Fact]
    public void No_folder_names_a_type_of_a_folder_beside_or_above_it()
    {
        string engine = RepositoryLayout.EngineSources;
        var files = Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories)
            .Select(path => (Path: path, Layer: Path.GetRelativePath(engine, path).Split(Path.DirectorySeparatorChar) is [var top, _, ..] ? top : ""))
            .Where(file => Allowed.ContainsKey(file.Layer))
            .ToList();
        Assert.Equal(Allowed.Keys.Order(), files.Select(f => f.Layer).Distinct().Order());

        var layerOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, layer) in files)
        {
            foreach (Match match in Declaration().Matches(File.ReadAllText(path)))
            {
                layerOf.TryAdd(match.Groups[1].Value, layer);
            }
        }

        var violations = new List<string>();
        foreach (var (path, layer) in files)
        {
            string code = Comment().Replace(File.ReadAllText(path), "");
            violations.AddRange(Identifier().Matches(code).Select(m => m.Value).Distinct()
                .Where(name => layerOf.TryGetValue(name, out string? other) && other != layer && !Allowed[layer].Contains(other))
                .Select(name => $"{Path.GetRelativePath(engine, path)} ({layer}) names {name} ({layerOf[name]})"));
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [GeneratedRegex(@"\b(?:class|record|struct|enum|interface)\s+(\w+)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();
}
