"""Frozen entry point: multiprocessing support for spawned workers, then `--self-test` or the GUI."""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    # Spawned import workers re-run this executable; freeze_support() turns them into workers
    # before anything else (no window, no second QApplication).
    multiprocessing.freeze_support()
    if "--self-test" in sys.argv[1:]:
        from gui import selftest

        return selftest.run()
    from gui.app import main as gui_main

    result = gui_main()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
