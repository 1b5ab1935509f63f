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
    public static string ConnectionStringFor(StartBackupRequest request)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = request.ConnectionString };
            if (request.Credential is { } credential)
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

    public async Task QueryAsync(string sql, Action<DbDataReader> row, CancellationToken cancellationToken, params (string Name, long Value)[] parameters)
    {
        await using var command = Command(sql);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = DbType.Int64;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

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
