using System.Globalization;

namespace BackupCmdlets.Engine;

/// <summary>The failure of a request's generated Validate(): a value outside what its [FrontParameter] allows.</summary>
internal static class ParameterValues
{
    public static BackupException OutOfRange(string property, string allowed, object value) =>
        new(Errors.ParameterOutOfRange, $"{ParameterNames.Of(property)} must be {allowed}, not {Convert.ToString(value, CultureInfo.InvariantCulture)}.");
}
