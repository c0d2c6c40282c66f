"""Export dialog (`exportDialog`): which documents, which sheets, where; runs on the writer worker."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from gui.errors import show_error

if TYPE_CHECKING:
    from core.archive import Archive
    from gui.main_window import MainWindow
    from gui.worker import Job

DEFAULT_SHEETS: tuple[str, ...] = ("报告", "指标明细")


def available_sheets() -> list[str]:
    try:
        from core import export
    except ImportError:
        return list(DEFAULT_SHEETS)
    for name in ("SHEETS", "SHEET_NAMES", "ALL_SHEETS"):
        value = getattr(export, name, None)
        if value:
            return [str(v) for v in value]
    return list(DEFAULT_SHEETS)


class ExportDialog(QDialog):
    """Non-modal; `start_export()` can be called directly (tests) once the choices are set."""

    exportFinished = Signal(object)  # Path of the workbook, or None when cancelled/failed

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("导出到 Excel"))
        self.window_ = window
        self.job: Job | None = None
        self.result_path: Path | None = None
        self.selected = window.selected_ids()
        self.filtered = list(window.model.ids)
        layout = QVBoxLayout(self)

        which = QGroupBox(self.tr("导出哪些文件"), self)
        wl = QVBoxLayout(which)
        self.scopeSelected = QRadioButton(self.tr("选中的文件（{0} 份）").format(len(self.selected)), which)
        self.scopeFiltered = QRadioButton(self.tr("当前列表中的文件（{0} 份）").format(len(self.filtered)), which)
        self.scopeAll = QRadioButton(self.tr("档案中的全部文件（{0} 份）").format(window.total_count), which)
        group = QButtonGroup(self)
        for b in (self.scopeSelected, self.scopeFiltered, self.scopeAll):
            group.addButton(b)
            wl.addWidget(b)
        self.scopeSelected.setEnabled(bool(self.selected))
        (self.scopeSelected if len(self.selected) > 1 else self.scopeFiltered).setChecked(True)
        if window.trash_mode:
            self.scopeFiltered.setText(self.tr("回收站中的文件（{0} 份）").format(len(self.filtered)))
        layout.addWidget(which)

        sheets = QGroupBox(self.tr("包含的工作表"), self)
        sl = QHBoxLayout(sheets)
        self.sheetChecks: dict[str, QCheckBox] = {}
        for name in available_sheets():
            check = QCheckBox(name, sheets)
            check.setChecked(True)
            self.sheetChecks[name] = check
            sl.addWidget(check)
        sl.addStretch(1)
        layout.addWidget(sheets)

        where = QHBoxLayout()
        where.addWidget(QLabel(self.tr("保存到："), self))
        self.pathEdit = QLineEdit(self)
        self.pathEdit.setObjectName("exportPath")
        folder = Path(window.settings.last_export_dir or Path.home())
        self.pathEdit.setText(str(folder / self.tr("报告档案导出-{0}.xlsx").format(time.strftime("%Y%m%d"))))
        self.pathEdit.setMinimumWidth(380)
        where.addWidget(self.pathEdit, 1)
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self._browse)
        where.addWidget(browse)
        layout.addLayout(where)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("exportProgress")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.openFolderButton = QPushButton(self.tr("打开所在文件夹"), self)
        self.openFolderButton.setObjectName("openFolderButton")
        self.openFolderButton.hide()
        self.openFolderButton.clicked.connect(self.open_folder)
        buttons.addWidget(self.openFolderButton)
        buttons.addStretch(1)
        self.exportButton = QPushButton(self.tr("导出"), self)
        self.exportButton.setObjectName("exportButton")
        self.exportButton.setDefault(True)
        self.exportButton.clicked.connect(self.start_export)
        self.cancelButton = QPushButton(self.tr("关闭"), self)
        self.cancelButton.clicked.connect(self._cancel_or_close)
        buttons.addWidget(self.exportButton)
        buttons.addWidget(self.cancelButton)
        layout.addLayout(buttons)

    def doc_ids(self) -> list[int] | None:
        """The chosen documents; None = every document in the archive (not trashed)."""
        if self.scopeSelected.isChecked():
            return list(self.selected)
        if self.scopeFiltered.isChecked():
            return list(self.filtered)
        return None

    def sheets(self) -> list[str]:
        return [name for name, check in self.sheetChecks.items() if check.isChecked()]

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出到"), self.pathEdit.text(), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.pathEdit.setText(path)

    def start_export(self) -> Job | None:
        worker = self.window_.worker
        if worker is None or self.job is not None:
            return None
        text = self.pathEdit.text().strip()
        if not text:
            self.status.setText(self.tr("请选择保存位置。"))
            return None
        out = Path(text)
        if out.suffix.lower() != ".xlsx":
            out = out.with_suffix(".xlsx")
        sheets = self.sheets()
        if not sheets:
            self.status.setText(self.tr("请至少选择一个工作表。"))
            return None
        ids = self.doc_ids()
        self.window_.settings.last_export_dir = str(out.parent)

        def job(archive: Archive, progress: Any, cancel: Any) -> Path:
            from core.export import export_xlsx

            chosen = ids if ids is not None else archive.list_ids()
            export_xlsx(archive, out, chosen, sheets=sheets, progress=progress, cancel=cancel)
            return out

        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("正在导出…"))
        self.exportButton.setEnabled(False)
        self.openFolderButton.hide()
        self.cancelButton.setText(self.tr("取消"))
        self.job = worker.submit(job, on_done=self._done, on_error=self._failed, on_progress=self._progress, name="export")
        return self.job

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if message:
            self.status.setText(self.tr("正在导出：{0}").format(message))

    def _finish(self) -> None:
        self.exportButton.setEnabled(True)
        self.progress.hide()
        self.cancelButton.setText(self.tr("关闭"))

    def _done(self, path: Path) -> None:
        cancelled = self.job is not None and self.job.cancelled
        self.job = None
        self._finish()
        if cancelled:
            self.status.setText(self.tr("导出已取消。"))
            self.exportFinished.emit(None)
            return
        self.result_path = path
        self.status.setText(self.tr("已导出到 {0}").format(path))
        self.openFolderButton.show()
        self.exportFinished.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self._finish()
        self.status.setText(self.tr("导出失败。"))
        show_error(self, exc, self.tr("导出失败"))
        self.exportFinished.emit(None)

    def _cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(self.tr("正在取消…"))
        else:
            self.close()

    def open_folder(self) -> None:
        if self.result_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_path.parent)))

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
        super().reject()
