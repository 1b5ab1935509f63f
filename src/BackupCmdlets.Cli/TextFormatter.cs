using System.Collections;
using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace BackupCmdlets.Cli;

/// <summary>
/// Plain-text rendering of a result object: one "Name : value" line per property, as Format-List does.
/// The properties are those of the type's compile-time JSON description (the same as <c>--json</c>
/// prints), so no reflection is needed at run time.
/// </summary>
internal static class TextFormatter
{
    public static string Format(object value, JsonSerializerContext types)
    {
        if (value is string or IConvertible)
        {
            return Render(value);
        }

        var info = types.GetTypeInfo(value.GetType())
            ?? throw new InvalidOperationException($"{value.GetType().Name} is not described in {types.GetType().Name}.");
        var properties = info.Kind == JsonTypeInfoKind.Object ? info.Properties.Where(p => p.Get is not null).ToList() : [];
        int width = properties.Count == 0 ? 0 : properties.Max(p => p.Name.Length);
        var lines = properties.Select(p => $"{p.Name.PadRight(width)} : {Render(p.Get!(value))}");
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
