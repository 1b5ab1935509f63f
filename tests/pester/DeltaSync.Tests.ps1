#Requires -Version 7.4
<#
    Invoke-DeltaSync as a user runs it: rsync judges the mirror; -WhatIf writes "What if:" lines and
    changes nothing; -PassThru writes SyncChange objects; several sources are refused; relative paths
    follow the location; -Delete with -MaxDelete; error ids.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestSupport.psm1') -Force
    Import-ModuleUnderTest

    function New-Source {
        param([Parameter(Mandatory)] [string] $Root)
        $null = New-Item -ItemType Directory -Path (Join-Path $Root 'docs/empty') -Force
        Set-Content -LiteralPath (Join-Path $Root 'readme.txt') -Value 'hello mirror' -NoNewline
        Set-Content -LiteralPath (Join-Path $Root 'docs/notes.md') -Value ('a line of notes ' * 4000)
        Set-Content -LiteralPath (Join-Path $Root 'scratch.tmp') -Value 'left out by -Exclude'
        $null = [IO.File]::CreateSymbolicLink((Join-Path $Root 'link-to-readme'), 'readme.txt')
    }
}

Describe 'Invoke-DeltaSync' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        $source = Join-Path $work 'src'
        $mirror = Join-Path $work 'mirror'
        New-Source -Root $source
    }

    It 'mirrors a folder so that rsync finds nothing to do, and returns a SyncResult' {
        $result = Invoke-DeltaSync -Path $source -DestinationPath $mirror -Exclude '*.tmp'

        $result | Should -BeOfType ([BackupCmdlets.Engine.Syncing.SyncResult])
        $result.Complete | Should -BeTrue
        $result.Created | Should -Be 5
        Get-RsyncPending $source $mirror @('--exclude=*.tmp') | Should -BeNullOrEmpty
    }

    It 'resolves relative paths against the location, not the process directory' {
        [Environment]::CurrentDirectory = '/'
        Push-Location $work
        try { $result = Invoke-DeltaSync src mirror } finally { Pop-Location }

        $result.SourcePath | Should -Be $source
        $result.DestinationPath | Should -Be $mirror
        Get-RsyncPending $source $mirror | Should -BeNullOrEmpty
    }

    It 'writes a "What if:" line per change with -WhatIf and changes nothing' {
        $child = Invoke-ChildPwsh @"
Import-Module '$env:BACKUPCMDLETS_MODULE'
`$out = @(Invoke-DeltaSync -Path '$source' -DestinationPath '$mirror' -WhatIf)
"objects=`$(`$out.Count)"
"@
        $child.ExitCode | Should -Be 0 -Because $child.Text
        $child.Output | Should -Contain 'objects=0'
        $child.Text | Should -Match ([regex]::Escape("What if: Performing the operation `"Create File (New)`" on target `"$mirror/readme.txt`""))
        $child.Text | Should -Match ([regex]::Escape("What if: Performing the operation `"Create SymbolicLink (New)`" on target `"$mirror/link-to-readme`""))
        Test-Path -LiteralPath $mirror | Should -BeFalse
    }

    It 'also writes the planned changes as objects with -WhatIf -PassThru, and changes nothing' {
        $null = Invoke-DeltaSync -Path $source -DestinationPath $mirror
        Remove-Item -LiteralPath (Join-Path $source 'scratch.tmp')

        $changes = Invoke-DeltaSync -Path $source -DestinationPath $mirror -Delete -WhatIf -PassThru

        $changes | Should -HaveCount 2
        ($changes | Where-Object Action -eq Delete).Path | Should -Be 'scratch.tmp'
        Test-Path -LiteralPath (Join-Path $mirror 'scratch.tmp') | Should -BeTrue
    }

    It 'writes one SyncChange per change with -PassThru and nothing changed on a second run' {
        $null = Invoke-DeltaSync -Path $source -DestinationPath $mirror
        Set-Content -LiteralPath (Join-Path $source 'readme.txt') -Value 'changed, and longer' -NoNewline

        $out = Invoke-DeltaSync -Path $source -DestinationPath $mirror -PassThru
        $change = $out | Where-Object { $_ -is [BackupCmdlets.Engine.Syncing.SyncChange] -and $_.Path -eq 'readme.txt' }

        $change.Action | Should -Be 'Update'
        $change.Reason | Should -Be 'Size'
        (Invoke-DeltaSync -Path $source -DestinationPath $mirror -PassThru | Where-Object { $_ -is [BackupCmdlets.Engine.Syncing.SyncChange] }) | Should -BeNullOrEmpty
    }

    It 'refuses several piped sources with SyncSeveralSources and deletes nothing' {
        $null = New-Item -ItemType Directory -Path (Join-Path $work 'many/one'), (Join-Path $work 'many/two')
        Set-Content -LiteralPath (Join-Path $work 'many/one/1.txt') -Value 'one'
        Set-Content -LiteralPath (Join-Path $work 'many/two/2.txt') -Value 'two'
        $null = Invoke-DeltaSync -Path (Join-Path $work 'many/one') -DestinationPath $mirror
        Set-Content -LiteralPath (Join-Path $mirror 'precious.txt') -Value 'not in any source'

        $error1 = Get-FirstError { Get-ChildItem -LiteralPath (Join-Path $work 'many') -Directory | Invoke-DeltaSync -DestinationPath $mirror -Delete -ErrorAction Stop }

        $error1 | Get-ErrorId | Should -Be 'SyncSeveralSources'
        Test-Path -LiteralPath (Join-Path $mirror '1.txt') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $mirror 'precious.txt') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $mirror '2.txt') | Should -BeFalse
    }

    It 'takes one piped folder from Get-Item, and a row with a Path property' {
        (Get-Item -LiteralPath $source | Invoke-DeltaSync -DestinationPath $mirror).Complete | Should -BeTrue
        ([pscustomobject]@{ Path = $source } | Invoke-DeltaSync -DestinationPath (Join-Path $work 'mirror2')).Complete | Should -BeTrue
        Get-RsyncPending $source (Join-Path $work 'mirror2') | Should -BeNullOrEmpty
    }

    It 'refuses with SyncMaxDeleteExceeded and deletes nothing when more would go' {
        $null = Invoke-DeltaSync -Path $source -DestinationPath $mirror
        Remove-Item -LiteralPath (Join-Path $source 'docs') -Recurse -Force

        $error1 = Get-FirstError { Invoke-DeltaSync -Path $source -DestinationPath $mirror -Delete -MaxDelete 1 -ErrorAction Stop }

        $error1 | Get-ErrorId | Should -Be 'SyncMaxDeleteExceeded'
        Test-Path -LiteralPath (Join-Path $mirror 'docs/notes.md') | Should -BeTrue
    }

    It 'reports a bad pattern as SyncInvalidPattern: <Pattern>' -ForEach @(
        @{ Pattern = '[' }
        @{ Pattern = 'a[' }
        @{ Pattern = '/' }
    ) {
        $error1 = Get-FirstError { Invoke-DeltaSync -Path $source -DestinationPath $mirror -Exclude $Pattern -ErrorAction Stop }

        $error1 | Get-ErrorId | Should -Be 'SyncInvalidPattern'
        $error1.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path -LiteralPath $mirror | Should -BeFalse
    }

    It 'excludes **/node_modules at the top too, as rsync does' {
        $null = New-Item -ItemType Directory -Path (Join-Path $source 'node_modules/x'), (Join-Path $source 'app/node_modules/y') -Force
        Set-Content -LiteralPath (Join-Path $source 'node_modules/x/a.js') -Value 'a'
        Set-Content -LiteralPath (Join-Path $source 'app/node_modules/y/b.js') -Value 'b'

        $null = Invoke-DeltaSync -Path $source -DestinationPath $mirror -Exclude '**/node_modules'

        Test-Path -LiteralPath (Join-Path $mirror 'node_modules') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $mirror 'app/node_modules') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $mirror 'app') | Should -BeTrue
    }

    It 'reports a missing source as PathNotFound and creates nothing' {
        $error1 = Get-FirstError { Invoke-DeltaSync -LiteralPath (Join-Path $work 'nope') -DestinationPath $mirror -ErrorAction Stop }

        $error1 | Get-ErrorId | Should -Be 'PathNotFound'
        Test-Path -LiteralPath $mirror | Should -BeFalse
    }

    It 'refuses a destination inside the source with SyncDestinationInsideSource' {
        $error1 = Get-FirstError { Invoke-DeltaSync -Path $source -DestinationPath (Join-Path $source 'inner') -ErrorAction Stop }

        $error1 | Get-ErrorId | Should -Be 'SyncDestinationInsideSource'
    }

    It 'refuses a destination that is not on the file system, per input' {
        $error1 = Get-FirstError { Invoke-DeltaSync -Path $source -DestinationPath 'env:BKC_SYNC_ZZZ' -ErrorAction Stop }
        $errors = @()
        Invoke-DeltaSync -Path $source -DestinationPath 'Q:/mirror' -ErrorVariable errors -ErrorAction SilentlyContinue

        $error1 | Get-ErrorId | Should -Be 'NotFileSystemPath'
        $errors | Get-ErrorId | Should -Be 'DriveNotFound'
        Test-Path env:BKC_SYNC_ZZZ | Should -BeFalse
    }
}
