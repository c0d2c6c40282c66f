"""Importing: files and folders on the writer thread, progress and Cancel in the status bar, the summary."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from gui.errors import show_error
from gui.ui import alive
from gui.worker import Job

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import ImportReport
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)

IMPORT_REFRESH_S = 3.0


class Imports:
    """Runs imports on the writer worker; the state (`_import_jobs`, `import_summary`) stays on the window."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    def import_paths(self, paths: Sequence[str | Path], resume_run: int | None = None) -> Job | None:
        """Import files/folders on the writer worker, with progress in the status bar and Cancel.

        resume_run: instead, the files an interrupted import left (core.ingest.resume)."""
        if self.w.worker is None or (not paths and resume_run is None):
            return None
        items = [str(p) for p in paths]
        self.w.tabs.setCurrentIndex(0)
        if self.w.trash_mode:
            self.w.actionTrash.setChecked(False)

        time_limit = self.w.settings.time_limit()  # 设置 → 每个文件的处理时限

        def job(archive: Archive, progress: Callable[[int, int, str], None], cancel: Any) -> ImportReport:
            if resume_run is not None:
                return archive.resume_import(resume_run, progress=progress, cancel=cancel, time_limit=time_limit)
            return archive.import_paths(items, progress=progress, cancel=cancel, time_limit=time_limit)

        started = time.monotonic()
        holder: list[Job] = []

        def done(report: ImportReport) -> None:
            self.import_ended(holder[0])
            self.w.reload()
            # the dialog in a later turn of the event loop: no single long stall after a big import
            seconds = time.monotonic() - started
            QTimer.singleShot(0, lambda: self.show_import_summary(report, seconds))
            if any(item.outcome == "imported" for item in report.items):
                self.w.schedule_suggestion_warm_up()  # the new reports' words, before the clerk opens them
            self.w.importFinished.emit(report)

        def failed(exc: BaseException) -> None:
            self.import_ended(holder[0])
            show_error(self.w, exc, self.w.tr("导入失败"))
            self.w.reload()
            from core.models import ImportReport

            self.w.importFinished.emit(ImportReport(cancelled=True))

        job_obj = self.w.worker.submit(job, on_done=done, on_error=failed, on_progress=self.import_progress, name="import")
        holder.append(job_obj)
        self.w._import_jobs.append(job_obj)
        self.w.importProgress.setRange(0, 0)
        self.w.importLabel.setText(self.w.tr("正在准备导入…"))
        self.w.cancelImportButton.setEnabled(True)
        self.w.importBox.show()
        return job_obj

    def import_progress(self, done: int, total: int, message: str) -> None:
        # let the new documents appear while a long import runs (the listing runs on the reader thread)
        now = time.monotonic()
        if now - self.w._last_import_refresh > IMPORT_REFRESH_S and done:
            self.w._last_import_refresh = now
            self.w.refresh()
        self.w.importProgress.setRange(0, max(total, 1))
        self.w.importProgress.setValue(min(done, max(total, 1)))
        # core's message is "file name：outcome" or "正在检查文件（i/n）…": shown as it comes
        text = self.w.tr("导入 {0}/{1}").format(done, total)
        if message:
            text += "　" + message
        self.w.importLabel.setText(self.w.importLabel.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, 400))
        self.w.importLabel.setToolTip(message)

    def import_ended(self, job: Job) -> None:
        if job in self.w._import_jobs:
            self.w._import_jobs.remove(job)
        if not self.w._import_jobs:
            self.w.importBox.hide()

    def cancel_import(self) -> None:
        for job in self.w._import_jobs:
            job.cancel()
        self.w.cancelImportButton.setEnabled(False)
        self.w.importLabel.setText(self.w.tr("正在取消…"))

    def show_import_summary(self, report: ImportReport, seconds: float) -> None:
        from gui.dialogs import ImportSummaryDialog

        if self.w.import_summary is not None and alive(self.w.import_summary):
            self.w.import_summary.close()
        dialog = ImportSummaryDialog(report, seconds, self.w)
        dialog.openDocument.connect(self.w.open_document)
        self.w.import_summary = dialog
        dialog.show()

    def import_interactive(self) -> None:
        from gui.dialogs import import_file_filter

        files, _ = QFileDialog.getOpenFileNames(
            self.w, self.w.tr("导入报告文件"), self.w.settings.last_import_dir, import_file_filter()
        )
        if files:
            self.w.settings.last_import_dir = str(Path(files[0]).parent)
            self.import_paths(files)

    def import_folder_interactive(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.w, self.w.tr("导入文件夹（含子文件夹）"), self.w.settings.last_import_dir)
        if folder:
            self.w.settings.last_import_dir = folder
            self.import_paths([folder])

    def sample_files(self) -> list[Path]:
        from core.paths import resource

        folder = resource("samples")
        if not folder.is_dir():
            return []
        from core.readers import SUPPORTED_SUFFIXES

        return sorted(
            p for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
        )

    def load_samples(self) -> Job | None:
        files = self.sample_files()
        return self.import_paths(files) if files else None

    def drag_enter(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def drag_move(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if self.w.read_only:
            event.ignore()
            self.w.statusBar().showMessage(self.w.tr("档案以只读方式打开，不能导入。"), 6000)
            return
        if paths and self.w.worker is not None:
            event.acceptProposedAction()
            self.import_paths(paths)
        else:
            event.ignore()
