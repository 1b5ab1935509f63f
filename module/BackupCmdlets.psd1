@{
    RootModule           = 'BackupCmdlets.dll'
    # Loaded first, into PowerShell's default context: the types PowerShell meets at import (parameter
    # and output types) and the result types users name, e.g. [BackupCmdlets.Engine.Archiving.ArchiveResult].
    RequiredAssemblies   = @('BackupCmdlets.Engine.Contracts.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0d3b52-3c1e-4d8e-9a57-2f5b8c1e7a40'
    Author               = 'BackupCmdlets'
    CompanyName          = 'BackupCmdlets'
    Copyright            = '(c) BackupCmdlets. All rights reserved.'
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
        'Test-DatafileBlock'
        'Invoke-DeltaSync'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('backup', 'tar', 'rsync', 'postgresql', 'sqlite', 'oracle', 'Linux')
            ProjectUri = ''
        }
    }
}
