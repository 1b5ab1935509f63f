using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Databases.Oracle;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Checks every block of Oracle datafiles (or copies of them) as DBVERIFY does: the tail against the header, and the checksum.</para>
/// <para type="description">A bad block changed after the hot backup start is fractured: the archived redo repairs it, so it is only
/// counted. Any other bad block is corruption, reported with its block number. The backup start is -StartScn when given; for a copy
/// inside a hot Oracle backup set, the start SCN its manifest records for that file; otherwise the file is judged as cold (a cold copy,
/// or a closed database's file), where every bad block is corruption.
/// Writes one DatafileBlockResult per file, then each corrupt block as a non-terminating error (CorruptBlock): the result always comes out.</para>
/// <parameter name="Path">Datafiles (or copies of them) to check; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Datafiles (or copies of them) to check, taken exactly as written.</parameter>
/// </summary>
/// <example>
/// <code>Get-BackupSet -Path /backup/ora -Engine Oracle | ForEach-Object { Test-DatafileBlock (Join-Path $_.Path 'datafiles/*.dbf') }</code>
/// <para>Checks every datafile copy of every Oracle set, each judged by its set's manifest.</para>
/// </example>
/// <example>
/// <code>Test-DatafileBlock ./datafiles/0004_users04.dbf -StartScn 4295001234</code>
/// <para>Checks one copy as a hot copy taken from SCN 4295001234: blocks changed after it are fractured (repairable), others corrupt.</para>
/// </example>
/// <seealso cref="StartHotBackupCommand"/>
/// <seealso cref="TestBackupSetCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "DatafileBlock", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DatafileBlockResult))]
[ParametersFrom(typeof(TestDatafileBlockRequest), "Test-DatafileBlock")]
public sealed partial class TestDatafileBlockCommand : PathInputCmdletBase
{
    protected override void ProcessRecord()
    {
        foreach (string file in InputPaths())
        {
            if (BuildRequest(file) is not { } request)
            {
                return;
            }

            var result = RunOperation("Test-DatafileBlock", file, (progress, ct) => BackupEngine.TestDatafileBlockAsync(request, progress, ct));
            if (result is not null)
            {
                WriteResult(result, result.Problems);
            }
        }
    }
}
