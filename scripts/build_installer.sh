#!/usr/bin/env bash
# Build the onedir bundle with PyInstaller, then start it with --self-test; exit code of the self-test.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN build_installer.spec
built=$(date +%s)
echo "== build took $(( built - start )) s; dist size $(du -sh dist/report-archive | cut -f1)"
exe=dist/report-archive/report-archive
[ -x "$exe" ] || exe=dist/report-archive/report-archive.exe
# A fresh per-user folder so the self-test never touches a developer's data.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
set +e
REPORT_ARCHIVE_HOME="$home" QT_QPA_PLATFORM=offscreen "$exe" --self-test
status=$?
set -e
echo "== self-test exit $status in $(( $(date +%s) - built )) s"
exit $status
