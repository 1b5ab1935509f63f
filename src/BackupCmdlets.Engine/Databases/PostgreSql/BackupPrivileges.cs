using Npgsql;

namespace BackupCmdlets.Engine.Databases.PostgreSql;

/// <summary>
/// Everything a backup calls and reads on the server, checked before anything is copied or stopped: a
/// role lacking one would otherwise fail halfway (pg_switch_wal runs after the whole copy). Each thing
/// missing is named with the GRANT statement that gives it. A superuser has them all.
/// </summary>
internal static class BackupPrivileges
{
    /// <summary>The functions every backup calls (in pg_catalog, with their argument types).</summary>
    private static readonly string[] CalledByEveryBackup = ["pg_control_system()", "pg_is_in_recovery()", "pg_tablespace_location(oid)"];

    private static readonly string[] CalledByHotBackup =
        ["pg_backup_start(text, boolean)", "pg_backup_stop(boolean)", "pg_switch_wal()", "pg_walfile_name(pg_lsn)", "pg_stat_get_archiver()"];

    /// <summary>The views a hot backup reads besides pg_settings and pg_tablespace, which every role may read.</summary>
    private static readonly string[] ReadByHotBackup = ["pg_stat_archiver"];

    public static async Task EnsureAsync(NpgsqlConnection connection, BackupKind kind, CancellationToken cancellationToken)
    {
        bool hot = kind == BackupKind.Hot;
        string[] functions = hot ? [.. CalledByEveryBackup, .. CalledByHotBackup] : CalledByEveryBackup;
        string[] views = hot ? ReadByHotBackup : [];
        string[] settings = hot ? [.. ServerSettings.ReadByEveryBackup, .. ServerSettings.ReadByHotBackup] : [.. ServerSettings.ReadByEveryBackup];

        // A function this server does not have is left to fail where it is called, with its own error.
        const string sql = """
            SELECT quote_ident(current_user),
                   ARRAY(SELECT f FROM unnest($1::text[]) AS f
                         WHERE to_regprocedure('pg_catalog.' || f) IS NOT NULL AND NOT has_function_privilege(to_regprocedure('pg_catalog.' || f), 'EXECUTE')),
                   ARRAY(SELECT v FROM unnest($2::text[]) AS v WHERE NOT has_table_privilege('pg_catalog.' || v, 'SELECT')),
                   ARRAY(SELECT s FROM unnest($3::text[]) AS s WHERE s NOT IN (SELECT name FROM pg_settings))
            """;
        string role;
        string[] functionsDenied, viewsDenied, settingsHidden;
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            command.Parameters.AddWithValue(functions);
            command.Parameters.AddWithValue(views);
            command.Parameters.AddWithValue(settings);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            role = reader.GetString(0);
            functionsDenied = reader.GetFieldValue<string[]>(1);
            viewsDenied = reader.GetFieldValue<string[]>(2);
            settingsHidden = reader.GetFieldValue<string[]>(3);
        }

        var missing = functionsDenied.Select(f => $"EXECUTE on pg_catalog.{f} (GRANT EXECUTE ON FUNCTION pg_catalog.{f} TO {role};)")
            .Concat(viewsDenied.Select(v => $"SELECT on pg_catalog.{v} (GRANT SELECT ON pg_catalog.{v} TO {role};)"))
            .ToList();
        if (settingsHidden.Length > 0)
        {
            missing.Add($"reading the settings {string.Join(", ", settingsHidden)} (GRANT pg_read_all_settings TO {role};)");
        }

        if (missing.Count > 0)
        {
            throw new BackupException(
                Errors.BackupPrivilegeMissing,
                $"The role {role} lacks what a {kind.ToString().ToLowerInvariant()} backup needs: {string.Join("; ", missing)}. Run the GRANT statements as a superuser, or back up as a superuser. Nothing was copied or stopped.");
        }
    }
}
