using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// pg_dump or pg_restore fit for a server: the one of the server's major version
/// (/usr/lib/postgresql/&lt;major&gt;/bin, as Debian installs them side by side), else the oldest newer
/// one there, else the one on PATH when it is not older than the server (an older pg_dump refuses a
/// newer server). Runs it with the libpq environment, its standard error kept for the message of a failure.
/// </summary>
internal sealed partial class PgClientTool
{
    private const int ErrorTail = 4000;

    private PgClientTool(string path, string version)
    {
        Path = path;
        Version = version;
    }

    public string Path { get; }

    /// <summary>What <c>--version</c> says, like "pg_dump (PostgreSQL) 15.5".</summary>
    public string Version { get; }

    public static PgClientTool Find(string tool, int serverMajor)
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(d => (Major: int.TryParse(System.IO.Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int m) ? m : -1, Path: System.IO.Path.Combine(d, "bin", tool)))
                .Where(c => c.Major >= serverMajor && File.Exists(c.Path))
                .OrderBy(c => c.Major)
                .Select(c => c.Path)
            : [];
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => System.IO.Path.Combine(d, tool))
            .Where(File.Exists);
        foreach (string candidate in installed.Concat(onPath))
        {
            if (VersionOf(candidate) is { } version && MajorOf(version) >= serverMajor)
            {
                return new PgClientTool(candidate, version);
            }
        }

        throw new BackupException(
            Errors.ExportToolNotFound,
            $"No {tool} of PostgreSQL {serverMajor} or newer was found (in /usr/lib/postgresql/<version>/bin or on PATH): install the client of the server's version (Debian: postgresql-client-{serverMajor}).",
            tool);
    }

    /// <summary>Runs the tool to its end; kills it when cancelled. Answers the exit code and the end of its standard error.</summary>
    public async Task<(int ExitCode, string Error)> RunAsync(IReadOnlyList<string> arguments, LibpqEnvironment environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Path)
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

        foreach (var (name, value) in environment.Variables)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Path} could not be started.");
        var error = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (error)
            {
                error.AppendLine(e.Data);
                if (error.Length > 2 * ErrorTail)
                {
                    error.Remove(0, error.Length - ErrorTail);
                }
            }
        };
        process.BeginErrorReadLine();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        await output;
        process.WaitForExit();
        lock (error)
        {
            string text = error.ToString().Trim();
            return (process.ExitCode, text.Length > ErrorTail ? "..." + text[^ErrorTail..] : text);
        }
    }

    private static string? VersionOf(string path)
    {
        try
        {
            var start = new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static int MajorOf(string version) =>
        VersionNumber().Match(version) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex(@"\)\s+(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionNumber();
}
