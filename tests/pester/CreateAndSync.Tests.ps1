#Requires -Version 7.4
<#
    The archive-creation and sync guarantees of issue 11 as users meet them: -Xattrs and -Acls on
    New-TarArchive, Expand-TarArchive and Invoke-DeltaSync (judged by getfattr, GNU tar and rsync),
    -Sparse (judged by the blocks a file takes), a destination that is not a regular file refused, and a
    socket reported.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestSupport.psm1') -Force
    Import-ModuleUnderTest

    function Get-Attributes {
        param([Parameter(Mandatory)] [string] $LiteralPath)
        (& getfattr --absolute-names -h -d -m - -e hex $LiteralPath | Where-Object { $_ -and -not $_.StartsWith('# file:') }) -join "`n"
    }
}

Describe 'Extended attributes and ACLs' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        $src = (New-Item -ItemType Directory -Path (Join-Path $work 'src/shared') -Force).Parent.FullName
        Set-Content -LiteralPath (Join-Path $src 'notes.txt') -Value 'notes'
        & setfattr -n user.comment -v 'kept' (Join-Path $src 'notes.txt')
        & setfacl -m 'u:nobody:r--' (Join-Path $src 'notes.txt')
        & setfacl -d -m 'u:nobody:r-x' (Join-Path $src 'shared')
        Push-Location $work
    }

    AfterEach { Pop-Location }

    It 'New-TarArchive -Xattrs -Acls stores them, GNU tar and Expand-TarArchive -Xattrs -Acls restore them' {
        $result = New-TarArchive -Path src -DestinationPath x.tar -Xattrs -Acls

        $result.Complete | Should -BeTrue
        $gnu = (New-Item -ItemType Directory -Path gnu).FullName
        & tar --xattrs --acls -xpf x.tar -C $gnu
        $LASTEXITCODE | Should -Be 0
        $expanded = Expand-TarArchive -Path x.tar -DestinationPath ours -Xattrs -Acls
        $expanded.Complete | Should -BeTrue
        foreach ($entry in 'notes.txt', 'shared') {
            $expected = Get-Attributes (Join-Path $src $entry)
            $expected | Should -Not -BeNullOrEmpty
            Get-Attributes (Join-Path $gnu "src/$entry") | Should -Be $expected
            Get-Attributes (Join-Path $work "ours/src/$entry") | Should -Be $expected
        }
    }

    It 'Invoke-DeltaSync -Xattrs -Acls mirrors them so that rsync -X -A finds nothing to do' {
        $result = Invoke-DeltaSync -Path src -DestinationPath mirror -Xattrs -Acls

        $result.Complete | Should -BeTrue
        Get-RsyncPending -Source $src -Destination (Join-Path $work 'mirror') -Extra '-X', '-A' | Should -BeNullOrEmpty
        Get-Attributes (Join-Path $work 'mirror/notes.txt') | Should -Be (Get-Attributes (Join-Path $src 'notes.txt'))
    }
}

Describe 'Invoke-DeltaSync -Sparse' {
    It 'keeps the holes of a sparse file' {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'sparse')).FullName
        $src = (New-Item -ItemType Directory -Path (Join-Path $work 'src')).FullName
        Set-Content -LiteralPath (Join-Path $src 'disk.img') -Value 'a header at the start' -NoNewline
        & truncate -s 64M (Join-Path $src 'disk.img')

        $result = Invoke-DeltaSync -Path $src -DestinationPath (Join-Path $work 'mirror') -Sparse

        $result.Complete | Should -BeTrue
        [long](& stat -c %b (Join-Path $work 'mirror/disk.img')) | Should -BeLessOrEqual 64
        Get-RsyncPending -Source $src -Destination (Join-Path $work 'mirror') | Should -BeNullOrEmpty
    }
}

Describe 'New-TarArchive refusals and problems' {
    BeforeEach {
        $work = (New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))).FullName
        New-SampleTree -Root (Join-Path $work 'src')
        Push-Location $work
    }

    AfterEach { Pop-Location }

    It 'refuses a FIFO as the destination with DestinationNotRegularFile, also with -Force, and leaves it a FIFO' {
        & mkfifo out.tar

        $failure = Get-FirstError { New-TarArchive -Path src -DestinationPath out.tar -Force -ErrorAction Stop }

        $failure | Get-ErrorId | Should -Be 'DestinationNotRegularFile'
        & stat -c %F out.tar | Should -Be 'fifo'
    }

    It 'reports a socket as SocketIgnored after the result, whose Complete is false' {
        $socket = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
        try {
            $socket.Bind([System.Net.Sockets.UnixDomainSocketEndPoint]::new((Join-Path $work 'src/app.sock')))

            $ids = Get-ReportedErrorId { New-TarArchive -Path src -DestinationPath out.tar }

            $ids | Should -Contain 'SocketIgnored'
            (New-TarArchive -Path src -DestinationPath again.tar -ErrorAction SilentlyContinue).Complete | Should -BeFalse
            (Get-EntryName -LiteralPath out.tar) | Should -Not -Contain 'src/app.sock'
        }
        finally {
            $socket.Dispose()
        }
    }
}

Describe '-Snapshot on a btrfs subvolume' {
    BeforeAll {
        $volume = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'btrfs')).FullName
        $image = Join-Path $TestDrive 'btrfs.img'
        & truncate -s 256M $image
        & mkfs.btrfs -q $image
        & mount -o loop $image $volume
        $LASTEXITCODE | Should -Be 0 -Because 'the Pester suite runs as root in CI, and mounts a btrfs image'
        & btrfs subvolume create (Join-Path $volume 'data') | Out-Null
        $data = Join-Path $volume 'data'
        New-Item -ItemType Directory -Path (Join-Path $data 'app') | Out-Null
        Set-Content -LiteralPath (Join-Path $data 'app/state.txt') -Value 'state'
    }

    AfterAll { & umount $volume }

    It 'New-TarArchive -Snapshot names the live paths, lists the snapshot and leaves no subvolume behind' {
        Push-Location $data
        try {
            $result = New-TarArchive -Path app -DestinationPath (Join-Path $TestDrive 'app.tar') -Snapshot
        }
        finally { Pop-Location }

        $result.Complete | Should -BeTrue
        $result.Snapshots.Count | Should -Be 1
        $result.Snapshots[0].Provider | Should -Be ([BackupCmdlets.Engine.Snapshots.SnapshotProvider]::Btrfs)
        $result.Snapshots[0].Volume | Should -Be $data
        (& tar -tf $result.Path) | Should -Be @('app/', 'app/state.txt')
        (& btrfs subvolume list $volume) -join "`n" | Should -Match 'path data$'
        @(& btrfs subvolume list $volume).Count | Should -Be 1
    }

    It 'Invoke-DeltaSync -Snapshot mirrors the subvolume and reports its snapshot' {
        $result = Invoke-DeltaSync -Path (Join-Path $data 'app') -DestinationPath (Join-Path $TestDrive 'mirror') -Snapshot

        $result.SourcePath | Should -Be (Join-Path $data 'app')
        $result.Snapshots[0].TakenAt | Should -BeOfType [DateTimeOffset]
        Get-Content -LiteralPath (Join-Path $TestDrive 'mirror/state.txt') | Should -Be 'state'
        @(& btrfs subvolume list $volume).Count | Should -Be 1
    }

    It 'a source on a file system without snapshots is refused with SnapshotNotSupported' {
        Set-Content -LiteralPath (Join-Path $TestDrive 'plain.txt') -Value 'plain'
        { New-TarArchive -Path (Join-Path $TestDrive 'plain.txt') -DestinationPath (Join-Path $TestDrive 'plain.tar') -Snapshot -ErrorAction Stop } |
            Should -Throw -ErrorId 'SnapshotNotSupported,BackupCmdlets.NewTarArchiveCommand'
        Join-Path $TestDrive 'plain.tar' | Should -Not -Exist
    }
}
