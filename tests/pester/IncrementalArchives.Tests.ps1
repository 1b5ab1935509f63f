#Requires -Version 7.4
<#
    Incremental archives as users run them: New-TarArchive -SnapshotPath twice, the chain piped in
    name order to Expand-TarArchive -Incremental, and GNU tar restoring the same chain.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestSupport.psm1') -Force
    Import-ModuleUnderTest
}

Describe 'Incremental archives' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        $src = Join-Path $work 'src'
        New-SampleTree -Root $src
        [Environment]::CurrentDirectory = '/'
        Push-Location $work
        # A run starts in a later tick of the file-time clock than the writes before it.
        Start-Sleep -Milliseconds 50
    }

    AfterEach { Pop-Location }

    It 'writes a full level and then only the changes, and the piped chain restores the last state' {
        $level0 = New-TarArchive -Path src -DestinationPath data-0.tar -SnapshotPath data.snar
        Remove-Item -LiteralPath src/docs -Recurse -Force
        Set-Content -LiteralPath src/new.txt -Value 'added after level 0'
        $level1 = New-TarArchive -Path src -DestinationPath data-1.tar -SnapshotPath data.snar

        $level0.Incremental | Should -BeFalse
        $level1.Incremental | Should -BeTrue
        $level1.SnapshotPath | Should -Be (Join-Path $work 'data.snar')
        (Get-Content -LiteralPath data.snar -TotalCount 1) | Should -Match '^GNU tar-.*-2$'
        $items = Get-TarArchiveItem -LiteralPath data-1.tar
        ($items | Where-Object Type -EQ 'File').Name | Should -Be @('src/new.txt')
        $folder = $items | Where-Object Name -EQ 'src/'
        "$($folder.Type)" | Should -Be 'DumpDirectory'
        ($folder.DumpDirectory | Where-Object Name -EQ 'readme.txt').Mark | Should -Be 'NotInArchive'
        $folder.DumpDirectory.Name | Should -Not -Contain 'docs'
        (Test-Archive -LiteralPath data-1.tar -Compare $work).Problems | Should -BeNullOrEmpty

        $restored = Get-ChildItem -LiteralPath $work -Filter 'data-*.tar' | Sort-Object Name | Expand-TarArchive -DestinationPath restore -Incremental

        @($restored).Count | Should -Be 2
        $restored[1].EntriesRemoved | Should -Be 4
        Get-TreeState -Root restore/src | Should -Be (Get-TreeState -Root $src)
        $null = New-Item -ItemType Directory -Path gnu
        foreach ($level in 'data-0.tar', 'data-1.tar') {
            & tar --listed-incremental=/dev/null -xf $level -C gnu
            $LASTEXITCODE | Should -Be 0
        }
        Get-TreeState -Root gnu/src | Should -Be (Get-TreeState -Root $src)
    }

    It 'reports a damaged snapshot file as SnapshotFileCorrupt and writes no archive' {
        Set-Content -LiteralPath data.snar -Value 'not a snapshot file'

        New-TarArchive -Path src -DestinationPath data-0.tar -SnapshotPath data.snar -ErrorVariable failed -ErrorAction SilentlyContinue

        Get-ErrorId $failed[0] | Should -Be 'SnapshotFileCorrupt'
        Test-Path -LiteralPath data-0.tar | Should -BeFalse
        Get-Content -LiteralPath data.snar | Should -Be 'not a snapshot file'
    }
}
