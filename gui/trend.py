"""Trend dialog: indicator × year table for one agency's reports, a line chart drawn with QPainter, export."""

from __future__ import annotations

import math
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.compare import format_number
from core.errors import ArchiveError
from core.protocols import ArchiveReader
from core.trend import TrendTable, agencies_in, trend_for_documents, widen_to_agency_years
from gui.worker import read_in_background

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def tr(text: str) -> str:
    return QCoreApplication.translate("TrendDialog", text)


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10.0 * magnitude


class TrendChart(QWidget):
    """A plain line chart: one line per series over the years; a missing year is a gap."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trendChart")
        self.setMinimumHeight(220)
        self.years: list[int] = []
        self.series: list[tuple[str, list[float | None]]] = []
        self.unit = ""

    def set_data(self, years: list[int], series: list[tuple[str, list[float | None]]], unit: str = "") -> None:
        self.years, self.series, self.unit = years, series, unit
        self.update()

    def value_range(self) -> tuple[float, float]:
        values = [v for _, vals in self.series for v in vals if v is not None]
        if not values:
            return 0.0, 1.0
        low, high = min(values), max(values)
        low = min(low, 0.0)
        if high == low:
            high = low + 1.0
        step = _nice_step(high - low)
        return math.floor(low / step) * step, math.ceil(high / step) * step

    def point(self, plot: QRectF, index: int, value: float) -> QPointF:
        low, high = self.value_range()
        first, last = (self.years[0], self.years[-1]) if self.years else (0, 0)
        if last > first:
            x = plot.left() + plot.width() * (self.years[index] - first) / (last - first)
        else:
            x = plot.left() + plot.width() / 2
        y = plot.bottom() - (value - low) / (high - low) * plot.height()
        return QPointF(x, y)

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        legend_h = (metrics.height() + 4) * max(1, math.ceil(len(self.series) / 3))
        plot = QRectF(70, 12 + legend_h, max(self.width() - 100, 10), max(self.height() - 50 - legend_h, 10))
        if not self.years or not self.series:
            painter.setPen(QColor("#777777"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("在左边的表中选择指标，即可看到折线图"))
            painter.end()
            return
        low, high = self.value_range()
        step = _nice_step(high - low)
        grid_pen = QPen(QColor("#e0e0e0"))
        axis_pen = QPen(QColor("#555555"))
        tick = low
        while tick <= high + step / 2:
            y = plot.bottom() - (tick - low) / (high - low) * plot.height()
            painter.setPen(grid_pen)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(axis_pen)
            label = format_number(round(tick, 6))
            painter.drawText(QRectF(0, y - 8, plot.left() - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            tick += step
        painter.setPen(axis_pen)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        if self.unit:
            # above the top tick's label (which is centred on the top line), left of the legend
            painter.drawText(QRectF(0, plot.top() - metrics.height() - 10, plot.left() - 6, metrics.height()),
                             Qt.AlignmentFlag.AlignRight, self.unit)
        for i, year in enumerate(self.years):
            x = self.point(plot, i, low).x()
            painter.drawText(QRectF(x - 30, plot.bottom() + 4, 60, 18), Qt.AlignmentFlag.AlignHCenter, tr("{year}年").format(year=year))
        for n, (name, values) in enumerate(self.series):
            color = QColor(PALETTE[n % len(PALETTE)])
            painter.setPen(QPen(color, 2))
            path = QPainterPath()
            started = False
            for i, value in enumerate(values):
                if value is None:
                    started = False  # a gap, not a zero
                    continue
                p = self.point(plot, i, value)
                if started:
                    path.lineTo(p)
                else:
                    path.moveTo(p)
                    started = True
            painter.drawPath(path)
            painter.setBrush(color)
            for i, value in enumerate(values):
                if value is not None:
                    painter.drawEllipse(self.point(plot, i, value), 3.5, 3.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            col, row = n % 3, n // 3
            lx = 70 + col * (plot.width() / 3)
            ly = 6 + row * (metrics.height() + 4)
            painter.fillRect(QRectF(lx, ly + metrics.height() / 2 - 2, 14, 4), color)
            painter.setPen(QColor("#222222"))
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(plot.width() / 3) - 24)
            painter.drawText(QPointF(lx + 18, ly + metrics.ascent()), text)
        painter.end()


class TrendDialog(QDialog):
    """趋势: the reports' indicators by year for one agency (chosen among those in doc_ids)."""

    tableReady = Signal()
    _computed = Signal(object)
    _agencies = Signal(object)

    def __init__(self, archive_path: str | Path, doc_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trendDialog")
        self.setWindowTitle(tr("指标趋势"))
        self.resize(1100, 720)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:  # never taller or wider than the screen (1366×768 less the task bar)
            self.resize(min(1100, int(screen.width() * 0.92)), min(720, int(screen.height() * 0.9)))
        self.archive_path = Path(archive_path)
        self.doc_ids = list(doc_ids)
        self.table_data: TrendTable | None = None
        self._chosen: dict[str, int] = {}  # agency → how many of doc_ids are its reports

        self.agency_box = QComboBox(self)
        self.agency_box.setObjectName("trendAgency")
        self.table = QTableWidget(0, 0, self)
        self.table.setObjectName("trendTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.chart = TrendChart(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.export_button = QPushButton(tr("导出 Excel（含折线图）…"), self)
        self.copy_button = QPushButton(tr("复制表格"), self)
        close = QPushButton(tr("关闭"), self)
        self.export_button.setEnabled(False)
        self.copy_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(tr("机关："), self))
        top.addWidget(self.agency_box, 1)
        # side by side: a 1366×768 screen has width to spare, not height
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 5)
        split.setSizes([480, 600])
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(tr("选择一行或多行（同一单位）在右边查看折线图："), self))
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self._computed.connect(self._on_computed)
        self.table.itemSelectionChanged.connect(self._update_chart)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.copy_button.clicked.connect(self.copy_table)
        close.clicked.connect(self.reject)

        self._agencies.connect(self._on_agencies)
        self.status.setText(tr("正在读取报告…"))
        path, ids = self.archive_path, self.doc_ids

        read_in_background(path, lambda archive: agencies_in(archive, ids), self._agencies.emit, "trend-agencies")

    def _on_agencies(self, result: object) -> None:
        if isinstance(result, BaseException):
            self.status.setText(str(result) if isinstance(result, ArchiveError) else tr("读取失败，详情已写入日志。"))
            return
        agencies = cast(list[tuple[str, int]], result)
        if not agencies:
            self.status.setText(tr("所选报告都没有识别出机关名称，无法按年度排列。"))
            return
        for name, count in agencies:
            self._chosen[name] = count
            self.agency_box.addItem(tr("{name}（{n} 份）").format(name=name, n=count), name)
        self.agency_box.currentIndexChanged.connect(lambda _i: self.load())
        self.load()

    @property
    def agency(self) -> str:
        return str(self.agency_box.currentData() or "")

    def load(self) -> None:
        """Build the table for the chosen agency on a background thread (its own archive connection)."""
        agency, path, ids = self.agency, self.archive_path, self.doc_ids
        self.status.setText(tr("正在读取报告…"))
        self.export_button.setEnabled(False)
        self.copy_button.setEnabled(False)

        def compute(archive: ArchiveReader) -> TrendTable:
            # one report selected (or one year): that agency's reports across the years
            return trend_for_documents(archive, widen_to_agency_years(archive, ids, agency), agency=agency)

        read_in_background(path, compute, self._computed.emit, "trend")

    def _on_computed(self, result: object) -> None:
        if isinstance(result, ArchiveError):
            self.status.setText(str(result))
            return
        if isinstance(result, BaseException):
            self.status.setText(tr("读取失败，详情已写入日志。"))
            return
        assert isinstance(result, TrendTable)
        if result.agency != self.agency:
            return  # an older request
        self.table_data = result
        years = result.years
        self.table.clear()
        self.table.setColumnCount(2 + len(years))
        self.table.setHorizontalHeaderLabels([tr("指标"), tr("单位"), *[tr("{year}年").format(year=y) for y in years]])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # no blank right
        self.table.setRowCount(len(result.rows))
        for r, row in enumerate(result.rows):
            name = QTableWidgetItem(row.label)
            if row.key:
                name.setToolTip(row.key)
            self.table.setItem(r, 0, name)
            self.table.setItem(r, 1, QTableWidgetItem(row.unit))
            for c, year in enumerate(years, start=2):
                value = row.values.get(year)
                item = QTableWidgetItem("" if value is None else format_number(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                fact = row.facts.get(year)
                if fact is not None:
                    item.setToolTip(fact.sentence)
                self.table.setItem(r, c, item)
        skipped = tr("；另有 {n} 份报告未计入（无年度或同年度已有较新的报告）").format(n=len(result.skipped)) if result.skipped else ""
        used = len(result.doc_for_year) + len(result.skipped)
        if used > self._chosen.get(result.agency, 0):
            skipped += tr("（所选报告只有一个年度：显示该机关各年度的报告）")
            index = self.agency_box.findData(result.agency)
            if index >= 0:  # the count in the box: the reports shown, not only the one selected
                self.agency_box.setItemText(index, tr("{name}（{n} 份）").format(name=result.agency, n=used))
        self.status.setText(
            tr("{agency}：{years} 个年度，{rows} 个指标").format(agency=result.agency, years=len(years), rows=len(result.rows))
            + skipped
        )
        self.export_button.setEnabled(bool(years))
        self.copy_button.setEnabled(bool(years))
        if result.rows:
            best = max(range(len(result.rows)), key=lambda i: (len(result.rows[i].values), result.rows[i].key is not None))
            self.table.selectRow(best)
        self._update_chart()
        self.tableReady.emit()

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def _update_chart(self) -> None:
        data = self.table_data
        if data is None:
            return
        rows = [data.rows[i] for i in self.selected_rows() if i < len(data.rows)]
        unit = rows[0].unit if rows else ""
        same_unit = [r for r in rows if r.unit == unit][:8]
        self.chart.set_data(data.years, [(r.label, r.series(data.years)) for r in same_unit], unit)

    def copy_table(self) -> None:
        if self.table_data is None:
            return
        lines = []
        for values in self.table_data.to_matrix():
            cells = [format_number(v) if isinstance(v, float | int) else ("" if v is None else str(v)) for v in values]
            lines.append("\t".join(c.replace("\t", " ") for c in cells))
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")
        self.status.setText(tr("已复制 {n} 行，可直接粘贴到 Excel。").format(n=len(lines) - 1))

    def _on_export_clicked(self) -> None:
        self.export()

    def export(self, path: str | None = None) -> Path | None:
        data = self.table_data
        if data is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("导出趋势"), tr("指标趋势.xlsx"), "Excel (*.xlsx)")
            if not path:
                return None
        out = Path(path)
        if out.suffix.lower() != ".xlsx":
            out = out.with_suffix(".xlsx")
        from core.export import export_trend_xlsx

        rows = [(r.key, r.label, r.unit, dict(r.values)) for r in data.rows]
        try:
            export_trend_xlsx(out, data.agency, data.years, rows)
        except (ArchiveError, OSError) as exc:
            QMessageBox.warning(self, tr("导出失败"), str(exc))
            return None
        self.status.setText(tr("已导出到 {path}").format(path=str(out)))
        return out
