#Requires -Version 7.4
<#
    The database cmdlets as users run them, against SQLite files and a real PostgreSQL 15 server of
    the tests' own: relative paths after Set-Location, sets piped from Get-BackupSet, the result-first
    rule of Test-BackupSet, the unattended -Force form under pwsh -NonInteractive, and retention that
    touches only backup sets and never one being written.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestSupport.psm1') -Force
    Import-ModuleUnderTest

    function New-ShopDatabase {
        param([Parameter(Mandatory)] [string] $LiteralPath, [int] $Rows = 500)
        & sqlite3 $LiteralPath "PRAGMA journal_mode=WAL; CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $Rows) INSERT INTO orders SELECT i, 'item ' || i FROM n;" | Out-Null
    }
}

Describe 'SQLite backups' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        $database = Join-Path $work 'shop.db'
        New-ShopDatabase -LiteralPath $database
        $repository = Join-Path $work 'repo'
        [Environment]::CurrentDirectory = '/'
        Push-Location $work
    }

    AfterEach { Pop-Location }

    It 'backs up a relative Data Source from the location, not the process directory' {
        $set = Start-HotBackup -Engine Sqlite -ConnectionString 'Data Source=shop.db' -DestinationPath repo

        $set | Should -BeOfType ([BackupCmdlets.Engine.Catalog.BackupSet])
        "$($set.Status)" | Should -Be 'Complete'
        $set.DatabaseIdentity | Should -Be $database
        $set.Path | Should -BeLike "$repository/*"
        (Get-BackupSet -Path repo).SetId | Should -Be $set.SetId
    }

    It 'pipes sets on: Get-BackupSet | Test-BackupSet, and | Restore-BackupSet' {
        $null = Start-HotBackup -Engine Sqlite 'Data Source=shop.db' repo
        & sqlite3 $database "INSERT INTO orders (item) VALUES ('after the backup');"

        $test = Get-BackupSet repo | Test-BackupSet
        $restored = Get-BackupSet repo | Restore-BackupSet -DestinationPath restored.db

        $test.Passed | Should -BeTrue
        $restored | Should -BeOfType ([BackupCmdlets.Engine.Catalog.RestoreResult])
        & sqlite3 (Join-Path $work 'restored.db') 'PRAGMA integrity_check;' | Should -Be 'ok'
        & sqlite3 (Join-Path $work 'restored.db') 'SELECT count(*) FROM orders;' | Should -Be '500'
    }

    It 'takes a set folder by -Path and by a row with a Path property' {
        $set = Start-HotBackup -Engine Sqlite 'Data Source=shop.db' repo

        (Test-BackupSet -Path $set.Path).Passed | Should -BeTrue
        ([pscustomobject]@{ Path = $set.Path } | Test-BackupSet).Passed | Should -BeTrue
    }

    It 'refuses to restore several sets into one destination' {
        $null = Start-HotBackup -Engine Sqlite 'Data Source=shop.db' repo
        $null = Start-HotBackup -Engine Sqlite 'Data Source=shop.db' repo

        $error1 = Get-FirstError { Get-BackupSet repo | Restore-BackupSet -DestinationPath restored.db -ErrorAction Stop }

        $error1 | Get-ErrorId | Should -Be 'RestoreSeveralSets'
        Test-Path -LiteralPath restored.db | Should -BeFalse
    }

    It 'Test-BackupSet writes its result, then each problem as an error with its id, also under -ErrorAction Stop' {
        $set = Start-HotBackup -Engine Sqlite 'Data Source=shop.db' repo
        $copy = Join-Path $set.Path 'database/shop.db'
        $bytes = [IO.File]::ReadAllBytes($copy)
        $bytes[100] = $bytes[100] -bxor 0xFF
        [IO.File]::WriteAllBytes($copy, $bytes)

        $result = $set | Test-BackupSet -ErrorVariable problems -ErrorAction SilentlyContinue
        $seen = [Collections.Generic.List[object]]::new()
        $error1 = Get-FirstError { $set | Test-BackupSet -ErrorAction Stop | ForEach-Object { $seen.Add($_) } }

        $result.Passed | Should -BeFalse
        $problems | Get-ErrorId | Should -Be 'BackupSetFileChanged'
        $seen | Should -HaveCount 1
        $seen[0].Passed | Should -BeFalse
        $error1 | Get-ErrorId | Should -Be 'BackupSetFileChanged'
        $error1.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'reports a missing database file with its id' {
        $error1 = Get-FirstError { Start-HotBackup -Engine Sqlite 'Data Source=no-such.db' repo -ErrorAction Stop }

        $error1 | Get-ErrorId | Should -Be 'SqliteDatabaseNotFound'
        $error1.TargetObject | Should -Be (Join-Path $work 'no-such.db')
        Test-Path -LiteralPath repo | Should -BeFalse
    }

    It 'asks before a cold backup: under pwsh -NonInteractive it needs -Force, and runs with it' {
        $script = @"
Import-Module '$env:BACKUPCMDLETS_MODULE'
try { Start-ColdBackup -Engine Sqlite 'Data Source=shop.db' repo -ErrorAction Stop; 'no error' } catch { "refused=`$(`$_.FullyQualifiedErrorId)" }
"sets=`$(@(Get-BackupSet repo -ErrorAction SilentlyContinue).Count)"
`$set = Start-ColdBackup -Engine Sqlite 'Data Source=shop.db' repo -Force
"forced=`$(`$set.Status)"
`$set = Start-ColdBackup -Engine Sqlite 'Data Source=shop.db' repo -Confirm:`$false
"confirmed=`$(`$set.Status)"
"@
        $child = Invoke-ChildPwsh -WorkingDirectory $work $script

        $child.Output | Should -Contain 'refused=ConfirmationRequired,BackupCmdlets.StartColdBackupCommand'
        $child.Output | Should -Contain 'sets=0'
        $child.Output | Should -Contain 'forced=Complete'
        $child.Output | Should -Contain 'confirmed=Complete'
    }

    It 'exports a relative Data Source as a Logical set and imports it into a new file; a second import needs -Force' {
        $set = Export-Database -Engine Sqlite 'Data Source=shop.db' repo
        & sqlite3 $database "INSERT INTO orders (item) VALUES ('after the export');"

        $set | Should -BeOfType ([BackupCmdlets.Engine.Catalog.BackupSet])
        "$($set.Kind)" | Should -Be 'Logical'
        $set.Path | Should -BeLike "$repository/*-sqlite-logical-*"
        (Get-BackupSet repo -Kind Logical).SetId | Should -Be $set.SetId
        ($set | Test-BackupSet).Passed | Should -BeTrue

        $imported = $set | Import-Database -ConnectionString 'Data Source=copy.db' -Confirm:$false
        $again = Get-FirstError { $set | Import-Database -ConnectionString 'Data Source=copy.db' -Confirm:$false -ErrorAction Stop }
        $forced = Import-Database -Path $set.Path -ConnectionString 'Data Source=copy.db' -Force

        $imported | Should -BeOfType ([BackupCmdlets.Engine.Databases.ImportResult])
        $imported.Target | Should -Be (Join-Path $work 'copy.db')
        & sqlite3 (Join-Path $work 'copy.db') 'PRAGMA integrity_check;' | Should -Be 'ok'
        & sqlite3 (Join-Path $work 'copy.db') 'SELECT count(*) FROM orders;' | Should -Be '500'
        $again | Get-ErrorId | Should -Be 'ImportTargetNotEmpty'
        $forced.Target | Should -Be (Join-Path $work 'copy.db')
    }

    It 'exports as an SQL dump that sqlite3 reads, and imports it into a new file' {
        $set = Export-Database -Engine Sqlite 'Data Source=shop.db' repo -Format SqlDump
        $dump = Join-Path $set.Path 'database/shop.db.sql'

        Test-Path -LiteralPath $dump | Should -BeTrue
        & sqlite3 (Join-Path $work 'by-sqlite3.db') ".read $dump" | Out-Null
        & sqlite3 (Join-Path $work 'by-sqlite3.db') 'SELECT count(*) FROM orders;' | Should -Be '500'
        $imported = $set | Import-Database -ConnectionString 'Data Source=from-dump.db' -Confirm:$false
        $imported.Target | Should -Be (Join-Path $work 'from-dump.db')
        & sqlite3 (Join-Path $work 'from-dump.db') 'SELECT count(*), sum(length(item)) FROM orders;' | Should -Be (& sqlite3 $database 'SELECT count(*), sum(length(item)) FROM orders;')
    }

    It 'Export-Database -WhatIf writes nothing; Import-Database asks first, so under pwsh -NonInteractive it needs -Force' {
        Export-Database -Engine Sqlite 'Data Source=shop.db' repo -WhatIf
        Test-Path -LiteralPath repo | Should -BeFalse
        $set = Export-Database -Engine Sqlite 'Data Source=shop.db' repo

        $child = Invoke-ChildPwsh -WorkingDirectory $work @"
Import-Module '$env:BACKUPCMDLETS_MODULE'
try { Import-Database -Path '$($set.Path)' -ConnectionString 'Data Source=copy.db' -ErrorAction Stop; 'no error' } catch { "refused=`$(`$_.FullyQualifiedErrorId)" }
"exists=`$(Test-Path -LiteralPath copy.db)"
`$result = Import-Database -Path '$($set.Path)' -ConnectionString 'Data Source=copy.db' -Force
"imported=`$(`$result.Engine)"
"@

        $child.Output | Should -Contain 'refused=ConfirmationRequired,BackupCmdlets.ImportDatabaseCommand'
        $child.Output | Should -Contain 'exists=False'
        $child.Output | Should -Contain 'imported=Sqlite'
        & sqlite3 (Join-Path $work 'copy.db') 'SELECT count(*) FROM orders;' | Should -Be '500'
    }

    Context 'Get-BackupSet and Remove-BackupSet' {
        BeforeEach {
            $sets = 1..3 | ForEach-Object { Start-HotBackup -Engine Sqlite 'Data Source=shop.db' repo }
            foreach ($other in 'wal_archive', 'scripts', 'lost+found', 'manual-dumps') {
                $null = New-Item -ItemType Directory -Path (Join-Path $repository $other)
                Set-Content -LiteralPath (Join-Path $repository "$other/keep.me") -Value $other
            }
        }

        It 'lists only sets, never the folders kept beside them' {
            $listed = Get-BackupSet repo

            $listed | Should -HaveCount 3
            $listed.Status | ForEach-Object { "$_" | Should -Be 'Complete' }
        }

        It 'applies -KeepLast to sets only, and with -Force runs unattended under pwsh -NonInteractive' {
            $refused = Invoke-ChildPwsh -WorkingDirectory $work @"
Import-Module '$env:BACKUPCMDLETS_MODULE'
try { Remove-BackupSet repo -KeepLast 1 -ErrorAction Stop } catch { "refused=`$(`$_.FullyQualifiedErrorId)" }
"@
            $refused.Output | Should -Contain 'refused=ConfirmationRequired,BackupCmdlets.RemoveBackupSetCommand'
            Get-BackupSet repo | Should -HaveCount 3

            $child = Invoke-ChildPwsh -WorkingDirectory $work @"
Import-Module '$env:BACKUPCMDLETS_MODULE'
(Remove-BackupSet repo -KeepLast 1 -IncludeIncomplete -Force).SetId
"@
            $child.ExitCode | Should -Be 0 -Because $child.Text
            $child.Output | Should -Be @($sets[1].SetId, $sets[0].SetId)
            (Get-BackupSet repo).SetId | Should -Be $sets[2].SetId
            foreach ($other in 'wal_archive', 'scripts', 'lost+found', 'manual-dumps') {
                Get-Content -LiteralPath (Join-Path $repository "$other/keep.me") | Should -Be $other
            }
        }

        It 'removes the sets piped to it, each after ShouldProcess' {
            $whatIf = Get-BackupSet repo | Select-Object -Last 2 | Remove-BackupSet -WhatIf
            $whatIf | Should -BeNullOrEmpty
            Get-BackupSet repo | Should -HaveCount 3

            $removed = Get-BackupSet repo | Where-Object SetId -ne $sets[2].SetId | Remove-BackupSet -Confirm:$false

            $removed.SetId | Should -Be @($sets[1].SetId, $sets[0].SetId)
            (Get-BackupSet repo).SetId | Should -Be $sets[2].SetId
            Test-Path -LiteralPath $sets[0].Path | Should -BeFalse
        }

        It 'refuses retention rules with piped sets instead of taking each set as a repository' {
            $error1 = Get-FirstError { Get-BackupSet repo | Remove-BackupSet -KeepLast 1 -Force -ErrorAction Stop }

            $error1 | Get-ErrorId | Should -Be 'RepositoryIsBackupSet'
            Get-BackupSet repo | Should -HaveCount 3
        }

        It 'lists a set whose manifest is cut short as Unreadable, with its error, and goes on' {
            $manifest = Join-Path $sets[1].Path 'manifest.json'
            Set-Content -LiteralPath $manifest -Value (Get-Content -LiteralPath $manifest -Raw).Substring(0, 40) -NoNewline

            $listed = Get-BackupSet repo -ErrorVariable problems -ErrorAction SilentlyContinue
            $removed = Remove-BackupSet repo -OlderThan 0 -IncludeIncomplete -Force

            $listed | Should -HaveCount 3
            "$(($listed | Where-Object SetId -eq $sets[1].SetId).Status)" | Should -Be 'Unreadable'
            $problems | Get-ErrorId | Should -Be 'BackupSetManifestUnreadable'
            $removed.SetId | Should -Be $sets[0].SetId
            Test-Path -LiteralPath $manifest | Should -BeTrue
        }

        It 'never removes a set whose backup is still running' {
            # sqlite3 holds the write lock, so the next backup waits with its set folder marked in progress.
            $start = [Diagnostics.ProcessStartInfo]::new('sqlite3', $database)
            $start.RedirectStandardInput = $true
            $start.RedirectStandardOutput = $true
            $holder = [Diagnostics.Process]::Start($start)
            $holder.StandardInput.WriteLine('BEGIN IMMEDIATE;')
            $holder.StandardInput.WriteLine("SELECT 'locked';")
            $holder.StandardInput.Flush()
            $holder.StandardOutput.ReadLine() | Should -Be 'locked'
            $job = Start-ThreadJob -ArgumentList $work, $env:BACKUPCMDLETS_MODULE -ScriptBlock {
                param($Work, $Module)
                Import-Module $Module
                Start-HotBackup -Engine Sqlite -ConnectionString "Data Source=$Work/shop.db" -DestinationPath "$Work/repo"
            }
            try {
                $running = $null
                for ($i = 0; $i -lt 200 -and -not $running; $i++) {
                    $running = Get-BackupSet repo | Where-Object Status -eq 'InProgress'
                    Start-Sleep -Milliseconds 50
                }
                $running | Should -Not -BeNullOrEmpty

                $removed = 1..20 | ForEach-Object { Remove-BackupSet repo -KeepLast 1 -IncludeIncomplete -Force }
                $explicit = Get-FirstError { $running | Remove-BackupSet -Force -ErrorAction Stop }

                $removed.Path | Should -Not -Contain $running.Path
                $explicit | Get-ErrorId | Should -Be 'BackupSetInProgress'
                Test-Path -LiteralPath $running.Path | Should -BeTrue
            }
            finally {
                $holder.StandardInput.WriteLine('ROLLBACK;')
                $holder.StandardInput.WriteLine('.quit')
                $holder.WaitForExit()
            }
            $finished = $job | Wait-Job -Timeout 120 | Receive-Job
            $job | Remove-Job -Force
            $finished.Path | Should -Be $running.Path
            "$($finished.Status)" | Should -Be 'Complete'
            "$((Get-BackupSet -LiteralPath $finished.Path).Status)" | Should -Be 'Complete'
        }
    }
}

Describe 'PostgreSQL backups' {
    BeforeAll {
        $pgWork = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'pg')).FullName
        $cluster = Start-TestPostgres -Parent $pgWork
        Invoke-TestSql $cluster 'CREATE TABLE orders (id int PRIMARY KEY, item text NOT NULL); INSERT INTO orders SELECT i, md5(i::text) FROM generate_series(1, 5000) i;'
    }

    AfterAll {
        if ($cluster) { Stop-TestPostgres $cluster }
    }

    It 'takes a hot backup into a relative repository, tests it, and restores every committed row' {
        [Environment]::CurrentDirectory = '/'
        Push-Location $pgWork
        try {
            $set = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath repo
            $test = $set | Test-BackupSet
            $restore = $set | Restore-BackupSet -DestinationPath restored
        }
        finally { Pop-Location }
        Invoke-TestSql $cluster "INSERT INTO orders VALUES (999999, 'after the backup');" | Out-Null

        "$($set.Status)" | Should -Be 'Complete'
        $set.Path | Should -BeLike "$pgWork/repo/*"
        $test.Passed | Should -BeTrue
        $test.RedoComplete | Should -BeTrue
        $restore.RecoveryConfigured | Should -BeTrue
        $restored = [pscustomobject]@{ Root = $pgWork; DataDirectory = $restore.DestinationPath; Port = $cluster.Port + 1000 }
        & chown -R postgres:postgres $restored.DataDirectory
        Invoke-AsPostgres "/usr/lib/postgresql/15/bin/pg_ctl" '-D', $restored.DataDirectory, '-l', "$pgWork/pg/restored.log", '-w', '-t', '120', '-o', "-p $($restored.Port) -k $pgWork/pg/socket -c archive_mode=off", 'start'
        try {
            $restoredCluster = [pscustomobject]@{ Root = "$pgWork/pg"; Port = $restored.Port }
            Invoke-TestSql $restoredCluster 'SELECT count(*) FROM orders;' | Should -Be '5000'
        }
        finally { Stop-TestPostgres $restored }
    }

    It 'Test-BackupSet -Restore brings the set up on a private server, runs pg_amcheck on every database and removes it all' {
        $scratch = (New-Item -ItemType Directory -Path (Join-Path $pgWork 'scratch')).FullName
        $set = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath (Join-Path $pgWork 'trial-repo')

        $test = $set | Test-BackupSet -Restore -ScratchPath $scratch

        $test.Passed | Should -BeTrue
        $test.RestoreTest.Passed | Should -BeTrue
        $test.RestoreTest.Check | Should -Be 'pg_amcheck'
        $test.RestoreTest.Databases | Should -Contain 'postgres'
        $test.RestoreTest.ConsistentAt | Should -Match '^[0-9A-F]+/[0-9A-F]+$'
        @(Get-ChildItem -Force $scratch).Count | Should -Be 0
        ($test | Format-Table | Out-String) | Should -Match '\bok\b'
    }

    It 'Restore-BackupSet -Delta over an identical stopped copy keeps its files and writes only what differs' {
        $set = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath (Join-Path $pgWork 'delta-repo')
        $copy = Join-Path $pgWork 'delta-copy'
        $full = $set | Restore-BackupSet -DestinationPath $copy

        $delta = $set | Restore-BackupSet -DestinationPath $copy -Delta
        $refused = { $set | Restore-BackupSet -DestinationPath $cluster.DataDirectory -Delta -ErrorAction Stop } | Should -Throw -PassThru

        $full.FileCount | Should -BeGreaterThan 500
        $delta.FilesUnchanged | Should -BeGreaterThan 500
        $delta.FileCount | Should -BeLessOrEqual 2
        $refused.FullyQualifiedErrorId | Should -BeLike 'RestoreServerRunning,*'
    }

    It 'takes an incremental set that names its full parent, passes Test-BackupSet -Restore, and keeps its parent from removal' {
        $repo = Join-Path $pgWork 'incr-repo'
        $scratch = (New-Item -ItemType Directory -Path (Join-Path $pgWork 'incr-scratch')).FullName
        $full = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo
        Invoke-TestSql $cluster "UPDATE orders SET item = 'changed' WHERE id % 50 = 0;" | Out-Null
        $incr = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -Type Incremental

        $test = $incr | Test-BackupSet -Restore -ScratchPath $scratch
        $refused = { $full | Remove-BackupSet -Confirm:$false -ErrorAction Stop } | Should -Throw -PassThru
        $kept = Remove-BackupSet $repo -KeepLast 1 -Force

        "$($full.Type)" | Should -Be 'Full'
        "$($incr.Type)" | Should -Be 'Incremental'
        $incr.ParentSetId | Should -Be $full.SetId
        $incr.Bytes | Should -BeLessThan $full.Bytes
        $test.Passed | Should -BeTrue
        $test.RestoreTest.Passed | Should -BeTrue
        $refused.FullyQualifiedErrorId | Should -BeLike 'BackupSetHasDependants,*'
        @($kept).Count | Should -Be 0
        @(Get-BackupSet $repo).Count | Should -Be 2
    }

    It 'takes a full set when an incremental has nothing to build on, and warns why; refuses -Type with -Compression' {
        $repo = Join-Path $pgWork 'first-incr-repo'
        $set = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -Type Incremental -WarningVariable warned -WarningAction SilentlyContinue
        $refused = { Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -Type Differential -Compression Zstd -ErrorAction Stop } | Should -Throw -PassThru

        "$($set.Type)" | Should -Be 'Full'
        "$warned" | Should -Match 'A full set was taken instead of the incremental set asked for'
        $refused.FullyQualifiedErrorId | Should -BeLike 'IncrementalNotSupported,*'
        @(Get-BackupSet $repo).Count | Should -Be 1
    }

    It 'takes a Plain Zstd chain (-Format Plain -Compression Zstd): each file a zstd file, the incremental restores and -Delta keeps an identical copy' {
        $repo = Join-Path $pgWork 'plain-zstd-repo'
        $full = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -Format Plain -Compression Zstd
        Invoke-TestSql $cluster "UPDATE orders SET item = 'zstd chain' WHERE id % 40 = 0;" | Out-Null
        $incr = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -Format Plain -Compression Zstd -Type Incremental
        $copy = Join-Path $pgWork 'plain-zstd-copy'

        $test = $incr | Test-BackupSet
        $restore = $incr | Restore-BackupSet -DestinationPath $copy
        $delta = $incr | Restore-BackupSet -DestinationPath $copy -Delta
        $refused = { Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -Format Plain -Compression GZip -ErrorAction Stop } | Should -Throw -PassThru
        $version = & zstd -dc (Join-Path $full.Path 'data/PG_VERSION')

        "$($incr.Type)" | Should -Be 'Incremental'
        $incr.ParentSetId | Should -Be $full.SetId
        (Get-BackupSet $repo | ForEach-Object { "$($_.Format) $($_.Compression)" }) | Should -Be @('Plain Zstd', 'Plain Zstd')
        $version | Should -Be '15'
        $test.Passed | Should -BeTrue
        $restore.FileCount | Should -BeGreaterThan 500
        $delta.FilesUnchanged | Should -BeGreaterThan 500
        $refused.FullyQualifiedErrorId | Should -BeLike 'ParameterOutOfRange,*'
    }

    It 'encrypts a set under a SecureString passphrase: nothing in the clear, Test-BackupSet and Restore-BackupSet need it, a wrong one is refused' {
        $repo = Join-Path $pgWork 'encrypted-repo'
        $passphrase = ConvertTo-SecureString 'pester passphrase' -AsPlainText -Force
        Invoke-TestSql $cluster "CREATE TABLE IF NOT EXISTS notes (t text); INSERT INTO notes VALUES ('pester-marker-91c2');" | Out-Null
        $set = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -EncryptionKey $passphrase

        $keyed = $set | Test-BackupSet -EncryptionKey $passphrase
        $keyless = $set | Test-BackupSet
        $wrong = Get-FirstError { $set | Test-BackupSet -EncryptionKey (ConvertTo-SecureString 'not it' -AsPlainText -Force) -ErrorAction Stop }
        $missing = Get-FirstError { $set | Restore-BackupSet -DestinationPath (Join-Path $pgWork 'enc-never') -ErrorAction Stop }
        $restored = $set | Restore-BackupSet -DestinationPath (Join-Path $pgWork 'enc-restored') -EncryptionKey $passphrase
        $clear = Get-ChildItem -Recurse -File -LiteralPath $set.Path | Where-Object { $_.Name -notlike 'manifest.json*' } | Select-String -SimpleMatch 'pester-marker-91c2' -List

        $set.Encryption | Should -Be 'AES-256-GCM/BCSEAL01'
        $keyed.Passed | Should -BeTrue
        $keyed.ContentAuthenticated | Should -BeTrue
        $keyless.Passed | Should -BeTrue
        $keyless.ContentAuthenticated | Should -BeFalse
        $wrong | Get-ErrorId | Should -Be 'EncryptionKeyWrong'
        $missing | Get-ErrorId | Should -Be 'EncryptionKeyRequired'
        Test-Path -LiteralPath (Join-Path $pgWork 'enc-never') | Should -BeFalse
        $restored.FileCount | Should -BeGreaterThan 500
        @($clear).Count | Should -Be 0
    }

    It 'compresses and encrypts each file of a Plain Zstd set under a passphrase: smaller than its content, nothing in the clear, restored with the passphrase' {
        $repo = Join-Path $pgWork 'encrypted-zstd-repo'
        $passphrase = ConvertTo-SecureString 'pester zstd passphrase' -AsPlainText -Force
        Invoke-TestSql $cluster "CREATE TABLE IF NOT EXISTS notes (t text); INSERT INTO notes VALUES ('pester-marker-5e0d');" | Out-Null
        $set = Start-HotBackup -Engine PostgreSql -ConnectionString $cluster.ConnectionString -DestinationPath $repo -Format Plain -Compression Zstd -EncryptionKey $passphrase

        $keyed = $set | Test-BackupSet -EncryptionKey $passphrase
        $destination = Join-Path $pgWork 'enc-zstd-restored'
        $restored = $set | Restore-BackupSet -DestinationPath $destination -EncryptionKey $passphrase
        $clear = Get-ChildItem -Recurse -File -LiteralPath $set.Path | Where-Object { $_.Name -notlike 'manifest.json*' } | Select-String -SimpleMatch 'pester-marker-5e0d' -List
        $stored = (Get-ChildItem -Recurse -File -LiteralPath (Join-Path $set.Path 'data') | Measure-Object Length -Sum).Sum
        $content = (Get-ChildItem -Recurse -File -LiteralPath $destination -Exclude 'pg_wal' | Where-Object { $_.FullName -notlike '*/pg_wal/*' } | Measure-Object Length -Sum).Sum

        (Get-BackupSet $repo | ForEach-Object { "$($_.Format) $($_.Compression) $($_.Encryption)" }) | Should -Be 'Plain Zstd AES-256-GCM/BCSEAL01'
        $keyed.Passed | Should -BeTrue
        $keyed.ContentAuthenticated | Should -BeTrue
        $restored.FileCount | Should -BeGreaterThan 500
        @($clear).Count | Should -Be 0
        $stored * 3 | Should -BeLessThan $content
        (Get-Content -Raw -LiteralPath (Join-Path $destination 'PG_VERSION')).Trim() | Should -Be '15'
    }

    It 'never restores over the running server, even with -Force, and refuses an unreachable recovery target before writing anything' {
        $set = Get-BackupSet -LiteralPath (Join-Path $pgWork 'repo') | Select-Object -First 1
        $lsn = Invoke-TestSql $cluster 'SELECT pg_current_wal_insert_lsn()::text;'

        $overLive = Get-FirstError { $set | Restore-BackupSet -DestinationPath $cluster.DataDirectory -Force -ErrorAction Stop }
        $unreachable = Get-FirstError { $set | Restore-BackupSet -DestinationPath (Join-Path $pgWork 'too-far') -RecoveryTargetLsn $lsn -ErrorAction Stop }

        $overLive | Get-ErrorId | Should -Be 'RestoreServerRunning'
        $unreachable | Get-ErrorId | Should -Be 'RecoveryTargetNotReachable'
        Test-Path -LiteralPath (Join-Path $pgWork 'too-far') | Should -BeFalse
        Invoke-TestSql $cluster 'SELECT count(*) FROM orders;' | Should -Be '5001'
    }

    It 'turns archiving off in the restored copy unless told otherwise, and says so' {
        $set = Get-BackupSet -LiteralPath (Join-Path $pgWork 'repo') | Select-Object -First 1

        $off = $set | Restore-BackupSet -DestinationPath (Join-Path $pgWork 'copy-off')
        $redirected = $set | Restore-BackupSet -DestinationPath (Join-Path $pgWork 'copy-redirected') -ArchiveMode Redirect -ArchivePath (Join-Path $pgWork 'copy-archive')

        $off.Archiving | Should -Be 'off'
        $redirected.Archiving | Should -Be "into $(Join-Path $pgWork 'copy-archive')"
        Get-Content -LiteralPath (Join-Path $pgWork 'copy-off/postgresql.auto.conf') | Should -Contain "archive_mode = 'off'"
        (Get-Content -LiteralPath (Join-Path $pgWork 'copy-redirected/postgresql.auto.conf') -Raw) | Should -Match ([regex]::Escape("'$(Join-Path $pgWork 'copy-archive')/%f'"))
    }

    It 'exports with pg_dump into a Logical set and imports it into a new database; again only with -Clean -Force' {
        $rows = Invoke-TestSql $cluster 'SELECT count(*) FROM orders;'
        $set = Export-Database -Engine PostgreSql $cluster.ConnectionString (Join-Path $pgWork 'exports') -ThrottleLimit 2
        $copy = $cluster.ConnectionString -replace 'Database=postgres', 'Database=shopcopy'

        $imported = $set | Import-Database -ConnectionString $copy -ThrottleLimit 2 -Confirm:$false
        Invoke-TestSql $cluster -Database shopcopy 'DELETE FROM orders WHERE id > 10;' | Out-Null
        $again = Get-FirstError { $set | Import-Database -ConnectionString $copy -Clean -Confirm:$false -ErrorAction Stop }
        $cleaned = $set | Import-Database -ConnectionString $copy -Clean -Force

        "$($set.Kind)" | Should -Be 'Logical'
        "$($set.Engine)" | Should -Be 'PostgreSql'
        ($set | Test-BackupSet).Passed | Should -BeTrue
        $imported.Target | Should -BeLike 'PostgreSQL *shopcopy'
        $again | Get-ErrorId | Should -Be 'ImportTargetNotEmpty'
        $cleaned.Cleaned | Should -BeTrue
        Invoke-TestSql $cluster -Database shopcopy 'SELECT count(*) FROM orders;' | Should -Be $rows
    }

    It 'asks before a cold backup: refused under pwsh -NonInteractive without -Force, the server running on; with -Force stopped, copied and started again' {
        $child = Invoke-ChildPwsh -WorkingDirectory $pgWork @"
Import-Module '$env:BACKUPCMDLETS_MODULE'
try { Start-ColdBackup -Engine PostgreSql '$($cluster.ConnectionString)' cold -ErrorAction Stop } catch { "refused=`$(`$_.FullyQualifiedErrorId)" }
"@
        $child.Output | Should -Contain 'refused=ConfirmationRequired,BackupCmdlets.StartColdBackupCommand'
        Invoke-TestSql $cluster 'SELECT 1;' | Should -Be '1'

        $forced = Invoke-ChildPwsh -WorkingDirectory $pgWork @"
Import-Module '$env:BACKUPCMDLETS_MODULE'
`$set = Start-ColdBackup -Engine PostgreSql '$($cluster.ConnectionString)' cold -Force
"status=`$(`$set.Status) kind=`$(`$set.Kind)"
"@
        $forced.Output | Should -Contain 'status=Complete kind=Cold'
        Invoke-TestSql $cluster 'SELECT count(*) FROM orders;' | Should -Be '5001'
        (Get-BackupSet -LiteralPath (Join-Path $pgWork 'cold') | Test-BackupSet).Passed | Should -BeTrue
    }
}

Describe 'Test-DatafileBlock' {
    It 'writes its result, then each corrupt block as an error with its id, also under -ErrorAction Stop' {
        $file = Join-Path $TestDrive 'users01.dbf'
        [IO.File]::WriteAllBytes($file, [byte[]]::new(3 * 8192 + 100))
        $seen = [Collections.Generic.List[object]]::new()

        $result = Test-DatafileBlock -LiteralPath $file -BlockSize 8192 -ErrorVariable problems -ErrorAction SilentlyContinue
        $error1 = Get-FirstError { Test-DatafileBlock -LiteralPath $file -BlockSize 8192 -ErrorAction Stop | ForEach-Object { $seen.Add($_) } }

        $result.IsValid | Should -BeFalse
        $result.Corrupt | Should -Be 1
        "$($result.Findings)" | Should -Be "$file block 3: Corrupt (the file ends 100 bytes into a block: truncated)"
        $problems | Get-ErrorId | Should -Be 'CorruptBlock'
        $seen | Should -HaveCount 1
        $error1 | Get-ErrorId | Should -Be 'CorruptBlock'
    }
}
