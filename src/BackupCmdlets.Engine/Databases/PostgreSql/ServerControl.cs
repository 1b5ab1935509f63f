using System.Globalization;
using System.Text;
using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Stops and starts a PostgreSQL server with its own pg_ctl, as an admin would: as the owner of the
/// data directory (through runuser when this process is root, since the server refuses root), and
/// started again exactly as it was started. postmaster.opts holds the postmaster's command line: the
/// folder it was started with (-D: the data directory, or a configuration folder whose postgresql.conf
/// names it) and its other options. Its standard error goes where it went before (the file pg_ctl -l
/// gave it), never into the data directory.
/// </summary>
internal sealed class ServerControl
{
    /// <summary>The log earlier versions started servers with, inside the data directory; left out of sets.</summary>
    public const string LeftoverLogName = "pg_ctl-startup.log";

    private const string DevNull = "/dev/null";
    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly string _startFolder;
    private readonly IReadOnlyList<string> _startOptions;
    private readonly string _log;
    private readonly string? _runAs;

    private ServerControl(string dataDirectory, string binDirectory, string startFolder, IReadOnlyList<string> startOptions, string log, string? runAs)
    {
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _startFolder = startFolder;
        _startOptions = startOptions;
        _log = log;
        _runAs = runAs;
    }

    /// <summary>Reads how the running server was started; call while it runs.</summary>
    public static ServerControl For(string dataDirectory, string serverVersionNumber)
    {
        string optsPath = Path.Combine(dataDirectory, "postmaster.opts");
        var tokens = File.Exists(optsPath) ? SplitOptions(File.ReadAllText(optsPath)) : [];
        string major = serverVersionNumber.Length >= 2 ? (int.Parse(serverVersionNumber, CultureInfo.InvariantCulture) / 10000).ToString(CultureInfo.InvariantCulture) : "";
        string binDirectory = new[] { tokens.Count > 0 ? Path.GetDirectoryName(tokens[0]) : null, $"/usr/lib/postgresql/{major}/bin" }
            .OfType<string>()
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl"))) ?? "";
        string startFolder = dataDirectory;
        var options = new List<string>();
        for (int i = 1; i < tokens.Count; i++)
        {
            if (tokens[i] == "-D" && i + 1 < tokens.Count)
            {
                startFolder = tokens[++i];
            }
            else if (tokens[i].StartsWith("-D", StringComparison.Ordinal) && tokens[i].Length > 2)
            {
                startFolder = tokens[i][2..];
            }
            else
            {
                options.Add(tokens[i]);
            }
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

        return new ServerControl(dataDirectory, binDirectory, startFolder, options, StandardErrorOf(dataDirectory), runAs);
    }

    /// <summary>
    /// Refuses, before anything is stopped, a server that would not start again as it was started: the
    /// server binary with its start options reads its configuration (postgres -C, which a running server
    /// allows) and must name this data directory, and its log must be writable by the server's user.
    /// </summary>
    public async Task EnsureStartableAsync(CancellationToken cancellationToken)
    {
        string started = $"-D '{_startFolder}'" + (_startOptions.Count > 0 ? " " + string.Join(' ', _startOptions) : "");
        var check = await RunAsync(Tool("postgres"), ["-D", _startFolder, .. _startOptions, "-C", "data_directory"], cancellationToken);
        string named = check.Output.Trim();
        if (check.ExitCode != 0 || Path.TrimEndingDirectorySeparator(named) != Path.TrimEndingDirectorySeparator(_dataDirectory))
        {
            string why = check.ExitCode != 0 ? check.Error.Trim() : $"its configuration names the data directory '{named}'";
            throw new BackupException(
                Errors.DatabaseRestartNotPossible,
                $"The server of '{_dataDirectory}' could not be started again as it was started ({started}): {why}. The cold backup did not stop it.",
                _dataDirectory);
        }

        string writable = File.Exists(_log) || _log == DevNull ? _log : Path.GetDirectoryName(_log)!;
        if ((await RunAsync("test", ["-w", writable], cancellationToken)).ExitCode != 0)
        {
            throw new BackupException(
                Errors.DatabaseRestartNotPossible,
                $"The server of '{_dataDirectory}' logs to '{_log}', which its user {_runAs ?? "(this user)"} cannot write, so pg_ctl could not start it again with that log. The cold backup did not stop it.",
                _dataDirectory);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        RunPgCtlAsync(["stop", "-D", _dataDirectory, "-m", "fast", "-w", "-t", "300"], Errors.DatabaseShutdownFailed, "stop", cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "start", "-D", _startFolder, "-w", "-t", "300", "-l", _log };
        if (_startOptions.Count > 0)
        {
            arguments.Add("-o");
            arguments.Add(string.Join(' ', _startOptions.Select(ShellQuote)));
        }

        return RunPgCtlAsync(arguments, Errors.DatabaseNotRestarted, "start", cancellationToken);
    }

    /// <summary>
    /// Where the running postmaster's standard error goes: the file pg_ctl -l (or a shell) gave it. With
    /// logging_collector on, the postmaster's own is the collector's pipe and the logger process keeps the
    /// original. Our own leftover log in the data directory is not the admin's; anything but a file (a pipe,
    /// a terminal) cannot be given to pg_ctl: then /dev/null.
    /// </summary>
    private static string StandardErrorOf(string dataDirectory)
    {
        string pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return DevNull;
        }

        string leftover = Path.Combine(dataDirectory, LeftoverLogName);
        foreach (int process in ChildrenOf(pid).Prepend(pid))
        {
            string? target = LinkTarget($"/proc/{process}/fd/2");
            if (target == DevNull)
            {
                return DevNull;
            }

            // A log rotated away since: pg_ctl -l makes it anew where the admin put it.
            const string deleted = " (deleted)";
            bool gone = target?.EndsWith(deleted, StringComparison.Ordinal) == true;
            target = gone ? target![..^deleted.Length] : target;
            bool isFile = target is not null && target.StartsWith('/')
                && (gone ? Directory.Exists(Path.GetDirectoryName(target)) : UnixFileSystem.TryLstat(target)?.Kind == FileKind.File);
            if (isFile && target != leftover)
            {
                return target!;
            }
        }

        return DevNull;
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/task/{pid}/children")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => int.Parse(p, CultureInfo.InvariantCulture))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string Tool(string name) => _binDirectory.Length > 0 ? Path.Combine(_binDirectory, name) : name;

    private async Task RunPgCtlAsync(IReadOnlyList<string> arguments, ErrorDefinition error, string what, CancellationToken cancellationToken)
    {
        var result = await RunAsync(Tool("pg_ctl"), arguments, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupException(error, $"pg_ctl {what} failed for '{_dataDirectory}' (exit code {result.ExitCode}): {result.Error.Trim()} {result.Output.Trim()}".Trim(), _dataDirectory);
        }
    }

    /// <summary>Runs a program as the server's user, from /.</summary>
    private Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ServerUserCommand.RunAsync(_runAs, program, arguments, cancellationToken);

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
