"""Entry point of the desktop app: arguments, logging, excepthook, QApplication, main window."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

_T0 = time.time()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="report-archive", description="报告档案")
    parser.add_argument("--archive", type=Path, default=None, help="档案文件路径（不存在时自动新建）")
    parser.add_argument("--self-test", action="store_true", help="无界面自检，成功时退出码为 0")
    args, qt_args = parser.parse_known_args(argv)
    args.qt_args = qt_args  # e.g. -platform offscreen, -style fusion: handed to QApplication
    return args


def choose_archive(explicit: Path | None) -> Path:
    """--archive wins; then the last archive used (if it still exists); then the default archive."""
    from core.paths import default_archive_path

    if explicit is not None:
        return explicit.expanduser().resolve()
    from gui.settings import Settings

    last = Settings().last_archive
    if last is not None and last.is_file():
        return last
    return default_archive_path()


def set_app_icon(app: QApplication) -> None:
    """The window icon from resources/icons (several sizes, so the task bar picks a sharp one)."""
    from PySide6.QtGui import QIcon

    from core.paths import resource

    icon = QIcon()
    for name in ("report-archive-32.png", "report-archive-64.png", "report-archive.png"):
        path = resource("icons", name)
        if path.is_file():
            icon.addFile(str(path))
    if not icon.isNull():
        app.setWindowIcon(icon)


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # no-op unless frozen: the importer spawns worker processes
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from gui import selftest

        return int(selftest.run())

    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QApplication

    from gui.errors import install_excepthook, setup_logging
    from gui.settings import APPLICATION, ORGANISATION

    setup_logging()
    install_excepthook()
    app = QApplication.instance() or QApplication([sys.argv[0], *args.qt_args])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(QCoreApplication.translate("app", "报告档案"))
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    set_app_icon(app)
    # Qt's own strings (file dialog, dialog buttons, context menus) in Chinese
    from gui.i18n import install_qt_translations

    install_qt_translations(app)

    from gui import instance
    from gui.main_window import MainWindow

    archive = choose_archive(args.archive)
    if instance.ask_to_come_forward(archive):
        # The app is already open on this archive: that window came forward; a second one would only confuse.
        print(QCoreApplication.translate("app", "报告档案已在另一个窗口中打开此档案，已切换到那个窗口。"),
              file=sys.stderr)
        return 0
    window = MainWindow(archive)
    window.show()
    if os.environ.get("REPORT_ARCHIVE_STARTUP_TIMING"):
        print(f"STARTUP_PROCESS {_T0:.6f}", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
