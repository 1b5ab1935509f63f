#Requires -Version 7.4
<#
    Helpers the Pester files share: sample trees and how to compare them, crafted and damaged
    archives, the error ids a command reports, a child pwsh for what needs a fresh session, and a
    real PostgreSQL 15 server of the test's own (started as the xunit fixtures start theirs).
#>

# The module under test: Invoke-PesterSuite.ps1 publishes it and says where.
function Import-ModuleUnderTest {
    if (-not $env:BACKUPCMDLETS_MODULE) {
        throw 'Set $env:BACKUPCMDLETS_MODULE to the packaged module folder (tests/pester/Invoke-PesterSuite.ps1 does this).'
    }
    Import-Module $env:BACKUPCMDLETS_MODULE -Force -Global -ErrorAction Stop
}

# A tree with the cases that matter: nested and empty folders, text and random bytes, a name with
# wildcard characters beside the name those characters match, a symlink, a file to exclude.
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

# A file of random bytes (incompressible), for archives large enough to take a moment.
function New-RandomFile {
    param([Parameter(Mandatory)] [string] $LiteralPath, [Parameter(Mandatory)] [long] $Bytes, [int] $Seed = 7)
    $random = [Random]::new($Seed)
    $buffer = [byte[]]::new([Math]::Min($Bytes, 1MB))
    $stream = [IO.File]::Create($LiteralPath)
    try {
        for ($left = $Bytes; $left -gt 0; $left -= $buffer.Length) {
            $random.NextBytes($buffer)
            $stream.Write($buffer, 0, [Math]::Min($left, $buffer.Length))
        }
    }
    finally { $stream.Dispose() }
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

# The first error a command stops with (write it with -ErrorAction Stop in the script block).
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

# The id of an error record without the ',BackupCmdlets.<Cmdlet>Command' part.
function Get-ErrorId {
    param([Parameter(Mandatory, ValueFromPipeline)] $ErrorRecord)
    process { $ErrorRecord.FullyQualifiedErrorId.Split(',')[0] }
}

# Every error id a command reports, whether written as an error, thrown, or listed among the
# Problems of its result ('ArchiveCorrupt', without the ',BackupCmdlets.<Cmdlet>Command' part).
function Get-ReportedErrorId {
    param([Parameter(Mandatory)] [scriptblock] $Command)
    $ErrorActionPreference = 'Continue'
    try {
        & $Command 2>&1 | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) {
                $_ | Get-ErrorId
            }
            elseif ($_.PSObject.Properties['Problems']) {
                $_.Problems | ForEach-Object { $_.ErrorId }
            }
        }
    }
    catch {
        $_ | Get-ErrorId
    }
}

# Test-Archive -Quiet on a damaged archive: exactly one $false, however the cmdlet also reports why.
function Assert-QuietlyInvalid {
    param([Parameter(Mandatory)] [string] $LiteralPath)
    $answer = @(Test-Archive -LiteralPath $LiteralPath -Quiet)
    if ($answer.Count -ne 1 -or $answer[0] -isnot [bool] -or $answer[0]) {
        throw "Test-Archive -Quiet answered '$($answer -join ', ')' for $LiteralPath, not one `$false."
    }
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
        # Assigned in each branch: an `if` expression would unroll an empty array to $null.
        [byte[]] $data = [byte[]]::new(0)
        if ($type -eq '0') { $data = [Text.Encoding]::UTF8.GetBytes([string] $e.Content) }
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

# What rsync would still do to make the mirror match (empty when the mirror is exact).
function Get-RsyncPending {
    param([string] $Source, [string] $Destination, [string[]] $Extra = @())
    (& rsync -ani --delete @Extra "$Source/" "$Destination/" | Out-String).Trim()
}

# Runs a script in a fresh pwsh (-NonInteractive, no profile) from a given folder, with the
# module's path in $env:BACKUPCMDLETS_MODULE; answers its output lines and exit code.
function Invoke-ChildPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [string] $WorkingDirectory = [IO.Path]::GetTempPath(),
        [switch] $Interactive
    )
    $file = Join-Path ([IO.Path]::GetTempPath()) "bkc-child-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content -LiteralPath $file -Value $Script
    try {
        $arguments = @('-NoProfile') + $(if ($Interactive) { @() } else { @('-NonInteractive') }) + @('-File', $file)
        Push-Location -LiteralPath $WorkingDirectory
        try {
            $output = & (Join-Path $PSHOME 'pwsh') @arguments 2>&1 | ForEach-Object { "$_" }
            [pscustomobject]@{ Output = @($output); ExitCode = $LASTEXITCODE; Text = ($output -join "`n") }
        }
        finally { Pop-Location }
    }
    finally { Remove-Item -LiteralPath $file -Force -ErrorAction Ignore }
}

# --- PostgreSQL ------------------------------------------------------------------------------

$script:PostgresBin = '/usr/lib/postgresql/15/bin'
$script:NextPort = 30000 + $PID % 20000

# A real PostgreSQL 15 server of the test's own under $Parent: initdb --data-checksums as the
# postgres user (the server refuses root), WAL archiving into a folder beside it, a private socket
# folder and port (no TCP), started with pg_ctl. Stop it with Stop-TestPostgres.
function Start-TestPostgres {
    param([Parameter(Mandatory)] [string] $Parent, [string] $Name = 'pg')
    if (-not (Test-Path -LiteralPath "$script:PostgresBin/postgres")) { throw "PostgreSQL 15 is not installed ($script:PostgresBin)." }
    $root = Join-Path $Parent $Name
    $null = New-Item -ItemType Directory -Path $root, "$root/archive", "$root/socket" -Force
    # The server user must reach its folders: every parent stays traversable.
    for ($folder = $root; $folder -and $folder -ne '/'; $folder = Split-Path $folder -Parent) {
        & chmod o+x $folder
    }
    & chown -R postgres:postgres $root
    $port = $script:NextPort++
    $data = Join-Path $root 'data'
    Invoke-AsPostgres "$script:PostgresBin/initdb" '-D', $data, '--data-checksums', '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'
    $settings = @(
        "port = $port", "listen_addresses = ''", "unix_socket_directories = '$root/socket'",
        'wal_level = replica', 'fsync = off', 'shared_buffers = 32MB', 'max_wal_size = 256MB',
        'archive_mode = on', "archive_command = 'test ! -f $root/archive/%f && cp %p $root/archive/%f'"
    )
    Add-Content -LiteralPath "$data/postgresql.conf" -Value ($settings -join "`n")
    $cluster = [pscustomobject]@{
        Root             = $root
        DataDirectory    = $data
        ArchiveDirectory = "$root/archive"
        Port             = $port
        ConnectionString = "Host=$root/socket;Port=$port;Username=postgres;Database=postgres;Pooling=false;Timeout=30"
    }
    Start-TestPostgresServer $cluster
    $cluster
}

function Start-TestPostgresServer {
    param([Parameter(Mandatory)] $Cluster)
    Invoke-AsPostgres "$script:PostgresBin/pg_ctl" '-D', $Cluster.DataDirectory, '-l', "$($Cluster.Root)/server.log", '-w', '-t', '60', 'start'
}

# Stops the server by the pid in postmaster.pid (fast shutdown), as the xunit fixture does.
function Stop-TestPostgres {
    param([Parameter(Mandatory)] $Cluster)
    $pidFile = Join-Path $Cluster.DataDirectory 'postmaster.pid'
    if (-not (Test-Path -LiteralPath $pidFile)) { return }
    $serverPid = [int](Get-Content -LiteralPath $pidFile -TotalCount 1)
    & kill -INT $serverPid 2>$null
    for ($i = 0; $i -lt 300 -and (Test-Path "/proc/$serverPid"); $i++) { Start-Sleep -Milliseconds 100 }
}

# Runs SQL through psql as the postgres user; answers the rows (unaligned, tuples only).
function Invoke-TestSql {
    param([Parameter(Mandatory)] $Cluster, [Parameter(Mandatory)] [string] $Sql, [string] $Database = 'postgres')
    $socket = "$($Cluster.Root)/socket"
    $output = & runuser -u postgres -- "$script:PostgresBin/psql" -h $socket -p $Cluster.Port -U postgres -d $Database -XAtq -v ON_ERROR_STOP=1 -c $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $output" }
    $output
}

function Invoke-AsPostgres {
    param([Parameter(Mandatory)] [string] $Program, [string[]] $Arguments)
    $output = & runuser -u postgres -- $Program @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed ($LASTEXITCODE): $output" }
}

Export-ModuleMember -Function * -Variable @()
