@{
    RootModule           = 'BackupCmdlets.dll'
    # Loaded first, into PowerShell's default context: the types PowerShell meets at import (parameter
    # and output types) and the result types users name, e.g. [BackupCmdlets.Engine.Archiving.ArchiveResult].
    RequiredAssemblies   = @('BackupCmdlets.Engine.Contracts.dll')
    ModuleVersion        = '0.2.0'
    GUID                 = '6f0d3b52-3c1e-4d8e-9a57-2f5b8c1e7a40'
    Author               = 'The BackupCmdlets engineers'
    CompanyName          = 'BackupCmdlets'
    Copyright            = '(c) 2026 BackupCmdlets. MIT licence (LICENSE.txt).'
    Description          = 'Archives (tar), mirrors (rsync -a class) and hot and cold database backups that restore, as binary cmdlets returning typed objects.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('BackupCmdlets.format.ps1xml')
    CmdletsToExport      = @(
        'New-TarArchive'
        'Get-TarArchiveItem'
        'Test-Archive'
        'Expand-TarArchive'
        'Start-HotBackup'
        'Start-ColdBackup'
        'Get-BackupSet'
        'Test-BackupSet'
        'Restore-BackupSet'
        'Remove-BackupSet'
        'Export-Database'
        'Import-Database'
        'Test-DatafileBlock'
        'Backup-WalSegment'
        'Restore-WalSegment'
        'Invoke-DeltaSync'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('backup', 'tar', 'rsync', 'postgresql', 'sqlite', 'oracle', 'Linux')
            ReleaseNotes = '0.2.0: the module imports and runs in PowerShell 7.4+, with the engine and its dependencies in a load context of their own. Results pipe on (-InputObject, Path by property name). Test-* cmdlets write their result, then each problem as an error with its id. -Force runs cold backups and retention unattended. Entry names are relative to the current location; the compression follows the archive name. Retention touches only backup sets, never one in progress, per database, counting intact sets only.'
        }
    }
}
