#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the BackupCmdlets module.
.PARAMETER Task
    Build   - dotnet build of the whole solution.
    Test    - dotnet test, then the Pester suite in tests/pester against the packaged module, in a
              child pwsh (tests/pester/Invoke-PesterSuite.ps1 restores Pester 5.7.1 from NuGet).
    Package - lays out an importable module folder in out/BackupCmdlets.
    Demo    - runs the CLI demo on its built-in sample data.
    Bench   - runs the benchmarks -Bench names (tests/bench/*-bench.sh, in bash): each appends its
              table to tests/bench/results/. Their settings are environment variables (RUNS=5 ...),
              listed at the top of each script; db needs root and PostgreSQL 15.
.PARAMETER Bench
    The benchmarks the Bench task runs: archive, zstd, incremental, sync, bzip2, db, restore, incremental-db, encryption (all by default).
.EXAMPLE
    ./build.ps1 -Task Package; Import-Module ./out/BackupCmdlets
.EXAMPLE
    $env:RUNS = 3; ./build.ps1 -Task Bench -Bench archive, bzip2
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench')]
    [string[]] $Task = @('Build', 'Test', 'Package'),
    [string] $Configuration = 'Release',
    [ValidateSet('archive', 'zstd', 'incremental', 'sync', 'bzip2', 'db', 'restore', 'incremental-db', 'encryption')]
    [string[]] $Bench = @('archive', 'zstd', 'incremental', 'sync', 'bzip2', 'db', 'restore', 'incremental-db', 'encryption')
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$moduleOut = Join-Path $root 'out/BackupCmdlets'

function Invoke-Native([string] $Command, [string[]] $Arguments) {
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Package {
    if (Test-Path -LiteralPath $moduleOut) { Remove-Item -LiteralPath $moduleOut -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $root 'src/BackupCmdlets'), '-c', $Configuration, '-o', $moduleOut, '--nologo')
    Write-Host "Module laid out in $moduleOut (Import-Module $moduleOut)"
}

function Invoke-PesterSuite {
    Invoke-Package
    # A child pwsh (the one running this script), so the module's assemblies are not loaded, and
    # locked, in this session afterwards.
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/pester/Invoke-PesterSuite.ps1'), '-ModulePath', $moduleOut)
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Native dotnet @('build', (Join-Path $root 'BackupCmdlets.sln'), '-c', $Configuration, '--nologo') }
        'Test' {
            Invoke-Native dotnet @('test', (Join-Path $root 'BackupCmdlets.sln'), '-c', $Configuration, '--nologo')
            Invoke-PesterSuite
        }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Native dotnet @('run', '--project', (Join-Path $root 'src/BackupCmdlets.Cli'), '-c', $Configuration, '--', 'demo') }
        'Bench' {
            foreach ($name in $Bench) {
                Invoke-Native bash @((Join-Path $root "tests/bench/$name-bench.sh"))
            }
        }
    }
}
