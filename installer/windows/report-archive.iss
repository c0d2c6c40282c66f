; Inno Setup 6.3+ script (x64compatible needs 6.3) for 报告档案 (Report Archive): wraps the PyInstaller onedir build dist\report-archive\.
; Build on Windows after `pyinstaller --noconfirm build_installer.spec`:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\windows\report-archive.iss
; Output: dist\installer\report-archive-<version>-setup.exe. See docs/platforms.md.
; Per-user install by default (no administrator needed); an administrator may choose "install for all users".
; No file associations, no services, nothing in the registry beyond the uninstaller's own entry.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "报告档案"
#define AppNameEn "Report Archive"
#define AppExe "report-archive.exe"
#define DistDir "..\..\dist\report-archive"

[Setup]
; A fixed AppId: upgrades replace the previous version in place. Never change it.
AppId={{6B0F7C53-9E1D-4C2B-9A77-3D5E2C8A41F0}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ReportArchive
DefaultDirName={autopf}\ReportArchive
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user by default ({autopf} = %LOCALAPPDATA%\Programs); the user may elevate to install for everyone.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
; PySide6 6 (Qt 6) runs on 64-bit Windows 10 1809 or later only.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist\installer
OutputBaseFilename=report-archive-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\report-archive.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running copy before files are replaced (and offer to restart it afterwards).
CloseApplications=yes
RestartApplications=no
ChangesAssociations=no
ChangesEnvironment=no
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppNameEn}
VersionInfoDescription={#AppName} 安装程序

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; ChineseSimplified.isl is an unofficial translation (https://jrsoftware.org/files/istrans/): Inno Setup does
; not ship it. Put it into the compiler's Languages\ folder to get a Chinese wizard; without it the
; installer is built in English only.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Remove the previous version's bundled libraries before copying, so no stale module is left behind.
; User data (archives, settings, backups, logs) lives in %LOCALAPPDATA%\ReportArchive and is not touched.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave in its own folder; the user's archives are never deleted.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
