using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace BackupCmdlets.Engine.Databases.Oracle;

/// <summary>
/// The one way this module shuts an Oracle instance down and starts it again: ODP.NET's
/// <c>OracleDatabase</c> class (Oracle.ManagedDataAccess.Client), over the same connection string with
/// <c>DBA Privilege=SYSDBA</c> added: <c>Shutdown(OracleDBShutdownMode.Immediate, true)</c> is SQL*Plus's
/// SHUTDOWN IMMEDIATE (close, dismount, final), <c>Startup()</c> its STARTUP (spfile, mount, open).
/// The class is found by reflection beside the provider factory, since ODP.NET is loaded at run time.
/// The connecting user needs the SYSDBA privilege (OS authentication with <c>User Id=/</c>, or a password file).
/// Reflection over a driver loaded at run time is never trimmed: <see cref="OracleDriver.Load"/> refuses
/// to run in a native build, so no instance of this class exists there.
/// </summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only reached with a JIT: see OracleDriver.Load.")]
[UnconditionalSuppressMessage("Trimming", "IL2067", Justification = "Only reached with a JIT: see OracleDriver.Load.")]
[UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Only reached with a JIT: see OracleDriver.Load.")]
internal sealed class OracleInstanceControl(DbProviderFactory factory, string connectionString)
{
    private const string DatabaseTypeName = "OracleDatabase";
    private const string ShutdownModeTypeName = "OracleDBShutdownMode";

    public void ShutdownImmediate()
    {
        var type = DatabaseType();
        var shutdown = type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(m => m.Name == "Shutdown" && m.GetParameters() is [{ ParameterType: { IsEnum: true, Name: ShutdownModeTypeName } }, { ParameterType: var flag }] && flag == typeof(bool))
            ?? throw Unavailable($"{type.FullName} has no Shutdown({ShutdownModeTypeName}, bool)");
        var mode = Enum.Parse(shutdown.GetParameters()[0].ParameterType, "Immediate");
        Invoke(type, database => shutdown.Invoke(database, [mode, true]));
    }

    public void Startup()
    {
        var type = DatabaseType();
        var startup = type.GetMethod("Startup", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)
            ?? throw Unavailable($"{type.FullName} has no Startup()");
        Invoke(type, database => startup.Invoke(database, null));
    }

    private string SysdbaConnectionString()
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        builder["DBA Privilege"] = "SYSDBA";
        return builder.ConnectionString;
    }

    private Type DatabaseType()
    {
        var factoryType = factory.GetType();
        return factoryType.Assembly.GetType($"{factoryType.Namespace}.{DatabaseTypeName}", throwOnError: false)
            ?? throw Unavailable($"{factoryType.Assembly.GetName().Name} has no {factoryType.Namespace}.{DatabaseTypeName} class (ODP.NET 12.2 or later has it)");
    }

    private void Invoke(Type type, Action<object> action)
    {
        object database = Activator.CreateInstance(type, SysdbaConnectionString())!;
        try
        {
            action(database);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }
        finally
        {
            (database as IDisposable)?.Dispose();
        }
    }

    private static BackupException Unavailable(string why) =>
        new(Errors.OracleInstanceControlUnavailable, $"The Oracle instance cannot be shut down and started from here: {why}.");
}
