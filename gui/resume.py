"""The status-bar notice after a start whose last import was interrupted: how many files landed, the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QToolBar, QWidget

if TYPE_CHECKING:
    from core.archive import Archive
    from gui.main_window import MainWindow


class ResumeNotice(QToolBar):
    """Hidden unless `check()` finds an interrupted import; its buttons import the rest or forget it.

    Not modal (no dialog at start-up): the window works as usual while the notice waits. A tool bar of
    its own under the main one, so the window's layout is untouched when it is hidden.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("resumeNotice")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)  # not in the tool bars' context menu
        box = QWidget(self)
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.window_ = window
        self.run_id: int | None = None
        self.label = QLabel(box)
        self.label.setObjectName("resumeLabel")
        self.resumeButton = QPushButton(box)
        self.resumeButton.setObjectName("resumeImportButton")
        self.resumeButton.clicked.connect(self.resume)
        self.dismissButton = QPushButton(self.tr("不用了"), box)
        self.dismissButton.setObjectName("dismissResumeButton")
        self.dismissButton.setToolTip(self.tr("不再导入上次剩下的文件（已入库的文件不受影响）。"))
        self.dismissButton.clicked.connect(self.dismiss)
        self.setStyleSheet("#resumeNotice { background: #fff4d6; border: none; border-bottom: 1px solid #e0c878; }"
                           " #resumeLabel { color: #5c3d00; }")
        lay = QHBoxLayout(box)
        lay.setContentsMargins(10, 4, 10, 4)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.resumeButton)
        lay.addWidget(self.dismissButton)
        self.addWidget(box)
        self.hide()

    def check(self, archive: Archive | None, read_only: bool = False) -> None:
        """Show the notice when `archive` holds an interrupted import (one small query)."""
        found = None if archive is None or read_only else archive.interrupted_import()
        if found is None or found.pending <= 0:
            self.run_id = None
            self.hide()
            return
        self.run_id = found.run_id
        self.label.setText(
            self.tr("上次导入没有完成（程序被关闭或中断）：{0} 个文件中已有 {1} 个入库，还有 {2} 个未导入。").format(
                found.total, found.landed, found.pending
            )
        )
        self.label.setToolTip(self.tr("开始于 {0}").format(found.started_at.replace("T", " ")))
        self.resumeButton.setText(self.tr("导入其余 {0} 个文件").format(found.pending))
        self.show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.run_id is None:  # shown by a restored window layout, with nothing to offer
            QTimer.singleShot(0, self.hide)

    def resume(self) -> None:
        run_id, self.run_id = self.run_id, None
        self.hide()
        if run_id is not None:
            self.window_.import_paths([], resume_run=run_id)

    def dismiss(self) -> None:
        run_id, self.run_id = self.run_id, None
        self.hide()
        worker = self.window_.worker
        if run_id is not None and worker is not None:
            worker.submit(lambda archive, *_: archive.discard_interrupted_import(run_id), name="discard-resume")
