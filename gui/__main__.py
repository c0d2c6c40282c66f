"""`python -m gui`: start the desktop app."""

from __future__ import annotations

import sys

from gui.app import main

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # the importer's worker processes, when frozen by PyInstaller
    sys.exit(main())
