using System.Collections;
using System.Globalization;
using System.Reflection;

namespace BackupCmdlets.Cli;

/// <summary>Plain-text rendering of a result object: one "Name : value" line per property, as Format-List does.</summary>
internal static class TextFormatter
{
    public static string Format(object value)
    {
        if (value is string or IConvertible)
        {
            return Render(value);
        }

        var properties = value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .ToArray();
        int width = properties.Length == 0 ? 0 : properties.Max(p => p.Name.Length);
        var lines = properties.Select(p => $"{p.Name.PadRight(width)} : {Render(p.GetValue(value))}");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string Render(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => $"{{{string.Join(", ", e.Cast<object?>().Take(5).Select(Render))}{(e.Cast<object?>().Skip(5).Any() ? ", ..." : "")}}}",
        _ => value.ToString() ?? "",
    };
}
