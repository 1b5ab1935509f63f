#Requires -Version 7.4
<#
    Backup-WalSegment and Restore-WalSegment as an admin (and PostgreSQL) runs them: a round trip from a
    relative path after Set-Location, a repeat of the same file that succeeds, other content under an
    archived name refused with WalSegmentConflict (a terminating error), -WhatIf writing nothing, a file
    the archive does not hold reported as WalFileNotFound, and pwsh -Command (the restore_command used
    when no CLI is at hand) exiting with 1 for it. Encrypted: -EncryptionKey (a SecureString) round trip,
    a missing, wrong or clear-archive key refused, and a restore_command that passes the key file on.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestSupport.psm1') -Force
    Import-ModuleUnderTest

    # A 1 MiB WAL segment whose first page carries the long header PostgreSQL 15 writes there.
    function New-WalSegment {
        param([Parameter(Mandatory)] [string] $LiteralPath, [int] $Seed = 1)
        $name = Split-Path -Leaf $LiteralPath
        $size = 1MB
        $bytes = [byte[]]::new($size)
        $text = [Text.Encoding]::ASCII.GetBytes("INSERT row $Seed ")
        for ($at = 0; $at -lt $size; $at += $text.Length) {
            [Array]::Copy($text, 0, $bytes, $at, [Math]::Min($text.Length, $size - $at))
        }
        $segment = [Convert]::ToInt64($name.Substring(16, 8), 16) + [Convert]::ToInt64($name.Substring(8, 8), 16) * (0x100000000 / $size)
        [BitConverter]::GetBytes([uint16] 0xD110).CopyTo($bytes, 0)
        [BitConverter]::GetBytes([uint16] 2).CopyTo($bytes, 2)
        [BitConverter]::GetBytes([uint32] [Convert]::ToUInt32($name.Substring(0, 8), 16)).CopyTo($bytes, 4)
        [BitConverter]::GetBytes([uint64] ($segment * $size)).CopyTo($bytes, 8)
        [BitConverter]::GetBytes([uint64] 7714148755920620708).CopyTo($bytes, 24)
        [BitConverter]::GetBytes([uint32] $size).CopyTo($bytes, 32)
        [BitConverter]::GetBytes([uint32] 8192).CopyTo($bytes, 36)
        [IO.File]::WriteAllBytes($LiteralPath, $bytes)
    }
}

Describe 'Backup-WalSegment and Restore-WalSegment' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        $null = New-Item -ItemType Directory -Path (Join-Path $work 'data/pg_wal'), (Join-Path $work 'wal_archive')
        $segmentName = '000000010000000000000003'
        New-WalSegment -LiteralPath (Join-Path $work "data/pg_wal/$segmentName")
        [Environment]::CurrentDirectory = '/'
        Push-Location (Join-Path $work 'data')
    }

    AfterEach { Pop-Location }

    It 'archives a segment given relative to the location, as archive_command does, and fetches it back byte for byte' {
        $archived = Backup-WalSegment -Path "pg_wal/$segmentName" -ArchivePath ../wal_archive
        $fetched = Restore-WalSegment -Name $segmentName -DestinationPath pg_wal/RECOVERYXLOG -ArchivePath ../wal_archive

        $archived | Should -BeOfType ([BackupCmdlets.Engine.Databases.WalSegmentResult])
        "$($archived.Action)" | Should -Be 'Archived'
        $archived.ArchiveFile | Should -Be (Join-Path $work "wal_archive/$segmentName.zst")
        "$($fetched.Action)" | Should -Be 'Restored'
        $fetched.Sha256 | Should -Be $archived.Sha256
        (Get-FileHash pg_wal/RECOVERYXLOG).Hash | Should -Be (Get-FileHash "pg_wal/$segmentName").Hash
    }

    It 'succeeds again for the same content and refuses other content with WalSegmentConflict, a terminating error' {
        $null = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive
        $before = (Get-FileHash "../wal_archive/$segmentName.zst").Hash
        $again = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive
        New-WalSegment -LiteralPath (Join-Path $work "data/pg_wal/$segmentName") -Seed 2

        $conflict = Get-FirstError { Backup-WalSegment "pg_wal/$segmentName" ../wal_archive -ErrorAction Continue; 'went on' }

        "$($again.Action)" | Should -Be 'AlreadyArchived'
        $conflict | Get-ErrorId | Should -Be 'WalSegmentConflict'
        (Get-FileHash "../wal_archive/$segmentName.zst").Hash | Should -Be $before
    }

    It 'writes nothing with -WhatIf' {
        $null = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive -WhatIf
        Get-ChildItem ../wal_archive | Should -BeNullOrEmpty

        $null = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive
        $null = Restore-WalSegment $segmentName pg_wal/RECOVERYXLOG -ArchivePath ../wal_archive -WhatIf
        Test-Path pg_wal/RECOVERYXLOG | Should -BeFalse
    }

    It 'reports a file the archive does not hold as WalFileNotFound and a name that is no WAL file as WalFileNameInvalid' {
        Get-ReportedErrorId { Restore-WalSegment -Name 00000002.history -DestinationPath pg_wal/RECOVERYHISTORY -ArchivePath ../wal_archive } | Should -Be 'WalFileNotFound'
        Get-ReportedErrorId { Restore-WalSegment -Name ../data/pg_wal/$segmentName -DestinationPath pg_wal/x -ArchivePath ../wal_archive } | Should -Be 'WalFileNameInvalid'
        Get-ReportedErrorId { Backup-WalSegment -Path pg_wal -ArchivePath ../wal_archive } | Should -Be 'WalFileNameInvalid'
        Test-Path pg_wal/RECOVERYHISTORY | Should -BeFalse
    }

    It 'exits pwsh -Command with 1 for a missing file and 0 for an archived one (the restore_command without a CLI)' {
        $null = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive
        $pwsh = Join-Path $PSHOME 'pwsh'
        $module = $env:BACKUPCMDLETS_MODULE

        & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; Restore-WalSegment -Name 00000002.history -DestinationPath pg_wal/RECOVERYHISTORY -Force -ArchivePath '../wal_archive'" 2>&1 | Out-Null
        $missing = $LASTEXITCODE
        & $pwsh -NoProfile -NonInteractive -Command "Import-Module '$module'; Restore-WalSegment -Name $segmentName -DestinationPath pg_wal/RECOVERYXLOG -Force -ArchivePath '../wal_archive'" | Out-Null
        $found = $LASTEXITCODE

        $missing | Should -Be 1
        $found | Should -Be 0
        (Get-FileHash pg_wal/RECOVERYXLOG).Hash | Should -Be (Get-FileHash "pg_wal/$segmentName").Hash
    }

    It 'gives Restore-BackupSet a restore_command that sh runs with pwsh and the module when no CLI is at hand' {
        $null = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive
        $type = (Get-Command Restore-WalSegment).ImplementingType.Assembly.GetType('BackupCmdlets.WalFetchCommandLine')
        $savedPath = $env:PATH
        try {
            $env:PATH = '/usr/bin:/bin'
            $fetch = $type.GetMethod('For', [Reflection.BindingFlags] 'Public, NonPublic, Static').Invoke($null, @($env:BACKUPCMDLETS_MODULE))
        }
        finally { $env:PATH = $savedPath }
        $archive = Join-Path $work "wal_archive"
        $command = $fetch.Invoke($archive, $null)

        $printed = & sh -c $command.Replace('%f', $segmentName).Replace('%p', 'pg_wal/RECOVERYXLOG') 2>&1
        $found = $LASTEXITCODE
        & sh -c $command.Replace('%f', '00000002.history').Replace('%p', 'pg_wal/RECOVERYHISTORY') 2>&1 | Out-Null
        $missing = $LASTEXITCODE

        $command | Should -BeLike "*pwsh' -NoProfile -NonInteractive -Command 'Import-Module *; `$null = Restore-WalSegment -Name %f -DestinationPath %p -Force -ArchivePath *"
        $found | Should -Be 0
        $printed | Should -BeNullOrEmpty
        (Get-FileHash pg_wal/RECOVERYXLOG).Hash | Should -Be (Get-FileHash "pg_wal/$segmentName").Hash
        $missing | Should -Be 1
        Test-Path pg_wal/RECOVERYHISTORY | Should -BeFalse
    }

    It 'encrypts the archive under -EncryptionKey, and refuses a missing or wrong key or a key for files in the clear' {
        $passphrase = ConvertTo-SecureString 'correct horse battery staple' -AsPlainText -Force
        $archived = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive -EncryptionKey $passphrase
        $fetched = Restore-WalSegment $segmentName pg_wal/RECOVERYXLOG -ArchivePath ../wal_archive -EncryptionKey $passphrase
        $record = Get-Content -Raw ../wal_archive/backupcmdlets-archive.json

        "$($archived.Action)" | Should -Be 'Archived'
        $fetched.Sha256 | Should -Be $archived.Sha256
        (Get-FileHash pg_wal/RECOVERYXLOG).Hash | Should -Be (Get-FileHash "pg_wal/$segmentName").Hash
        $record | Should -Match 'PBKDF2-SHA256'
        $record | Should -Not -Match 'staple'
        Get-ReportedErrorId { Restore-WalSegment $segmentName pg_wal/NOKEY -ArchivePath ../wal_archive } | Should -Be 'EncryptionKeyRequired'
        Get-ReportedErrorId { Restore-WalSegment $segmentName pg_wal/WRONG -ArchivePath ../wal_archive -EncryptionKey (ConvertTo-SecureString 'wrong' -AsPlainText -Force) } | Should -Be 'EncryptionKeyWrong'
        Get-FirstError { Backup-WalSegment "pg_wal/$segmentName" ../wal_archive -ErrorAction Continue; 'went on' } | Get-ErrorId | Should -Be 'EncryptionKeyRequired'
        Test-Path pg_wal/NOKEY, pg_wal/WRONG | Should -Be @($false, $false)

        $clear = (New-Item -ItemType Directory -Path (Join-Path $work 'clear_archive')).FullName
        $null = Backup-WalSegment "pg_wal/$segmentName" $clear
        Get-FirstError { Backup-WalSegment "pg_wal/$segmentName" $clear -EncryptionKey $passphrase -ErrorAction Continue; 'went on' } | Get-ErrorId | Should -Be 'WalArchiveNotEncrypted'
        Test-Path (Join-Path $clear 'backupcmdlets-archive.json') | Should -BeFalse
    }

    It 'gives Restore-BackupSet a restore_command that passes an encrypted archive''s key file on' {
        $keyFile = Join-Path $work 'wal.key'
        [IO.File]::WriteAllBytes($keyFile, [Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
        $null = Backup-WalSegment "pg_wal/$segmentName" ../wal_archive -EncryptionKeyFile $keyFile
        $type = (Get-Command Restore-WalSegment).ImplementingType.Assembly.GetType('BackupCmdlets.WalFetchCommandLine')
        $savedPath = $env:PATH
        try {
            $env:PATH = '/usr/bin:/bin'
            $fetch = $type.GetMethod('For', [Reflection.BindingFlags] 'Public, NonPublic, Static').Invoke($null, @($env:BACKUPCMDLETS_MODULE))
        }
        finally { $env:PATH = $savedPath }
        $command = $fetch.Invoke((Join-Path $work 'wal_archive'), $keyFile)
        $withoutKey = $fetch.Invoke((Join-Path $work 'wal_archive'), $null)

        & sh -c $command.Replace('%f', $segmentName).Replace('%p', 'pg_wal/RECOVERYXLOG') 2>&1 | Out-Null
        $found = $LASTEXITCODE
        & sh -c $withoutKey.Replace('%f', $segmentName).Replace('%p', 'pg_wal/NOKEY') 2>&1 | Out-Null
        $refused = $LASTEXITCODE

        $command | Should -BeLike '*-EncryptionKeyFile*wal.key*'
        $found | Should -Be 0
        (Get-FileHash pg_wal/RECOVERYXLOG).Hash | Should -Be (Get-FileHash "pg_wal/$segmentName").Hash
        $refused | Should -Be 1
        Test-Path pg_wal/NOKEY | Should -BeFalse
    }
}

Describe 'A PostgreSQL server archiving with Backup-WalSegment, restored from PowerShell' {
    BeforeAll {
        $pgWork = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "bkc-pester-wal-$([guid]::NewGuid().ToString('N'))")).FullName
        $cluster = Start-TestPostgres -Parent $pgWork
        $archive = Join-Path $pgWork 'wal_archive'
        $null = New-Item -ItemType Directory -Path $archive
        & chown postgres:postgres $archive
        # A pwsh the server's user can run (this session's may be a per-user install out of its reach).
        $pwsh = @((Get-Command pwsh -All -ErrorAction Ignore).Source) + @('/opt/bctools/pwsh/pwsh', (Join-Path $PSHOME 'pwsh')) |
            Where-Object { $_ -and (Test-Path -LiteralPath $_) } |
            Where-Object { & runuser -u postgres -- $_ -NoProfile -Command 'exit 0' 2>$null; $LASTEXITCODE -eq 0 } |
            Select-Object -First 1
        $command = "$pwsh -NoProfile -NonInteractive -Command ""Import-Module '$env:BACKUPCMDLETS_MODULE'; Backup-WalSegment -LiteralPath %p -ArchivePath '$archive' | Out-Null"""
        Invoke-TestSql $cluster "ALTER SYSTEM SET archive_command = '$($command.Replace("'", "''"))';" | Out-Null
        Invoke-TestSql $cluster 'SELECT pg_reload_conf();' | Out-Null
        Invoke-TestSql $cluster 'CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL); INSERT INTO orders SELECT i, md5(i::text) FROM generate_series(1, 3000) i;' | Out-Null
    }

    AfterAll {
        if ($cluster) { Stop-TestPostgres $cluster }
        Remove-Item -LiteralPath $pgWork -Recurse -Force -ErrorAction Ignore
    }

    It 'takes the set from the archive found in archive_command, and the restored server recovers the rows written after it through Restore-WalSegment' {
        $set = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath (Join-Path $pgWork 'repo') -ArchiveTimeout 120
        Invoke-TestSql $cluster "INSERT INTO orders SELECT i, 'after the backup' FROM generate_series(3001, 3100) i;" | Out-Null
        $last = Invoke-TestSql $cluster 'SELECT pg_walfile_name(pg_switch_wal());'
        for ($i = 0; $i -lt 600 -and -not (Test-Path -LiteralPath (Join-Path $archive "$last.zst")); $i++) { Start-Sleep -Milliseconds 100 }

        $savedPath = $env:PATH
        try {
            # Restore-BackupSet writes the pwsh on PATH into restore_command.
            $env:PATH = "$(Split-Path $pwsh -Parent):/usr/bin:/bin"
            $restore = $set | Restore-BackupSet -DestinationPath (Join-Path $pgWork 'restored')
        }
        finally { $env:PATH = $savedPath }
        $autoConf = Get-Content -Raw -LiteralPath (Join-Path $restore.DestinationPath 'postgresql.auto.conf')
        $port = $cluster.Port + 1000
        try {
            Invoke-AsPostgres '/usr/lib/postgresql/15/bin/pg_ctl' '-D', $restore.DestinationPath, '-l', "$pgWork/pg/restored.log", '-w', '-t', '180', '-o', "-p $port -k $pgWork/pg/socket", 'start'
        }
        catch { throw "$_`n$(Get-Content -Raw -LiteralPath "$pgWork/pg/restored.log")" }
        try {
            $restoredCluster = [pscustomobject]@{ Root = "$pgWork/pg"; Port = $port }
            for ($i = 0; $i -lt 1200 -and (Invoke-TestSql $restoredCluster 'SELECT pg_is_in_recovery();') -eq 't'; $i++) { Start-Sleep -Milliseconds 100 }
            $count = Invoke-TestSql $restoredCluster 'SELECT count(*) FROM orders;'
        }
        finally { Stop-TestPostgres ([pscustomobject]@{ DataDirectory = $restore.DestinationPath }) }

        Test-Path -LiteralPath (Join-Path $archive "$last.zst") | Should -BeTrue
        $restore.WalArchive | Should -Be $archive
        $autoConf | Should -Match ([regex]::Escape("'$pwsh'' -NoProfile -NonInteractive -Command ''Import-Module"))
        $autoConf | Should -Match 'Restore-WalSegment -Name %f -DestinationPath %p -Force'
        $count | Should -Be '3100'
        Get-Content -Raw -LiteralPath "$pgWork/pg/restored.log" | Should -Match "restored log file ""$last"" from archive"
    }
}
