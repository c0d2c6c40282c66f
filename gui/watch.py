"""设置 → 自动导入文件夹: while the app runs, files that appear (or change) in the watched folder are imported.

A timer polls every POLL_MS; the folder walk and the archive lookup run on the reader worker (never on the GUI
thread), core.watch.FolderWatch decides which files have stopped changing, and they go through the window's
ordinary import (progress, Cancel, summary). While an import runs nothing is polled, so no file is handed out
and then dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from core.watch import FolderWatch

if TYPE_CHECKING:
    from core.archive import Archive
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)

POLL_MS = 10_000


class FolderWatcher(QObject):
    """Owned by the main window; follows `settings.watched_folder` and the archive that is open."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.watch: FolderWatch | None = None
        self._busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        window.settingsChanged.connect(self._settings_changed)
        self.restart()

    @property
    def folder(self) -> Path | None:
        return Path(self.watch.folder) if self.watch is not None else None

    def _settings_changed(self, names: list[str]) -> None:
        if "watched_folder" in names:
            self.restart()

    def restart(self) -> None:
        """Watch the folder of the settings (or stop when there is none)."""
        folder = self.w.settings.watched_folder
        self.watch = FolderWatch(folder) if folder else None
        if self.watch is None:
            self.timer.stop()
        else:
            self.timer.start()
            log.info("watching %s for new files", folder)

    def poll(self) -> None:
        w = self.w
        watch = self.watch
        if watch is None or self._busy or w.reader is None or w.worker is None or w.read_only or w._import_jobs:
            return
        self._busy = True

        def job(archive: Archive, *_: Any) -> list[str]:
            return watch.poll(archive.known_sources(watch.folder))

        def done(paths: Any) -> None:
            self._busy = False
            if paths and watch is self.watch:
                w.statusBar().showMessage(
                    w.tr("自动导入文件夹中有 {0} 个新文件，正在导入…").format(len(paths)), 6000)
                w.import_paths(list(paths))

        def failed(exc: BaseException) -> None:
            self._busy = False
            log.warning("watched folder %s: %s", watch.folder, exc)

        try:
            w.reader.submit(job, on_done=done, on_error=failed, name="watch")
        except RuntimeError:  # the reader stopped meanwhile (archive switched)
            self._busy = False
