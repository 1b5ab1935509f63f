using System.Text;
using System.Text.RegularExpressions;

namespace BackupCmdlets.Generators;

internal static class Naming
{
    /// <summary>DestinationPath is destination-path.</summary>
    public static string Kebab(string name)
    {
        var kebab = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && kebab.Length > 0)
            {
                kebab.Append('-');
            }

            kebab.Append(char.ToLowerInvariant(c));
        }

        return kebab.ToString();
    }

    /// <summary>DestinationPath is destinationPath (a local's name).</summary>
    public static string Camel(string name) => "@" + char.ToLowerInvariant(name[0]) + name.Substring(1);

    public static string Literal(string text) =>
        "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";

    public static string Xml(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A description with its {Parameter} placeholders spelled as the front spells parameters (-Force, --force).</summary>
    public static string Spelled(string description, bool cli) =>
        Regex.Replace(description, @"\{([A-Z]\w*)\}", m => cli ? "--" + Kebab(m.Groups[1].Value) : "-" + m.Groups[1].Value);
}
