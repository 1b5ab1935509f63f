using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Removes backup sets: by a retention policy over a repository (-KeepLast, -OlderThan), or the sets piped in.</para>
/// <para type="description">Retention applies to each database in the repository on its own (engine and database identity; its exports apart from its hot and cold sets) and counts only
/// intact sets (complete, with every file and WAL segment of the manifest present). It never removes the newest intact set of a database,
/// a set still being written, or a set whose manifest cannot be read; sets left incomplete by a backup that failed or was killed only with
/// -IncludeIncomplete. Folders that are not sets are never touched. Sets piped in (from Get-BackupSet) are removed one by one, except a set
/// still being written. Removing is high impact, so the cmdlet asks first; -Force (or -Confirm:$false) runs it unattended. Writes each
/// removed set.</para>
/// <parameter name="Path">Repository folders to apply the retention policy to; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Repository folders to apply the retention policy to, taken exactly as written.</parameter>
/// </summary>
/// <example>
/// <code>Remove-BackupSet -Path /backup/pg -KeepLast 7 -WhatIf</code>
/// <para>Shows which sets keeping the newest seven intact ones of each database would remove.</para>
/// </example>
/// <example>
/// <code>Remove-BackupSet /backup/pg -KeepLast 7 -OlderThan 30.00:00:00 -Force</code>
/// <para>The unattended form for a scheduled job: removes sets that are neither among the newest seven nor younger than 30 days.</para>
/// </example>
/// <example>
/// <code>Get-BackupSet /backup/pg | Where-Object Status -eq Failed | Remove-BackupSet -Confirm:$false</code>
/// <para>Removes the given sets: here every set marked failed.</para>
/// </example>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
[Cmdlet(VerbsCommon.Remove, "BackupSet", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BackupSet))]
[ParametersFrom(typeof(RemoveBackupSetRequest), "Remove-BackupSet")]
public sealed partial class RemoveBackupSetCommand : BackupSetInputCmdletBase
{
    /// <summary><para type="description">Do not ask for confirmation (the unattended form).</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var set in InputObject)
            {
                Remove(set);
            }

            return;
        }

        foreach (string repository in InputPaths())
        {
            if (BuildRequest(repository) is not { } request)
            {
                return;
            }

            var plan = RunOperation("Remove-BackupSet", repository, (_, _) => Task.FromResult(BackupEngine.PlanBackupSetRemoval(request)));
            foreach (var set in plan ?? [])
            {
                Remove(set);
            }
        }
    }

    private void Remove(BackupSet set)
    {
        if (!ShouldProcessOrForce(set.Path, $"Remove {set.Status} backup set from {set.StartTime:u}", Force))
        {
            return;
        }

        var removed = RunOperation("Remove-BackupSet", set.Path, (_, _) => Task.FromResult(BackupEngine.RemoveBackupSet(set.Path)));
        if (removed is not null)
        {
            WriteObject(removed);
        }
    }
}
