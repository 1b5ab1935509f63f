using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Applies retention to a backup-set repository: keeps the newest -KeepLast complete sets and/or those younger than -OlderThan.</para>
/// <para type="description">The newest complete set is never removed, nor an incomplete set newer than it (a backup may still be running). Writes each removed set.</para>
/// </summary>
/// <example><code>Remove-BackupSet -Path /backup/pg -KeepLast 7 -WhatIf</code></example>
[Cmdlet(VerbsCommon.Remove, "BackupSet", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(BackupSet))]
public sealed class RemoveBackupSetCommand : PathInputCmdletBase
{
    /// <summary><para type="description">Keep this many newest complete sets.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? KeepLast { get; set; }

    /// <summary><para type="description">Keep sets younger than this.</para></summary>
    [Parameter]
    public TimeSpan? OlderThan { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string repository in InputPaths())
        {
            try
            {
                foreach (var set in BackupRetention.Plan(new RemoveBackupSetRequest(repository) { KeepLast = KeepLast, OlderThan = OlderThan }))
                {
                    if (ShouldProcess(set.Path, $"Remove {set.Status} backup set from {set.StartTime:u}"))
                    {
                        BackupRetention.RemoveSet(set);
                        WriteObject(set);
                    }
                }
            }
            catch (BackupException ex)
            {
                WriteError(ErrorRecordFactory.From(ex, repository));
            }
            catch (IOException ex)
            {
                WriteError(ErrorRecordFactory.From(ex, repository));
            }
        }
    }
}
