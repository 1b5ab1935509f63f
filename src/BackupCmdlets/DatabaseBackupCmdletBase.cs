using System.Globalization;
using System.Management.Automation;
using BackupCmdlets.Engine;
using BackupCmdlets.Engine.Archiving;
using BackupCmdlets.Engine.Catalog;
using BackupCmdlets.Engine.Databases;

namespace BackupCmdlets;

/// <summary>The parameters Start-HotBackup, Start-ColdBackup and Export-Database share (the credential), and the run the two backups share.</summary>
public abstract class DatabaseBackupCmdletBase : BackupCmdletBase
{
    /// <summary><para type="description">User name and password for the connection; never written to the set, a message or an error.</para></summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// Asks for confirmation, completes the request (the credential, and the current location for
    /// relative files in the connection string), runs it and writes the set.
    /// </summary>
    protected void RunBackup(
        StartBackupRequest? request,
        string activity,
        string action,
        bool force,
        Func<StartBackupRequest, IProgress<Engine.OperationProgress>, CancellationToken, Task<BackupSet>> start)
    {
        if (request is null
            || !ShouldProcessOrForce(BackupEngine.DescribeDatabase(request.Engine, request.ConnectionString), string.Format(CultureInfo.InvariantCulture, action, request.DestinationPath), force))
        {
            return;
        }

        request = request with
        {
            Credential = Credential?.GetNetworkCredential(),
            WorkingDirectory = CurrentDirectory,
        };
        var set = RunOperation(activity, request.DestinationPath, (progress, ct) => start(request, progress, ct));
        if (set is not null)
        {
            if (set.FullBackupReason is { } reason)
            {
                WriteWarning($"A full set was taken instead of the {request.Type.ToString().ToLowerInvariant()} set asked for: {reason}.");
            }

            WriteResult(set, set.Problems);
        }
    }
}
