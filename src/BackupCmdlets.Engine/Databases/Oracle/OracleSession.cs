using System.Data;
using System.Data.Common;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// The one database session a backup holds, over any ADO.NET provider factory. It can be replaced when
/// lost (to end backup mode after a network failure). Values are bound as parameters; the password goes
/// only into the driver's connection string, never into a message.
/// </summary>
internal sealed class OracleSession(DbProviderFactory factory, string connectionString) : IAsyncDisposable
{
    private DbConnection? _connection;

    public string ConnectionString { get; } = connectionString;

    /// <summary>The request's connection string with the credential's user and password added.</summary>
    public static string ConnectionStringFor(StartBackupRequest request) => ConnectionStringFor(request.ConnectionString, request.Credential);

    /// <summary>A connection string with the credential's user and password added.</summary>
    public static string ConnectionStringFor(string connectionString, System.Net.NetworkCredential? credential)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
            if (credential is not null)
            {
                if (credential.UserName.Length > 0)
                {
                    builder["User Id"] = credential.UserName;
                }

                builder["Password"] = credential.Password;
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            throw new BackupException(Errors.InvalidConnectionString, "The Oracle connection string is not valid (expected keywords such as 'Data Source=host:1521/service;User Id=...').");
        }
    }

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var connection = factory.CreateConnection() ?? throw new BackupException(Errors.OracleDriverInvalid, "The Oracle provider factory made no connection.");
        try
        {
            connection.ConnectionString = ConnectionString;
            await connection.OpenAsync(cancellationToken);
            _connection = connection;
        }
        catch (DbException ex)
        {
            await connection.DisposeAsync();
            throw new BackupException(Errors.DatabaseConnectionFailed, $"Cannot connect to Oracle: {ex.Message}", null, ex);
        }
        catch (ArgumentException)
        {
            // The driver's message may quote the connection string, password included: say only what is wrong.
            await connection.DisposeAsync();
            throw new BackupException(Errors.InvalidConnectionString, "The Oracle driver does not accept the connection string (an unknown keyword or a bad value).");
        }
    }

    /// <summary>Drops the current session (however broken) and opens a new one.</summary>
    public async Task ReconnectAsync()
    {
        await DisposeAsync();
        await OpenAsync(CancellationToken.None);
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a statement (a PL/SQL block) with its binds, given in the order they appear in the text (ODP.NET binds by position).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql);
        Bind(command, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a PL/SQL block whose last bind is a text <paramref name="output"/>, and answers what the block put there.</summary>
    public async Task<string?> ExecuteForOutputAsync(string sql, string output, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql);
        Bind(command, parameters);
        var result = command.CreateParameter();
        result.ParameterName = output;
        result.DbType = DbType.String;
        result.Size = 4000;
        result.Direction = ParameterDirection.Output;
        command.Parameters.Add(result);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result.Value is null or DBNull ? null : Convert.ToString(result.Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task QueryAsync(string sql, Action<DbDataReader> row, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql);
        Bind(command, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            try
            {
                await _connection.DisposeAsync();
            }
            catch (DbException)
            {
                // A broken session cannot be closed politely; it is gone either way.
            }

            _connection = null;
        }
    }

    private static void Bind(DbCommand command, (string Name, object Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = value is string ? DbType.String : DbType.Int64;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }

    private DbCommand Command(string sql)
    {
        if (_connection is not { State: ConnectionState.Open })
        {
            throw new InvalidOperationException("The Oracle session is not open.");
        }

        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
