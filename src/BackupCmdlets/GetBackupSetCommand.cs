using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Lists the backup sets of a repository, newest first.</para>
/// <para type="description">Only folders named as sets are sets: a WAL archive, scripts or lost+found kept beside them are not listed. A set
/// whose backup is still running is InProgress; one left without a manifest by a backup that failed or was killed is Incomplete; one whose
/// manifest cannot be read is Unreadable, and its reason is also written as a non-terminating error. Times are UTC.</para>
/// <parameter name="Path">Repository folders (or single set folders) to list; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Repository folders (or single set folders), taken exactly as written.</parameter>
/// </summary>
/// <example>
/// <code>Get-BackupSet -Path /backup/pg -Kind Hot -Since (Get-Date).AddDays(-7)</code>
/// <para>The hot backups of the last week.</para>
/// </example>
/// <example>
/// <code>Get-BackupSet /backup/pg | Where-Object Status -ne Complete | Format-Table SetId, Status, StartTime</code>
/// <para>Finds sets that are not complete.</para>
/// </example>
/// <seealso cref="StartHotBackupCommand"/>
/// <seealso cref="StartColdBackupCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
/// <seealso cref="RestoreBackupSetCommand"/>
/// <seealso cref="RemoveBackupSetCommand"/>
[Cmdlet(VerbsCommon.Get, "BackupSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BackupSet))]
[ParametersFrom(typeof(GetBackupSetRequest), "Get-BackupSet")]
public sealed partial class GetBackupSetCommand : PathInputCmdletBase
{
    protected override void ProcessRecord()
    {
        foreach (string repository in InputPaths())
        {
            if (BuildRequest(repository) is not { } request)
            {
                return;
            }

            var sets = RunOperation("Get-BackupSet", repository, (_, _) => Task.FromResult(BackupEngine.GetBackupSet(request)));
            foreach (var set in sets ?? [])
            {
                WriteResult(set, set.Problems);
            }
        }
    }
}
