using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>A statement sent to the simulator: answered by <see cref="SimulatedOracleDatabase.Execute"/>.</summary>
public sealed class SimulatedOracleCommand : DbCommand
{
    private readonly SimulatedOracleParameterCollection _parameters = [];

    [AllowNull]
    public override string CommandText { get; set; } = "";

    public override int CommandTimeout { get; set; }

    public override CommandType CommandType { get; set; } = CommandType.Text;

    public override bool DesignTimeVisible { get; set; }

    public override UpdateRowSource UpdatedRowSource { get; set; }

    protected override DbConnection? DbConnection { get; set; }

    protected override DbParameterCollection DbParameterCollection => _parameters;

    protected override DbTransaction? DbTransaction { get; set; }

    public override void Cancel()
    {
    }

    public override int ExecuteNonQuery()
    {
        Run();
        return 0;
    }

    public override object? ExecuteScalar()
    {
        var table = Run();
        return table.Rows.Count > 0 ? table.Rows[0][0] : null;
    }

    public override void Prepare()
    {
    }

    protected override DbParameter CreateDbParameter() => new SimulatedOracleParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => Run().CreateDataReader();

    private DataTable Run()
    {
        var connection = DbConnection as SimulatedOracleConnection ?? throw new InvalidOperationException("The command has no simulator connection.");
        var binds = _parameters.Cast<DbParameter>().ToDictionary(p => p.ParameterName.TrimStart(':'), p => p.Direction == ParameterDirection.Output ? null : p.Value, StringComparer.OrdinalIgnoreCase);
        var answer = connection.OpenDatabase.Execute(connection, CommandText, binds);
        foreach (var output in _parameters.Cast<DbParameter>().Where(p => p.Direction != ParameterDirection.Input))
        {
            output.Value = binds[output.ParameterName.TrimStart(':')];
        }

        return answer;
    }
}
