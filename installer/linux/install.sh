#!/usr/bin/env bash
# Per-user install of the Linux build (统信UOS, 麒麟, Debian/Ubuntu): copy the folder, add a menu entry.
# Usage: installer/linux/install.sh [dist/report-archive]   — uninstall: installer/linux/install.sh --uninstall
# No root needed; user data (~/.local/share/ReportArchive) is never touched by install or uninstall.
set -euo pipefail
target="${XDG_DATA_HOME:-$HOME/.local/share}/report-archive-app"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
entry="$apps/report-archive.desktop"
if [ "${1:-}" = "--uninstall" ]; then
    rm -rf -- "$target" "$entry"
    echo "已卸载程序（用户数据保留在 ~/.local/share/ReportArchive）"
    exit 0
fi
source_dir="${1:-$(dirname "$0")/../../dist/report-archive}"
[ -x "$source_dir/report-archive" ] || { echo "找不到 $source_dir/report-archive，请先构建" >&2; exit 1; }
staging="$target.new"
rm -rf -- "$staging"
cp -a -- "$source_dir" "$staging"
rm -rf -- "$target"
mv -- "$staging" "$target"
mkdir -p -- "$apps"
sed -e "s|@EXEC@|$target/report-archive|g" -e "s|@ICON@|$target/_internal/resources/icons/report-archive.png|g" \
    "$(dirname "$0")/report-archive.desktop.in" > "$entry"
chmod 644 "$entry"
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" >/dev/null 2>&1 || true
echo "已安装到 $target；开始菜单中的“报告档案”可以启动程序。"
