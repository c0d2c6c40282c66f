"""Table helpers: the archive table view, its empty-state overlay, the snippet delegate, TSV copy."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QGuiApplication, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.models import SNIPPET_ROLE


def clean_cell(value: Any) -> str:
    """One cell of TSV: no tabs or line breaks inside, so Excel/WPS keep the grid."""
    text = "" if value is None else str(value)
    return " ".join(text.replace("\t", " ").split()) if any(c in text for c in "\t\r\n") else text


def to_tsv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["\t".join(clean_cell(h) for h in header)]
    lines += ["\t".join(clean_cell(c) for c in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def view_to_tsv(view: QTableView, selected_only: bool = True) -> str:
    """The selected cells (or the whole table) of any QTableView as TSV with a header row."""
    model = view.model()
    if model is None:
        return ""
    header = view.horizontalHeader()
    columns = [
        header.logicalIndex(v)
        for v in range(header.count())
        if not view.isColumnHidden(header.logicalIndex(v))
    ]
    if selected_only and view.selectionModel() is not None and view.selectionModel().hasSelection():
        indexes = view.selectionModel().selectedIndexes()
        rows = sorted({i.row() for i in indexes})
        if view.selectionBehavior() != QAbstractItemView.SelectionBehavior.SelectRows:
            selected_cols = {i.column() for i in indexes}
            columns = [c for c in columns if c in selected_cols]
    else:
        rows = list(range(model.rowCount()))
    head = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns]
    body = [[model.index(r, c).data() for c in columns] for r in rows]
    return to_tsv(head, body)


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


class SnippetDelegate(QStyledItemDelegate):
    """Renders (text, spans) with the matched spans in bold and colour."""

    LEAD = 8  # characters kept before the first match, so it shows in a narrow column

    def _html(self, value: Any) -> str:
        text, spans = value
        spans = sorted(spans)
        if spans and spans[0][0] > self.LEAD + 1:
            cut = spans[0][0] - self.LEAD
            text = "…" + text[cut:]
            spans = [(s - cut + 1, e - cut + 1) for s, e in spans]
        out: list[str] = []
        pos = 0
        for start, end in spans:
            if start < pos:
                continue
            out.append(html.escape(text[pos:start]))
            out.append(f'<b style="color:#c0392b">{html.escape(text[start:end])}</b>')
            pos = end
        out.append(html.escape(text[pos:]))
        return "".join(out)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(SNIPPET_ROLE)
        if not value:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(1)
        doc.setHtml(self._html(value))
        rect: QRect = opt.rect.adjusted(3, 0, -3, 0)
        painter.save()
        painter.translate(rect.left(), rect.top() + max(0, (rect.height() - doc.size().height()) / 2))
        painter.setClipRect(0, 0, rect.width(), rect.height())
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(QPalette.ColorRole.HighlightedText))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return super().sizeHint(option, index)


class EmptyOverlay(QWidget):
    """Centered message over an empty table, with optional action buttons."""

    buttonClicked = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("emptyOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.body = QLabel(self)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setWordWrap(True)
        self.body.setStyleSheet("color: palette(dark);")
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.body)
        layout.addSpacing(16)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        layout.addLayout(self._buttons)
        layout.addStretch(2)
        self._widgets: dict[str, QPushButton] = {}

    def set_content(self, title: str, body: str, buttons: Sequence[tuple[str, str]] = ()) -> None:
        self.title.setText(title)
        self.body.setText(body)
        for button in self._widgets.values():
            self._buttons.removeWidget(button)
            button.deleteLater()
        self._widgets = {}
        while self._buttons.count():
            self._buttons.takeAt(0)
        self._buttons.addStretch(1)
        for key, label in buttons:
            button = QPushButton(label, self)
            button.setObjectName(f"overlay_{key}")
            button.setMinimumHeight(32)
            button.clicked.connect(lambda _c=False, k=key: self.buttonClicked.emit(k))
            self._buttons.addWidget(button)
            self._widgets[key] = button
        self._buttons.addStretch(1)

    def button(self, key: str) -> QPushButton | None:
        return self._widgets.get(key)


class ArchiveTableView(QTableView):
    """The document table (`archiveTable`): row selection, drag source of doc ids, empty-state overlay.

    The fill columns (title, agency, and the snippet while it shows) share whatever width the others leave,
    so the last column (结构) stays on screen at 1366×768; the other columns keep the user's widths.
    """

    FILL_MIN = 160  # a fill column never gets narrower (below that the table scrolls sideways)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fill_columns: tuple[int, ...] = ()
        self.fill_shares: tuple[float, ...] = ()
        self.fill_minimums: tuple[int, ...] = ()
        self.setObjectName("archiveTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setAcceptDrops(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(False)
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.overlay = EmptyOverlay(self)
        self.overlay.hide()
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self._place_overlay()
            self.fit_columns()
        return super().eventFilter(watched, event)

    def set_fill_columns(
        self, columns: Sequence[int], shares: Sequence[float], minimums: Sequence[int] | None = None
    ) -> None:
        """Columns that share the free width, by weight among the visible ones, each at least its minimum."""
        self.fill_columns = tuple(columns)
        self.fill_shares = tuple(shares)
        self.fill_minimums = tuple(minimums) if minimums is not None else (self.FILL_MIN,) * len(columns)
        self.fit_columns()

    def fit_columns(self) -> None:
        model = self.model()
        if model is None or not self.fill_columns:
            return
        fill = [
            (c, w, m)
            for c, w, m in zip(self.fill_columns, self.fill_shares, self.fill_minimums, strict=True)
            if not self.isColumnHidden(c)
        ]
        if not fill:
            return
        fixed = sum(
            self.columnWidth(c)
            for c in range(model.columnCount())
            if not self.isColumnHidden(c) and c not in self.fill_columns
        )
        free = self.viewport().width() - fixed - 1
        total = sum(w for _c, w, _m in fill) or 1.0
        widths = [max(minimum, int(free * weight / total)) for _c, weight, minimum in fill]
        excess = sum(widths) - free  # a column held at its minimum: the others give the room back
        for i in sorted(range(len(fill)), key=lambda k: widths[k] - fill[k][2], reverse=True):
            if excess <= 0:
                break
            give = min(excess, widths[i] - fill[i][2])
            widths[i] -= give
            excess -= give
        for (column, _w, _m), width in zip(fill, widths, strict=True):
            if self.columnWidth(column) != width:
                self.setColumnWidth(column, width)

    def _place_overlay(self) -> None:
        self.overlay.setGeometry(self.viewport().geometry())

    def show_overlay(self, visible: bool) -> None:
        self._place_overlay()
        self.overlay.setVisible(visible)
        if visible:
            self.overlay.raise_()
