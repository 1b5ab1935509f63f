#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the BackupCmdlets module.
.PARAMETER Task
    Build   - dotnet build of the whole solution.
    Test    - dotnet test, then the Pester tests in tests/pester against the packaged module, in a
              child pwsh, where Pester 5 is installed (it says so plainly when it skips them).
    Package - lays out an importable module folder in out/BackupCmdlets.
    Demo    - runs the CLI demo on its built-in sample data.
.EXAMPLE
    ./build.ps1 -Task Package; Import-Module ./out/BackupCmdlets
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo')]
    [string[]] $Task = @('Build', 'Test', 'Package'),
    [string] $Configuration = 'Release'
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
    # The pwsh running this script, not whichever one PATH finds first.
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (-not (Test-Path -LiteralPath $pwsh)) {
        Write-Warning "SKIPPED the Pester tests in tests/pester: no pwsh executable at $pwsh."
        return
    }
    $pester = Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]'5.0' } | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'SKIPPED the Pester tests in tests/pester: Pester 5 is not installed (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser).'
        return
    }

    Invoke-Package
    # A child pwsh, so the module's assemblies are not loaded (and locked) in this session afterwards.
    # It inherits the environment: the module folder travels in BACKUPCMDLETS_MODULE, as the tests expect.
    $testPath = (Join-Path $root 'tests/pester').Replace("'", "''")
    $script = "Import-Module Pester -MinimumVersion 5.0; `$c = New-PesterConfiguration; `$c.Run.Path = '$testPath'; `$c.Run.Exit = `$true; `$c.Output.Verbosity = 'Detailed'; Invoke-Pester -Configuration `$c"
    $previous = $env:BACKUPCMDLETS_MODULE
    $env:BACKUPCMDLETS_MODULE = $moduleOut
    try {
        Write-Host "Pester $($pester.Version): tests/pester against $moduleOut"
        Invoke-Native $pwsh @('-NoProfile', '-NonInteractive', '-Command', $script)
    }
    finally {
        $env:BACKUPCMDLETS_MODULE = $previous
    }
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
    }
}
