namespace BackupCmdlets.Generators;

/// <summary>
/// The record's side: Validate(), the one check of the ranges and values its parameters declare, which
/// the engine runs before any work (the fronts check the same declarations as they parse).
/// </summary>
internal static class RequestValidationEmitter
{
    public static string Emit(string ns, string recordName, RequestShape request)
    {
        var code = SourceWriter.Partial(ns, $"partial record {recordName}", recordName);
        code.Line("/// <summary>Refuses a value outside the range or values a [FrontParameter] declares (ParameterOutOfRange).</summary>");
        code.Open("internal void Validate()");
        foreach (var parameter in request.Parameters)
        {
            string local = parameter.Local;
            if (parameter.Check(local) is not { } check)
            {
                continue;
            }

            string value = parameter.IsNullable ? $"{parameter.Name} is {{ }} {local}" : $"{parameter.Name} is var {local}";
            code.Open($"if ({value} && !({check}))");
            code.Line($"throw global::BackupCmdlets.Engine.ParameterValues.OutOfRange(nameof({parameter.Name}), {Naming.Literal(parameter.AllowedText)}, {local});");
            code.Close();
        }

        code.Close();
        code.Close();
        return code.ToString();
    }
}
