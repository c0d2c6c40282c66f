"""收报情况: agency × year grid of who has reported (已报送 / 未报送 / 逾期 / 缺项), agency merging, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import domain
from core.agencies import (
    ANNUAL_REPORT,
    STATUS_IN,
    STATUS_LABELS,
    STATUS_LATE,
    STATUS_MISSING,
    STATUS_PARTS,
    ReportingGrid,
    grid_for_archive,
    merge_agencies,
    normalise_agency,
    split_agency,
)
from core.errors import ArchiveError
from core.models import DOC_TYPES
from gui.worker import read_in_background

if TYPE_CHECKING:
    from core.archive import Archive


STATUS_COLORS = {state.code: QColor(state.color) for state in domain.GRID_STATES}  # core.domain's colours
ALL_TYPES = ""  # combo data for "every type"


def tr(text: str) -> str:
    return QCoreApplication.translate("ReportingGridDialog", text)


class MergeAgenciesDialog(QDialog):
    """合并机关名称: tick the names that are one agency, choose the name to keep."""

    def __init__(self, names: list[str], checked: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeAgenciesDialog")
        self.setWindowTitle(tr("合并机关名称"))
        self.resize(520, 460)
        self.names = QListWidget(self)
        self.names.setObjectName("mergeNames")
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in checked else Qt.CheckState.Unchecked)
            self.names.addItem(item)
        self.target = QComboBox(self)
        self.target.setObjectName("mergeTarget")
        self.target.setEditable(True)
        self.target.addItems(checked or names[:1])
        self.names.itemChanged.connect(lambda _item: self._refresh_targets())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("合并"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        help_text = QLabel(tr("勾选属于同一机关的名称（例如机构改革前后的名称），再选择或输入合并后使用的名称。"
                              "合并只记录在本档案中，不改动报告本身，可随时再合并。"), self)
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        layout.addWidget(self.names, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("合并为："), self))
        row.addWidget(self.target, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def checked_names(self) -> list[str]:
        return [
            self.names.item(i).text() for i in range(self.names.count())
            if self.names.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _refresh_targets(self) -> None:
        current = self.target.currentText()
        self.target.clear()
        self.target.addItems(self.checked_names())
        if current:
            self.target.setCurrentText(current)

    def target_name(self) -> str:
        return self.target.currentText().strip()


class ReportingGridDialog(QDialog):
    """Agency × report year; a cell's report opens through documentRequested(doc_id)."""

    documentRequested = Signal(int)
    gridReady = Signal()
    _computed = Signal(object)
    _merged = Signal(object)

    def __init__(self, archive_path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportingGridDialog")
        self.setWindowTitle(tr("收报情况"))
        self.resize(1100, 680)
        self.archive_path = Path(archive_path)
        self.grid: ReportingGrid | None = None
        self.titles: dict[int, str] = {}
        self._request = 0

        self.type_box = QComboBox(self)
        self.type_box.setObjectName("gridDocType")
        self.type_box.addItem(ANNUAL_REPORT, ANNUAL_REPORT)
        for doc_type in DOC_TYPES:
            if doc_type != ANNUAL_REPORT:
                self.type_box.addItem(doc_type, doc_type)
        self.type_box.addItem(tr("全部类型"), ALL_TYPES)
        self.table = QTableWidget(0, 0, self)
        self.table.setObjectName("reportingGrid")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.verticalHeader().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.merge_button = QPushButton(tr("合并机关名称…"), self)
        self.merge_button.setObjectName("mergeAgenciesButton")
        self.export_button = QPushButton(tr("导出 Excel…"), self)
        close = QPushButton(tr("关闭"), self)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("报告类型："), self))
        top.addWidget(self.type_box)
        top.addStretch(1)
        for status in (STATUS_IN, STATUS_MISSING, STATUS_LATE, STATUS_PARTS):
            chip = QLabel(tr(STATUS_LABELS[status]), self)
            chip.setStyleSheet(f"background:{STATUS_COLORS[status].name()}; padding:2px 8px;")
            top.addWidget(chip)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        hint = QLabel(tr("双击单元格打开该年度的报告；{late} = {late_rule}；{parts} = {parts_rule}。").format(
            late=domain.GRID_BY_CODE[STATUS_LATE].label, late_rule=domain.GRID_BY_CODE[STATUS_LATE].meaning,
            parts=domain.GRID_BY_CODE[STATUS_PARTS].label, parts_rule=domain.GRID_BY_CODE[STATUS_PARTS].meaning), self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._computed.connect(self._on_computed)
        self._merged.connect(self._on_merged)
        self.type_box.currentIndexChanged.connect(lambda _i: self.load())
        self.table.cellDoubleClicked.connect(self.open_cell)
        self.table.customContextMenuRequested.connect(self._cell_menu)
        self.table.verticalHeader().customContextMenuRequested.connect(self._header_menu)
        self.merge_button.clicked.connect(self._on_merge_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        close.clicked.connect(self.reject)
        self.load()

    # --- loading ---------------------------------------------------------------------------------

    @property
    def doc_types(self) -> tuple[str, ...] | None:
        data = self.type_box.currentData()
        return (str(data),) if data else None

    def load(self) -> None:
        """Compute the grid on a background thread with its own archive connection."""
        self._request += 1
        request, path, doc_types = self._request, self.archive_path, self.doc_types
        self.summary.setText(tr("正在统计…"))

        def compute(archive: Archive) -> tuple[Any, dict[int, str]]:
            grid = grid_for_archive(archive, doc_types)
            ids = [i for cell in grid.cells.values() for i in cell.doc_ids]
            return grid, {d.id: d.title for d in archive.get_documents(ids)}

        read_in_background(path, compute, lambda result: self._computed.emit((request, result)), "grid")

    def _on_computed(self, payload: object) -> None:
        request, result = cast(tuple[int, Any], payload)
        if request != self._request:
            return
        if isinstance(result, ArchiveError):
            self.summary.setText(str(result))
            return
        if isinstance(result, BaseException):
            self.summary.setText(tr("统计失败，详情已写入日志。"))
            return
        grid, titles = result
        self.grid, self.titles = grid, titles
        self._fill()
        self.gridReady.emit()

    def _fill(self) -> None:
        grid = self.grid
        assert grid is not None
        self.table.clear()
        self.table.setRowCount(len(grid.agencies))
        self.table.setColumnCount(len(grid.years))
        self.table.setHorizontalHeaderLabels([tr("{year}年").format(year=y) for y in grid.years])
        self.table.setVerticalHeaderLabels(grid.agencies)
        for r, agency in enumerate(grid.agencies):
            raw = [n for n in grid.names.get(agency, []) if normalise_agency(n) != agency]
            header = self.table.verticalHeaderItem(r)
            if header is not None and raw:
                header.setToolTip(tr("也作：") + "、".join(raw))
            for c, year in enumerate(grid.years):
                cell = grid.cell(agency, year)
                item = QTableWidgetItem(cell.label)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QBrush(STATUS_COLORS[cell.status]))
                item.setData(Qt.ItemDataRole.UserRole, list(cell.doc_ids))
                if cell.doc_ids:
                    lines = [self.titles.get(i, str(i)) for i in cell.doc_ids]
                    if cell.missing_parts:
                        lines.append(tr("缺少第 {parts} 部分").format(parts="、".join(map(str, cell.missing_parts))))
                    item.setToolTip("\n".join(lines))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        counts = grid.counts()
        text = tr("{a} 个机关 × {y} 个年度：").format(a=len(grid.agencies), y=len(grid.years)) + "，".join(
            f"{tr(STATUS_LABELS[code])} {counts[code]}" for code in (STATUS_IN, STATUS_MISSING, STATUS_LATE, STATUS_PARTS)
        )
        extra = []
        if grid.unnamed:
            extra.append(tr("{n} 份未识别机关").format(n=len(grid.unnamed)))
        if grid.undated:
            extra.append(tr("{n} 份无年度").format(n=len(grid.undated)))
        if extra:
            text += tr("（另有 ") + "、".join(extra) + tr("，未列入）")
        if not grid.agencies:
            text = tr("没有该类型的报告。")
        self.summary.setText(text)
        self.export_button.setEnabled(bool(grid.agencies))

    # --- opening reports -------------------------------------------------------------------------

    def doc_ids_at(self, row: int, column: int) -> list[int]:
        item = self.table.item(row, column)
        return list(item.data(Qt.ItemDataRole.UserRole) or []) if item is not None else []

    def open_cell(self, row: int, column: int) -> None:
        ids = self.doc_ids_at(row, column)
        if ids:
            self.documentRequested.emit(ids[-1])

    def _cell_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            for doc_id in self.doc_ids_at(index.row(), index.column()):
                action = QAction(tr("打开：") + self.titles.get(doc_id, str(doc_id)), menu)
                action.triggered.connect(lambda _c=False, d=doc_id: self.documentRequested.emit(d))
                menu.addAction(action)
            if menu.actions():
                menu.addSeparator()
        merge = QAction(tr("合并机关名称…"), menu)
        merge.triggered.connect(self._on_merge_clicked)
        menu.addAction(merge)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        merge = QAction(tr("合并机关名称…"), menu)
        merge.triggered.connect(self._on_merge_clicked)
        menu.addAction(merge)
        row = self.table.verticalHeader().logicalIndexAt(pos)
        grid = self.grid
        if grid is not None and 0 <= row < len(grid.agencies):
            agency = grid.agencies[row]
            if any(normalise_agency(n) != agency for n in grid.names.get(agency, [])):
                split = QAction(tr("取消合并“{name}”").format(name=agency), menu)
                split.triggered.connect(lambda _c=False, a=agency: self.split(a))
                menu.addAction(split)
        menu.exec(self.table.verticalHeader().mapToGlobal(pos))

    # --- merging ---------------------------------------------------------------------------------

    def selected_agencies(self) -> list[str]:
        grid = self.grid
        if grid is None:
            return []
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [grid.agencies[r] for r in rows if r < len(grid.agencies)]

    def _on_merge_clicked(self) -> None:
        grid = self.grid
        if grid is None:
            return
        dialog = MergeAgenciesDialog(grid.agencies, self.selected_agencies(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.merge(dialog.checked_names(), dialog.target_name())

    def merge(self, names: list[str], target: str) -> None:
        """Store the aliases (a small write on its own connection, off the GUI thread), then recount."""
        if len(names) < 1 or not target:
            return
        self._write(lambda archive: merge_agencies(archive, names, target))  # earlier aliases follow along

    def split(self, agency: str) -> None:
        """Undo the merges into `agency`, then recount."""
        self._write(lambda archive: split_agency(archive, agency))

    def _write(self, fn: Callable[[Any], object]) -> None:
        path = self.archive_path

        def change(archive: Archive) -> None:
            fn(archive)  # success delivers None; a failure delivers its exception

        read_in_background(path, change, self._merged.emit, "agency-aliases")

    def _on_merged(self, result: object) -> None:
        if isinstance(result, BaseException):
            QMessageBox.warning(self, tr("合并失败"), str(result) if isinstance(result, ArchiveError) else tr("合并失败，详情已写入日志。"))
            return
        self.load()

    # --- export ----------------------------------------------------------------------------------

    def _on_export_clicked(self) -> None:
        self.export()

    def export(self, path: str | None = None) -> Path | None:
        grid = self.grid
        if grid is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("导出收报情况"), tr("收报情况.xlsx"), "Excel (*.xlsx)")
            if not path:
                return None
        out = Path(path)
        if out.suffix.lower() != ".xlsx":
            out = out.with_suffix(".xlsx")
        from core.export import export_grid_xlsx

        cells = {(a, y): grid.cell(a, y).label for a in grid.agencies for y in grid.years}
        try:
            export_grid_xlsx(out, grid.agencies, grid.years, cells)
        except (ArchiveError, OSError) as exc:
            QMessageBox.warning(self, tr("导出失败"), str(exc))
            return None
        self.summary.setText(tr("已导出到 {path}").format(path=str(out)))
        return out
