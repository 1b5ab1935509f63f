using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Lists the backup sets of a repository, newest first; folders without a manifest are reported as Incomplete.</para>
/// </summary>
/// <example><code>Get-BackupSet -Path /backup/pg -Kind Hot -Since (Get-Date).AddDays(-7)</code></example>
[Cmdlet(VerbsCommon.Get, "BackupSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BackupSet))]
public sealed class GetBackupSetCommand : PathInputCmdletBase
{
    /// <summary><para type="description">Only sets of this engine.</para></summary>
    [Parameter]
    public DatabaseEngine? Engine { get; set; }

    /// <summary><para type="description">Only hot or only cold sets.</para></summary>
    [Parameter]
    public BackupKind? Kind { get; set; }

    /// <summary><para type="description">Only sets started at or after this time.</para></summary>
    [Parameter]
    public DateTime? Since { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string repository in InputPaths())
        {
            try
            {
                var request = new GetBackupSetRequest(repository)
                {
                    Engine = Engine,
                    Kind = Kind,
                    Since = Since is { } since ? new DateTimeOffset(since.ToUniversalTime(), TimeSpan.Zero) : null,
                };
                WriteObject(BackupRepository.List(request), enumerateCollection: true);
            }
            catch (BackupException ex)
            {
                WriteError(ErrorRecordFactory.From(ex, repository));
            }
        }
    }
}
