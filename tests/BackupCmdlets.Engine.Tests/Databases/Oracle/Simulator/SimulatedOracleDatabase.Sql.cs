using System.Data;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle.Simulator;

/// <summary>TEST CODE: the simulator's answers to the SQL of a user-managed backup and of a Data Pump export (anything else is ORA-00900).</summary>
public sealed partial class SimulatedOracleDatabase
{
    /// <summary>Answers one statement; the record shows a failed one with its error after it.</summary>
    internal DataTable Execute(SimulatedOracleConnection session, string sql, Dictionary<string, object?> binds)
    {
        string text = Whitespace().Replace(sql.Trim(), " ");
        var bound = new Dictionary<string, object?>(binds, StringComparer.OrdinalIgnoreCase);
        try
        {
            DataTable result;
            if (BackupModeChange().IsMatch(text))
            {
                lock (_writeGate)
                {
                    result = Answer(text, binds);
                }
            }
            else
            {
                result = Answer(text, binds);
            }

            Record(text);
            RecordCall(text, bound, result.Rows.Count > 0 ? result.Rows[0][0] : null);
            if (_writerRunning && BackupModeChange().Match(text) is { Success: true } change && change.Groups[2].Value.Equals("BEGIN", StringComparison.OrdinalIgnoreCase))
            {
                // A busy database: the copy that follows meets a block half-written in the files just put in backup mode.
                _writeInFlight.Wait(TimeSpan.FromSeconds(5));
            }

            return result;
        }
        catch (SimulatedOracleException ex)
        {
            Record($"{text} -- {ex.Message.Split('\n')[0]}");
            RecordCall(text, bound, null, ex.Message);
            throw;
        }
    }

    private DataTable Answer(string text, Dictionary<string, object?> binds)
    {
        if (!IsOpen)
        {
            throw new SimulatedOracleException(1034, "ORACLE not available");
        }

        // Outside the gate: a running job waits, and a second session must be able to stop it meanwhile.
        if (AnswerDataPump(text, binds) is { } pumped)
        {
            return pumped;
        }

        lock (_gate)
        {
            if (Regex.IsMatch(text, @"^SELECT dbid, name, log_mode, resetlogs_change# FROM v\$database$", RegexOptions.IgnoreCase))
            {
                return Table(["DBID", "NAME", "LOG_MODE", "RESETLOGS_CHANGE#"], Row((decimal)Dbid, Name, ArchiveLogMode ? "ARCHIVELOG" : "NOARCHIVELOG", 1m));
            }

            if (Regex.IsMatch(text, @"^SELECT version FROM v\$instance$", RegexOptions.IgnoreCase))
            {
                return Table(["VERSION"], Row(Version));
            }

            if (Regex.IsMatch(text, @"^SELECT value FROM v\$parameter WHERE name = 'db_block_size'$", RegexOptions.IgnoreCase))
            {
                return Table(["VALUE"], Row(BlockSize.ToString(CultureInfo.InvariantCulture)));
            }

            if (Regex.IsMatch(text, @"^SELECT d\.file#, t\.name, d\.name, d\.block_size, d\.bytes FROM v\$datafile d JOIN v\$tablespace t ON t\.ts# = d\.ts# ORDER BY d\.file#$", RegexOptions.IgnoreCase))
            {
                return Table(["FILE#", "NAME", "NAME", "BLOCK_SIZE", "BYTES"], [.. _datafiles.Select(d => new object[] { (decimal)d.Number, d.Tablespace, d.Path, (decimal)BlockSize, (decimal)d.Blocks * BlockSize })]);
            }

            if (Regex.IsMatch(text, @"^SELECT file#, status, change# FROM v\$backup ORDER BY file#$", RegexOptions.IgnoreCase))
            {
                return Table(["FILE#", "STATUS", "CHANGE#"], [.. _datafiles.Select(d => new object[] { (decimal)d.Number, d.BackupScn is null ? "NOT ACTIVE" : "ACTIVE", (decimal)(d.BackupScn ?? 0) })]);
            }

            if (Regex.IsMatch(text, @"^SELECT current_scn FROM v\$database$", RegexOptions.IgnoreCase))
            {
                return Table(["CURRENT_SCN"], Row((decimal)_scn));
            }

            if (Regex.IsMatch(text, @"^SELECT member FROM v\$logfile ORDER BY group#, member$", RegexOptions.IgnoreCase))
            {
                return Table(["MEMBER"], [.. LogFiles.Select(l => new object[] { l })]);
            }

            if (Regex.IsMatch(text, @"^SELECT name FROM v\$controlfile$", RegexOptions.IgnoreCase))
            {
                return Table(["NAME"], Row(ControlFile));
            }

            if (Regex.IsMatch(text, @"^SELECT thread#, sequence#, first_change#, next_change#, name FROM v\$archived_log WHERE name IS NOT NULL AND deleted = 'NO' AND next_change# > :start_scn AND first_change# <= :end_scn ORDER BY thread#, sequence#$", RegexOptions.IgnoreCase))
            {
                long start = Convert.ToInt64(binds["start_scn"], CultureInfo.InvariantCulture);
                long end = Convert.ToInt64(binds["end_scn"], CultureInfo.InvariantCulture);
                return Table(["THREAD#", "SEQUENCE#", "FIRST_CHANGE#", "NEXT_CHANGE#", "NAME"], [.. _archived.Where(a => a.NextScn > start && a.FirstScn <= end).Select(a => new object[] { 1m, (decimal)a.Sequence, (decimal)a.FirstScn, (decimal)a.NextScn, a.Path })]);
            }

            if (Regex.IsMatch(text, @"^ALTER SYSTEM ARCHIVE LOG CURRENT$", RegexOptions.IgnoreCase))
            {
                SwitchLog();
                return Empty();
            }

            if (Regex.Match(text, @"^ALTER DATABASE (BEGIN|END) BACKUP$", RegexOptions.IgnoreCase) is { Success: true } database)
            {
                SetBackupMode(_datafiles, database.Groups[1].Value.Equals("BEGIN", StringComparison.OrdinalIgnoreCase), "database");
                return Empty();
            }

            if (Regex.Match(text, @"^ALTER TABLESPACE (""[^""]+""|[A-Za-z][A-Za-z0-9_$#]*) (BEGIN|END) BACKUP$", RegexOptions.IgnoreCase) is { Success: true } tablespace)
            {
                string name = tablespace.Groups[1].Value is var raw && raw.StartsWith('"') ? raw.Trim('"') : raw.ToUpperInvariant();
                var files = _datafiles.Where(d => d.Tablespace == name).ToList();
                if (files.Count == 0)
                {
                    throw new SimulatedOracleException(959, $"tablespace '{name}' does not exist");
                }

                SetBackupMode(files, tablespace.Groups[2].Value.Equals("BEGIN", StringComparison.OrdinalIgnoreCase), $"tablespace {name}");
                return Empty();
            }

            if (Regex.Match(text, @"^ALTER DATABASE BACKUP CONTROLFILE TO (TRACE AS )?'((?:[^']|'')+)'$", RegexOptions.IgnoreCase) is { Success: true } controlfile)
            {
                string target = controlfile.Groups[2].Value.Replace("''", "'", StringComparison.Ordinal);
                if (File.Exists(target) || !Directory.Exists(Path.GetDirectoryName(target)))
                {
                    throw new SimulatedOracleException(1580, $"error creating control backup file {target}");
                }

                if (controlfile.Groups[1].Success)
                {
                    File.WriteAllText(target, Trace());
                }
                else
                {
                    File.Copy(ControlFile, target);
                }

                return Empty();
            }
        }

        throw new SimulatedOracleException(900, $"invalid SQL statement (the simulator does not know: {text})");
    }

    private void SetBackupMode(IReadOnlyList<Datafile> files, bool begin, string what)
    {
        if (begin)
        {
            if (!ArchiveLogMode)
            {
                throw new SimulatedOracleException(1123, "cannot start online backup; media recovery not enabled");
            }

            if (files.FirstOrDefault(f => f.BackupScn is not null) is { } already)
            {
                throw new SimulatedOracleException(1146, $"cannot start online backup - file {already.Number} is already in backup");
            }

            if (files.FirstOrDefault(f => !File.Exists(f.Path)) is { } missing)
            {
                throw new SimulatedOracleException(1157, $"cannot identify/lock data file {missing.Number} - see DBWR trace file\nORA-01110: data file {missing.Number}: '{missing.Path}'");
            }

            // The checkpoint: the writer holds the gate while it writes a block, so no write is in flight now.
            _writeInFlight.Reset();
            _scn++;
            foreach (var file in files)
            {
                file.BackupScn = _scn;
            }
        }
        else
        {
            var active = files.Where(f => f.BackupScn is not null).ToList();
            if (active.Count == 0)
            {
                throw new SimulatedOracleException(1142, $"cannot end online backup - none of the files of {what} are in backup");
            }

            foreach (var file in active)
            {
                file.BackupScn = null;
            }

            _scn++;
        }
    }

    private string Trace()
    {
        var text = new StringBuilder($"-- simulated controlfile trace of {Name}\nCREATE CONTROLFILE REUSE DATABASE \"{Name}\" NORESETLOGS ARCHIVELOG\nDATAFILE\n");
        text.AppendJoin(",\n", _datafiles.Select(d => $"  '{d.Path}'"));
        return text.Append(";\n").ToString();
    }

    private static DataTable Table(string[] columns, IReadOnlyList<object[]> rows)
    {
        var table = new DataTable();
        for (int i = 0; i < columns.Length; i++)
        {
            string name = table.Columns.Contains(columns[i]) ? columns[i] + i : columns[i];
            table.Columns.Add(name, rows.Count > 0 ? rows[0][i].GetType() : typeof(string));
        }

        foreach (var row in rows)
        {
            table.Rows.Add(row);
        }

        return table;
    }

    private static object[][] Row(params object[] values) => [values];

    private static DataTable Empty() => new();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^ALTER (TABLESPACE \S+|DATABASE) (BEGIN|END) BACKUP$", RegexOptions.IgnoreCase)]
    private static partial Regex BackupModeChange();
}
