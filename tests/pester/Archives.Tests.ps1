#Requires -Version 7.4
<#
    Pester 5 tests of the archive cmdlets as a user runs them: pipelines from Get-ChildItem,
    -WhatIf, -LiteralPath with wildcard characters in names, error ids, and a full round trip.
    ./build.ps1 -Task Test packages the module and sets $env:BACKUPCMDLETS_MODULE to its folder.
#>

BeforeAll {
    if (-not $env:BACKUPCMDLETS_MODULE) {
        throw 'Set $env:BACKUPCMDLETS_MODULE to the packaged module folder (./build.ps1 -Task Test does this).'
    }
    Import-Module $env:BACKUPCMDLETS_MODULE -Force -ErrorAction Stop

    # A tree with the cases that matter: nested and empty folders, text and random bytes, a name
    # with wildcard characters beside the name those characters match, a symlink, a file to exclude.
    function New-SampleTree {
        param([Parameter(Mandatory)] [string] $Root)
        $null = New-Item -ItemType Directory -Path (Join-Path $Root 'docs/empty') -Force
        Set-Content -LiteralPath (Join-Path $Root 'readme.txt') -Value 'hello archive' -NoNewline
        Set-Content -LiteralPath (Join-Path $Root 'docs/notes.md') -Value ('a line of notes ' * 4000)
        $random = [byte[]]::new(70000)
        [Random]::new(42).NextBytes($random)
        [IO.File]::WriteAllBytes((Join-Path $Root 'docs/random.bin'), $random)
        Set-Content -LiteralPath (Join-Path $Root '[a].txt') -Value 'the file named [a].txt'
        Set-Content -LiteralPath (Join-Path $Root 'a.txt') -Value 'the file [a] matches as a wildcard'
        Set-Content -LiteralPath (Join-Path $Root 'scratch.tmp') -Value 'left out by -Exclude'
        $null = [IO.File]::CreateSymbolicLink((Join-Path $Root 'link-to-readme'), 'readme.txt')
    }

    # One line per item (relative name, kind, content hash or link target, mode, file mtime to the
    # second): two trees are the same when these lines are.
    function Get-TreeState {
        param([Parameter(Mandatory)] [string] $Root)
        $rootPath = (Resolve-Path -LiteralPath $Root).ProviderPath
        $lines = Get-ChildItem -LiteralPath $rootPath -Recurse -Force | ForEach-Object {
            $relative = [IO.Path]::GetRelativePath($rootPath, $_.FullName)
            if ($_.LinkType -eq 'SymbolicLink') {
                "$relative|link|$($_.LinkTarget)"
            }
            elseif ($_.PSIsContainer) {
                "$relative|dir||$($_.UnixFileMode)"
            }
            else {
                $hash = (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash
                $seconds = [DateTimeOffset]::new($_.LastWriteTimeUtc).ToUnixTimeSeconds()
                "$relative|file|$hash|$($_.UnixFileMode)|$seconds"
            }
        }
        ($lines | Sort-Object) -join "`n"
    }

    # Entry names without the trailing '/' some tar writers give folders.
    function Get-EntryName {
        param([Parameter(Mandatory)] [string] $LiteralPath)
        Get-TarArchiveItem -LiteralPath $LiteralPath -ErrorAction Stop | ForEach-Object { $_.Name.TrimEnd('/') }
    }

    # The first error a command reports (write it with -ErrorAction Stop in the script block).
    function Get-FirstError {
        param([Parameter(Mandatory)] [scriptblock] $Command)
        try {
            $null = & $Command
        }
        catch {
            return $_
        }
        throw 'The command reported no error.'
    }

    # Every error id a command reports, whether written as an error, thrown, or listed among the
    # Problems of its result ('ArchiveCorrupt', without the ',BackupCmdlets.<Cmdlet>Command' part).
    function Get-ReportedErrorId {
        param([Parameter(Mandatory)] [scriptblock] $Command)
        $ErrorActionPreference = 'Continue'
        try {
            & $Command 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) {
                    $_.FullyQualifiedErrorId.Split(',')[0]
                }
                else {
                    $_.Problems | ForEach-Object { $_.ErrorId }
                }
            }
        }
        catch {
            $_.FullyQualifiedErrorId.Split(',')[0]
        }
    }

    # Test-Archive -Quiet on a damaged archive: exactly one $false, however the cmdlet also reports why.
    function Assert-QuietlyInvalid {
        param([Parameter(Mandatory)] [string] $LiteralPath)
        $answer = Test-Archive -LiteralPath $LiteralPath -Quiet -ErrorAction SilentlyContinue
        @($answer).Count | Should -Be 1
        $answer | Should -BeOfType ([bool])
        $answer | Should -BeFalse
    }

    # A plain ustar archive written byte by byte, for entries no honest tool writes ('../x', '/x').
    function New-RawTarArchive {
        param(
            [Parameter(Mandatory)] [string] $LiteralPath,
            [Parameter(Mandatory)] [hashtable[]] $Entry
        )
        $stream = [IO.MemoryStream]::new()
        foreach ($e in $Entry) {
            $type = if ($e.Type) { [string] $e.Type } else { '0' }
            $data = if ($type -eq '0') { [Text.Encoding]::UTF8.GetBytes([string] $e.Content) } else { [byte[]]::new(0) }
            $mode = if ($e.Mode) { [string] $e.Mode } else { '0000644' }
            if ([Text.Encoding]::UTF8.GetByteCount([string] $e.Name) -gt 100) { throw "Entry name over 100 bytes: $($e.Name)" }
            $header = [byte[]]::new(512)
            $fields = @(
                @(0, [string] $e.Name), @(100, $mode), @(108, '0000000'), @(116, '0000000'),
                @(124, [Convert]::ToString($data.Length, 8).PadLeft(11, '0')),
                @(136, [Convert]::ToString([DateTimeOffset]::UtcNow.ToUnixTimeSeconds(), 8).PadLeft(11, '0')),
                @(148, '        '), @(156, $type), @(157, [string] $e.LinkName), @(257, "ustar`0"), @(263, '00')
            )
            foreach ($field in $fields) {
                $bytes = [Text.Encoding]::UTF8.GetBytes($field[1])
                [Array]::Copy($bytes, 0, $header, $field[0], $bytes.Length)
            }
            $sum = 0
            foreach ($b in $header) { $sum += $b }
            $checksum = [Text.Encoding]::ASCII.GetBytes([Convert]::ToString($sum, 8).PadLeft(6, '0') + "`0 ")
            [Array]::Copy($checksum, 0, $header, 148, 8)
            $stream.Write($header, 0, 512)
            $stream.Write($data, 0, $data.Length)
            $padding = (512 - $data.Length % 512) % 512
            $stream.Write([byte[]]::new($padding), 0, $padding)
        }
        $stream.Write([byte[]]::new(1024), 0, 1024)
        [IO.File]::WriteAllBytes($LiteralPath, $stream.ToArray())
    }

    # A copy of a file with one byte inverted, or with only its first bytes.
    function Copy-Damaged {
        param(
            [Parameter(Mandatory)] [string] $LiteralPath,
            [Parameter(Mandatory)] [string] $Destination,
            [long] $FlipAt = -1,
            [long] $KeepBytes = -1
        )
        $bytes = [IO.File]::ReadAllBytes($LiteralPath)
        if ($FlipAt -ge 0) { $bytes[$FlipAt] = $bytes[$FlipAt] -bxor 0xFF }
        if ($KeepBytes -ge 0) { [Array]::Resize([ref] $bytes, $KeepBytes) }
        [IO.File]::WriteAllBytes($Destination, $bytes)
    }
}

Describe 'New-TarArchive' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        $src = Join-Path $work 'src'
        New-SampleTree -Root $src
        $out = (New-Item -ItemType Directory -Path (Join-Path $work 'out')).FullName
        $dest = Join-Path $out 'backup.tar'
    }

    It 'archives a folder under its own name and returns an ArchiveResult' {
        $result = New-TarArchive -Path $src -DestinationPath $dest

        @($result).Count | Should -Be 1
        $result.PSObject.TypeNames[0] | Should -Be 'BackupCmdlets.Engine.Archiving.ArchiveResult'
        $result.Path | Should -Be $dest
        "$($result.Compression)" | Should -Be 'None'
        $result.EntryCount | Should -Be ((Get-ChildItem -LiteralPath $src -Recurse -Force).Count + 1)
        $result.BytesOut | Should -Be (Get-Item -LiteralPath $dest).Length
        $result.BytesIn | Should -BeGreaterThan 70000
        $result.Sha256 | Should -Be (Get-FileHash -LiteralPath $dest -Algorithm SHA256).Hash
        $result.Duration | Should -BeOfType ([timespan])
        $names = Get-EntryName -LiteralPath $dest
        $names | Should -Contain 'src'
        $names | Should -Contain 'src/docs/empty'
        $names | Should -Contain 'src/[a].txt'
        $names | Should -Contain 'src/link-to-readme'
    }

    It 'takes the files Get-ChildItem pipes to it into one archive' {
        $files = Get-ChildItem -LiteralPath $src -File
        $result = $files | New-TarArchive -DestinationPath $dest

        @($result).Count | Should -Be 1
        $result.EntryCount | Should -Be $files.Count
        (Get-EntryName -LiteralPath $dest | Sort-Object) -join '|' | Should -Be (($files.Name | Sort-Object) -join '|')
    }

    It 'changes nothing with -WhatIf' {
        $result = New-TarArchive -Path $src -DestinationPath $dest -Compression GZip -Checksum -WhatIf

        $result | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $out -Force | Should -BeNullOrEmpty
    }

    It 'takes -LiteralPath as written and -Path as a wildcard' {
        $literal = Join-Path $out 'literal.tar'
        $wildcard = Join-Path $out 'wildcard.tar'

        New-TarArchive -LiteralPath (Join-Path $src '[a].txt') -DestinationPath $literal | Out-Null
        New-TarArchive -Path (Join-Path $src '[a].txt') -DestinationPath $wildcard | Out-Null

        Get-EntryName -LiteralPath $literal | Should -Be '[a].txt'
        Get-EntryName -LiteralPath $wildcard | Should -Be 'a.txt'
    }

    It 'resolves PowerShell drive paths' {
        $relative = [IO.Path]::GetRelativePath($TestDrive, $src)
        $result = New-TarArchive -Path "TestDrive:/$relative/readme.txt" -DestinationPath "TestDrive:/$([IO.Path]::GetRelativePath($TestDrive, $dest))"

        $result.Path | Should -Be $dest
        Get-EntryName -LiteralPath $dest | Should -Be 'readme.txt'
    }

    It 'writes <Compression> data that carries its magic number and lists back' -ForEach @(
        @{ Compression = 'GZip'; Magic = '1F-8B' }
        @{ Compression = 'BZip2'; Magic = '42-5A-68' }
    ) {
        $result = New-TarArchive -Path $src -DestinationPath $dest -Compression $Compression -CompressionLevel 1

        "$($result.Compression)" | Should -Be $Compression
        $head = [IO.File]::ReadAllBytes($dest)[0..($Magic.Split('-').Count - 1)]
        [BitConverter]::ToString([byte[]] $head) | Should -Be $Magic
        $result.Ratio | Should -BeLessThan 1
        @(Get-EntryName -LiteralPath $dest).Count | Should -Be $result.EntryCount
    }

    It 'leaves out what -Exclude matches' {
        New-TarArchive -Path $src -DestinationPath $dest -Exclude '*.tmp', 'empty/' | Out-Null

        $names = Get-EntryName -LiteralPath $dest
        $names | Should -Not -Contain 'src/scratch.tmp'
        $names | Should -Not -Contain 'src/docs/empty'
        $names | Should -Contain 'src/readme.txt'
    }

    It 'writes a .sha256 file in the format sha256sum -c reads with -Checksum' {
        $result = New-TarArchive -Path $src -DestinationPath $dest -Checksum

        $line = Get-Content -LiteralPath "$dest.sha256"
        $line | Should -Match '^[0-9a-f]{64}  backup\.tar$'
        $line.Substring(0, 64) | Should -Be $result.Sha256
        if (Get-Command sha256sum -ErrorAction Ignore) {
            Push-Location $out
            try { sha256sum -c --status backup.tar.sha256 } finally { Pop-Location }
            $LASTEXITCODE | Should -Be 0
        }
    }

    It 'never includes itself when written inside the tree it archives' {
        $inside = Join-Path $src 'self.tar'
        New-TarArchive -Path $src -DestinationPath $inside | Out-Null

        Get-EntryName -LiteralPath $inside | Should -Not -Contain 'src/self.tar'
    }

    It 'reports a missing path as PathNotFound and writes nothing' {
        $error1 = Get-FirstError { New-TarArchive -Path (Join-Path $work 'no-such-folder') -DestinationPath $dest -ErrorAction Stop }

        $error1.FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
        Get-ChildItem -LiteralPath $out -Force | Should -BeNullOrEmpty
    }

    It 'reports a missing destination folder as DestinationFolderNotFound and writes nothing' {
        $error1 = Get-FirstError { New-TarArchive -Path $src -DestinationPath (Join-Path $work 'no-such-folder/backup.tar') -ErrorAction Stop }

        $error1.FullyQualifiedErrorId | Should -BeLike 'DestinationFolderNotFound*'
        Test-Path -LiteralPath (Join-Path $work 'no-such-folder') | Should -BeFalse
    }

    It 'replaces an existing archive only with -Force' {
        Set-Content -LiteralPath $dest -Value 'precious'

        $error1 = Get-FirstError { New-TarArchive -Path $src -DestinationPath $dest -ErrorAction Stop }
        $error1.FullyQualifiedErrorId | Should -BeLike 'ArchiveExists*'
        Get-Content -LiteralPath $dest | Should -Be 'precious'

        $result = New-TarArchive -Path $src -DestinationPath $dest -Force
        $result.Sha256 | Should -Be (Get-FileHash -LiteralPath $dest -Algorithm SHA256).Hash
        @(Get-ChildItem -LiteralPath $out -Force).Count | Should -Be 1
    }
}

Describe 'Get-TarArchiveItem' {
    BeforeAll {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'list')).FullName
        $src = Join-Path $work 'src'
        New-SampleTree -Root $src
        $plain = Join-Path $work 'plain.tar'
        New-TarArchive -Path $src -DestinationPath $plain | Out-Null
        # A gzip archive whose name says nothing about its content.
        $disguised = Join-Path $work 'disguised.bin'
        New-TarArchive -Path $src -DestinationPath $disguised -Compression GZip | Out-Null
    }

    It 'returns one TarArchiveItem per entry with its metadata' {
        $items = Get-TarArchiveItem -Path $plain

        $items[0].PSObject.TypeNames[0] | Should -Be 'BackupCmdlets.Engine.Archiving.TarArchiveItem'
        $byName = @{}
        $items | ForEach-Object { $byName[$_.Name.TrimEnd('/')] = $_ }

        $readme = Get-Item -LiteralPath (Join-Path $src 'readme.txt')
        $byName['src/readme.txt'].Size | Should -Be $readme.Length
        "$($byName['src/readme.txt'].Type)" | Should -Be 'File'
        $byName['src/readme.txt'].Modified.ToUnixTimeSeconds() | Should -Be ([DateTimeOffset]::new($readme.LastWriteTimeUtc).ToUnixTimeSeconds())
        $byName['src/readme.txt'].Owner | Should -Not -BeNullOrEmpty
        $byName['src/readme.txt'].Group | Should -Not -BeNullOrEmpty
        "$($byName['src/docs/empty'].Type)" | Should -Be 'Directory'
        "$($byName['src/link-to-readme'].Type)" | Should -Be 'SymbolicLink'
        $byName['src/link-to-readme'].LinkTarget | Should -Be 'readme.txt'
    }

    It 'detects compression from the content, not the name' {
        (Get-TarArchiveItem -LiteralPath $disguised).Count | Should -Be (Get-TarArchiveItem -LiteralPath $plain).Count
    }

    It 'lists every archive Get-ChildItem pipes to it' {
        $items = Get-ChildItem -LiteralPath $work -File | Get-TarArchiveItem

        $items.Count | Should -Be (2 * (Get-TarArchiveItem -LiteralPath $plain).Count)
    }

    It 'reports a missing archive as PathNotFound' {
        $error1 = Get-FirstError { Get-TarArchiveItem -LiteralPath (Join-Path $work 'none.tar') -ErrorAction Stop }
        $error1.FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
    }

    It 'reports a file that is not an archive as NotAnArchive' {
        $text = Join-Path $TestDrive 'not-an-archive.txt'
        Set-Content -LiteralPath $text -Value ('just some text ' * 100)

        $error1 = Get-FirstError { Get-TarArchiveItem -LiteralPath $text -ErrorAction Stop }
        $error1.FullyQualifiedErrorId | Should -BeLike 'NotAnArchive*'
    }

    It 'reports an archive cut short as ArchiveTruncated' {
        $cut = Join-Path $TestDrive 'cut.tar'
        Copy-Damaged -LiteralPath $plain -Destination $cut -KeepBytes ((Get-Item -LiteralPath $plain).Length / 2)

        $error1 = Get-FirstError { Get-TarArchiveItem -LiteralPath $cut -ErrorAction Stop }
        $error1.FullyQualifiedErrorId | Should -BeLike 'ArchiveTruncated*'
    }
}

Describe 'Test-Archive' {
    BeforeAll {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'test')).FullName
        $tree = (New-Item -ItemType Directory -Path (Join-Path $work 'tree')).FullName
        $src = Join-Path $tree 'src'
        New-SampleTree -Root $src
        $gzip = Join-Path $work 'good.tar.gz'
        $created = New-TarArchive -Path $src -DestinationPath $gzip -Compression GZip -Checksum
    }

    It 'finds a good archive valid, every entry read' {
        $result = Test-Archive -Path $gzip

        $result.PSObject.TypeNames[0] | Should -Be 'BackupCmdlets.Engine.Archiving.ArchiveTestResult'
        $result.IsValid | Should -BeTrue
        $result.EntriesRead | Should -Be $created.EntryCount
        $result.Problems | Should -BeNullOrEmpty
    }

    It 'answers only a boolean with -Quiet' {
        $answer = Test-Archive -LiteralPath $gzip -Quiet

        $answer | Should -BeOfType ([bool])
        $answer | Should -BeTrue
    }

    It 'tests every archive Get-ChildItem pipes to it' {
        $results = Get-ChildItem -LiteralPath $work -Filter 'good.tar.gz' | Test-Archive

        @($results).Count | Should -Be 1
        $results.IsValid | Should -BeTrue
    }

    It 'finds a flipped byte inside the compressed data' {
        $damaged = Join-Path $work 'flipped-data.tar.gz'
        Copy-Damaged -LiteralPath $gzip -Destination $damaged -FlipAt ((Get-Item -LiteralPath $gzip).Length / 2)

        Assert-QuietlyInvalid -LiteralPath $damaged
        $ids = Get-ReportedErrorId { Test-Archive -LiteralPath $damaged }
        $ids | Where-Object { $_ -in 'ArchiveCorrupt', 'ArchiveTruncated', 'HeaderChecksumMismatch' } | Should -Not -BeNullOrEmpty
    }

    It 'finds a flipped byte in a tar header' {
        $plain = Join-Path $work 'header.tar'
        New-TarArchive -LiteralPath (Join-Path $src 'readme.txt'), (Join-Path $src 'a.txt') -DestinationPath $plain | Out-Null
        # Inside the name field of the second entry's header (Offset is where its header starts).
        $second = (Get-TarArchiveItem -LiteralPath $plain)[1]
        $damaged = Join-Path $work 'flipped-header.tar'
        Copy-Damaged -LiteralPath $plain -Destination $damaged -FlipAt ($second.Offset + 3)

        Assert-QuietlyInvalid -LiteralPath $damaged
        Get-ReportedErrorId { Test-Archive -LiteralPath $damaged } | Should -Contain 'HeaderChecksumMismatch'
    }

    It 'finds an archive cut short' {
        $cut = Join-Path $work 'cut.tar.gz'
        Copy-Damaged -LiteralPath $gzip -Destination $cut -KeepBytes ((Get-Item -LiteralPath $gzip).Length - 100)

        Assert-QuietlyInvalid -LiteralPath $cut
        Get-ReportedErrorId { Test-Archive -LiteralPath $cut } | Should -Contain 'ArchiveTruncated'
    }

    It 'finds an archive that does not match its .sha256 file' {
        $copy = Join-Path $work 'mismatch.tar.gz'
        Copy-Item -LiteralPath $gzip -Destination $copy
        "$('0' * 64)  mismatch.tar.gz" | Set-Content -LiteralPath "$copy.sha256"

        Assert-QuietlyInvalid -LiteralPath $copy
        Get-ReportedErrorId { Test-Archive -LiteralPath $copy } | Should -Contain 'ChecksumFileMismatch'
    }

    It 'reports no differences against the unchanged tree with -Compare' {
        $result = Test-Archive -LiteralPath $gzip -Compare $tree

        $result.IsValid | Should -BeTrue
        $result.Problems | Should -BeNullOrEmpty
    }

    It 'reports what changed in the tree with -Compare, as tar -d does' {
        $changed = (New-Item -ItemType Directory -Path (Join-Path $work 'changed')).FullName
        Copy-Item -LiteralPath $src -Destination $changed -Recurse
        $changedSrc = Join-Path $changed 'src'
        Set-Content -LiteralPath (Join-Path $changedSrc 'readme.txt') -Value 'HELLO ARCHIVE' -NoNewline
        Remove-Item -LiteralPath (Join-Path $changedSrc 'docs/notes.md')
        Set-Content -LiteralPath (Join-Path $changedSrc 'new.txt') -Value 'added after the backup'

        $ids = Get-ReportedErrorId { Test-Archive -LiteralPath $gzip -Compare $changed }

        $ids | Should -Contain 'DifferenceContent'
        $ids | Should -Contain 'DifferenceMissing'
        $ids | Should -Contain 'DifferenceExtra'
    }
}

Describe 'Expand-TarArchive' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        $src = Join-Path $work 'src'
        New-SampleTree -Root $src
        $archive = Join-Path $work 'backup.tar.gz'
        $restore = (New-Item -ItemType Directory -Path (Join-Path $work 'restore')).FullName
    }

    It 'round-trips a tree: create, list, test, expand, compare' {
        $created = New-TarArchive -Path $src -DestinationPath $archive -Compression GZip
        @(Get-TarArchiveItem -LiteralPath $archive).Count | Should -Be $created.EntryCount
        (Test-Archive -LiteralPath $archive).IsValid | Should -BeTrue

        $expanded = Expand-TarArchive -LiteralPath $archive -DestinationPath $restore

        $expanded.PSObject.TypeNames[0] | Should -Be 'BackupCmdlets.Engine.Archiving.ExpandArchiveResult'
        Get-TreeState -Root (Join-Path $restore 'src') | Should -Be (Get-TreeState -Root $src)
        (Test-Archive -LiteralPath $archive -Compare $restore).Problems | Should -BeNullOrEmpty
    }

    It 'expands every archive Get-ChildItem pipes to it' {
        New-TarArchive -Path $src -DestinationPath $archive -Compression GZip | Out-Null

        Get-ChildItem -LiteralPath $work -Filter '*.tar.gz' | Expand-TarArchive -DestinationPath $restore | Out-Null

        Get-TreeState -Root (Join-Path $restore 'src') | Should -Be (Get-TreeState -Root $src)
    }

    It 'changes nothing with -WhatIf' {
        New-TarArchive -Path $src -DestinationPath $archive | Out-Null

        $result = Expand-TarArchive -Path $archive -DestinationPath $restore -WhatIf

        $result | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $restore -Force | Should -BeNullOrEmpty
    }

    It 'takes -LiteralPath with wildcard characters as written' {
        $named = Join-Path $work '[a].tar'
        New-TarArchive -LiteralPath (Join-Path $src 'readme.txt') -DestinationPath $named | Out-Null

        Expand-TarArchive -LiteralPath $named -DestinationPath $restore | Out-Null

        Get-Content -LiteralPath (Join-Path $restore 'readme.txt') | Should -Be 'hello archive'
    }

    It 'extracts only what -Include matches' {
        New-TarArchive -Path $src -DestinationPath $archive | Out-Null

        Expand-TarArchive -Path $archive -DestinationPath $restore -Include '*.md' | Out-Null

        $files = Get-ChildItem -LiteralPath $restore -Recurse -File -Force
        $files.Name | Should -Be 'notes.md'
    }

    It 'does not overwrite an existing file without -Force' {
        New-TarArchive -Path $src -DestinationPath $archive | Out-Null
        Expand-TarArchive -Path $archive -DestinationPath $restore | Out-Null
        $readme = Join-Path $restore 'src/readme.txt'
        Set-Content -LiteralPath $readme -Value 'edited since' -NoNewline

        $error1 = Get-FirstError { Expand-TarArchive -Path $archive -DestinationPath $restore -ErrorAction Stop }
        $error1.FullyQualifiedErrorId | Should -BeLike 'FileExists*'
        Get-Content -LiteralPath $readme | Should -Be 'edited since'

        Expand-TarArchive -Path $archive -DestinationPath $restore -Force | Out-Null
        Get-Content -LiteralPath $readme | Should -Be 'hello archive'
    }

    It 'refuses an entry that climbs out with ..' {
        $evil = Join-Path $work 'climb.tar'
        New-RawTarArchive -LiteralPath $evil -Entry @{ Name = '../escaped.txt'; Content = 'outside' }

        $error1 = Get-FirstError { Expand-TarArchive -LiteralPath $evil -DestinationPath $restore -ErrorAction Stop }

        $error1.FullyQualifiedErrorId | Should -BeLike 'UnsafeEntryPath*'
        Test-Path -LiteralPath (Join-Path $work 'escaped.txt') | Should -BeFalse
        Get-ChildItem -LiteralPath $restore -Recurse -Force | Should -BeNullOrEmpty
    }

    It 'refuses an absolute entry path' {
        # A short absolute name (a ustar name holds 100 bytes); removed again should the test fail.
        $target = "/tmp/bkc-absolute-$([guid]::NewGuid().ToString('N')).txt"
        $evil = Join-Path $work 'absolute.tar'
        New-RawTarArchive -LiteralPath $evil -Entry @{ Name = $target; Content = 'outside' }

        try {
            $error1 = Get-FirstError { Expand-TarArchive -LiteralPath $evil -DestinationPath $restore -ErrorAction Stop }

            $error1.FullyQualifiedErrorId | Should -BeLike 'UnsafeEntryPath*'
            Test-Path -LiteralPath $target | Should -BeFalse
            Get-ChildItem -LiteralPath $restore -Recurse -Force | Should -BeNullOrEmpty
        }
        finally {
            Remove-Item -LiteralPath $target -Force -ErrorAction Ignore
        }
    }

    It 'refuses to write through a symlink that points outside the destination' {
        $outside = (New-Item -ItemType Directory -Path (Join-Path $work 'outside')).FullName
        $evil = Join-Path $work 'symlink.tar'
        New-RawTarArchive -LiteralPath $evil -Entry @(
            @{ Name = 'escape'; Type = '2'; LinkName = '../outside' }
            @{ Name = 'escape/planted.txt'; Content = 'planted' }
        )

        $error1 = Get-FirstError { Expand-TarArchive -LiteralPath $evil -DestinationPath $restore -ErrorAction Stop }

        $error1.FullyQualifiedErrorId.Split(',')[0] | Should -BeIn 'UnsafeEntryPath', 'SymlinkEscape'
        Get-ChildItem -LiteralPath $outside -Force | Should -BeNullOrEmpty
    }

    It 'restores setuid bits only on request' {
        $archiveWithSetuid = Join-Path $work 'setuid.tar'
        New-RawTarArchive -LiteralPath $archiveWithSetuid -Entry @{ Name = 'tool'; Content = 'run me'; Mode = '0004755' }

        Expand-TarArchive -LiteralPath $archiveWithSetuid -DestinationPath $restore | Out-Null

        $mode = (Get-Item -LiteralPath (Join-Path $restore 'tool')).UnixFileMode
        $mode.HasFlag([IO.UnixFileMode]::SetUser) | Should -BeFalse
        $mode.HasFlag([IO.UnixFileMode]::UserExecute) | Should -BeTrue
    }

    It 'reports corrupt data as ArchiveCorrupt and leaves no temporary files' {
        New-TarArchive -Path $src -DestinationPath $archive -Compression GZip | Out-Null
        $damaged = Join-Path $work 'damaged.tar.gz'
        Copy-Damaged -LiteralPath $archive -Destination $damaged -FlipAt ((Get-Item -LiteralPath $archive).Length / 2)

        $error1 = Get-FirstError { Expand-TarArchive -LiteralPath $damaged -DestinationPath $restore -ErrorAction Stop }

        $error1.FullyQualifiedErrorId.Split(',')[0] | Should -BeIn 'ArchiveCorrupt', 'ArchiveTruncated', 'HeaderChecksumMismatch'
        Get-ChildItem -LiteralPath $restore -Recurse -Force -Filter '*.bkc-tmp' | Should -BeNullOrEmpty
    }
}
