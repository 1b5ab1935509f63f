using System.Diagnostics;

namespace BackupCmdlets.Engine.Snapshots;

/// <summary>Runs the file system's own tools (btrfs, lvcreate, mount): their output, or a SnapshotFailed error with what they said.</summary>
internal static class SnapshotTool
{
    public static (int ExitCode, string Output, string Error) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.GetAwaiter().GetResult());
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (127, "", $"{program} could not be run: {ex.Message}");
        }
    }

    public static string RunOrFail(ErrorDefinition error, string what, string path, string program, params string[] arguments)
    {
        var (exitCode, output, message) = Run(program, arguments);
        if (exitCode != 0)
        {
            throw new BackupException(error, $"{what} failed: {program} {string.Join(' ', arguments)} (exit code {exitCode}): {message.Trim()}", path);
        }

        return output;
    }
}
