namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>The built CLI (backupcmdlets.dll, copied beside the tests) run as a separate process.</summary>
public static class CliProcess
{
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "backupcmdlets.dll");

    public static ExternalTool.Result Run(params string[] arguments) =>
        ExternalTool.Run("dotnet", [AssemblyPath, .. arguments]);
}
