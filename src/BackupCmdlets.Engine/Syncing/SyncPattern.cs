using System.Text;
using System.Text.RegularExpressions;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Syncing;

/// <summary>
/// One rsync-style filter pattern, matched against a path relative to the source folder:
/// <c>*</c> and <c>?</c> stop at a slash, <c>**</c> does not, <c>[...]</c> is a character class;
/// a leading <c>/</c> anchors the pattern at the top of the tree, a trailing <c>/</c> matches only folders,
/// a trailing <c>/***</c> matches a folder and everything in it. Without a slash the pattern matches
/// the last name of the path; with one (or <c>**</c>) it matches the end of the path at a name boundary.
/// </summary>
internal sealed class SyncPattern
{
    private readonly Regex _regex;
    private readonly bool _directoriesOnly;

    public SyncPattern(string pattern)
    {
        Text = pattern;
        string body = pattern;
        if (body.Length == 0 || body == "/")
        {
            throw Invalid(pattern, "the pattern is empty");
        }

        if (body.EndsWith('/'))
        {
            _directoriesOnly = true;
            body = body.TrimEnd('/');
        }

        bool anchored = body.StartsWith('/');
        body = body.TrimStart('/');
        bool withContents = body.EndsWith("/***", StringComparison.Ordinal);
        if (withContents)
        {
            body = body[..^4];
        }

        string core = Translate(body, pattern);
        string prefix = anchored ? "^" : "(?:^|/)";
        string suffix = withContents ? "(?:/.*)?$" : "$";
        _regex = new Regex(prefix + core + suffix, RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
    }

    public string Text { get; }

    public bool Matches(string relativePath, bool isDirectory) =>
        (!_directoriesOnly || isDirectory) && _regex.IsMatch(relativePath);

    private static string Translate(string body, string pattern)
    {
        var regex = new StringBuilder();
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            switch (c)
            {
                case '*' when i + 1 < body.Length && body[i + 1] == '*':
                    bool leading = i == 0;
                    while (i + 1 < body.Length && body[i + 1] == '*')
                    {
                        i++;
                    }

                    // A leading "**/" also matches no folder at all, as rsync's does: **/a is a, x/a and x/y/a
                    // (inside a pattern, a/**/z still needs a folder between, as in rsync).
                    if (leading && i + 1 < body.Length && body[i + 1] == '/')
                    {
                        regex.Append("(?:.*/)?");
                        i++;
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '\\' when i + 1 < body.Length:
                    regex.Append(Regex.Escape(body[++i].ToString()));
                    break;
                case '[':
                    int end = i + 2 <= body.Length ? body.IndexOf(']', i + 2) : -1;
                    if (end < 0)
                    {
                        throw Invalid(pattern, "a '[' has no closing ']'");
                    }

                    GlobPattern.AppendCharacterClass(regex, body[(i + 1)..end]);
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.ToString();
    }

    private static BackupException Invalid(string pattern, string why) =>
        new(Errors.SyncInvalidPattern, $"The filter pattern '{pattern}' is not valid: {why}.");
}
