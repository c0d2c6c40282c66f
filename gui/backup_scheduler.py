"""Automatic backups from the window: daily at open, after an import or edit that changed the archive, at close.

Every backup runs on the window's writer worker (core.backups, SQLite backup API through the writer's own
connection), so it never races a write of this window and never blocks the GUI thread. After a change the
backup waits until at least INTERVAL_S have passed since the previous one (a burst of edits makes one copy).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from core.archive import Archive
    from gui.worker import Job, Worker

log = logging.getLogger(__name__)

INTERVAL_S = 300.0  # at most one backup after changes every five minutes
# MainWindow.writeFinished names that never change the archive (a copy to elsewhere). Any other write may;
# core.backups.backup_if_changed then compares the writer connection's total_changes and copies only if so.
NOT_CHANGING = frozenset({"backup", "local-copy"})


class BackupScheduler(QObject):
    """Owned by the main window; `attach(worker)` when an archive opens, `detach()` before it closes.

    Signal `backupMade(kind, result)`: kind "daily" | "changes" | "close"; result the new backup Path, None
    (nothing to back up), or the exception (logged; the window shows it in the status bar).
    """

    backupMade = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker: Worker | None = None
        self.interval_s = INTERVAL_S
        self._last = float("-inf")  # time.monotonic() of the last backup job
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._submit("changes"))

    def attach(self, worker: Worker | None) -> None:
        self.worker = worker
        self._timer.stop()

    def detach(self, *, backup: bool = True) -> Job | None:
        """The archive closes: back up what changed (queued before the worker stops), then forget the worker."""
        self._timer.stop()
        job = self._submit("close") if backup else None
        self.worker = None
        return job

    def daily(self) -> Job | None:
        return self._submit("daily")

    def changed(self, _what: Any = None) -> None:
        """Something was written: back up now, or once INTERVAL_S have passed since the last backup."""
        if self.worker is None:
            return
        wait = self._last + self.interval_s - time.monotonic()
        if wait <= 0:
            self._submit("changes")
        elif not self._timer.isActive():
            self._timer.start(int(wait * 1000) + 50)

    def write_finished(self, name: str) -> None:
        if name not in NOT_CHANGING:
            self.changed(name)

    def import_finished(self, report: Any) -> None:
        if any(getattr(item, "doc_id", None) for item in getattr(report, "items", ())):
            self.changed("import")

    def _submit(self, kind: str) -> Job | None:
        worker = self.worker
        if worker is None:
            return None
        self._last = time.monotonic()

        def job(archive: Archive, *_: Any) -> Path | None:
            from core import backups

            make: Callable[..., Path | None] = backups.daily_backup if kind == "daily" else backups.backup_if_changed
            return make(archive)

        def done(made: Path | None) -> None:
            if made is not None:
                log.info("%s backup: %s", kind, made)
            self.backupMade.emit(kind, made)

        def failed(exc: BaseException) -> None:
            from gui.errors import is_expected

            if is_expected(exc):
                log.warning("%s backup failed: %s", kind, exc)
            else:
                log.error("%s backup failed", kind, exc_info=(type(exc), exc, exc.__traceback__))
            self.backupMade.emit(kind, exc)

        try:
            return worker.submit(job, on_done=done, on_error=failed, name=f"backup-{kind}")
        except RuntimeError:  # the worker stopped meanwhile
            return None
