# Build the standalone arbench bundle on Windows: dist\arbench\ (arbench.exe for the GUI,
# arbench-cli.exe for the batch commands), and with -Installer the Inno Setup installer
# dist\arbench-VERSION-setup.exe.
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1 [-Clean] [-Installer]
# Needs Python 3.11+ (the py launcher) and, for -Installer, Inno Setup 6 (ISCC.exe).
param([switch]$Clean, [switch]$Installer)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

$py = ".venv\Scripts\python.exe"
if (-not (Test-Path $py)) {
    py -3 -m venv .venv
    & $py -m pip install --quiet -e ".[build]"
}
& $py -m PyInstaller --version *> $null
if ($LASTEXITCODE -ne 0) { & $py -m pip install --quiet -e ".[build]" }

$pyiArgs = @("--noconfirm", "--distpath", "dist", "--workpath", "build\pyinstaller")
if ($Clean) { $pyiArgs += "--clean" }
& $py -m PyInstaller @pyiArgs installer\arbench.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$version = (& dist\arbench\arbench-cli.exe --version) -replace "^arbench ", ""
$bytes = (Get-ChildItem dist\arbench -Recurse -File | Measure-Object Length -Sum).Sum
Write-Host ("built: arbench {0} in dist\arbench ({1:N0} MB)" -f $version, ($bytes / 1MB))

if ($Installer) {
    $iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
    if (-not $iscc) {
        foreach ($dir in @("${env:ProgramFiles(x86)}\Inno Setup 6", "$env:ProgramFiles\Inno Setup 6",
                           "$env:LOCALAPPDATA\Programs\Inno Setup 6")) {
            if (Test-Path "$dir\ISCC.exe") { $iscc = "$dir\ISCC.exe"; break }
        }
    }
    if (-not $iscc) { throw "Inno Setup 6 (ISCC.exe) not found: install it from https://jrsoftware.org" }
    & $iscc "/DAppVersion=$version" installer\arbench.iss
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
    Write-Host "installer: dist\arbench-$version-setup.exe"
}
