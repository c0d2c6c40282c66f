#!/usr/bin/env bash
# The README's run command: bootstrap, then start the desktop app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m gui "$@"
