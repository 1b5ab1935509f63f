using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>Reads the order of a backup's statements from the simulator's record of them.</summary>
internal static partial class OracleStatementLog
{
    /// <summary>Every BEGIN BACKUP has a later END BACKUP of the same tablespace (or database), and nothing stays begun.</summary>
    public static void AssertEveryBeginHasItsEnd(IReadOnlyList<string> statements)
    {
        var open = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string statement in statements)
        {
            if (BackupMode().Match(statement) is not { Success: true } match)
            {
                continue;
            }

            string target = match.Groups[1].Value;
            open[target] = open.GetValueOrDefault(target) + (match.Groups[2].Value == "BEGIN" ? 1 : -1);
            Assert.True(open[target] >= 0, $"END BACKUP of {target} without a BEGIN before it:\n{string.Join('\n', statements)}");
        }

        Assert.True(open.Values.All(v => v == 0), $"BEGIN BACKUP without END BACKUP ({string.Join(", ", open.Where(o => o.Value != 0).Select(o => o.Key))}):\n{string.Join('\n', statements)}");
    }

    public static IReadOnlyList<string> Begins(IReadOnlyList<string> statements) =>
        [.. statements.Select(s => BackupMode().Match(s)).Where(m => m.Success && m.Groups[2].Value == "BEGIN").Select(m => m.Groups[1].Value)];

    public static int IndexOf(IReadOnlyList<string> statements, string prefix) =>
        statements.ToList().FindIndex(s => s.StartsWith(prefix, StringComparison.Ordinal));

    public static int LastIndexOf(IReadOnlyList<string> statements, string contains) =>
        statements.ToList().FindLastIndex(s => s.Contains(contains, StringComparison.Ordinal));

    [GeneratedRegex(@"^ALTER (TABLESPACE ""[^""]+""|DATABASE) (BEGIN|END) BACKUP$")]
    private static partial Regex BackupMode();
}
