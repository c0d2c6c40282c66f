"""Open the window on one view for a screenshot: `../shared/tools/screenshot OUT.png --size 1366x768 --
.venv/bin/python scripts/screens.py --archive A.sqlite --view viewer`.

Views: table, search, viewer, compare, trend, grid, export, settings, import (an import result with
skipped files), review (the 待核对 queue). The window is maximised; the view opens once the first rows are listed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWS = ("table", "search", "viewer", "compare", "trend", "grid", "export", "settings", "import", "review")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--view", choices=VIEWS, default="table")
    parser.add_argument("--query", default="行政复议")
    parser.add_argument("--import-folder", type=Path, default=None, help="for --view import")
    args = parser.parse_args()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.i18n import install_qt_translations
    from gui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    install_qt_translations(app)
    window = MainWindow(args.archive)
    window.showMaximized()
    done = False

    def by_agency(*words: str) -> list[int]:
        docs = window.model.documents(list(window.model.ids))
        return [d.id for d in docs if all(w in (d.title or "") + (d.agency or "") for w in words)]

    def open_view() -> None:
        nonlocal done
        if done:
            return
        done = True
        view = args.view
        if view == "search":
            window.search_box.setText(args.query)
        elif view == "viewer":
            ids = by_agency("司法局", "2024") or list(window.model.ids)
            window.open_document(ids[0])
        elif view == "compare":
            ids = by_agency("司法局")[:2]
            window.select_ids(ids)
            window.compare_selected()
        elif view == "trend":
            ids = by_agency("司法局", "2024")[:1]
            window.select_ids(ids)
            window.trend_selected()
        elif view == "grid":
            window.reporting_grid()
        elif view == "export":
            window.archives.export_interactive()
        elif view == "settings":
            window.open_settings()
        elif view == "review":
            from gui.review_view import open_review

            open_review(window)
        elif view == "import" and args.import_folder is not None:
            window.import_paths([args.import_folder])

    window.refreshed.connect(lambda: QTimer.singleShot(300, open_view))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
