#!/usr/bin/env bash
# Create .venv and install the project with its development tools. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
  rm -f .venv/.installed-* && touch "$stamp"
fi
# Qt needs a few system libraries even offscreen; install them only where they are missing (Debian/Ubuntu).
if ! QT_QPA_PLATFORM=offscreen .venv/bin/python -c "from PySide6.QtWidgets import QApplication" 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 \
      libglib2.0-0) >/dev/null 2>&1 || echo "warning: could not install Qt's system libraries" >&2
  fi
fi
# A CJK font: PDFium draws (and so extracts) the glyphs of a PDF's non-embedded Chinese fonts only when the
# system has a Chinese font to substitute; without one it drops some characters (。 of a non-embedded
# STSong-Light, as the reader tests' fixtures use). Office PCs always have one; bare test machines may not.
if ! { command -v fc-list >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; }; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei) >/dev/null 2>&1 \
      || echo "warning: could not install a CJK font (fonts-wqy-microhei)" >&2
  fi
fi
# Qt's X11 platform plugin (a real window on a desktop) needs more: libxcb-cursor0, libxkbcommon-x11-0 …
# scripts/qt_system_libs.sh reads what this Qt lacks with ldd, installs it as root with apt-get, or else
# prints the one command that installs it (the app then cannot open a window on X11; Wayland may still work).
bash scripts/qt_system_libs.sh --install .venv/bin/python || true
