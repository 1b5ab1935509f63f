using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace BackupCmdlets.Generators;

/// <summary>How a request property's type is carried by the fronts.</summary>
internal enum ValueShape
{
    /// <summary>bool: a switch (-Force, --force).</summary>
    Switch,

    /// <summary>string (or string?).</summary>
    Text,

    /// <summary>IReadOnlyList&lt;string&gt;: string[] in PowerShell, a repeatable option in the CLI.</summary>
    TextList,

    /// <summary>A value type (int, long, an enum, TimeSpan, DateTimeOffset), nullable or not in the record.</summary>
    Value,
}

/// <summary>One [FrontParameter] property of a request, as one command sees it.</summary>
internal sealed class FrontParameter
{
    public string Name { get; set; } = "";

    public ValueShape Shape { get; set; }

    /// <summary>The value type, fully qualified, without '?': global::System.Int32.</summary>
    public string ValueType { get; set; } = "";

    public bool IsDateTimeOffset { get; set; }

    /// <summary>The property is Nullable&lt;T&gt; (or string?) in the record.</summary>
    public bool IsNullable { get; set; }

    /// <summary>Its index among the record's positional parameters; -1 for an init property.</summary>
    public int ConstructorIndex { get; set; } = -1;

    public string Description { get; set; } = "";

    public bool Mandatory { get; set; }

    public int Position { get; set; } = -1;

    public string? Default { get; set; }

    public long? Minimum { get; set; }

    public long? Maximum { get; set; }

    public IReadOnlyList<long>? Allowed { get; set; }

    /// <summary>The enum members accepted, by name; null for all of them.</summary>
    public IReadOnlyList<string>? AllowedNames { get; set; }

    public bool IsPath { get; set; }

    public IReadOnlyList<string>? ParameterSets { get; set; }

    /// <summary>An int (its range is written as ints), not a long.</summary>
    public bool IsInt32 { get; set; }

    public string OptionName => "--" + Naming.Kebab(Name);

    public string Local => Naming.Camel(Name);

    /// <summary>What a value must be, in words: "from 1 to 256", "at least 0", "one of 2048, 4096", "one of None, GZip".</summary>
    public string AllowedText =>
        Allowed is { } allowed ? "one of " + string.Join(", ", allowed.Select(v => v.ToString(CultureInfo.InvariantCulture)))
        : AllowedNames is { } names ? "one of " + string.Join(", ", names)
        : Minimum is { } minimum && Maximum is { } maximum ? $"from {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}"
        : Minimum is { } atLeast ? $"at least {atLeast.ToString(CultureInfo.InvariantCulture)}"
        : $"at most {Maximum?.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The check of a value named <paramref name="value"/>, as a C# condition; null when there is none.</summary>
    public string? Check(string value)
    {
        if (Allowed is { } allowed)
        {
            return string.Join(" || ", allowed.Select(v => $"{value} == {v.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (AllowedNames is { } names)
        {
            return string.Join(" || ", names.Select(name => $"{value} == {ValueType}.{name}"));
        }

        var bounds = new List<string>();
        if (Minimum is { } minimum)
        {
            bounds.Add($"{value} >= {minimum.ToString(CultureInfo.InvariantCulture)}");
        }

        if (Maximum is { } maximum)
        {
            bounds.Add($"{value} <= {maximum.ToString(CultureInfo.InvariantCulture)}");
        }

        return bounds.Count == 0 ? null : string.Join(" && ", bounds);
    }
}
