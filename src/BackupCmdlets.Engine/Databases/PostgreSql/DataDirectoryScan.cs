using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Lists the files of a PostgreSQL data directory or tablespace for a backup, leaving out what the
/// PostgreSQL documentation (Making a Base Backup Using the Low Level API) says to leave out of a hot
/// copy: postmaster.pid/opts, the contents of pg_wal, pg_replslot, pg_dynshmem, pg_notify, pg_serial,
/// pg_snapshots, pg_stat_tmp and pg_subtrans, pgsql_tmp files, pg_internal.init, old backup_label and
/// tablespace_map, a standby's standby.signal and recovery.signal (as pg_basebackup leaves them out: a
/// copy of a standby restored with one would come up as a standby, not recover and open), temporary relations, and unlogged relations except their init fork. A cold copy
/// keeps everything but postmaster.pid/opts and temporary files. Neither keeps the log that earlier
/// versions of the cold backup left in the data directory (<see cref="ServerControl.LeftoverLogName"/>).
/// </summary>
internal static partial class DataDirectoryScan
{
    private static readonly HashSet<string> ContentsLeftOut =
        ["pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans"];

    private static readonly HashSet<string> RootFilesLeftOutHot =
        ["postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "backup_manifest", "current_logfiles.tmp", "postgresql.auto.conf.tmp", "backup_label.old", "standby.signal", "recovery.signal"];

    public static IReadOnlyList<SourceFile> Scan(string root, string setPrefix, bool hot, int blockSize, long segmentBlocks, bool checksums)
    {
        var result = new List<SourceFile> { new(root, setPrefix, IsDirectory: true) };
        Walk(root, setPrefix, isDataDirectoryRoot: setPrefix == "data", hot, blockSize, segmentBlocks, checksums, depth: 0, result);
        return result;
    }

    private static void Walk(string folder, string setFolder, bool isDataDirectoryRoot, bool hot, int blockSize, long segmentBlocks, bool checksums, int depth, List<SourceFile> result)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().ToList();
        }
        catch (DirectoryNotFoundException) when (hot)
        {
            return;
        }

        var names = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            string name = entry.Name;
            string setPath = setFolder + "/" + name;
            bool atRoot = isDataDirectoryRoot && depth == 0;
            if (name.StartsWith("pgsql_tmp", StringComparison.Ordinal) || name == "pg_internal.init" && hot)
            {
                continue;
            }

            if (atRoot && (name is "postmaster.pid" or "postmaster.opts" or ServerControl.LeftoverLogName || hot && RootFilesLeftOutHot.Contains(name)))
            {
                continue;
            }

            if (atRoot && name == "pg_tblspc")
            {
                // Tablespace links are recreated from the set's tablespace list on restore.
                result.Add(new SourceFile(entry.FullName, setPath, IsDirectory: true));
                continue;
            }

            if (entry is DirectoryInfo || entry.LinkTarget is not null && Directory.Exists(entry.FullName))
            {
                result.Add(new SourceFile(entry.FullName, setPath, IsDirectory: true));
                if (atRoot && hot && ContentsLeftOut.Contains(name))
                {
                    if (name == "pg_wal")
                    {
                        result.Add(new SourceFile(Path.Combine(entry.FullName, "archive_status"), setPath + "/archive_status", IsDirectory: true));
                    }

                    continue;
                }

                Walk(entry.FullName, setPath, isDataDirectoryRoot, hot, blockSize, segmentBlocks, checksums, depth + 1, result);
                continue;
            }

            if (entry.LinkTarget is not null)
            {
                continue;
            }

            var relation = RelationFile().Match(name);
            if (relation.Success && hot && IsUnloggedOrTemporary(name, relation, names))
            {
                continue;
            }

            bool isRelation = relation.Success && !name.StartsWith('t') && InRelationFolder(setFolder);
            long segment = isRelation && relation.Groups["segment"].Success ? long.Parse(relation.Groups["segment"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            result.Add(new SourceFile(entry.FullName, setPath)
            {
                Length = ((FileInfo)entry).Length,
                VerifyBlocks = checksums && isRelation,
                // The free space map is not WAL-logged and the visibility map's pages may change without a new LSN: both are copied whole.
                PageTracked = isRelation && !relation.Groups["fork"].Success,
                FirstBlockNumber = segment * segmentBlocks,
                MayVanish = hot,
            });
        }
    }

    /// <summary>Relation files live in global/, base/&lt;db&gt;/ and a tablespace's PG_&lt;version&gt;/&lt;db&gt;/.</summary>
    private static bool InRelationFolder(string setFolder)
    {
        string[] parts = setFolder.Split('/');
        return parts is ["data", "global"] or ["data", "base", _] or ["tablespaces", _, _, _];
    }

    private static bool IsUnloggedOrTemporary(string name, Match relation, HashSet<string> siblings)
    {
        if (name.StartsWith('t'))
        {
            return true;
        }

        string node = relation.Groups["node"].Value;
        string fork = relation.Groups["fork"].Value;
        return fork != "init" && siblings.Contains(node + "_init");
    }

    [GeneratedRegex(@"^t?(?:\d+_)?(?<node>\d+)(?:_(?<fork>fsm|vm|init))?(?:\.(?<segment>\d+))?$")]
    private static partial Regex RelationFile();
}
