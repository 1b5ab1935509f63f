namespace BackupCmdlets.Engine;

/// <summary>
/// One error of the catalogue (<see cref="Errors"/>): its stable id (FullyQualifiedErrorId in
/// PowerShell, <c>error &lt;id&gt;</c> from the CLI), its kind (PowerShell's ErrorCategory), and the line
/// that documents it in the README.
/// </summary>
public sealed record ErrorDefinition(string Id, ErrorKind Kind, string Description)
{
    public override string ToString() => Id;
}
