using System.Globalization;
using System.Net;
using System.Text;
using BackupCmdlets.Engine.IO;
using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// How pg_dump and pg_restore reach the server a connection string names: host, port, user and
/// database as libpq's environment variables, and the password in a password file of this process's
/// own (mode 0600, in a private folder, deleted on dispose), named by PGPASSFILE. Nothing of it is on
/// a command line, which every user of the host can read in ps. Without a password of the request's,
/// the caller's own PGPASSWORD or PGPASSFILE apply, as they do for Npgsql.
/// </summary>
internal sealed class LibpqEnvironment : IDisposable
{
    private readonly string? _passwordFolder;

    private LibpqEnvironment(IReadOnlyDictionary<string, string?> variables, string database, string? passwordFolder)
    {
        Variables = variables;
        Database = database;
        _passwordFolder = passwordFolder;
    }

    /// <summary>The variables to set; a null value is one to remove from the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Variables { get; }

    /// <summary>The database name, given to the tools as a value of its own (pg_restore -d).</summary>
    public string Database { get; }

    /// <summary>The environment for <paramref name="connectionString"/> with <paramref name="credential"/> (as <see cref="PostgreSqlProvider.ConnectAsync"/> merges them), in <paramref name="database"/> when given.</summary>
    public static LibpqEnvironment For(string connectionString, NetworkCredential? credential, string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (credential is not null && !string.IsNullOrEmpty(credential.UserName))
        {
            builder.Username = credential.UserName;
        }

        string? password = credential is not null ? credential.Password : builder.Password;
        string user = builder.Username ?? Environment.UserName;
        string name = database ?? builder.Database ?? user;
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PGHOST"] = builder.Host ?? "localhost",
            ["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = user,
            ["PGDATABASE"] = name,
            ["PGAPPNAME"] = builder.ApplicationName ?? "BackupCmdlets",
            ["PGCONNECT_TIMEOUT"] = builder.Timeout.ToString(CultureInfo.InvariantCulture),
            ["PGSSLMODE"] = builder.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            },
        };
        string? folder = null;
        if (!string.IsNullOrEmpty(password))
        {
            folder = Directory.CreateTempSubdirectory("backupcmdlets-pgpass-").FullName;
            UnixFileSystem.SetPermissions(folder, 0x1C0);
            string file = Path.Combine(folder, "pgpass");
            // The folder is the owner's alone (0700) before the file is made; libpq also ignores a password file others may read.
            using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
            {
                UnixFileSystem.SetPermissions(file, 0x180);
                stream.Write(Encoding.UTF8.GetBytes("*:*:*:*:" + Escape(password) + "\n"));
            }

            variables["PGPASSFILE"] = file;
            variables["PGPASSWORD"] = null;
        }

        return new LibpqEnvironment(variables, name, folder);
    }

    public void Dispose()
    {
        if (_passwordFolder is not null && Directory.Exists(_passwordFolder))
        {
            Directory.Delete(_passwordFolder, recursive: true);
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
}
