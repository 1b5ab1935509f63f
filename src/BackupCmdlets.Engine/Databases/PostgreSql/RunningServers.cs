using BackupCmdlets.Engine.IO;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// What running PostgreSQL servers own on this host, so a restore never writes into it: the data
/// directory of each (a postmaster's working directory is its data directory) and the tablespace
/// locations its pg_tblspc links name; and whether a folder's postmaster.pid names a live server,
/// the test pgBackRest applies before it restores.
/// </summary>
internal static class RunningServers
{
    /// <summary>The real paths of every data directory and tablespace location a running server uses (those this user may see).</summary>
    public static IReadOnlyList<string> OwnedLocations()
    {
        var dataDirectories = new HashSet<string>(StringComparer.Ordinal);
        foreach (string process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out _) || !IsPostgres(process))
            {
                continue;
            }

            try
            {
                if (new DirectoryInfo(Path.Combine(process, "cwd")).LinkTarget is { } cwd && File.Exists(Path.Combine(cwd, "PG_VERSION")))
                {
                    dataDirectories.Add(cwd);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's server: its postmaster.pid still guards its data directory.
            }
        }

        var locations = new List<string>(dataDirectories);
        foreach (string data in dataDirectories)
        {
            string links = Path.Combine(data, "pg_tblspc");
            try
            {
                locations.AddRange(Directory.EnumerateFileSystemEntries(links).Select(link => new FileInfo(link).LinkTarget).OfType<string>().Select(RealPath));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return locations;
    }

    /// <summary>The PostgreSQL processes of this host working in <paramref name="dataDirectory"/> (their current folder), with or without a postmaster.pid yet.</summary>
    public static IReadOnlyList<int> ProcessesIn(string dataDirectory)
    {
        string data = RealPath(dataDirectory);
        var found = new List<int>();
        foreach (string process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out int pid) || !IsPostgres(process))
            {
                continue;
            }

            try
            {
                if (new DirectoryInfo(Path.Combine(process, "cwd")).LinkTarget == data)
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>The pid of the live server whose postmaster.pid is in <paramref name="dataDirectory"/>; null when there is none (or it is stale).</summary>
    public static int? PostmasterOf(string dataDirectory)
    {
        string pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        string? first;
        try
        {
            first = File.ReadLines(pidFile).FirstOrDefault();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return int.TryParse(first, out int pid) && pid > 0 && IsPostgres($"/proc/{pid}") ? pid : null;
    }

    /// <summary>The real path of a folder that may not exist yet: its nearest existing ancestor resolved, the rest appended.</summary>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string? existing = full;
        var rest = new Stack<string>();
        while (existing is not null && UnixFileSystem.TryLstat(existing) is null)
        {
            rest.Push(Path.GetFileName(existing));
            existing = Path.GetDirectoryName(existing);
        }

        string resolved = existing is null ? "/" : UnixFileSystem.RealPath(existing);
        return rest.Aggregate(resolved, Path.Combine);
    }

    /// <summary>True when one path is the other or lies inside it.</summary>
    public static bool Overlap(string a, string b) =>
        a == b || a.StartsWith(b.TrimEnd('/') + "/", StringComparison.Ordinal) || b.StartsWith(a.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static bool IsPostgres(string process)
    {
        try
        {
            return File.ReadAllText(Path.Combine(process, "comm")).Trim() is "postgres" or "postmaster";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
