using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace BackupCmdlets.Generators;

/// <summary>
/// The PowerShell side: a [Parameter] property per front parameter (with its help description, range,
/// values and default in words), and BuildRequest, which makes the request from the bound parameters
/// (paths resolved by the cmdlet base's ResolveOutputPath) and leaves the record's defaults to what was
/// not given.
/// </summary>
internal static class CmdletParametersEmitter
{
    private const string Automation = "global::System.Management.Automation.";

    public static string Emit(string ns, string className, RequestShape request)
    {
        var code = SourceWriter.Partial(ns, $"partial class {className}", request.TypeName);
        foreach (var parameter in request.Parameters)
        {
            Property(code, parameter);
            code.Line();
        }

        BuildRequest(code, request);
        code.Close();
        return code.ToString();
    }

    private static void Property(SourceWriter code, FrontParameter parameter)
    {
        code.Line($"/// <summary><para type=\"description\">{Naming.Xml(Naming.Spelled(parameter.Description, cli: false))}</para></summary>");
        foreach (string set in parameter.ParameterSets ?? new[] { "" })
        {
            var arguments = new List<string>();
            if (parameter.Mandatory)
            {
                arguments.Add("Mandatory = true");
            }

            if (parameter.Position >= 0)
            {
                arguments.Add("Position = " + parameter.Position.ToString(CultureInfo.InvariantCulture));
            }

            if (set.Length > 0)
            {
                arguments.Add("ParameterSetName = " + Naming.Literal(set));
            }

            code.Line(arguments.Count == 0 ? $"[{Automation}Parameter]" : $"[{Automation}Parameter({string.Join(", ", arguments)})]");
        }

        if (parameter.Mandatory && parameter.Shape == ValueShape.Text)
        {
            code.Line($"[{Automation}ValidateNotNullOrEmpty]");
        }

        if (parameter.Minimum is not null || parameter.Maximum is not null)
        {
            code.Line($"[{Automation}ValidateRange({Bound(parameter, parameter.Minimum, "MinValue")}, {Bound(parameter, parameter.Maximum, "MaxValue")})]");
        }

        if (parameter.Allowed is { } allowed)
        {
            code.Line($"[{Automation}ValidateSet({string.Join(", ", allowed.Select(v => Naming.Literal(v.ToString(CultureInfo.InvariantCulture))))})]");
        }

        if (parameter.AllowedNames is { } names)
        {
            code.Line($"[{Automation}ValidateSet({string.Join(", ", names.Select(Naming.Literal))})]");
        }

        if (parameter.Default is { } help)
        {
            code.Line($"[{Automation}PSDefaultValue(Help = {Naming.Literal(Naming.Spelled(help, cli: false))})]");
        }

        code.Line($"public {PropertyType(parameter)} {parameter.Name} {{ get; set; }}{(parameter.Mandatory && parameter.Shape == ValueShape.Text ? " = \"\";" : "")}");
    }

    private static void BuildRequest(SourceWriter code, RequestShape request)
    {
        var supplied = request.Constructor.Where(c => c.Parameter is null).ToList();
        code.Line("/// <summary>");
        code.Line("/// The request from the bound parameters: paths resolved, and what was not given left at the record's");
        code.Line("/// default. Null when a path cannot be resolved (the error has been written).");
        code.Line("/// </summary>");
        code.Open($"private {request.TypeName}? BuildRequest({string.Join(", ", supplied.Select(c => $"{c.Type} {Naming.Camel(c.Name)}"))})");
        var arguments = new List<string>();
        foreach (var (name, _, parameter) in request.Constructor)
        {
            if (parameter is null)
            {
                arguments.Add(Naming.Camel(name));
            }
            else if (parameter.IsPath)
            {
                code.Open($"if (ResolveOutputPath({parameter.Name}) is not {{ }} {parameter.Local})").Line("return null;").Close();
                arguments.Add(parameter.Local);
            }
            else
            {
                arguments.Add(Converted(parameter, parameter.Name));
            }
        }

        code.Line($"var request = new {request.TypeName}({string.Join(", ", arguments)});");
        foreach (var parameter in request.Parameters.Where(p => p.ConstructorIndex < 0))
        {
            switch (parameter.Shape)
            {
                case ValueShape.Switch:
                    code.Open($"if ({parameter.Name}.IsPresent)").Line($"request = request with {{ {parameter.Name} = true }};").Close();
                    break;
                case ValueShape.Text when parameter.IsPath:
                    code.Open($"if ({parameter.Name} is not null)");
                    code.Open($"if (ResolveOutputPath({parameter.Name}) is not {{ }} {parameter.Local})").Line("return null;").Close();
                    code.Line($"request = request with {{ {parameter.Name} = {parameter.Local} }};");
                    code.Close();
                    break;
                case ValueShape.Text or ValueShape.TextList:
                    code.Open($"if ({parameter.Name} is not null)").Line($"request = request with {{ {parameter.Name} = {parameter.Name} }};").Close();
                    break;
                default:
                    code.Open($"if ({parameter.Name} is {{ }} {parameter.Local})").Line($"request = request with {{ {parameter.Name} = {Converted(parameter, parameter.Local)} }};").Close();
                    break;
            }
        }

        code.Line("return request;");
        code.Close();
    }

    private static string PropertyType(FrontParameter parameter) => parameter.Shape switch
    {
        ValueShape.Switch => Automation + "SwitchParameter",
        ValueShape.Text => parameter.Mandatory ? "string" : "string?",
        ValueShape.TextList => "string[]?",
        _ => (parameter.IsDateTimeOffset ? "global::System.DateTime" : parameter.ValueType) + (parameter.Mandatory && parameter.ConstructorIndex >= 0 ? "" : "?"),
    };

    /// <summary>A DateTime from PowerShell (a local time unless it says otherwise) as the record's DateTimeOffset in UTC.</summary>
    private static string Converted(FrontParameter parameter, string value) =>
        parameter.IsDateTimeOffset ? $"new global::System.DateTimeOffset({value}.ToUniversalTime(), global::System.TimeSpan.Zero)" : value;

    private static string Bound(FrontParameter parameter, long? bound, string typeBound) =>
        bound is { } value
            ? value.ToString(CultureInfo.InvariantCulture) + (parameter.IsInt32 ? "" : "L")
            : $"{parameter.ValueType}.{typeBound}";
}
