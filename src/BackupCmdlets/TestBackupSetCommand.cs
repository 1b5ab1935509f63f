using System.Management.Automation;
using System.Security;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Fronts;

namespace BackupCmdlets;

/// <summary>
/// <para type="synopsis">Verifies backup sets: every file re-hashed against the manifest, the WAL range from start to stop LSN complete.</para>
/// <para type="description">Writes one TestBackupSetResult per set (Passed true or false), then each problem found as a non-terminating
/// error with its id (BackupSetFileChanged, BackupSetFileMissing, WalRangeIncomplete, BackupSetIncomplete, ...): the result always comes
/// out, -ErrorAction Stop turns the first problem into an exception, -ErrorVariable collects them all.</para>
/// <parameter name="Path">Backup set folders to verify; wildcards are expanded.</parameter>
/// <parameter name="LiteralPath">Backup set folders to verify, taken exactly as written.</parameter>
/// </summary>
/// <example>
/// <code>Get-BackupSet /backup/pg | Test-BackupSet</code>
/// <para>Verifies every set of a repository.</para>
/// </example>
/// <example>
/// <code>Get-BackupSet /backup/pg | Select-Object -First 1 | Test-BackupSet -ErrorAction Stop</code>
/// <para>Stops a script when the newest set does not verify.</para>
/// </example>
/// <example>
/// <code>Get-BackupSet /backup/pg | Select-Object -First 1 | Test-BackupSet -Restore -ScratchPath /var/tmp</code>
/// <para>Hashes the newest set, then restores it under /var/tmp, starts a PostgreSQL server on the copy with a private socket, lets it recover to the set's consistent point and runs pg_amcheck on every database (RestoreTest on the result), then stops the server and removes the copy.</para>
/// </example>
/// <seealso cref="GetBackupSetCommand"/>
/// <seealso cref="RestoreBackupSetCommand"/>
/// <seealso cref="TestDatafileBlockCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "BackupSet", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TestBackupSetResult))]
[ParametersFrom(typeof(TestBackupSetRequest), "Test-BackupSet")]
public sealed partial class TestBackupSetCommand : BackupSetInputCmdletBase
{
    /// <summary><para type="description">The passphrase an encrypted set was made with (or -EncryptionKeyFile): every file is then opened and authenticated.</para></summary>
    [Parameter]
    public SecureString? EncryptionKey { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string set in SetPaths())
        {
            if (BuildRequest(set) is not { } request)
            {
                return;
            }

            var keyed = request with { EncryptionKey = EncryptionKey };
            var result = RunOperation("Test-BackupSet", set, (progress, ct) => BackupEngine.TestBackupSetAsync(keyed, progress, ct));
            if (result is not null)
            {
                WriteResult(result, result.Problems);
            }
        }
    }
}
