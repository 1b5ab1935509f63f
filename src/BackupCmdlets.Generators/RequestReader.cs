using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace BackupCmdlets.Generators;

/// <summary>Reads a request record's [FrontParameter] properties, from source or from a referenced assembly.</summary>
internal static class RequestReader
{
    public const string AttributeName = "BackupCmdlets.Engine.FrontParameterAttribute";

    private static readonly SymbolDisplayFormat Qualified = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// The request as <paramref name="command"/> takes it: for each property, the attribute naming this
    /// command, else the one naming none. With a null command (the record's own validation), the first.
    /// </summary>
    public static RequestShape Read(INamedTypeSymbol record, string? command)
    {
        var shape = new RequestShape { TypeName = record.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) };
        var constructor = record.InstanceConstructors
            .Where(c => !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, record)))
            .OrderByDescending(c => c.Parameters.Length)
            .First();
        var positional = constructor.Parameters.Select(p => p.Name).ToList();

        foreach (var property in record.GetMembers().OfType<IPropertySymbol>())
        {
            var attributes = property.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == AttributeName).ToList();
            var attribute = command is null
                ? attributes.FirstOrDefault()
                : attributes.FirstOrDefault(a => Named(a, "Command") as string == command) ?? attributes.FirstOrDefault(a => Named(a, "Command") is null);
            if (attribute is null)
            {
                continue;
            }

            var parameter = Describe(property, attribute);
            parameter.ConstructorIndex = positional.IndexOf(property.Name);
            shape.Parameters.Add(parameter);
        }

        foreach (var parameter in constructor.Parameters)
        {
            shape.Constructor.Add((parameter.Name, parameter.Type.ToDisplayString(Qualified), shape.Parameters.FirstOrDefault(p => p.Name == parameter.Name)));
        }

        return shape;
    }

    private static FrontParameter Describe(IPropertySymbol property, AttributeData attribute)
    {
        var type = property.Type;
        bool nullable = type.NullableAnnotation == NullableAnnotation.Annotated;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapped)
        {
            type = wrapped.TypeArguments[0];
            nullable = true;
        }

        var parameter = new FrontParameter
        {
            Name = property.Name,
            IsNullable = nullable,
            Description = (string)attribute.ConstructorArguments[0].Value!,
            Mandatory = Named(attribute, "Mandatory") is true,
            Position = Named(attribute, "Position") is int position ? position : -1,
            Default = Named(attribute, "Default") as string,
            Minimum = Named(attribute, "Minimum") is long minimum ? minimum : null,
            Maximum = Named(attribute, "Maximum") is long maximum ? maximum : null,
            IsPath = Named(attribute, "IsPath") is true,
            ValueType = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            IsDateTimeOffset = type.ToDisplayString() == "System.DateTimeOffset",
            IsInt32 = type.SpecialType == SpecialType.System_Int32,
        };
        parameter.Allowed = NamedArray(attribute, "Allowed")?.Select(v => (long)v!).ToList();
        parameter.AllowedNames = NamedArray(attribute, "AllowedNames")?.Select(v => (string)v!).ToList();
        parameter.ParameterSets = NamedArray(attribute, "ParameterSets")?.Select(v => (string)v!).ToList();
        parameter.Shape = type.SpecialType switch
        {
            SpecialType.System_Boolean => ValueShape.Switch,
            SpecialType.System_String => ValueShape.Text,
            _ when type is INamedTypeSymbol { IsGenericType: true } list && list.TypeArguments[0].SpecialType == SpecialType.System_String => ValueShape.TextList,
            _ when type.IsValueType => ValueShape.Value,
            _ => throw new InvalidOperationException($"{property.ContainingType.Name}.{property.Name}: a front parameter is a bool, a string, a list of strings or a value type, not {type}."),
        };
        return parameter;
    }

    private static object? Named(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name) is { Key: not null } argument ? argument.Value.Value : null;

    private static IEnumerable<object?>? NamedArray(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name) is { Key: not null } argument && !argument.Value.IsNull
            ? argument.Value.Values.Select(v => v.Value)
            : null;
}
