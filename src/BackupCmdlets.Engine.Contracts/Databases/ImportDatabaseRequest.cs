using System.Net;

namespace BackupCmdlets.Engine.Databases;

/// <summary>
/// Which export to put back into which database (Import-Database). The set is verified first; a target
/// that holds anything is refused unless <see cref="Force"/> is given.
/// </summary>
public sealed partial record ImportDatabaseRequest(
    string Path,
    [property: FrontParameter("The connection string of the target (PostgreSQL: Npgsql keywords, the database named by Database, created when missing; SQLite: Data Source=the new database file). The password goes in the credential, not here.", Mandatory = true, Position = 1)]
    string ConnectionString)
{
    /// <summary>User name and password for the connection (each front takes them in its own form).</summary>
    public NetworkCredential? Credential { get; init; }

    /// <summary>Where relative file paths inside the connection string (SQLite's Data Source) are resolved; null for the process's current directory.</summary>
    public string? WorkingDirectory { get; init; }

    [FrontParameter("The engine of the target; it must be the export's.", Default = "the export's engine")]
    public DatabaseEngine? Engine { get; init; }

    [FrontParameter("PostgreSQL: how many tables pg_restore loads at the same time (pg_restore -j).", Minimum = 1, Maximum = 256, Default = "1")]
    public int? ThrottleLimit { get; init; }

    [FrontParameter("PostgreSQL: drop each object of the export from the target before creating it again (pg_restore --clean --if-exists). A non-empty target still needs {Force}.")]
    public bool Clean { get; init; }

    [FrontParameter("Import into a target that is not empty (a PostgreSQL database holding tables, views or sequences; an SQLite file that exists and is not empty), replacing an SQLite file.")]
    public bool Force { get; init; }
}
