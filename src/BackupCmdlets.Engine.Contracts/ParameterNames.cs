namespace BackupCmdlets.Engine;

/// <summary>
/// How messages name a parameter: the front that runs this process sets its spelling once (PowerShell's
/// <c>-Force</c> by default; the CLI makes it <c>--force</c>), and the engine names parameters by their
/// request property, <c>ParameterNames.Of(nameof(RestoreBackupSetRequest.Force))</c>.
/// </summary>
public static class ParameterNames
{
    private static Func<string, string> _spelling = property => "-" + property;

    /// <summary>Turns a request property's name into the parameter as the user types it.</summary>
    public static Func<string, string> Spelling
    {
        get => _spelling;
        set => _spelling = value ?? throw new ArgumentNullException(nameof(value));
    }

    public static string Of(string property) => _spelling(property);
}
