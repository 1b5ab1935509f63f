using System.Reflection;
using System.Reflection.Emit;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>
/// TEST CODE: writes a stand-in Oracle.ManagedDataAccess.dll whose Oracle.ManagedDataAccess.Client.OracleClientFactory
/// (with its static Instance) and OracleDatabase are subclasses of the simulator's, so the engine's run-time
/// driver loading (by path, then the factory and the SYSDBA class by ODP.NET's names) runs end to end.
/// Written once per test run (an assembly loads only once into a process), under the file name ODP.NET has.
/// </summary>
public static class SimulatedDriverAssembly
{
    private const string Namespace = "Oracle.ManagedDataAccess.Client";
    private static readonly Lazy<string> Written = new(Write);

    public static string Path => Written.Value;

    private static string Write()
    {
        // Its own assembly name, so a real ODP.NET can still load in the same process (the real-Oracle tests).
        var assembly = new PersistedAssemblyBuilder(new AssemblyName("BackupCmdlets.Tests.SimulatedOracleDriver"), typeof(object).Assembly);
        var module = assembly.DefineDynamicModule("BackupCmdlets.Tests.SimulatedOracleDriver");

        var factory = module.DefineType($"{Namespace}.OracleClientFactory", TypeAttributes.Public | TypeAttributes.Sealed, typeof(SimulatedOracleFactory));
        var instance = factory.DefineField("Instance", factory, FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.InitOnly);
        var constructor = factory.DefineDefaultConstructor(MethodAttributes.Public);
        var initializer = factory.DefineTypeInitializer().GetILGenerator();
        initializer.Emit(OpCodes.Newobj, constructor);
        initializer.Emit(OpCodes.Stsfld, instance);
        initializer.Emit(OpCodes.Ret);
        factory.CreateType();

        var database = module.DefineType($"{Namespace}.OracleDatabase", TypeAttributes.Public | TypeAttributes.Sealed, typeof(OracleDatabase));
        var databaseConstructor = database.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [typeof(string)]).GetILGenerator();
        databaseConstructor.Emit(OpCodes.Ldarg_0);
        databaseConstructor.Emit(OpCodes.Ldarg_1);
        databaseConstructor.Emit(OpCodes.Call, typeof(OracleDatabase).GetConstructor([typeof(string)])!);
        databaseConstructor.Emit(OpCodes.Ret);
        database.CreateType();

        string folder = Directory.CreateTempSubdirectory("bkc-odp-standin-").FullName;
        string path = System.IO.Path.Combine(folder, "Oracle.ManagedDataAccess.dll");
        assembly.Save(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return path;
    }
}
