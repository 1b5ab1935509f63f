using System.Diagnostics;
using System.Text;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Stops and starts a PostgreSQL server with its own pg_ctl, as an admin would: as the owner of the
/// data directory (through runuser when this process is root, since the server refuses root), and
/// started again with the options it was last started with (postmaster.opts).
/// </summary>
internal sealed class ServerControl
{
    private readonly string _dataDirectory;
    private readonly string _pgCtl;
    private readonly IReadOnlyList<string> _startOptions;
    private readonly string? _runAs;

    private ServerControl(string dataDirectory, string pgCtl, IReadOnlyList<string> startOptions, string? runAs)
    {
        _dataDirectory = dataDirectory;
        _pgCtl = pgCtl;
        _startOptions = startOptions;
        _runAs = runAs;
    }

    /// <summary>Reads how the running server was started; call while it runs.</summary>
    public static ServerControl For(string dataDirectory, string serverVersionNumber)
    {
        string optsPath = Path.Combine(dataDirectory, "postmaster.opts");
        var tokens = File.Exists(optsPath) ? SplitOptions(File.ReadAllText(optsPath)) : [];
        string? binDirectory = tokens.Count > 0 ? Path.GetDirectoryName(tokens[0]) : null;
        string major = serverVersionNumber.Length >= 2 ? (int.Parse(serverVersionNumber, System.Globalization.CultureInfo.InvariantCulture) / 10000).ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        string pgCtl = new[] { binDirectory, $"/usr/lib/postgresql/{major}/bin" }
            .Where(d => d is not null)
            .Select(d => Path.Combine(d!, "pg_ctl"))
            .FirstOrDefault(File.Exists) ?? "pg_ctl";
        var options = new List<string>();
        for (int i = 1; i < tokens.Count; i++)
        {
            if (tokens[i] == "-D")
            {
                i++;
                continue;
            }

            options.Add(tokens[i]);
        }

        string? runAs = null;
        if (UnixFileSystem.IsRoot)
        {
            var owner = UnixFileSystem.Lstat(dataDirectory);
            if (owner.UserId != 0)
            {
                runAs = AccountNames.UserName(owner.UserId);
            }
        }

        return new ServerControl(dataDirectory, pgCtl, options, runAs);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        RunAsync(["stop", "-D", _dataDirectory, "-m", "fast", "-w", "-t", "300"], DatabaseErrorIds.ShutdownFailed, "stop", cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "start", "-D", _dataDirectory, "-w", "-t", "300", "-l", Path.Combine(_dataDirectory, "pg_ctl-startup.log") };
        if (_startOptions.Count > 0)
        {
            arguments.Add("-o");
            arguments.Add(string.Join(' ', _startOptions.Select(ShellQuote)));
        }

        return RunAsync(arguments, DatabaseErrorIds.StartupFailed, "start", cancellationToken);
    }

    private async Task RunAsync(IReadOnlyList<string> arguments, string errorId, string what, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_runAs is null ? _pgCtl : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (_runAs is not null)
        {
            foreach (string a in new[] { "-u", _runAs, "--", _pgCtl })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new BackupException(errorId, ErrorKind.ResourceUnavailable, $"Could not run {_pgCtl}.", _dataDirectory);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new BackupException(errorId, ErrorKind.ResourceUnavailable, $"pg_ctl {what} failed for '{_dataDirectory}' (exit code {process.ExitCode}): {(await error).Trim()} {(await output).Trim()}".Trim(), _dataDirectory);
        }
    }

    /// <summary>postmaster.opts: the server binary, then each argument in double quotes.</summary>
    private static List<string> SplitOptions(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in text.Trim())
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any || current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (any || current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
