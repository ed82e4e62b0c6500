; Inno Setup 6 script: the Windows installer for arbench, built from dist\arbench\ by
;   installer\build.ps1 -Installer        (or: ISCC.exe /DAppVersion=0.1.0 installer\arbench.iss)
; Per-user install, no administrator rights: the program goes to %LOCALAPPDATA%\Programs\arbench,
; a Start-menu shortcut is made, and uninstalling keeps the user's data (database, backups,
; settings in %LOCALAPPDATA%\arbench) unless the user says to delete it. For unattended
; removal that also deletes the data: unins000.exe /VERYSILENT /PURGEDATA=yes

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{39DD01B9-24B9-4479-A75E-0B0A6A7F4AAD}
AppName=arbench
AppVersion={#AppVersion}
AppVerName=arbench {#AppVersion}
AppPublisher=arbench developers
AppComments=Workstation for freight accounts-receivable collectors
PrivilegesRequired=lowest
DefaultDirName={userpf}\arbench
DisableDirPage=auto
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=..\dist
OutputBaseFilename=arbench-{#AppVersion}-setup
SetupIconFile=..\resources\icons\arbench.ico
UninstallDisplayIcon={app}\arbench.exe
UninstallDisplayName=arbench {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
CloseApplications=yes
RestartApplications=no

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole program folder, so no library of the older version lingers.
; The user's data is elsewhere (%LOCALAPPDATA%\arbench) and is not touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\arbench\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\arbench"; Filename: "{app}\arbench.exe"; Comment: "Freight AR worklist, scripts and training"
Name: "{userdesktop}\arbench"; Filename: "{app}\arbench.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\arbench.exe"; Description: "{cm:LaunchProgram,arbench}"; Flags: nowait postinstall skipifsilent

[Code]
function UserDataDir(): String;
begin
  { platformdirs' user_data_dir("arbench", "arbench") and user_config_dir: both under here }
  Result := ExpandConstant('{localappdata}\arbench');
end;

function WantsDataDeleted(): Boolean;
begin
  Result := CompareText(ExpandConstant('{param:PURGEDATA|no}'), 'yes') = 0;
  if Result or UninstallSilent() then
    exit;
  Result := MsgBox('arbench has been removed.' + #13#10#13#10 +
    'Also delete your arbench data: the database, its backups and your settings in' + #13#10 +
    UserDataDir() + '?' + #13#10#13#10 +
    'Choose No to keep them for a later installation (recommended).',
    mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and DirExists(UserDataDir()) then
    if WantsDataDeleted() then
      DelTree(UserDataDir(), True, True, True);
end;
