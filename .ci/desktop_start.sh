#!/usr/bin/env bash
# CI: start the app for real, as a user does (the README's `bash scripts/app.sh`), on a virtual X11 screen with
# Qt's xcb platform (not offscreen), and fail unless a visible top-level window titled 报告档案 appears.
#
#   bash .ci/desktop_start.sh [SECONDS]      (default: wait up to 120 s for the window)
#
# Installs Xvfb, x11-utils and xdotool with apt-get when missing (root). Runs in a temporary per-user
# folder (REPORT_ARCHIVE_HOME), so it never touches a developer's archive.
set -euo pipefail
cd "$(dirname "$0")/.."
wait_s=${1:-120}

need=()
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xwininfo >/dev/null || need+=(x11-utils)
command -v xdotool >/dev/null || need+=(xdotool)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}") >/dev/null
    else
        echo "desktop start check needs: ${need[*]} (sudo apt-get install -y ${need[*]})" >&2
        exit 2
    fi
fi

work=$(mktemp -d)
xvfb_pid="" app_pid=""
cleanup() {
    [ -n "$app_pid" ] && kill -- "-$app_pid" 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# A display number of its own (-displayfd): parallel runs on one machine do not collide.
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
exec 3>&-
for _ in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
display=":$(head -n1 "$work/display")"

# The README's run command, in its own process group (so the check can end it and everything it started).
set -m
env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY DISPLAY="$display" QT_QPA_PLATFORM=xcb XDG_SESSION_TYPE=x11 \
    REPORT_ARCHIVE_HOME="$work/home" bash scripts/app.sh >"$work/app.log" 2>&1 &
app_pid=$!
set +m

found=""
start=$(date +%s)
while [ $(( $(date +%s) - start )) -lt "$wait_s" ]; do
    if ! kill -0 "$app_pid" 2>/dev/null; then
        echo "the app exited before showing a window:" >&2
        tail -n 40 "$work/app.log" >&2
        exit 1
    fi
    for win in $(DISPLAY="$display" xdotool search --onlyvisible --name '^报告档案' 2>/dev/null); do
        if DISPLAY="$display" xwininfo -id "$win" 2>/dev/null | grep -q "Map State: IsViewable"; then
            found=$win
            break 2
        fi
    done
    sleep 0.5
done
if [ -z "$found" ]; then
    echo "no visible window titled 报告档案 within ${wait_s} s; windows on $display:" >&2
    DISPLAY="$display" xwininfo -root -tree 2>/dev/null | head -n 30 >&2
    tail -n 40 "$work/app.log" >&2
    exit 1
fi
title=$(DISPLAY="$display" xdotool getwindowname "$found")
geometry=$(DISPLAY="$display" xwininfo -id "$found" | awk '/Width:|Height:/ {printf "%s ", $2}')
echo "== desktop start: window \"$title\" ($geometry) visible after $(( $(date +%s) - start )) s on $display (xcb)"
