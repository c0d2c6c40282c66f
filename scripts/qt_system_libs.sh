#!/usr/bin/env bash
# Which system libraries Qt's X11 (xcb) platform plugin lacks on this machine, as Debian/UOS/Kylin packages.
#
#   bash scripts/qt_system_libs.sh [--install] [PYTHON]
#
# Reads the plugin's real needs with ldd (libqxcb.so and libQt6XcbQpa.so.6 of the installed PySide6), so the
# list follows the Qt version. Prints nothing and exits 0 when nothing is missing. Otherwise, with --install
# as root on a system with apt-get, installs the missing packages; else prints the one command that does,
# and exits 3. Used by scripts/bootstrap.sh (so `bash scripts/app.sh` works on a bare desktop).
set -uo pipefail
install=0
if [ "${1:-}" = "--install" ]; then install=1; shift; fi
PY=${1:-.venv/bin/python}

qt_dir=$("$PY" - <<'PY' 2>/dev/null
import os, PySide6
print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))
PY
) || exit 0
plugin="$qt_dir/plugins/platforms/libqxcb.so"
[ -f "$plugin" ] || exit 0   # no xcb plugin in this Qt build: nothing to check
command -v ldd >/dev/null || exit 0

missing_sonames=$(LD_LIBRARY_PATH="$qt_dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    ldd "$plugin" "$qt_dir/lib/libQt6XcbQpa.so.6" 2>/dev/null | awk '/not found/ {print $1}' | sort -u)
[ -n "$missing_sonames" ] || exit 0

# soname → package (Debian 11/12, Ubuntu 20.04–24.04, UOS 20, Kylin V10 use the same names).
package_of() {
    case "$1" in
        libxcb-cursor.so.*) echo libxcb-cursor0 ;;
        libxcb-icccm.so.*) echo libxcb-icccm4 ;;
        libxcb-image.so.*) echo libxcb-image0 ;;
        libxcb-keysyms.so.*) echo libxcb-keysyms1 ;;
        libxcb-randr.so.*) echo libxcb-randr0 ;;
        libxcb-render-util.so.*) echo libxcb-render-util0 ;;
        libxcb-render.so.*) echo libxcb-render0 ;;
        libxcb-shape.so.*) echo libxcb-shape0 ;;
        libxcb-shm.so.*) echo libxcb-shm0 ;;
        libxcb-sync.so.*) echo libxcb-sync1 ;;
        libxcb-util.so.*) echo libxcb-util1 ;;
        libxcb-xfixes.so.*) echo libxcb-xfixes0 ;;
        libxcb-xinerama.so.*) echo libxcb-xinerama0 ;;
        libxcb-xinput.so.*) echo libxcb-xinput0 ;;
        libxcb-xkb.so.*) echo libxcb-xkb1 ;;
        libxcb-glx.so.*) echo libxcb-glx0 ;;
        libxcb.so.*) echo libxcb1 ;;
        libxkbcommon-x11.so.*) echo libxkbcommon-x11-0 ;;
        libxkbcommon.so.*) echo libxkbcommon0 ;;
        libX11-xcb.so.*) echo libx11-xcb1 ;;
        libX11.so.*) echo libx11-6 ;;
        libSM.so.*) echo libsm6 ;;
        libICE.so.*) echo libice6 ;;
        libGL.so.*|libGLX.so.*|libGLdispatch.so.*) echo libgl1 ;;
        libEGL.so.*) echo libegl1 ;;
        libfontconfig.so.*) echo libfontconfig1 ;;
        libfreetype.so.*) echo libfreetype6 ;;
        libdbus-1.so.*) echo libdbus-1-3 ;;
        libglib-2.0.so.*|libgthread-2.0.so.*) echo libglib2.0-0 ;;
        *) echo "" ;;
    esac
}
packages=""
unknown=""
for so in $missing_sonames; do
    pkg=$(package_of "$so")
    if [ -n "$pkg" ]; then
        case " $packages " in *" $pkg "*) ;; *) packages="$packages $pkg" ;; esac
    else
        unknown="$unknown $so"
    fi
done
packages=${packages# }

# Ubuntu 24.04 renamed some libraries (libglib2.0-0 → libglib2.0-0t64): use the name apt knows.
if command -v apt-cache >/dev/null; then
    resolved=""
    for pkg in $packages; do
        if ! apt-cache show "$pkg" >/dev/null 2>&1 && apt-cache show "${pkg}t64" >/dev/null 2>&1; then
            pkg="${pkg}t64"
        fi
        resolved="$resolved $pkg"
    done
    packages=${resolved# }
fi

if [ "$install" = 1 ] && [ -n "$packages" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "正在安装 Qt 图形界面所需的系统库：$packages" >&2
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages) >/dev/null 2>&1; then
        still=$(LD_LIBRARY_PATH="$qt_dir/lib" ldd "$plugin" "$qt_dir/lib/libQt6XcbQpa.so.6" 2>/dev/null | awk '/not found/ {print $1}' | sort -u)
        [ -z "$still" ] && exit 0
        unknown="$unknown $still"
    else
        echo "安装失败（没有网络或软件源不可用？）" >&2
    fi
fi

{
    echo "缺少 Qt 图形界面（X11/xcb）所需的系统库：$(echo $missing_sonames | tr '\n' ' ')"
    if [ -n "$packages" ]; then
        echo "请用管理员权限执行下面这一条命令安装后再启动："
        echo "    sudo apt-get install -y $packages"
    fi
    if [ -n "${unknown// /}" ]; then
        echo "另外还缺：$unknown（请用系统的软件包管理器安装提供这些文件的软件包）"
    fi
} >&2
exit 3
