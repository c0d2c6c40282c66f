#!/usr/bin/env bash
# Build the onedir bundle with PyInstaller, run it with --self-test, then start the real GUI entry
# offscreen for a few seconds; exits non-zero when the build, the self-test or the start fails.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN build_installer.spec
built=$(date +%s)
echo "== build took $(( built - start )) s; dist size $(du -sh dist/report-archive | cut -f1)"
exe=dist/report-archive/report-archive
[ -x "$exe" ] || exe=dist/report-archive/report-archive.exe
# Fresh per-user folders so that nothing touches a developer's data.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir "$home/selftest" "$home/gui"
set +e
REPORT_ARCHIVE_HOME="$home/selftest" QT_QPA_PLATFORM=offscreen "$exe" --self-test
status=$?
set -e
echo "== self-test exit $status in $(( $(date +%s) - built )) s"

# The GUI entry as a user starts it: it must create the archive and keep running.
archive="$home/gui/档案 测试.sqlite"
REPORT_ARCHIVE_HOME="$home/gui" QT_QPA_PLATFORM=offscreen "$exe" --archive "$archive" >"$home/gui.log" 2>&1 &
pid=$!
for _ in $(seq 1 30); do
    [ -f "$archive" ] && break
    sleep 0.5
done
sleep 2
if [ -f "$archive" ] && kill -0 "$pid" 2>/dev/null; then
    echo "== GUI started and created its archive"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
else
    echo "== GUI did not start:"
    cat "$home/gui.log"
    kill "$pid" 2>/dev/null || true
    status=1
fi
exit $status
