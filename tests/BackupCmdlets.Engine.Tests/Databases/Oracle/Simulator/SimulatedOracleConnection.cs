using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>A session with a <see cref="SimulatedOracleDatabase"/>; the database can drop it (Broken) to simulate a lost connection.</summary>
public sealed class SimulatedOracleConnection : DbConnection
{
    private SimulatedOracleDatabase? _database;
    private ConnectionState _state = ConnectionState.Closed;

    [AllowNull]
    public override string ConnectionString { get; set; } = "";

    public override string Database => _database?.Name ?? "";

    public override string DataSource => _database?.Name ?? "";

    public override string ServerVersion => SimulatedOracleDatabase.Version;

    public override ConnectionState State => _state;

    internal SimulatedOracleDatabase OpenDatabase => _state == ConnectionState.Open && _database is not null
        ? _database
        : throw new SimulatedOracleException(3113, "end-of-file on communication channel");

    public override void Open()
    {
        var database = SimulatedOracleDatabase.Find(ConnectionString);
        database.Connect(this);
        _database = database;
        _state = ConnectionState.Open;
    }

    public override void Close()
    {
        _database?.Disconnect(this);
        _state = ConnectionState.Closed;
    }

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    /// <summary>The database dropped this session (network failure, killed session).</summary>
    internal void Drop() => _state = ConnectionState.Broken;

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => throw new NotSupportedException();

    protected override DbCommand CreateDbCommand() => new SimulatedOracleCommand { Connection = this };
}
