"""Small dialogs: import summary, batch metadata editor, restore from backup, and the import file filter."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.table import copy_text, view_to_tsv

if TYPE_CHECKING:
    from core.models import Document, ImportItem, ImportReport


def tr(text: str) -> str:
    return QCoreApplication.translate("dialogs", text)


def import_file_filter() -> str:
    from core.readers import SUPPORTED_SUFFIXES

    patterns = " ".join(f"*{s}" for s in sorted(SUPPORTED_SUFFIXES))
    return tr("报告文件 ({0});;所有文件 (*)").format(patterns)


class ImportSummaryDialog(QDialog):
    """What an import did: imported / duplicates / failures with reasons (non-modal)."""

    openDocument = Signal(int)

    def __init__(self, report: ImportReport, seconds: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.models import Outcome

        self.setObjectName("importSummary")
        self.setWindowTitle(self.tr("导入结果"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 420)
        self.report = report
        layout = QVBoxLayout(self)
        imported = report.count(Outcome.IMPORTED)
        dup = report.count(Outcome.DUPLICATE)
        failed = report.count(Outcome.FAILED)
        skipped = report.count(Outcome.SKIPPED)
        text = self.tr("新导入 {0} 份，重复 {1} 份，失败 {2} 份").format(imported, dup, failed)
        if skipped:
            text += self.tr("；跳过 {0} 个不是报告的文件").format(skipped)
        text += self.tr("（用时 {0:.1f} 秒）").format(seconds)
        if report.cancelled:
            text += self.tr("。导入已取消，其余文件没有导入。")
        self.summary = QLabel(text, self)
        self.summary.setObjectName("importSummaryText")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        order = {Outcome.FAILED: 0, Outcome.DUPLICATE: 1, Outcome.IMPORTED: 2, Outcome.SKIPPED: 3}
        # failures first: they are what the user must act on
        self.items = sorted(report.items, key=lambda i: order.get(i.outcome, 4))
        self.model = ImportItemsModel(self.items, self)
        self.table = QTableView(self)
        self.table.setObjectName("importSummaryTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # fixed sizes: measuring every row's contents would stall the window after a 1,000-file import
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, self.fontMetrics().horizontalAdvance("已导入") + 24)
        self.table.setColumnWidth(1, 320)
        self.table.doubleClicked.connect(self._open)
        layout.addWidget(self.table, 1)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, lambda: copy_text(view_to_tsv(self.table)))

        buttons = QHBoxLayout()
        copy_button = QPushButton(self.tr("复制列表"), self)
        copy_button.clicked.connect(lambda: copy_text(view_to_tsv(self.table, selected_only=False)))
        buttons.addWidget(copy_button)
        buttons.addStretch(1)
        close = QPushButton(self.tr("关闭"), self)
        close.setDefault(True)
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def _open(self, index: Any) -> None:
        doc_id = self.items[index.row()].doc_id
        if isinstance(doc_id, int):
            self.openDocument.emit(doc_id)


class ImportItemsModel(QAbstractTableModel):
    """Rows of an ImportReport: 结果 / 文件 / 说明 (a model, so 1,000 rows cost nothing up front)."""

    HEADERS = ("结果", "文件", "说明")

    def __init__(self, items: Sequence[ImportItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = list(items)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        from core.models import OUTCOME_LABELS, Outcome

        if not index.isValid():
            return None
        item = self.items[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return tr(OUTCOME_LABELS.get(item.outcome, str(item.outcome)))
            if col == 1:
                return Path(item.path).name
            if item.outcome == Outcome.DUPLICATE and not item.reason:
                return tr("档案中已有相同的文件")
            return item.reason
        if role == Qt.ItemDataRole.ToolTipRole and col in (1, 2):
            return item.path if col == 1 else item.reason or None
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            colours = {
                Outcome.IMPORTED: "#1b6e2a", Outcome.DUPLICATE: "#8a6d00", Outcome.FAILED: "#b3261e",
                Outcome.SKIPPED: "#5f6368",
            }
            return QColor(colours.get(item.outcome, "#000000"))
        return None


class MetadataDialog(QDialog):
    """Edit metadata of one or many documents; with many, only ticked fields change."""

    def __init__(self, docs: Sequence[Document], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from core.models import DOC_TYPES

        self.setObjectName("metadataDialog")
        self.setWindowTitle(self.tr("编辑文档信息（{0} 份）").format(len(docs)) if len(docs) > 1 else self.tr("编辑文档信息"))
        self.docs = list(docs)
        many = len(docs) > 1
        layout = QVBoxLayout(self)
        if many:
            hint = QLabel(self.tr("勾选要修改的项目；未勾选的项目保持各文档原样。"), self)
            hint.setWordWrap(True)
            layout.addWidget(hint)
        form = QFormLayout()
        self.edits: dict[str, QWidget] = {}
        self.checks: dict[str, QCheckBox] = {}
        labels = {
            "title": self.tr("标题"),
            "agency": self.tr("发布机关"),
            "region": self.tr("地区"),
            "report_year": self.tr("年度"),
            "period": self.tr("期间"),
            "publish_date": self.tr("发布日期"),
            "doc_type": self.tr("类型"),
        }
        first = docs[0]
        for key, label in labels.items():
            if many and key == "title":
                continue
            edit: QWidget
            values = {getattr(d, key) for d in docs}
            common = values.pop() if len(values) == 1 else None
            if key == "doc_type":
                combo = QComboBox(self)
                combo.addItems(list(DOC_TYPES))
                combo.setCurrentText(str(common or first.doc_type))
                edit = combo
            else:
                line = QLineEdit(self)
                line.setText("" if common is None else str(common))
                if key == "publish_date":
                    line.setPlaceholderText("YYYY-MM-DD")
                if key == "period":
                    line.setPlaceholderText(self.tr("如 2016-2020，单一年度留空"))
                if many and common is None:
                    line.setPlaceholderText(self.tr("（各不相同）"))
                line.setMinimumWidth(360)
                edit = line
            self.edits[key] = edit
            if many:
                row = QWidget(self)
                h = QHBoxLayout(row)
                h.setContentsMargins(0, 0, 0, 0)
                check = QCheckBox(row)
                self.checks[key] = check
                h.addWidget(check)
                h.addWidget(edit, 1)
                if isinstance(edit, QLineEdit):
                    edit.textEdited.connect(lambda _t, c=check: c.setChecked(True))
                else:
                    assert isinstance(edit, QComboBox)
                    edit.activated.connect(lambda _i, c=check: c.setChecked(True))
                form.addRow(label, row)
            else:
                form.addRow(label, edit)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _value(self, key: str) -> Any:
        edit = self.edits[key]
        if isinstance(edit, QComboBox):
            return edit.currentText()
        assert isinstance(edit, QLineEdit)
        return edit.text().strip()

    def fields(self) -> dict[str, Any]:
        """Changed fields, typed for core (report_year int or None, empty → None)."""
        out: dict[str, Any] = {}
        for key in self.edits:
            if self.checks and not self.checks[key].isChecked():
                continue
            value = self._value(key)
            if key == "report_year":
                value = int(value) if str(value).isdigit() else None
            elif value == "":
                value = None
            if not self.checks and all(getattr(d, key) == value for d in self.docs):
                continue
            out[key] = value
        return out

    def validate(self) -> str:
        year = self._value("report_year") if "report_year" in self.edits else ""
        if year and not (str(year).isdigit() and 1949 <= int(year) <= 2100):
            return self.tr("年度应为四位数字，如 2023。")
        date = self._value("publish_date") if "publish_date" in self.edits else ""
        if date:
            import datetime

            try:
                datetime.date.fromisoformat(str(date))
            except ValueError:
                return self.tr("发布日期应写成 2023-03-31 这样的格式。")
        return ""

    def _accept(self) -> None:
        problem = self.validate()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


def format_size(size: int) -> str:
    """1536 → "1.5 KB", 3_500_000 → "3.3 MB"."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def backup_date(path: Path) -> str:
    """"2025-03-01 21:30": the day in the file name (core.backups names them <stem>-YYYYMMDD.sqlite)
    and the time the copy was written."""
    import datetime as dt
    import re

    match = re.search(r"-(\d{4})(\d{2})(\d{2})\.sqlite$", path.name)
    try:
        written = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        written = None
    day = f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else ""
    if written is not None and (not day or written.strftime("%Y-%m-%d") == day):
        return written.strftime("%Y-%m-%d %H:%M")
    return day or path.name


class RestoreBackupDialog(QDialog):
    """文件 → 从备份恢复…: the automatic backups of the current archive (newest first), each with its date
    and document count, to pick one from. Also offered when the archive cannot be opened.

    Window-modal and non-blocking: `backupChosen(path)` is emitted when the user picks one (then the
    dialog closes); the main window asks for confirmation and restores. `backups` are core.backups
    BackupInfo (or paths, read here). A backup SQLite cannot read is listed as damaged and cannot be chosen.
    """

    backupChosen = Signal(object)  # Path

    def __init__(self, backups: Sequence[Any], archive_path: Path, parent: QWidget | None = None) -> None:
        from core import backups as core_backups

        super().__init__(parent)
        self.setObjectName("restoreBackupDialog")
        self.setWindowTitle(self.tr("从备份恢复"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 400)
        self.archive_path = Path(archive_path)
        self.infos = [b if isinstance(b, core_backups.BackupInfo) else core_backups.info(Path(b), self.archive_path)
                      for b in backups]
        self.backups = [i.path for i in self.infos]
        layout = QVBoxLayout(self)
        if self.infos:
            text = self.tr(
                "档案“{0}”在每次导入或修改后、关闭时以及每天自动备份，保留最近的几份、最近几天每天一份，"
                "以及比现在的档案文档更多的最近一份。选择一份备份恢复：\n"
                "当前档案不会被删除，它会改名或另存一份后留在原文件夹中。"
            ).format(self.archive_path.name)
        else:
            text = self.tr("档案“{0}”还没有自动备份。导入或修改文件后，程序会自动备份。").format(self.archive_path.name)
        self.hint = QLabel(text, self)
        self.hint.setObjectName("restoreBackupHint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)

        self.table = QTableWidget(len(self.infos), 4, self)
        self.table.setObjectName("backupList")
        self.table.setHorizontalHeaderLabels([self.tr("备份时间"), self.tr("文档数"), self.tr("大小"), self.tr("文件名")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, info in enumerate(self.infos):
            documents = self.tr("已损坏") if info.documents is None else self.tr("{0} 份").format(info.documents)
            cells = (f"{info.created:%Y-%m-%d %H:%M}", documents, format_size(info.size), info.path.name)
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(str(info.path))
                if info.documents is None:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable & ~Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(0, self.table.columnWidth(0) + 24)
        self.table.setColumnWidth(1, self.fontMetrics().horizontalAdvance("00000 份") + 32)
        self.table.setColumnWidth(2, self.fontMetrics().horizontalAdvance("000.0 MB") + 32)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._restore())
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        folder = QPushButton(self.tr("打开备份文件夹"), self)
        folder.setObjectName("openBackupFolder")
        folder.clicked.connect(self._open_folder)
        buttons.addWidget(folder)
        buttons.addStretch(1)
        self.restoreButton = QPushButton(self.tr("恢复所选备份…"), self)
        self.restoreButton.setObjectName("restoreButton")
        self.restoreButton.setEnabled(False)
        self.restoreButton.clicked.connect(self._restore)
        buttons.addWidget(self.restoreButton)
        cancel = QPushButton(self.tr("取消"), self)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        usable = [row for row, info in enumerate(self.infos) if info.usable]
        if usable:
            self.table.selectRow(usable[0])  # the newest: what a clerk undoing today's mistake wants
        else:
            cancel.setText(self.tr("关闭"))

    def chosen(self) -> Path | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        info = self.infos[rows.pop()]
        return info.path if info.usable else None

    def select(self, backup: Path) -> None:
        """Select the row of `backup` (tests and callers that know which one they want)."""
        self.table.selectRow(self.backups.index(Path(backup)))

    def _selection_changed(self) -> None:
        self.restoreButton.setEnabled(self.chosen() is not None)

    def _restore(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.accept()
            self.backupChosen.emit(chosen)

    def _open_folder(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        from core.backups import backups_dir

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(backups_dir())))
