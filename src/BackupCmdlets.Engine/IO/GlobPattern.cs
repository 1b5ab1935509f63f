using System.Text;
using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.IO;

/// <summary>
/// A tar-style name pattern: <c>*</c> and <c>?</c> within one path segment, <c>**</c> across
/// segments, <c>[abc]</c> classes. A pattern without '/' matches the base name at any depth; one
/// with '/' matches the whole entry name from its start; a trailing '/' matches folders only.
/// </summary>
internal sealed class GlobPattern
{
    private readonly Regex _regex;
    private readonly bool _directoriesOnly;

    public GlobPattern(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new BackupException(Errors.InvalidPattern, "An empty pattern matches nothing; leave it out.");
        }

        Text = pattern;
        _directoriesOnly = pattern.EndsWith('/');
        string body = pattern.TrimEnd('/');
        bool anchored = body.Contains('/');
        body = body.TrimStart('/');
        string regex = anchored ? $"^{Translate(body)}$" : $"(^|/){Translate(body)}$";
        _regex = new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Text { get; }

    /// <summary>True when the entry (a relative name without trailing '/') matches.</summary>
    public bool IsMatch(string relativeName, bool isDirectory) =>
        (!_directoriesOnly || isDirectory) && _regex.IsMatch(relativeName);

    public static IReadOnlyList<GlobPattern> Compile(IEnumerable<string>? patterns) =>
        (patterns ?? []).Select(p => new GlobPattern(p)).ToArray();

    private static string Translate(string glob)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    i++;
                    if (i + 1 < glob.Length && glob[i + 1] == '/')
                    {
                        i++;
                        builder.Append("(.*/)?");
                    }
                    else
                    {
                        builder.Append(".*");
                    }

                    break;
                case '*':
                    builder.Append("[^/]*");
                    break;
                case '?':
                    builder.Append("[^/]");
                    break;
                case '[':
                    int close = i + 2 <= glob.Length ? glob.IndexOf(']', i + 2) : -1;
                    if (close < 0)
                    {
                        builder.Append(@"\[");
                        break;
                    }

                    AppendCharacterClass(builder, glob[(i + 1)..close]);
                    i = close;
                    break;
                case '\\' when i + 1 < glob.Length:
                    builder.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                default:
                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The regex for a bracket expression's contents (<c>abc</c> of <c>[abc]</c>): a leading '!' or '^'
    /// negates it, and a negated class never matches '/'. Shared with rsync-style sync patterns.
    /// </summary>
    internal static void AppendCharacterClass(StringBuilder regex, string set)
    {
        bool negate = set.StartsWith('!') || set.StartsWith('^');
        if (negate)
        {
            set = set[1..];
        }

        regex.Append('[').Append(negate ? "^/" : "").Append(set.Replace(@"\", @"\\").Replace("[", @"\[")).Append(']');
    }
}
