"""Automatic backups from the window: daily at open, after an import or edit that changed the archive, at close.

The daily copy and the copies after changes are made on a thread of their own with their own read-only
connection (core.backups.make_backup through SQLite's backup API: one read transaction, a consistent snapshot
while the writer goes on — in WAL mode writers do not wait for readers). The writer is asked only for its
connection's change counter, before (is there anything new?) and after (this much is saved). At 100,000
reports a copy takes about a minute; on the writer it held every edit and import that long. The copy at
close runs on the writer, queued before it stops (core.backups.backup_if_changed), so the last changes are
in it. Never more than one background copy at a time; a request meanwhile runs once the copy is done.
After a change the backup waits until at least INTERVAL_S have passed since the previous one (a burst of
edits makes one copy).
"""

from __future__ import annotations

import logging
import threading
import time
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
        self._saved: int | None = None  # the writer's total_changes the last copy holds (None: unknown)
        self._copying: threading.Thread | None = None  # the background copy, while it runs
        self._queued: str | None = None  # a kind asked for while a copy ran
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._submit("changes"))

    def attach(self, worker: Worker | None) -> None:
        self.worker = worker
        self._saved = None
        self._queued = None
        self._timer.stop()

    @property
    def copying(self) -> bool:
        """A background copy is being made (a restore must wait for it: it holds a connection)."""
        return self._copying is not None and self._copying.is_alive()

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
        if kind == "close":
            return self._on_writer(worker, kind)
        if self.copying:
            self._queued = "daily" if "daily" in (kind, self._queued) else kind
            return None

        def changes(archive: Archive, *_: Any) -> int:
            return archive.connection.total_changes

        def counted(mark: int) -> None:
            if worker is not self.worker:
                return  # the archive was closed or switched meanwhile
            if kind == "changes" and mark == self._saved:
                self.backupMade.emit(kind, None)  # nothing new since the last copy
                return
            self._copy(worker, kind, mark)

        try:
            return worker.submit(changes, on_done=counted, on_error=lambda exc: self._report(kind, exc),
                                 name=f"backup-{kind}")
        except RuntimeError:  # the worker stopped meanwhile
            return None

    def _copy(self, worker: Worker, kind: str, mark: int) -> None:
        """The copy on a thread with its own read-only connection; the writer's `mark` is what it holds."""
        from core import backups
        from core.archive import Archive
        from gui.worker import run_in_background

        path = worker.archive_path

        def copy() -> Path | None:
            with Archive.open(path, read_only=True) as archive:
                made = backups.daily_backup(archive) if kind == "daily" else backups.make_backup(archive)
            return made

        def delivered(result: object) -> None:
            self._copying = None
            if worker is self.worker and not isinstance(result, BaseException):
                self._saved = mark
                try:  # the copy at close skips what this one holds (core.backups.backup_if_changed)
                    worker.submit(lambda archive, *_: backups.mark_backed_up(archive, mark), name="backup-mark")
                except RuntimeError:
                    pass
            self._report(kind, result)
            queued, self._queued = self._queued, None
            if queued is not None and worker is self.worker:
                self._submit(queued)

        self._copying = run_in_background(copy, delivered, f"backup-{kind}")

    def _on_writer(self, worker: Worker, kind: str) -> Job | None:
        def job(archive: Archive, *_: Any) -> Path | None:
            from core import backups

            return backups.backup_if_changed(archive)

        try:
            return worker.submit(job, on_done=lambda made: self._report(kind, made),
                                 on_error=lambda exc: self._report(kind, exc), name=f"backup-{kind}")
        except RuntimeError:  # the worker stopped meanwhile
            return None

    def _report(self, kind: str, result: object) -> None:
        if isinstance(result, BaseException):
            from gui.errors import is_expected

            if is_expected(result):
                log.warning("%s backup failed: %s", kind, result)
            else:
                log.error("%s backup failed", kind, exc_info=(type(result), result, result.__traceback__))
        elif result is not None:
            log.info("%s backup: %s", kind, result)
        self.backupMade.emit(kind, result)
