using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Lists the backup sets of a repository, newest first; folders without a manifest are reported as Incomplete.</para>
/// <example><code>Get-BackupSet -Path /backup/pg -Kind Hot -Since (Get-Date).AddDays(-7)</code></example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BackupSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BackupSet))]
public sealed class GetBackupSetCommand : BackupCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary><para type="description">Repository folders (or single set folders); wildcards allowed.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    public string[]? Path { get; set; }

    /// <summary><para type="description">Repository folders taken exactly as written.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath")]
    public string[]? LiteralPath { get; set; }

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
        foreach (string repository in ResolveInputPaths(ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
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
