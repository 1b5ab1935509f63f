using System.Diagnostics;

namespace BackupCmdlets.Engine.Tests.Support;

/// <summary>
/// The CLI run as a separate process: the built backupcmdlets.dll (copied beside the tests) on the .NET
/// runtime, or the natively published executable when BACKUPCMDLETS_CLI names it. Test classes that
/// run the CLI carry [Trait("Front", "NativeCli")], and .ci/run runs those once more against the native
/// executable (--filter Front=NativeCli).
/// </summary>
public static class CliProcess
{
    public const string NativeVariable = "BACKUPCMDLETS_CLI";

    public static bool IsNative => Environment.GetEnvironmentVariable(NativeVariable) is { Length: > 0 };

    /// <summary>The program and first arguments that start the CLI; the command line follows them.</summary>
    public static string[] Launcher => Environment.GetEnvironmentVariable(NativeVariable) is { Length: > 0 } native
        ? [native]
        : ["dotnet", Path.Combine(AppContext.BaseDirectory, "backupcmdlets.dll")];

    public static ExternalTool.Result Run(params string[] arguments) =>
        ExternalTool.Run(Launcher[0], [.. Launcher[1..], .. arguments]);

    /// <summary>
    /// A start description for a CLI run the test watches (and may kill or interrupt) itself. It starts
    /// through env with SIGINT at its default, as from a terminal: a test run started in the background of
    /// a script inherits SIGINT ignored, and the CLI (as any program) would then never see Ctrl+C.
    /// </summary>
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo("env") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in Launcher.Prepend("--default-signal=INT").Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
