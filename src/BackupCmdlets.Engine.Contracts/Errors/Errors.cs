using System.Reflection;

namespace BackupCmdlets.Engine;

/// <summary>
/// The catalogue of every error the engine and the fronts report: each a field named as its id, with
/// its kind and the line that documents it (README.md lists them from here, and a test keeps the two
/// equal). Throw a <see cref="BackupException"/> or record an <see cref="ItemProblem"/> with one of
/// them. The parts of this class live in one file per area.
/// </summary>
public static partial class Errors
{
    private static readonly Lazy<IReadOnlyList<ErrorDefinition>> Catalogue = new(() =>
        typeof(Errors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(ErrorDefinition))
            .Select(field => (ErrorDefinition)field.GetValue(null)!)
            .ToArray());

    /// <summary>Every error of the catalogue, in the order of the files' declarations.</summary>
    public static IReadOnlyList<ErrorDefinition> All => Catalogue.Value;

    /// <summary>The error with this id, or null when the catalogue has none.</summary>
    public static ErrorDefinition? Find(string id) => All.FirstOrDefault(error => error.Id == id);
}
