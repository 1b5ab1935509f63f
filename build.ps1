#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the BackupCmdlets module.
.PARAMETER Task
    Build   - dotnet build of the whole solution (Release).
    Test    - dotnet test, then the Pester tests in a child pwsh where Pester 5 is installed.
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
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $root 'src/BackupCmdlets'), '-c', $Configuration, '-o', $moduleOut, '--nologo')
    Write-Host "Module laid out in $moduleOut (Import-Module $moduleOut)"
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' {
            Invoke-Native dotnet @('build', (Join-Path $root 'BackupCmdlets.sln'), '-c', $Configuration, '--nologo')
        }
        'Test' {
            Invoke-Native dotnet @('test', (Join-Path $root 'BackupCmdlets.sln'), '-c', $Configuration, '--nologo')
            $pester = Get-Module -ListAvailable Pester | Where-Object { $_.Version -ge [version]'5.0' } | Select-Object -First 1
            if (-not $pester) {
                Write-Warning 'Pester 5 is not installed: the Pester tests in tests/pester were SKIPPED (Install-Module Pester -MinimumVersion 5.0).'
                continue
            }
            Invoke-Package
            # A child pwsh, so the module's assemblies are not locked in this session afterwards.
            $script = "Import-Module Pester -MinimumVersion 5.0; `$c = New-PesterConfiguration; `$c.Run.Path = '$root/tests/pester'; `$c.Run.Exit = `$true; `$c.Output.Verbosity = 'Detailed'; `$env:BACKUPCMDLETS_MODULE = '$moduleOut'; Invoke-Pester -Configuration `$c"
            Invoke-Native pwsh @('-NoProfile', '-NonInteractive', '-Command', $script)
        }
        'Package' { Invoke-Package }
        'Demo' {
            Invoke-Native dotnet @('run', '--project', (Join-Path $root 'src/BackupCmdlets.Cli'), '-c', $Configuration, '--', 'demo')
        }
    }
}
