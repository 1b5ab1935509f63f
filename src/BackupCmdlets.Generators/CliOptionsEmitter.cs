using System.Collections.Generic;
using System.Linq;

namespace BackupCmdlets.Generators;

/// <summary>
/// The CLI side: an Option per front parameter (kebab-case name, the description with its default in
/// words, range and values checked at parse time), AddOptions, and BuildRequest, which makes the
/// request from the parse result (paths resolved against the working directory) and leaves the
/// record's defaults to what was not given.
/// </summary>
internal static class CliOptionsEmitter
{
    private const string CommandLine = "global::System.CommandLine.";

    public static string Emit(string ns, string className, RequestShape request)
    {
        var code = SourceWriter.Partial(ns, $"partial class {className}", request.TypeName);
        foreach (var parameter in request.Parameters)
        {
            string description = Naming.Spelled(parameter.Description, cli: true) + (parameter.Default is { } help ? $" Default: {Naming.Spelled(help, cli: true)}." : "");
            var settings = new List<string> { "Description = " + Naming.Literal(description) };
            if (parameter.Mandatory)
            {
                settings.Add("Required = true");
            }

            if (parameter.Shape == ValueShape.TextList)
            {
                settings.Add("AllowMultipleArgumentsPerToken = true");
            }

            code.Line($"private readonly {CommandLine}Option<{OptionType(parameter)}> {Field(parameter)} = new({Naming.Literal(parameter.OptionName)}) {{ {string.Join(", ", settings)} }};");
            code.Line();
        }

        AddOptions(code, request);
        code.Line();
        BuildRequest(code, request);
        code.Close();
        return code.ToString();
    }

    private static void AddOptions(SourceWriter code, RequestShape request)
    {
        code.Line("/// <summary>Adds the request's options to the command, with their range and value checks.</summary>");
        code.Open($"private void AddOptions({CommandLine}Command command)");
        foreach (var parameter in request.Parameters)
        {
            if (parameter.Check("value") is { } check)
            {
                code.Open($"{Field(parameter)}.Validators.Add(static result =>");
                code.Line($"{parameter.ValueType}? given;");
                code.Open("try");
                code.Line($"given = result.GetValueOrDefault<{parameter.ValueType}?>();");
                code.Close();
                code.Open("catch (global::System.InvalidOperationException)");
                code.Line("return; // not a value of the type at all: System.CommandLine says so itself");
                code.Close();
                code.Line();
                code.Open($"if (given is {{ }} value && !({check}))");
                code.Line($"result.AddError($\"{parameter.OptionName} must be {parameter.AllowedText}, not {{value}}.\");");
                code.Close();
                code.Close(");");
            }

            if (parameter.AllowedNames is { } names)
            {
                // --help and completion offer these, not every member of the enum.
                code.Line($"{Field(parameter)}.CompletionSources.Clear();");
                code.Line($"{Field(parameter)}.CompletionSources.Add(static _ => [{string.Join(", ", names.Select(name => $"new {CommandLine}Completions.CompletionItem({Naming.Literal(name)})"))}]);");
            }

            code.Line($"command.Options.Add({Field(parameter)});");
        }

        code.Close();
    }

    private static void BuildRequest(SourceWriter code, RequestShape request)
    {
        var supplied = request.Constructor.Where(c => c.Parameter is null).ToList();
        var parameters = new[] { $"{CommandLine}ParseResult parse" }.Concat(supplied.Select(c => $"{c.Type} {Naming.Camel(c.Name)}"));
        code.Line("/// <summary>The request from the command line: paths resolved against the working directory, and what was not given left at the record's default.</summary>");
        code.Open($"private {request.TypeName} BuildRequest({string.Join(", ", parameters)})");
        var arguments = request.Constructor.Select(c => c.Parameter is null ? Naming.Camel(c.Name) : Value(c.Parameter));
        code.Line($"var request = new {request.TypeName}({string.Join(", ", arguments)});");
        foreach (var parameter in request.Parameters.Where(p => p.ConstructorIndex < 0))
        {
            code.Open($"if (parse.GetResult({Field(parameter)}) is not null)").Line($"request = request with {{ {parameter.Name} = {Value(parameter)} }};").Close();
        }

        code.Line("return request;");
        code.Close();
    }

    private static string Value(FrontParameter parameter)
    {
        string value = $"parse.GetValue({Field(parameter)})";
        return parameter.Shape switch
        {
            ValueShape.Text when parameter.IsPath => $"global::System.IO.Path.GetFullPath({value}!)",
            ValueShape.Text => parameter.IsNullable ? value : value + "!",
            ValueShape.TextList => value + " ?? []",
            ValueShape.Value when !parameter.IsNullable && !(parameter.Mandatory && parameter.ConstructorIndex >= 0) => value + "!.Value",
            _ => value,
        };
    }

    private static string OptionType(FrontParameter parameter) => parameter.Shape switch
    {
        ValueShape.Switch => "bool",
        ValueShape.Text => parameter.Mandatory ? "string" : "string?",
        ValueShape.TextList => "string[]",
        _ => parameter.ValueType + (parameter.Mandatory && parameter.ConstructorIndex >= 0 ? "" : "?"),
    };

    private static string Field(FrontParameter parameter) => "_" + parameter.Local.TrimStart('@');
}
