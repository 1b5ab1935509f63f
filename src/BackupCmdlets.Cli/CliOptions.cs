using System.CommandLine;
using System.Text;

namespace BackupCmdlets.Cli;

/// <summary>Options every command shares.</summary>
internal static class CliOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print result objects as JSON lines instead of text.",
        Recursive = true,
    };

    /// <summary>The option of a request property, as messages name it: DestinationPath is --destination-path.</summary>
    public static string NameOf(string property)
    {
        var name = new StringBuilder("--", property.Length + 6);
        foreach (char c in property)
        {
            if (char.IsUpper(c) && name.Length > 2)
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(c));
        }

        return name.ToString();
    }
}
