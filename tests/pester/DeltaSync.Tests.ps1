#Requires -Version 7.4
<#
    Pester 5 tests of Invoke-DeltaSync as a user runs it: -WhatIf changes nothing, -PassThru writes
    SyncChange objects, -Delete with -MaxDelete, error ids, and rsync as the judge of the mirror.
    ./build.ps1 -Task Test packages the module and sets $env:BACKUPCMDLETS_MODULE to its folder.
    (Written without a PowerShell to run it on; the same behaviour is covered by the xunit tests in
    tests/BackupCmdlets.Engine.Tests/Syncing.)
#>

BeforeAll {
    if (-not $env:BACKUPCMDLETS_MODULE) {
        throw 'Set $env:BACKUPCMDLETS_MODULE to the packaged module folder (./build.ps1 -Task Test does this).'
    }
    Import-Module $env:BACKUPCMDLETS_MODULE -Force -ErrorAction Stop

    function New-Source {
        param([Parameter(Mandatory)] [string] $Root)
        $null = New-Item -ItemType Directory -Path (Join-Path $Root 'docs/empty') -Force
        Set-Content -LiteralPath (Join-Path $Root 'readme.txt') -Value 'hello mirror' -NoNewline
        Set-Content -LiteralPath (Join-Path $Root 'docs/notes.md') -Value ('a line of notes ' * 4000)
        Set-Content -LiteralPath (Join-Path $Root 'scratch.tmp') -Value 'left out by -Exclude'
        $null = [IO.File]::CreateSymbolicLink((Join-Path $Root 'link-to-readme'), 'readme.txt')
    }

    # The error a command stops with (write it with -ErrorAction Stop in the script block).
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

    # What rsync would still do (empty when the mirror is exact).
    function Get-RsyncPending {
        param([string] $Source, [string] $Destination, [string[]] $Extra = @())
        (& rsync -ani --delete @Extra "$Source/" "$Destination/" | Out-String).Trim()
    }
}

Describe 'Invoke-DeltaSync' {
    BeforeEach {
        $work = Join-Path ([IO.Path]::GetTempPath()) ("bkc-pester-sync-" + [Guid]::NewGuid().ToString('n'))
        $source = Join-Path $work 'src'
        $mirror = Join-Path $work 'mirror'
        New-Source -Root $source
    }

    AfterEach {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'mirrors a folder so that rsync finds nothing to do, and returns a SyncResult' {
        $result = Invoke-DeltaSync -Path $source -DestinationPath $mirror -Exclude '*.tmp'

        $result | Should -BeOfType ([BackupCmdlets.Engine.Syncing.SyncResult])
        $result.Complete | Should -BeTrue
        $result.Created | Should -Be 5
        Get-RsyncPending $source $mirror @('--exclude=*.tmp') | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf and lists the changes' {
        $changes = Invoke-DeltaSync -Path $source -DestinationPath $mirror -WhatIf |
            Where-Object { $_ -is [BackupCmdlets.Engine.Syncing.SyncChange] }

        $changes.Path | Should -Contain 'readme.txt'
        Test-Path -LiteralPath $mirror | Should -BeFalse
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

    It 'refuses with SyncMaxDeleteExceeded and deletes nothing when more would go' {
        $null = Invoke-DeltaSync -Path $source -DestinationPath $mirror
        Remove-Item -LiteralPath (Join-Path $source 'docs') -Recurse -Force

        $error1 = Get-FirstError { Invoke-DeltaSync -Path $source -DestinationPath $mirror -Delete -MaxDelete 1 -ErrorAction Stop }

        $error1.FullyQualifiedErrorId | Should -BeLike 'SyncMaxDeleteExceeded*'
        Test-Path -LiteralPath (Join-Path $mirror 'docs/notes.md') | Should -BeTrue
    }

    It 'reports a missing source as PathNotFound and creates nothing' {
        $error1 = Get-FirstError { Invoke-DeltaSync -LiteralPath (Join-Path $work 'nope') -DestinationPath $mirror -ErrorAction Stop }

        $error1.FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
        Test-Path -LiteralPath $mirror | Should -BeFalse
    }

    It 'refuses a destination inside the source with SyncDestinationInsideSource' {
        $error1 = Get-FirstError { Invoke-DeltaSync -Path $source -DestinationPath (Join-Path $source 'inner') -ErrorAction Stop }

        $error1.FullyQualifiedErrorId | Should -BeLike 'SyncDestinationInsideSource*'
    }
}
