"""Export dialog (`exportDialog`): which documents, which sheets, which indicator columns (a saved template),
where; runs on the writer worker. Also the template editor (`templateEditor`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core import export_templates
from core.errors import ExportError
from core.export import sheet_names
from gui.errors import show_error

if TYPE_CHECKING:
    from core.archive import Archive
    from gui.hosts import ExportHost
    from gui.worker import Job

class TemplateEditor(QDialog):
    """导出模板: a name and the indicators (in the dictionary's order) that the 报告 sheet lists."""

    def __init__(self, name: str = "", keys: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.indicators import default_dictionary

        self.setObjectName("templateEditor")
        self.setWindowTitle(self.tr("导出模板"))
        self.resize(520, 620)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("模板名称："), self))
        self.nameEdit = QLineEdit(name, self)
        self.nameEdit.setObjectName("templateName")
        self.nameEdit.setPlaceholderText(self.tr("如：行政复议与应诉"))
        row.addWidget(self.nameEdit, 1)
        layout.addLayout(row)
        self.filterEdit = QLineEdit(self)
        self.filterEdit.setPlaceholderText(self.tr("筛选指标，如“复议”“出庭”"))
        self.filterEdit.setClearButtonEnabled(True)
        layout.addWidget(self.filterEdit)
        self.list = QListWidget(self)
        self.list.setObjectName("templateIndicators")
        chosen = set(keys or [])
        self._search: list[str] = []
        for ind in default_dictionary():
            item = QListWidgetItem(f"{ind.name}　〔{ind.area}〕")
            item.setData(Qt.ItemDataRole.UserRole, ind.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ind.key in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self._search.append(" ".join([ind.name, ind.area, *ind.synonyms]).lower())
        layout.addWidget(self.list, 1)
        self.count = QLabel(self)
        layout.addWidget(self.count)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存模板"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.filterEdit.textChanged.connect(self._filter)
        self.list.itemChanged.connect(lambda _item: self._count())
        self.saved: str | None = None
        self._count()

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for row, hay in enumerate(self._search):
            self.list.item(row).setHidden(not all(w in hay for w in words))

    def _count(self) -> None:
        self.count.setText(self.tr("已选 {0} 个指标（按指标词典的顺序排列）").format(len(self.keys())))

    def keys(self) -> list[str]:
        return [
            str(self.list.item(r).data(Qt.ItemDataRole.UserRole)) for r in range(self.list.count())
            if self.list.item(r).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, keys: list[str]) -> None:
        wanted = set(keys)
        for r in range(self.list.count()):
            item = self.list.item(r)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def save(self) -> None:
        try:
            self.saved = export_templates.save_template(self.nameEdit.text(), self.keys())
        except ExportError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class ExportDialog(QDialog):
    """Non-modal; `start_export()` can be called directly (tests) once the choices are set."""

    exportFinished = Signal(object)  # Path of the workbook, or None when cancelled/failed

    def __init__(self, window: ExportHost, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window if isinstance(window, QWidget) else None)
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
        for name in sheet_names():
            check = QCheckBox(name, sheets)
            check.setChecked(True)
            self.sheetChecks[name] = check
            sl.addWidget(check)
        sl.addStretch(1)
        layout.addWidget(sheets)

        columns = QGroupBox(self.tr("报告表中的指标列"), self)
        cl = QVBoxLayout(columns)
        row = QHBoxLayout()
        self.templateBox = QComboBox(columns)
        self.templateBox.setObjectName("exportTemplate")
        self.templateBox.setToolTip(self.tr("全部指标：按指标词典的顺序列出所有指标；模板：只列出模板中的指标。"
                                            "同一模板每次导出的列都相同。"))
        row.addWidget(self.templateBox, 1)
        self.newTemplateButton = QPushButton(self.tr("新建模板…"), columns)
        self.newTemplateButton.setObjectName("newTemplateButton")
        self.editTemplateButton = QPushButton(self.tr("修改…"), columns)
        self.deleteTemplateButton = QPushButton(self.tr("删除"), columns)
        for button in (self.newTemplateButton, self.editTemplateButton, self.deleteTemplateButton):
            row.addWidget(button)
        cl.addLayout(row)
        self.defaultTemplateCheck = QCheckBox(self.tr("以后导出默认使用这个模板"), columns)
        self.defaultTemplateCheck.setObjectName("defaultTemplateCheck")
        cl.addWidget(self.defaultTemplateCheck)
        layout.addWidget(columns)
        self.newTemplateButton.clicked.connect(lambda: self.edit_template(new=True))
        self.editTemplateButton.clicked.connect(lambda: self.edit_template(new=False))
        self.deleteTemplateButton.clicked.connect(self.delete_template)
        self.templateBox.currentIndexChanged.connect(lambda _i: self._template_changed())
        self.fill_templates(export_templates.default_template())

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

    # -- column templates ---------------------------------------------------------------------
    def template(self) -> str:
        return self.templateBox.currentText() or export_templates.ALL_INDICATORS

    def fill_templates(self, select: str | None = None) -> None:
        current = select or self.template()
        self.templateBox.blockSignals(True)
        self.templateBox.clear()
        for name in export_templates.template_names():
            keys = export_templates.template_keys(name)
            if keys is None:
                from core.indicators import default_dictionary

                label = self.tr("{0}（{1} 个，按指标词典的顺序）").format(name, len(default_dictionary().keys()))
            else:
                label = self.tr("{0}（{1} 个指标）").format(name, len(keys))
            self.templateBox.addItem(label, name)
        index = max(0, self.templateBox.findData(current))
        self.templateBox.setCurrentIndex(index)
        self.templateBox.blockSignals(False)
        self._template_changed()

    def _template_changed(self) -> None:
        name = str(self.templateBox.currentData() or export_templates.ALL_INDICATORS)
        builtin = name == export_templates.ALL_INDICATORS
        self.editTemplateButton.setEnabled(not builtin)
        self.deleteTemplateButton.setEnabled(not builtin)
        self.defaultTemplateCheck.setChecked(name == export_templates.default_template())

    def template_name(self) -> str:
        return str(self.templateBox.currentData() or export_templates.ALL_INDICATORS)

    def edit_template(self, new: bool = True) -> str | None:
        name = "" if new else self.template_name()
        keys = None if new else export_templates.template_keys(name)
        editor = TemplateEditor(name, keys, self)
        if editor.exec() != QDialog.DialogCode.Accepted or editor.saved is None:
            return None
        self.fill_templates(editor.saved)
        return editor.saved

    def delete_template(self) -> None:
        name = self.template_name()
        if name != export_templates.ALL_INDICATORS:
            export_templates.delete_template(name)
            self.fill_templates(export_templates.ALL_INDICATORS)

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
        template = self.template_name()
        try:
            if self.defaultTemplateCheck.isChecked():
                export_templates.set_default_template(template)
            elif template == export_templates.default_template() and template != export_templates.ALL_INDICATORS:
                export_templates.set_default_template(export_templates.ALL_INDICATORS)
        except ExportError as exc:
            self.status.setText(str(exc))

        def job(archive: Archive, progress: Any, cancel: Any) -> Path:
            from core.export import export_xlsx

            chosen = ids if ids is not None else archive.list_ids()
            export_xlsx(archive, out, chosen, sheets=sheets, progress=progress, cancel=cancel, template=template)
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
