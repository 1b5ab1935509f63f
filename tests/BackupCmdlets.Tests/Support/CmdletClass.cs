using System.Reflection;

namespace BackupCmdlets.Tests.Support;

/// <summary>What a [Cmdlet] class declares, read from its attributes.</summary>
public sealed record CmdletClass(
    Type Type,
    string Verb,
    string Noun,
    bool SupportsShouldProcess,
    string? DefaultParameterSetName,
    IReadOnlyList<DeclaredOutputType> OutputTypes,
    IReadOnlyList<CmdletParameter> Parameters)
{
    private const string Automation = "System.Management.Automation.";

    public string Name => $"{Verb}-{Noun}";

    public CmdletParameter? Parameter(string name) =>
        Parameters.SingleOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public bool DerivesFrom(string fullName)
    {
        for (var t = Type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.FullName == fullName)
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{Name} ({Type.FullName})";

    internal static CmdletClass? TryRead(Type type)
    {
        var cmdlet = Attribute(type.GetCustomAttributesData(), "CmdletAttribute");
        if (cmdlet is null)
        {
            return null;
        }

        var outputTypes = type.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == Automation + "OutputTypeAttribute")
            .SelectMany(DeclaredOutputType.Read)
            .ToList();
        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(CmdletParameter.TryRead)
            .OfType<CmdletParameter>()
            .ToList();
        return new CmdletClass(
            type,
            (string)cmdlet.ConstructorArguments[0].Value!,
            (string)cmdlet.ConstructorArguments[1].Value!,
            Named(cmdlet, "SupportsShouldProcess") is true,
            Named(cmdlet, "DefaultParameterSetName") as string,
            outputTypes,
            parameters);
    }

    internal static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> attributes, string name) =>
        attributes.SingleOrDefault(a => a.AttributeType.FullName == Automation + name);

    internal static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).SingleOrDefault();
}

/// <summary>One type named by [OutputType]: by <c>typeof</c> (Type set) or by a string (TypeName only).</summary>
public sealed record DeclaredOutputType(Type? Type, string TypeName)
{
    internal static IEnumerable<DeclaredOutputType> Read(CustomAttributeData attribute)
    {
        var items = (IReadOnlyCollection<CustomAttributeTypedArgument>)attribute.ConstructorArguments[0].Value!;
        return items.Select(i => i.Value is Type t ? new DeclaredOutputType(t, t.FullName!) : new DeclaredOutputType(null, (string)i.Value!));
    }
}

/// <summary>A cmdlet parameter: its property, aliases, the parameter sets it belongs to, and its default as [PSDefaultValue] states it.</summary>
public sealed record CmdletParameter(string Name, Type PropertyType, IReadOnlyList<string> Aliases, IReadOnlyList<ParameterSetEntry> Sets, string? DefaultValue = null)
{
    public const string AllParameterSets = "__AllParameterSets";

    internal static CmdletParameter? TryRead(PropertyInfo property)
    {
        var attributes = property.GetCustomAttributesData();
        var sets = attributes
            .Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute")
            .Select(ParameterSetEntry.Read)
            .ToList();
        if (sets.Count == 0)
        {
            return null;
        }

        var alias = CmdletClass.Attribute(attributes, "AliasAttribute");
        var aliases = alias is null
            ? []
            : ((IReadOnlyCollection<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(a => (string)a.Value!).ToList();
        var defaultValue = CmdletClass.Attribute(attributes, "PSDefaultValueAttribute") is { } d
            ? (CmdletClass.Named(d, "Help") ?? CmdletClass.Named(d, "Value"))?.ToString()
            : null;
        return new CmdletParameter(property.Name, property.PropertyType, aliases, sets, defaultValue);
    }
}

/// <summary>One [Parameter] attribute: membership of one parameter set.</summary>
public sealed record ParameterSetEntry(string SetName, bool Mandatory, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName, int? Position)
{
    internal static ParameterSetEntry Read(CustomAttributeData attribute) => new(
        CmdletClass.Named(attribute, "ParameterSetName") as string ?? CmdletParameter.AllParameterSets,
        CmdletClass.Named(attribute, "Mandatory") is true,
        CmdletClass.Named(attribute, "ValueFromPipeline") is true,
        CmdletClass.Named(attribute, "ValueFromPipelineByPropertyName") is true,
        CmdletClass.Named(attribute, "Position") is int position and >= 0 ? position : null);
}
