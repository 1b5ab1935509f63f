using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// The only way text reaches the SQL the provider sends: identifiers validated and double-quoted,
/// file names as single-quoted literals (quotes doubled). Values such as SCNs are bound as parameters.
/// </summary>
internal static partial class OracleSql
{
    /// <summary>
    /// A tablespace name as a user typed it: the unquoted-identifier rules (a letter, then letters,
    /// digits, _, $ or #, at most 128 characters), folded to upper case as Oracle stores it.
    /// </summary>
    public static string NormalizeUserIdentifier(string name) => NormalizeUserIdentifier(name, "tablespace");

    /// <summary>The same for another kind of name (<paramref name="what"/>: schema, directory), named so in the error.</summary>
    public static string NormalizeUserIdentifier(string name, string what)
    {
        if (!UnquotedIdentifier().IsMatch(name))
        {
            throw new BackupException(Errors.OracleInvalidIdentifier, $"'{name}' is not a valid Oracle {what} name: a letter, then letters, digits, _, $ or #, at most 128 characters.", name);
        }

        return name.ToUpperInvariant();
    }

    /// <summary>An identifier as stored in the dictionary, quoted so it is taken exactly as it is.</summary>
    public static string QuoteIdentifier(string name)
    {
        if (name.Length is 0 or > 128 || name.Contains('"') || name.Any(char.IsControl))
        {
            throw new BackupException(Errors.OracleInvalidIdentifier, $"'{name}' cannot be used as an Oracle identifier.", name);
        }

        return "\"" + name + "\"";
    }

    /// <summary>A text literal (a file name): single quotes doubled; control characters refused.</summary>
    public static string QuoteLiteral(string value)
    {
        if (value.Length == 0 || value.Any(char.IsControl))
        {
            throw new BackupException(Errors.OracleInvalidLiteral, $"'{value}' cannot be passed to Oracle as a file name.", value);
        }

        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_$#]{0,127}$")]
    private static partial Regex UnquotedIdentifier();
}
