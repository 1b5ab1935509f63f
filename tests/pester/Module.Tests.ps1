#Requires -Version 7.4
<#
    The module as PowerShell loads it: import in a fresh session, its private load context (other
    versions of its dependencies already loaded beside it), the types users name, the format views,
    help, progress, Stop, Remove-Module and Import-Module again, thread jobs and parallel loops, and
    installing it the way PowerShell users install modules.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestSupport.psm1') -Force
    Import-ModuleUnderTest
    $cmdletNames = @(
        'Backup-WalSegment', 'Expand-TarArchive', 'Export-Database', 'Get-BackupSet', 'Get-TarArchiveItem', 'Import-Database', 'Invoke-DeltaSync', 'New-TarArchive',
        'Remove-BackupSet', 'Restore-BackupSet', 'Restore-WalSegment', 'Start-ColdBackup', 'Start-HotBackup', 'Test-Archive', 'Test-BackupSet', 'Test-DatafileBlock'
    )
}

Describe 'Import-Module' {
    It 'imports in a fresh session and exports the sixteen cmdlets, nothing else' {
        $child = Invoke-ChildPwsh @"
Import-Module '$env:BACKUPCMDLETS_MODULE' -ErrorAction Stop
(Get-Command -Module BackupCmdlets | Sort-Object Name | ForEach-Object { "`$(`$_.CommandType) `$(`$_.Name)" }) -join ','
"@
        $child.ExitCode | Should -Be 0 -Because $child.Text
        $child.Output[-1] | Should -Be (($cmdletNames | ForEach-Object { "Cmdlet $_" }) -join ',')
    }

    It 'loads the engine and its dependencies into its own load context, the contracts into the default one' {
        $contexts = [AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -in 'BackupCmdlets', 'BackupCmdlets.Engine.Contracts', 'BackupCmdlets.Engine', 'ICSharpCode.SharpZipLib' -and $_.Location -like "$env:BACKUPCMDLETS_MODULE*" } |
            ForEach-Object { '{0}={1}' -f $_.GetName().Name, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
        # The engine loads when a cmdlet first needs it.
        $null = Get-BackupSet -LiteralPath $TestDrive -ErrorAction SilentlyContinue
        $contexts = [AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.Location -like "$env:BACKUPCMDLETS_MODULE*" } |
            ForEach-Object { '{0}={1}' -f $_.GetName().Name, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }

        $contexts | Should -Contain 'BackupCmdlets=Default'
        $contexts | Should -Contain 'BackupCmdlets.Engine.Contracts=Default'
        $contexts | Should -Contain 'BackupCmdlets.Engine=BackupCmdlets'
    }

    It 'imports and runs beside other versions of Npgsql and Microsoft.Data.Sqlite, and loads SQLite from its own folder' {
        $npgsql8 = Join-Path $env:BACKUPCMDLETS_TEST_PACKAGES 'npgsql/8.0.5/lib/net8.0/Npgsql.dll'
        $sqlite8 = Join-Path $env:BACKUPCMDLETS_TEST_PACKAGES 'microsoft.data.sqlite.core/8.0.30/lib/net8.0/Microsoft.Data.Sqlite.dll'
        $database = Join-Path $TestDrive 'isolation.db'
        & sqlite3 $database 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t (v) VALUES (''one''), (''two'');'
        $repository = Join-Path $TestDrive 'isolation-repo'

        $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$npgsql8'
Add-Type -Path '$sqlite8'
Import-Module '$env:BACKUPCMDLETS_MODULE'
`$set = Start-HotBackup -Engine Sqlite -ConnectionString 'Data Source=$database' -DestinationPath '$repository'
"status=`$(`$set.Status)"
"npgsql-default=`$([Npgsql.NpgsqlConnection].Assembly.GetName().Version.Major)"
"sqlite-default=`$([Microsoft.Data.Sqlite.SqliteConnection].Assembly.GetName().Version.Major)"
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Npgsql', 'Microsoft.Data.Sqlite' } |
    ForEach-Object { "loaded=`$(`$_.GetName().Name) `$(`$_.GetName().Version.Major) `$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name)" }
Get-Content /proc/`$PID/maps | Where-Object { `$_ -match 'libe_sqlite3\.so' } | ForEach-Object { "native=`$((`$_ -split '\s+')[-1])" } | Select-Object -Unique
"@
        $child.ExitCode | Should -Be 0 -Because $child.Text
        $child.Output | Should -Contain 'status=Complete'
        $child.Output | Should -Contain 'npgsql-default=8'
        $child.Output | Should -Contain 'sqlite-default=8'
        $child.Output | Should -Contain 'loaded=Microsoft.Data.Sqlite 10 BackupCmdlets'
        $child.Output | Should -Contain 'loaded=Microsoft.Data.Sqlite 8 Default'
        $child.Output | Should -Contain 'loaded=Npgsql 8 Default'
        $native = @($child.Output | Where-Object { $_ -like 'native=*' })
        $native | Should -HaveCount 1
        $native[0] | Should -BeLike "native=$env:BACKUPCMDLETS_MODULE/Dependencies/runtimes/linux-*/native/libe_sqlite3.so"
    }

    It 'runs again after Remove-Module and Import-Module' {
        Remove-Module BackupCmdlets
        Get-Command New-TarArchive -ErrorAction Ignore | Should -BeNullOrEmpty
        Import-ModuleUnderTest
        $null = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'again')
        Set-Content -LiteralPath (Join-Path $TestDrive 'again/file.txt') -Value 'again'

        $result = New-TarArchive -LiteralPath (Join-Path $TestDrive 'again') -DestinationPath (Join-Path $TestDrive 'again.tar') -RelativeBasePath $TestDrive

        $result.EntryCount | Should -Be 2
        (Test-Archive -LiteralPath $result.Path).IsValid | Should -BeTrue
    }
}

Describe 'Result types' {
    BeforeAll {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'types')).FullName
        $src = Join-Path $work 'src'
        New-SampleTree -Root $src
        $archive = Join-Path $work 'a.tar.gz'
        $database = Join-Path $work 'shop.db'
        & sqlite3 $database 'CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t DEFAULT VALUES;'
        Push-Location $work
        try {
            $results = [ordered]@{
                'BackupCmdlets.Engine.Archiving.ArchiveResult'        = New-TarArchive -Path src -DestinationPath $archive
                'BackupCmdlets.Engine.Archiving.TarArchiveItem'       = Get-TarArchiveItem -LiteralPath $archive | Select-Object -First 3
                'BackupCmdlets.Engine.Archiving.ArchiveTestResult'    = Test-Archive -LiteralPath $archive
                'BackupCmdlets.Engine.Archiving.ExpandArchiveResult'  = Expand-TarArchive -LiteralPath $archive -DestinationPath (Join-Path $work 'out')
                'BackupCmdlets.Engine.Syncing.SyncResult'             = Invoke-DeltaSync -Path src -DestinationPath mirror
                'BackupCmdlets.Engine.Syncing.SyncChange'             = Invoke-DeltaSync -Path src -DestinationPath mirror2 -PassThru | Where-Object { $_ -is [BackupCmdlets.Engine.Syncing.SyncChange] } | Select-Object -First 3
                'BackupCmdlets.Engine.Catalog.BackupSet'              = Start-HotBackup -Engine Sqlite -ConnectionString 'Data Source=shop.db' -DestinationPath repo
            }
            $results['BackupCmdlets.Engine.Catalog.TestBackupSetResult'] = $results['BackupCmdlets.Engine.Catalog.BackupSet'] | Test-BackupSet
            $results['BackupCmdlets.Engine.Catalog.RestoreResult'] = $results['BackupCmdlets.Engine.Catalog.BackupSet'] | Restore-BackupSet -DestinationPath restored.db
            $results['BackupCmdlets.Engine.Databases.ImportResult'] = Export-Database -Engine Sqlite 'Data Source=shop.db' exports | Import-Database -ConnectionString 'Data Source=imported.db' -Confirm:$false
            $block = [byte[]]::new(8192 * 4)
            [IO.File]::WriteAllBytes((Join-Path $work 'empty.dbf'), $block)
            $results['BackupCmdlets.Engine.Databases.Oracle.DatafileBlockResult'] = Test-DatafileBlock -LiteralPath (Join-Path $work 'empty.dbf') -BlockSize 8192
            $null = New-Item -ItemType Directory -Path wal_archive
            Set-Content -LiteralPath (Join-Path $work '00000002.history') -Value "1`t0/3000000`tno recovery target specified"
            $results['BackupCmdlets.Engine.Databases.WalSegmentResult'] = Backup-WalSegment -LiteralPath (Join-Path $work '00000002.history') -ArchivePath wal_archive
        }
        finally { Pop-Location }
    }

    It '<Name>: -is, Get-Member and the format view agree on the type name' -ForEach @(
        @{ Name = 'BackupCmdlets.Engine.Archiving.ArchiveResult' }
        @{ Name = 'BackupCmdlets.Engine.Archiving.TarArchiveItem' }
        @{ Name = 'BackupCmdlets.Engine.Archiving.ArchiveTestResult' }
        @{ Name = 'BackupCmdlets.Engine.Archiving.ExpandArchiveResult' }
        @{ Name = 'BackupCmdlets.Engine.Syncing.SyncResult' }
        @{ Name = 'BackupCmdlets.Engine.Syncing.SyncChange' }
        @{ Name = 'BackupCmdlets.Engine.Catalog.BackupSet' }
        @{ Name = 'BackupCmdlets.Engine.Catalog.TestBackupSetResult' }
        @{ Name = 'BackupCmdlets.Engine.Catalog.RestoreResult' }
        @{ Name = 'BackupCmdlets.Engine.Databases.ImportResult' }
        @{ Name = 'BackupCmdlets.Engine.Databases.Oracle.DatafileBlockResult' }
        @{ Name = 'BackupCmdlets.Engine.Databases.WalSegmentResult' }
    ) {
        $objects = @($results[$Name])
        $objects.Count | Should -BeGreaterThan 0
        $type = $Name -as [type]
        $type | Should -Not -BeNullOrEmpty -Because "[$Name] must resolve as a type literal"
        $objects | ForEach-Object { $_ -is $type | Should -BeTrue }
        ($objects | Get-Member)[0].TypeName | Should -Be $Name
        $view = Get-FormatData -TypeName $Name
        $view | Should -Not -BeNullOrEmpty
        $headers = $view.FormatViewDefinition[0].Control.Headers.Label

        $table = $objects | Format-Table | Out-String -Width 100
        $lines = $table -split "`n" | Where-Object { $_.Trim() }
        $lines | Where-Object { $_.Length -gt 100 } | Should -BeNullOrEmpty
        foreach ($header in $headers) { $lines[0] | Should -Match ([regex]::Escape($header)) }
    }

    It 'right-aligns numbers and shows UTC times and octal modes' {
        $row = (Get-TarArchiveItem -LiteralPath $archive | Where-Object Name -eq 'src/readme.txt' | Format-Table | Out-String -Width 100) -split "`n" | Where-Object { $_ -match 'readme' }
        $row | Should -Match '-rw-r--r-- +root/root +13 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +src/readme\.txt'
        $item = Get-TarArchiveItem -LiteralPath $archive | Where-Object Name -eq 'src/readme.txt'
        $item.Mode | Should -Be '0644'
        [int] $item.UnixFileMode | Should -Be 420
        $item.Modified.Offset | Should -Be ([TimeSpan]::Zero)
        $results['BackupCmdlets.Engine.Catalog.BackupSet'].StartTime.Offset | Should -Be ([TimeSpan]::Zero)
        ($item | Format-List | Out-String) | Should -Match 'Mode +: 0644'
    }

    It 'exports to CSV with its problems as text, not as a type name' {
        $result = $results['BackupCmdlets.Engine.Syncing.SyncResult']
        $csv = $result | ConvertTo-Csv | ConvertFrom-Csv
        $csv.Problems | Should -Be ''
        $csv.Changes | Should -Match 'Create File readme\.txt \(New\)'
        $csv.Changes | Should -Not -Match 'System\.Collections'
    }
}

Describe 'Help' {
    It '<Name> has a synopsis, examples with remarks, inputs, outputs, related links and described parameters' -ForEach @(
        'Backup-WalSegment', 'Expand-TarArchive', 'Export-Database', 'Get-BackupSet', 'Get-TarArchiveItem', 'Import-Database', 'Invoke-DeltaSync', 'New-TarArchive',
        'Remove-BackupSet', 'Restore-BackupSet', 'Restore-WalSegment', 'Start-ColdBackup', 'Start-HotBackup', 'Test-Archive', 'Test-BackupSet', 'Test-DatafileBlock' | ForEach-Object { @{ Name = $_ } }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^$Name"
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $help.Examples.Example | ForEach-Object { ($_.Remarks.Text -join '').Trim() | Should -Not -BeNullOrEmpty }
        @($help.ReturnValues.ReturnValue).Count | Should -BeGreaterThan 0
        @($help.RelatedLinks.NavigationLink.LinkText) | Should -Contain 'about_BackupCmdlets'
        if ((Get-Command $Name).Parameters.Values | Where-Object { $_.Attributes.ValueFromPipeline -or $_.Attributes.ValueFromPipelineByPropertyName }) {
            @($help.InputTypes.InputType).Count | Should -BeGreaterThan 0
        }
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $help.Parameters.Parameter | Where-Object Name -eq $parameter
            ($entry.Description.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
            $entry.DefaultValue | Should -Not -BeNullOrEmpty -Because "-$parameter needs a default value in its help"
        }
    }

    It '-Path says what each cmdlet reads' {
        (Get-Help Get-BackupSet -Parameter Path).Description.Text | Should -Match 'Repository'
        (Get-Help Test-BackupSet -Parameter Path).Description.Text | Should -Match 'set folder'
        (Get-Help Invoke-DeltaSync -Parameter Path).Description.Text | Should -Match 'source folder'
        (Get-Help Test-Archive -Parameter Path).Description.Text | Should -Match 'Archives'
    }

    It 'names the defaults: <Name> -<Parameter>' -ForEach @(
        @{ Name = 'New-TarArchive'; Parameter = 'Compression'; Default = "from the destination's extension" }
        @{ Name = 'Invoke-DeltaSync'; Parameter = 'ThrottleLimit'; Default = 'twice the cores, at most 16' }
        @{ Name = 'Start-HotBackup'; Parameter = 'ThrottleLimit'; Default = 'hot: 1*' }
    ) {
        (Get-Help $Name -Parameter $Parameter).DefaultValue | Should -BeLike $Default
    }
}

Describe 'Progress and Stop' {
    BeforeAll {
        $big = Join-Path $TestDrive 'big'
        $null = New-Item -ItemType Directory -Path $big
        1..4 | ForEach-Object { New-RandomFile -LiteralPath (Join-Path $big "part$_.bin") -Bytes 24MB -Seed $_ }
    }

    It 'reports percent and seconds remaining while writing an archive' {
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $env:BACKUPCMDLETS_MODULE).AddStatement()
            $null = $ps.AddCommand('New-TarArchive').AddParameter('LiteralPath', $big).AddParameter('DestinationPath', (Join-Path $TestDrive 'progress.tar.bz2')).AddParameter('ThrottleLimit', 1)
            $null = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse -Because ($ps.Streams.Error | Out-String)
            $records = @($ps.Streams.Progress | Where-Object RecordType -eq 'Processing')
            $records.Count | Should -BeGreaterThan 3
            $withPercent = @($records | Where-Object { $_.PercentComplete -gt 0 -and $_.PercentComplete -lt 100 })
            $withPercent.Count | Should -BeGreaterThan 2
            @($records | Where-Object SecondsRemaining -gt 0).Count | Should -BeGreaterThan 1
            @($ps.Streams.Progress | Where-Object RecordType -eq 'Completed').Count | Should -BeGreaterThan 0
        }
        finally { $ps.Dispose() }
    }

    It 'stops a bzip2 archive within a second and leaves nothing behind' {
        $out = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'stopped')).FullName
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $env:BACKUPCMDLETS_MODULE).AddStatement()
            $null = $ps.AddCommand('New-TarArchive').AddParameter('LiteralPath', $big).AddParameter('DestinationPath', (Join-Path $out 'stopped.tar.bz2'))
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@($ps.Streams.Progress | Where-Object PercentComplete -gt 0).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $async.IsCompleted | Should -BeFalse
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-ChildItem -LiteralPath $out -Force | Should -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Runspaces' {
    BeforeAll {
        $jobs = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'jobs')).FullName
        1..3 | ForEach-Object {
            $null = New-Item -ItemType Directory -Path (Join-Path $jobs "src$_")
            Set-Content -LiteralPath (Join-Path $jobs "src$_/file.txt") -Value "content $_"
        }
    }

    It 'runs in Start-ThreadJob' {
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module $using:env:BACKUPCMDLETS_MODULE
            New-TarArchive -LiteralPath (Join-Path $using:jobs 'src1') -DestinationPath (Join-Path $using:jobs 'job.tar.gz') -RelativeBasePath $using:jobs | Test-Archive
        }
        $result = $job | Wait-Job -Timeout 60 | Receive-Job
        $job | Remove-Job -Force

        $result.IsValid | Should -BeTrue
        $result.Compression | Should -Be 'GZip'
    }

    It 'runs in ForEach-Object -Parallel' {
        $results = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $env:BACKUPCMDLETS_MODULE
            Invoke-DeltaSync -LiteralPath (Join-Path $using:jobs "src$_") -DestinationPath (Join-Path $using:jobs "mirror$_")
        }

        $results | Should -HaveCount 3
        $results | ForEach-Object { $_.Complete | Should -BeTrue }
        1..3 | ForEach-Object { Get-Content (Join-Path $jobs "mirror$_/file.txt") | Should -Be "content $_" }
    }
}

Describe 'Installing with PSResourceGet' {
    It 'publishes to a file repository, installs by name and imports by name in a clean profile' {
        $home1 = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')).FullName
        $feed = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'feed')).FullName
        $staging = Join-Path $TestDrive 'staging/BackupCmdlets'
        Copy-Item -LiteralPath $env:BACKUPCMDLETS_MODULE -Destination $staging -Recurse
        $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $staging 'BackupCmdlets.psd1')
        $manifest.Author | Should -Not -Be $manifest.CompanyName
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Match $manifest.ModuleVersion

        $old = $env:HOME
        $env:HOME = $home1
        try {
            $child = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name BkcTestFeed -Uri '$feed' -Trusted
Publish-PSResource -Path '$staging' -Repository BkcTestFeed
Install-PSResource -Name BackupCmdlets -Repository BkcTestFeed -Scope CurrentUser -TrustRepository
Import-Module BackupCmdlets
`$m = Get-Module BackupCmdlets
"installed=`$(`$m.ModuleBase)"
"version=`$(`$m.Version)"
(Get-Command -Module BackupCmdlets).Count
"@
        }
        finally { $env:HOME = $old }

        $child.ExitCode | Should -Be 0 -Because $child.Text
        $child.Output | Should -Contain "installed=$home1/.local/share/powershell/Modules/BackupCmdlets/$($manifest.ModuleVersion)"
        $child.Output[-1] | Should -Be '16'
        $package = Get-ChildItem -LiteralPath $feed -Filter '*.nupkg'
        $package | Should -HaveCount 1
        $entries = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $names = $entries.Entries.FullName
            $names | Where-Object { $_ -like '*.pdb' } | Should -BeNullOrEmpty
            $names | Where-Object { $_ -match 'runtimes/(win|osx)' } | Should -BeNullOrEmpty
            $names | Should -Contain 'LICENSE.txt'
        }
        finally { $entries.Dispose() }
    }
}
