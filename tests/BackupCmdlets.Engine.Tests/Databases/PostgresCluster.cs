using System.Globalization;
using BackupCmdlets.Engine.IO;
using BackupCmdlets.Engine.Tests.Support;
using Npgsql;

namespace BackupCmdlets.Engine.Tests.Databases;

/// <summary>
/// A real PostgreSQL 15 server of the test's own: initdb --data-checksums as the postgres user (the
/// server refuses root), WAL archiving into a folder of the test, a private socket folder and port
/// (no TCP), started with pg_ctl and stopped by its pid at the end.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private const string ServerUser = "postgres";
    private static int _nextPort = 20000 + Environment.ProcessId % 20000;

    private PostgresCluster(string root, string dataDirectory, int port, string? configDirectory = null)
    {
        Root = root;
        DataDirectory = dataDirectory;
        ConfigDirectory = configDirectory ?? dataDirectory;
        Port = port;
    }

    public string Root { get; }

    public string DataDirectory { get; }

    /// <summary>The folder the server is started with (<c>pg_ctl -D</c>): the data directory, or a configuration folder whose postgresql.conf names it.</summary>
    public string ConfigDirectory { get; }

    /// <summary>The running postmaster's process id, from postmaster.pid.</summary>
    public int PostmasterPid => int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    public string ArchiveDirectory => Path.Combine(Root, "archive");

    public string SocketDirectory => Path.Combine(Root, "socket");

    public string LogPath => Path.Combine(Root, "server.log");

    public int Port { get; }

    /// <summary>The connection string, with the password once <see cref="RequirePassword"/> set one.</summary>
    public string ConnectionString => Password is null ? ConnectionStringWithoutPassword : ConnectionStringWithoutPassword + $";Password={Password}";

    /// <summary>The connection string without the password, for a test that gives it to the code under test another way.</summary>
    public string ConnectionStringWithoutPassword => $"Host={SocketDirectory};Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=30;Command Timeout=120";

    /// <summary>The connection string to another database of the server.</summary>
    public string ConnectionStringTo(string database) => ConnectionString.Replace("Database=postgres", $"Database={database}", StringComparison.Ordinal);

    /// <summary>The password <see cref="RequirePassword"/> set; null while the server trusts every local connection.</summary>
    public string? Password { get; private set; }

    /// <summary>
    /// Makes a new cluster under <paramref name="parent"/> (which the postgres user must be able to reach). With
    /// <paramref name="separateConfig"/> its configuration files live in a folder of their own, as Debian keeps them,
    /// whose postgresql.conf names the data directory, and the server is started with <c>pg_ctl -D</c> that folder.
    /// </summary>
    public static PostgresCluster Create(string parent, bool archiving = true, string walLevel = "replica", string? name = null, bool separateConfig = false)
    {
        string root = Path.Combine(parent, name ?? "pg");
        Directory.CreateDirectory(root);
        string data = Path.Combine(root, "data");
        var cluster = new PostgresCluster(root, data, Interlocked.Increment(ref _nextPort), separateConfig ? Path.Combine(root, "config") : null);
        Directory.CreateDirectory(cluster.ArchiveDirectory);
        Directory.CreateDirectory(cluster.SocketDirectory);
        GiveToServerUser(root);
        GiveToServerUser(cluster.ArchiveDirectory);
        GiveToServerUser(cluster.SocketDirectory);
        RunAsServerUser("initdb", "-D", cluster.DataDirectory, "--data-checksums", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
            .EnsureSuccess("initdb");
        var settings = new List<string>();
        if (separateConfig)
        {
            Directory.CreateDirectory(cluster.ConfigDirectory);
            GiveToServerUser(cluster.ConfigDirectory);
            foreach (string file in new[] { "postgresql.conf", "pg_hba.conf", "pg_ident.conf" })
            {
                File.Move(Path.Combine(data, file), Path.Combine(cluster.ConfigDirectory, file));
            }

            settings.Add($"data_directory = '{data}'");
            settings.Add($"hba_file = '{Path.Combine(cluster.ConfigDirectory, "pg_hba.conf")}'");
            settings.Add($"ident_file = '{Path.Combine(cluster.ConfigDirectory, "pg_ident.conf")}'");
        }

        settings.AddRange(new[]
        {
            $"port = {cluster.Port}",
            "listen_addresses = ''",
            $"unix_socket_directories = '{cluster.SocketDirectory}'",
            $"wal_level = {walLevel}",
            "fsync = off",
            "shared_buffers = 32MB",
            "max_wal_size = 256MB",
            "logging_collector = off",
        });
        if (walLevel == "minimal")
        {
            settings.Add("max_wal_senders = 0");
        }

        settings.Add(archiving
            ? $"archive_mode = on\narchive_command = 'test ! -f {cluster.ArchiveDirectory}/%f && cp %p {cluster.ArchiveDirectory}/%f'"
            : "archive_mode = off");
        File.AppendAllText(Path.Combine(cluster.ConfigDirectory, "postgresql.conf"), "\n" + string.Join('\n', settings) + "\n");
        cluster.Start();
        return cluster;
    }

    /// <summary>A server for an existing (restored) data directory, on its own port and socket folder; WAL archiving off.</summary>
    public static PostgresCluster Attach(string root, string dataDirectory)
    {
        var cluster = new PostgresCluster(root, dataDirectory, Interlocked.Increment(ref _nextPort));
        Directory.CreateDirectory(cluster.SocketDirectory);
        GiveToServerUser(cluster.SocketDirectory);
        return cluster;
    }

    /// <summary>A server started on a restored data directory, its socket folder in <paramref name="root"/> (made and handed to the postgres user here).</summary>
    public static PostgresCluster StartOn(string root, string dataDirectory)
    {
        Directory.CreateDirectory(root);
        GiveToServerUser(root);
        var cluster = Attach(root, dataDirectory);
        cluster.Start();
        return cluster;
    }

    /// <summary>A streaming standby of this server (<c>pg_basebackup -R</c>) under <paramref name="parent"/>, on its own port and socket folder, started.</summary>
    public PostgresCluster CreateStandby(string parent, string name)
    {
        string root = Path.Combine(parent, name);
        Directory.CreateDirectory(root);
        GiveToServerUser(root);
        var standby = Attach(root, Path.Combine(root, "data"));
        RunAsServerUser("pg_basebackup", "-D", standby.DataDirectory, "-R", "-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-c", "fast", "--no-sync")
            .EnsureSuccess("pg_basebackup -R");
        standby.Start();
        return standby;
    }

    public void Start(params string[] extraOptions)
    {
        string options = $"-p {Port} -c unix_socket_directories={SocketDirectory} " + string.Join(' ', extraOptions);
        if (!File.Exists(LogPath))
        {
            File.WriteAllText(LogPath, "");
            GiveToServerUser(LogPath);
        }

        RunAsServerUser("pg_ctl", "start", "-D", ConfigDirectory, "-w", "-t", "120", "-l", LogPath, "-o", options)
            .EnsureSuccess($"pg_ctl start ({File.ReadAllText(LogPath)})");
    }

    /// <summary>Gives the postgres role a password and makes the server ask every connection for it (scram-sha-256), reloaded at once.</summary>
    public void RequirePassword(string password)
    {
        Execute($"SET password_encryption = 'scram-sha-256'; ALTER ROLE postgres PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'");
        File.WriteAllText(Path.Combine(ConfigDirectory, "pg_hba.conf"), "local all all scram-sha-256\n");
        RunAsServerUser("pg_ctl", "reload", "-D", DataDirectory).EnsureSuccess("pg_ctl reload");
        Password = password;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var trusted = new NpgsqlConnection(ConnectionStringWithoutPassword);
                trusted.Open();
            }
            catch (NpgsqlException)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the server still lets a connection in without the password");
            Thread.Sleep(50);
        }
    }

    /// <summary>Fast shutdown, waiting for it to finish.</summary>
    public void Stop() => RunAsServerUser("pg_ctl", "stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "120").EnsureSuccess("pg_ctl stop");

    public bool IsRunning => RunAsServerUser("pg_ctl", "status", "-D", DataDirectory).ExitCode == 0;

    public NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public void Execute(string sql) => ExecuteIn("postgres", sql);

    public void ExecuteIn(string database, string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionStringTo(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public T Scalar<T>(string sql) => ScalarIn<T>("postgres", sql);

    public T ScalarIn<T>(string database, string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionStringTo(database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until recovery has ended and the server accepts writes.</summary>
    public void WaitForRecoveryToEnd(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Scalar<bool>("SELECT pg_is_in_recovery()"))
        {
            Assert.True(DateTime.UtcNow < deadline, "recovery did not finish in time:\n" + File.ReadAllText(LogPath));
            Thread.Sleep(100);
        }
    }

    /// <summary>Runs pgbench against this server's postgres database with <paramref name="arguments"/>; fails the test when it fails.</summary>
    public void Pgbench(params string[] arguments) =>
        RunAsServerUser("pgbench", ["-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", .. arguments, "postgres"]).EnsureSuccess("pgbench");

    public static ExternalTool.Result RunAsServerUser(string tool, params string[] arguments)
    {
        string path = Path.Combine(BinDirectory, tool);
        return UnixFileSystem.IsRoot
            ? ExternalTool.Run("runuser", ["-u", ServerUser, "--", path, .. arguments], "/")
            : ExternalTool.Run(path, arguments, "/");
    }

    /// <summary>Hands a folder or file to the postgres user (when running as root) and lets it reach the folders above.</summary>
    public static void GiveToServerUser(string path)
    {
        if (!UnixFileSystem.IsRoot || OperatingSystem.IsWindows())
        {
            return;
        }

        long uid = AccountNames.UserId(ServerUser);
        long gid = AccountNames.GroupId(ServerUser);
        UnixFileSystem.SetOwner(path, uid, gid);
        for (var folder = new DirectoryInfo(Path.GetDirectoryName(path)!); folder is not null && folder.FullName != "/"; folder = folder.Parent)
        {
            folder.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.GroupExecute;
        }
    }

    /// <summary>Stops the server by the pid in postmaster.pid (fast shutdown, then kill) if it still runs.</summary>
    public void Dispose()
    {
        string pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out int pid))
        {
            return;
        }

        ExternalTool.Run("kill", "-INT", pid.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < 300 && Directory.Exists($"/proc/{pid}"); i++)
        {
            Thread.Sleep(100);
        }

        if (Directory.Exists($"/proc/{pid}"))
        {
            ExternalTool.Run("kill", "-KILL", pid.ToString(CultureInfo.InvariantCulture));
        }
    }
}
