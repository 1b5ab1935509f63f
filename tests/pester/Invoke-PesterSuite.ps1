#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite in tests/pester against the module as users get it.
.DESCRIPTION
    Restores what the suite needs from NuGet (Pester 5.7.1, and other versions of two of the module's
    dependencies for the load-context tests), lays out the module folder with dotnet publish unless
    -ModulePath names one, and runs every *.Tests.ps1 here. Ends with one line that .ci/run sums:
    "Pester: <n> passed, <n> failed, <n> skipped". Exit code 0 when nothing failed, 1 otherwise.
.PARAMETER ModulePath
    An importable module folder to test (default: a fresh dotnet publish of src/BackupCmdlets).
.PARAMETER Configuration
    The build configuration published when -ModulePath is not given.
.PARAMETER TestName
    Only tests whose full name matches one of these wildcard patterns (Pester's -FullNameFilter).
.PARAMETER Path
    Only these test files (default: every *.Tests.ps1 here).
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File tests/pester/Invoke-PesterSuite.ps1
.EXAMPLE
    ./tests/pester/Invoke-PesterSuite.ps1 -ModulePath ./out/BackupCmdlets -TestName '*Remove-BackupSet*'
#>
[CmdletBinding()]
param(
    [string] $ModulePath,
    [string] $Configuration = 'Release',
    [string[]] $TestName,
    [string[]] $Path = @($PSScriptRoot)
)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath

function Invoke-Dotnet([string[]] $Arguments) {
    $output = & dotnet @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) {
        $output | Write-Host
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

Invoke-Dotnet @('restore', (Join-Path $PSScriptRoot 'Dependencies/PesterDependencies.csproj'), '--nologo')
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
    ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}
$pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path -LiteralPath $pester)) { throw "Pester 5.7.1 was restored, but $pester is missing." }

$temporary = $null
if (-not $ModulePath) {
    $temporary = Join-Path ([IO.Path]::GetTempPath()) "backupcmdlets-pester-$([guid]::NewGuid().ToString('N'))"
    $ModulePath = Join-Path $temporary 'BackupCmdlets'
    Write-Host "Publishing the module into $ModulePath"
    Invoke-Dotnet @('publish', (Join-Path $root 'src/BackupCmdlets'), '-c', $Configuration, '-o', $ModulePath, '--nologo')
}
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath

# The tests read these: the module to import, and where the other dependency versions are.
$env:BACKUPCMDLETS_MODULE = $ModulePath
$env:BACKUPCMDLETS_TEST_PACKAGES = $packages
try {
    Import-Module $pester -Force
    $config = New-PesterConfiguration
    $config.Run.Path = $Path
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    if ($TestName) { $config.Filter.FullName = $TestName }
    $result = Invoke-Pester -Configuration $config
}
finally {
    if ($temporary) { Remove-Item -LiteralPath $temporary -Recurse -Force -ErrorAction Ignore }
}

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host "Pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
exit ([int]($failed -gt 0 -or $result.Result -ne 'Passed'))
