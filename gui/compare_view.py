"""Two reports side by side: aligned panes with synchronised scrolling, text differences, figures table."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QCloseEvent,
    QColor,
    QFont,
    QGuiApplication,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.compare import (
    REQUIRED_PART_NAMES,
    Comparison,
    FigureRow,
    compare,
    figure_tsv,
    format_diff,
    format_fact,
    format_pct,
    paragraph_at,
)
from core.errors import ArchiveError
from core.models import Analysis, Document
from core.protocols import ArchiveReader
from gui.reuse_compare import moved_count_text, render_figures, render_moved
from gui.worker import read_in_background, run_in_background

log = logging.getLogger(__name__)

CHANGE_A = QColor("#ffc9c4")  # removed / changed on the left
CHANGE_B = QColor("#bdf0c6")  # added / changed on the right
ONLY_A = QColor("#fff0ee")  # a paragraph with no counterpart
ONLY_B = QColor("#eefbef")
FOLD = QColor("#777777")
FACT_SENTENCE = QColor("#fff3b0")
FACT_NUMBER = QColor("#ffc83d")
ONE_SIDED_ROW = QColor("#fff6d6")


def tr(text: str) -> str:
    return QCoreApplication.translate("CompareView", text)


@dataclass
class LoadedDocument:
    doc: Document
    text: str
    analysis: Analysis


def load_document(archive: ArchiveReader, doc_id: int) -> LoadedDocument:
    doc = archive.get_document(doc_id)
    return LoadedDocument(doc, archive.get_text(doc_id), archive.get_analysis(doc_id))


def short_title(doc: Document) -> str:
    bits = [str(doc.report_year) + "年" if doc.report_year else "", doc.agency or "", doc.title or doc.source_name]
    return " · ".join(b for b in bits if b)


# ---------------------------------------------------------------------------------------------- pane


class ComparePane(QTextEdit):
    """One read-only side; knows which block shows which paragraph (folding merges blocks)."""

    def __init__(self, side: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = side
        self.setReadOnly(True)
        self.setObjectName("comparePaneA" if side == "a" else "comparePaneB")
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setUndoRedoEnabled(False)
        self.para_to_block: list[int] = []
        self.block_to_para: list[int] = []
        self.folded: set[int] = set()
        self._own_doc: QTextDocument | None = None

    def show_comparison(self, cmp: Comparison, *, show_diff: bool, fold: bool) -> None:
        side = self.side
        paras = cmp.paragraphs_a if side == "a" else cmp.paragraphs_b
        parts = cmp.parts_a if side == "a" else cmp.parts_b
        text = cmp.text_a if side == "a" else cmp.text_b
        headings = {paragraph_at(paras, p.start) for p in parts[1:]} if paras else set()
        doc = QTextDocument(self)
        doc.setDefaultFont(self.font())
        doc.setUndoRedoEnabled(False)
        cursor = QTextCursor(doc)
        block_fmt = QTextBlockFormat()
        block_fmt.setBottomMargin(6)
        plain = QTextCharFormat()
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        change = QTextCharFormat()
        change.setBackground(QBrush(CHANGE_A if side == "a" else CHANGE_B))
        only = QTextCharFormat()
        only.setBackground(QBrush(ONLY_A if side == "a" else ONLY_B))
        fold_fmt = QTextCharFormat()
        fold_fmt.setForeground(QBrush(FOLD))
        fold_fmt.setFontItalic(True)
        self.para_to_block = [0] * len(paras)
        self.block_to_para = []
        self.folded = set()
        cursor.setBlockFormat(block_fmt)
        block = 0
        i = 0
        while i < len(paras):
            pair = cmp.pair_of(side, i)
            if fold and pair is not None and pair.identical and i not in headings:
                run = i
                while run < len(paras) and run not in headings:
                    p2 = cmp.pair_of(side, run)
                    if p2 is None or not p2.identical:
                        break
                    run += 1
                if block:
                    cursor.insertBlock(block_fmt)
                cursor.insertText(tr("⋯ 已折叠 {n} 段相同内容 ⋯").format(n=run - i), fold_fmt)
                for k in range(i, run):
                    self.para_to_block[k] = block
                    self.folded.add(k)
                self.block_to_para.append(i)
                block += 1
                i = run
                continue
            if block:
                cursor.insertBlock(block_fmt)
            para = paras[i]
            body = text[para.start : para.end]
            base = bold if i in headings else plain
            if show_diff and pair is None and render_moved(cursor, cmp, side, i, body, base):
                pass
            elif show_diff and pair is None:
                fmt = QTextCharFormat(base)
                fmt.merge(only)
                cursor.insertText(body, fmt)
            elif show_diff and pair is not None and not pair.identical:
                changes = pair.changes_a if side == "a" else pair.changes_b
                pos = 0
                for start, end in changes:
                    if start > pos:
                        cursor.insertText(body[pos:start], base)
                    fmt = QTextCharFormat(base)
                    fmt.merge(change)
                    cursor.insertText(body[start:end], fmt)
                    pos = end
                if pos < len(body):
                    cursor.insertText(body[pos:], base)
                render_figures(cursor, cmp, side, pair)
            else:
                cursor.insertText(body, base)
            self.para_to_block[i] = block
            self.block_to_para.append(i)
            block += 1
            i += 1
        self.setDocument(doc)
        if self._own_doc is not None:
            self._own_doc.deleteLater()  # the previous rendering (a child of this editor)
        self._own_doc = doc

    # --- positions -------------------------------------------------------------------------------

    def _block_top(self, block_number: int) -> tuple[float, float]:
        doc = self.document()
        block = doc.findBlockByNumber(block_number)
        rect = doc.documentLayout().blockBoundingRect(block)
        return rect.top(), max(rect.height(), 1.0)

    def top_position(self) -> tuple[int, float]:
        """(paragraph at the top of the viewport, fraction of it scrolled past)."""
        if not self.block_to_para:
            return 0, 0.0
        block = self.cursorForPosition(QPoint(1, 1)).block().blockNumber()
        block = max(0, min(block, len(self.block_to_para) - 1))
        top, height = self._block_top(block)
        frac = (self.verticalScrollBar().value() - top) / height
        return self.block_to_para[block], max(0.0, min(frac, 1.0))

    def top_paragraph(self) -> int:
        return self.top_position()[0]

    def scroll_to_paragraph(self, index: int, frac: float = 0.0, margin: int = 0) -> None:
        if not self.para_to_block:
            return
        index = max(0, min(index, len(self.para_to_block) - 1))
        top, height = self._block_top(self.para_to_block[index])
        self.verticalScrollBar().setValue(int(top + frac * height) - margin)

    def document_position(self, cmp: Comparison, offset: int) -> int | None:
        """Cursor position in the shown document of text offset `offset` (None when folded away)."""
        paras = cmp.paragraphs_a if self.side == "a" else cmp.paragraphs_b
        if not paras:
            return None
        i = paragraph_at(paras, offset)
        if i in self.folded:
            return None
        block = self.document().findBlockByNumber(self.para_to_block[i])
        inside = max(0, min(offset - paras[i].start, block.length() - 1))
        return block.position() + inside

    def highlight(self, spans: list[tuple[int, int, QColor]]) -> None:
        selections = []
        for start, end, color in spans:
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.document())
            cur.setPosition(start)
            cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(color))
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
            sel.format = fmt
            selections.append(sel)
        self.setExtraSelections(selections)


# ---------------------------------------------------------------------------------------------- view


class CompareView(QWidget):
    """The compare widget (objectName compareView); feed it two loaded documents with set_documents()."""

    comparisonReady = Signal()
    _computed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.comparison: Comparison | None = None
        self.left: LoadedDocument | None = None
        self.right: LoadedDocument | None = None
        self._syncing = False
        self.figure_rows: list[FigureRow] = []

        self.sync_action = QAction(tr("同步滚动"), self)
        self.sync_action.setObjectName("actionSyncScroll")
        self.sync_action.setCheckable(True)
        self.sync_action.setChecked(True)
        self.diff_action = QAction(tr("显示差异"), self)
        self.diff_action.setObjectName("actionShowDiff")
        self.diff_action.setCheckable(True)
        self.diff_action.setChecked(True)
        self.fold_action = QAction(tr("折叠相同段落"), self)
        self.fold_action.setObjectName("actionFoldSame")
        self.fold_action.setCheckable(True)
        self.export_action = QAction(tr("导出数字到 Excel…"), self)
        self.export_action.setObjectName("actionExportComparison")
        self.copy_action = QAction(tr("复制数字"), self)
        self.copy_action.setObjectName("actionCopyFigures")
        self.print_action = QAction(tr("打印数字…"), self)
        self.print_action.setObjectName("actionPrintFigures")
        for action in (self.export_action, self.copy_action, self.print_action):
            action.setEnabled(False)

        self.toolbar = QToolBar(self)
        self.toolbar.addAction(self.sync_action)
        self.toolbar.addAction(self.diff_action)
        self.toolbar.addAction(self.fold_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)
        self.toolbar.addAction(self.copy_action)
        self.toolbar.addAction(self.print_action)

        self.pane_a = ComparePane("a", self)
        self.pane_b = ComparePane("b", self)
        self.title_a = QLabel(self)
        self.title_b = QLabel(self)
        for label in (self.title_a, self.title_b):
            label.setWordWrap(True)
            label.setStyleSheet("font-weight: bold; padding: 2px;")
        self.outline = QListWidget(self)
        self.outline.setObjectName("compareOutline")
        self.outline.setWordWrap(True)
        self.outline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.outline.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.figures = QTableWidget(0, 6, self)
        self.figures.setObjectName("compareFigures")
        self.figures.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.figures.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.figures.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.figures.verticalHeader().setVisible(False)
        header = self.figures.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.both_only = QCheckBox(tr("只看两份都有的指标"), self)
        self.status = QLabel(tr("正在对齐…"), self)

        col_a = QWidget(self)
        la = QVBoxLayout(col_a)
        la.setContentsMargins(0, 0, 0, 0)
        la.addWidget(self.title_a)
        la.addWidget(self.pane_a)
        col_b = QWidget(self)
        lb = QVBoxLayout(col_b)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.addWidget(self.title_b)
        lb.addWidget(self.pane_b)
        panes = QSplitter(Qt.Orientation.Horizontal, self)
        panes.addWidget(col_a)
        panes.addWidget(col_b)
        figures_box = QWidget(self)
        lf = QVBoxLayout(figures_box)
        lf.setContentsMargins(0, 0, 0, 0)
        top_row = QHBoxLayout()
        top_row.addWidget(QLabel(tr("数字对照（点击一行定位原句）"), self))
        top_row.addStretch(1)
        top_row.addWidget(self.both_only)
        lf.addLayout(top_row)
        lf.addWidget(self.figures)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(panes)
        right.addWidget(figures_box)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        outline_box = QWidget(self)
        lo = QVBoxLayout(outline_box)
        lo.setContentsMargins(0, 0, 0, 0)
        lo.addWidget(QLabel(tr("部分对照"), self))
        lo.addWidget(self.outline)
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(outline_box)
        main.addWidget(right)
        main.setStretchFactor(0, 0)
        main.setStretchFactor(1, 1)
        main.setSizes([250, 1100])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(main, 1)
        layout.addWidget(self.status)

        self._computed.connect(self._on_computed)
        self.pane_a.verticalScrollBar().valueChanged.connect(lambda _v: self._sync_from("a"))
        self.pane_b.verticalScrollBar().valueChanged.connect(lambda _v: self._sync_from("b"))
        self.diff_action.toggled.connect(lambda _on: self._rerender())
        self.fold_action.toggled.connect(lambda _on: self._rerender())
        self.sync_action.toggled.connect(self._on_sync_toggled)
        self.outline.itemClicked.connect(self._on_outline_clicked)
        self.figures.cellClicked.connect(lambda row, _col: self.show_figure(row))
        self.both_only.toggled.connect(lambda _on: self._fill_figures())
        self.export_action.triggered.connect(self.export_figures)
        self.copy_action.triggered.connect(self.copy_figures)
        self.print_action.triggered.connect(self.print_figures)

    # --- loading ---------------------------------------------------------------------------------

    def set_documents(self, left: LoadedDocument, right: LoadedDocument) -> None:
        """Show the titles now; align and diff on a background thread (comparisonReady when done)."""
        self.left, self.right = left, right
        self.title_a.setText(tr("左：") + short_title(left.doc))
        self.title_b.setText(tr("右：") + short_title(right.doc))
        self.status.setText(tr("正在对齐两份报告…"))

        run_in_background(
            lambda: compare(left.text, left.analysis, right.text, right.analysis), self._computed.emit, "compare"
        )

    def release(self) -> None:
        """Drop the documents and the comparison (the window was closed)."""
        self.comparison = None
        self.left = self.right = None
        self.figure_rows = []
        self.pane_a.clear()
        self.pane_b.clear()
        self.figures.setRowCount(0)
        self.outline.clear()

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.pane_a.setPlainText(message)

    def _on_computed(self, result: object) -> None:
        if self.left is None:
            return  # released (window closed) while aligning
        if isinstance(result, BaseException):  # a bug: log it, tell the user in the status line
            log.error("compare failed", exc_info=result)
            self.show_error(tr("对比失败，详情已写入日志。"))
            return
        assert isinstance(result, Comparison)
        self.comparison = result
        self._rerender()
        self._fill_outline()
        self._fill_figures()
        for action in (self.export_action, self.copy_action, self.print_action):
            action.setEnabled(True)
        matched = sum(1 for p in result.part_pairs if p.matched)
        self.status.setText(
            tr("已对齐 {parts} 个部分、{paras} 段（左 {na} 段，右 {nb} 段），用时 {ms} 毫秒").format(
                parts=matched, paras=len(result.pairs), na=len(result.paragraphs_a),
                nb=len(result.paragraphs_b), ms=round(result.seconds * 1000),
            ) + moved_count_text(result)
        )
        self.comparisonReady.emit()

    # --- panes -----------------------------------------------------------------------------------

    def _rerender(self) -> None:
        cmp = self.comparison
        if cmp is None:
            return
        top = self.pane_a.top_paragraph() if self.pane_a.block_to_para else 0
        self._syncing = True
        try:
            show_diff, fold = self.diff_action.isChecked(), self.fold_action.isChecked()
            self.pane_a.show_comparison(cmp, show_diff=show_diff, fold=fold)
            self.pane_b.show_comparison(cmp, show_diff=show_diff, fold=fold)
        finally:
            self._syncing = False
        self.pane_a.scroll_to_paragraph(top)
        self._sync_from("a")

    def _on_sync_toggled(self, on: bool) -> None:
        if on:
            self._sync_from("a")

    def _sync_from(self, side: str) -> None:
        cmp = self.comparison
        if cmp is None or self._syncing or not self.sync_action.isChecked():
            return
        src, dst = (self.pane_a, self.pane_b) if side == "a" else (self.pane_b, self.pane_a)
        anchors, match = (cmp.a_to_b, cmp.match_a) if side == "a" else (cmp.b_to_a, cmp.match_b)
        if not anchors:
            return
        para, frac = src.top_position()
        target = anchors[para]
        self._syncing = True
        try:
            dst.scroll_to_paragraph(target, frac if match[para] is not None else 0.0)
        finally:
            self._syncing = False

    def scroll_both(self, para_a: int | None, para_b: int | None) -> None:
        self._syncing = True
        try:
            margin = self.pane_a.viewport().height() // 4
            if para_a is not None:
                self.pane_a.scroll_to_paragraph(para_a, margin=margin)
            if para_b is not None:
                self.pane_b.scroll_to_paragraph(para_b, margin=margin)
        finally:
            self._syncing = False

    # --- outline ---------------------------------------------------------------------------------

    def _fill_outline(self) -> None:
        cmp = self.comparison
        assert cmp is not None
        self.outline.clear()
        for pair in cmp.part_pairs:
            left = cmp.parts_a[pair.a].label if pair.a is not None else "—"
            right = cmp.parts_b[pair.b].label if pair.b is not None else "—"
            if pair.a is not None and pair.b is not None and left == right:
                text = left
            else:
                text = f"{left}\n⇄ {right}"
            item_tip = f"{tr('左：')}{left}\n{tr('右：')}{right}"
            if pair.required:
                text = f"[{REQUIRED_PART_NAMES[pair.required]}] " + text
            item = QListWidgetItem(("✓ " if pair.matched else "✗ ") + text)
            item.setData(Qt.ItemDataRole.UserRole, (pair.a, pair.b))
            if not pair.matched:
                item.setBackground(QBrush(ONLY_A if pair.a is not None else ONLY_B))
                item.setToolTip(item_tip + "\n" + (tr("只在左侧报告中") if pair.a is not None else tr("只在右侧报告中")))
            else:
                item.setToolTip(item_tip)
            self.outline.addItem(item)

    def _on_outline_clicked(self, item: QListWidgetItem) -> None:
        cmp = self.comparison
        if cmp is None:
            return
        a, b = item.data(Qt.ItemDataRole.UserRole)
        para_a = cmp.parts_a[a].first_paragraph if a is not None else None
        para_b = cmp.parts_b[b].first_paragraph if b is not None else None
        if para_a is not None and para_a >= len(cmp.paragraphs_a):
            para_a = None
        if para_b is not None and para_b >= len(cmp.paragraphs_b):
            para_b = None
        if para_a is not None and para_b is None:
            para_b = cmp.a_to_b[para_a] if cmp.a_to_b else None
        if para_b is not None and para_a is None:
            para_a = cmp.b_to_a[para_b] if cmp.b_to_a else None
        self._syncing = True
        try:
            if para_a is not None:
                self.pane_a.scroll_to_paragraph(para_a)
            if para_b is not None:
                self.pane_b.scroll_to_paragraph(para_b)
        finally:
            self._syncing = False

    # --- figures ---------------------------------------------------------------------------------

    def _fill_figures(self) -> None:
        cmp = self.comparison
        if cmp is None:
            return
        rows = [r for r in cmp.figures if not (self.both_only.isChecked() and r.one_sided)]
        self.figure_rows = rows
        left, right = self.left, self.right
        year_a = left.doc.report_year if left else None
        year_b = right.doc.report_year if right else None
        name_a = tr("{year}年（左）").format(year=year_a) if year_a and year_a != year_b else tr("左侧")
        name_b = tr("{year}年（右）").format(year=year_b) if year_b and year_a != year_b else tr("右侧")
        self.figures.setHorizontalHeaderLabels([tr("指标"), name_a, name_b, tr("差值"), tr("变化率"), tr("说明")])
        self.figures.setRowCount(len(rows))
        for n, row in enumerate(rows):
            note = row.note or (tr("仅左侧") if row.fact_b is None else tr("仅右侧") if row.fact_a is None else "")
            more = []
            if row.more_a:
                more.append(tr("左侧另有 {n} 处").format(n=row.more_a))
            if row.more_b:
                more.append(tr("右侧另有 {n} 处").format(n=row.more_b))
            if more:
                note = "；".join([note, *more]) if note else "；".join(more)
            cells = [row.label, format_fact(row.fact_a), format_fact(row.fact_b), format_diff(row), format_pct(row), note]
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if col in {1, 2, 3, 4}:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row.one_sided:
                    item.setBackground(QBrush(ONE_SIDED_ROW))
                if col == 0 and row.key:
                    item.setToolTip(row.key)
                self.figures.setItem(n, col, item)
        self.figures.resizeColumnsToContents()
        self.figures.setColumnWidth(0, min(self.figures.columnWidth(0), 260))

    def show_figure(self, row_index: int) -> None:
        """Scroll both panes to the row's sentences and highlight them (unfolding if needed)."""
        cmp = self.comparison
        if cmp is None or not 0 <= row_index < len(self.figure_rows):
            return
        row = self.figure_rows[row_index]
        needs_unfold = any(
            fact is not None and paragraph_at(paras, fact.start) in pane.folded
            for fact, paras, pane in (
                (row.fact_a, cmp.paragraphs_a, self.pane_a), (row.fact_b, cmp.paragraphs_b, self.pane_b)
            )
        )
        if needs_unfold:
            self.fold_action.setChecked(False)
        para_a = para_b = None
        for fact, paras, pane, text, side in (
            (row.fact_a, cmp.paragraphs_a, self.pane_a, cmp.text_a, "a"),
            (row.fact_b, cmp.paragraphs_b, self.pane_b, cmp.text_b, "b"),
        ):
            if fact is None or not paras:
                pane.highlight([])
                continue
            para = paragraph_at(paras, fact.start)
            if side == "a":
                para_a = para
            else:
                para_b = para
            spans: list[tuple[int, int, QColor]] = []
            s_start = text.find(fact.sentence, max(0, fact.start - len(fact.sentence))) if fact.sentence else -1
            if s_start != -1 and s_start <= fact.start:
                pos_s = pane.document_position(cmp, s_start)
                pos_e = pane.document_position(cmp, s_start + len(fact.sentence))
                if pos_s is not None and pos_e is not None:
                    spans.append((pos_s, pos_e, FACT_SENTENCE))
            pos_s = pane.document_position(cmp, fact.start)
            pos_e = pane.document_position(cmp, fact.end)
            if pos_s is not None and pos_e is not None:
                spans.append((pos_s, pos_e, FACT_NUMBER))
            pane.highlight(spans)
        if para_a is None and para_b is not None:
            para_a = cmp.b_to_a[para_b] if cmp.b_to_a else None
        if para_b is None and para_a is not None:
            para_b = cmp.a_to_b[para_a] if cmp.a_to_b else None
        self.scroll_both(para_a, para_b)

    def _doc_titles(self) -> tuple[str, str]:
        a = short_title(self.left.doc) if self.left else ""
        b = short_title(self.right.doc) if self.right else ""
        return a, b

    def copy_figures(self) -> None:
        if self.comparison is None:
            return
        QGuiApplication.clipboard().setText(figure_tsv(self.figure_rows))
        self.status.setText(tr("已复制 {n} 行数字，可直接粘贴到 Excel。").format(n=len(self.figure_rows)))

    def export_figures(self, path: str | None = None) -> Path | None:
        if self.comparison is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("导出数字对照"), tr("数字对照.xlsx"), "Excel (*.xlsx)")
            if not path:
                return None
        out = Path(path)
        if out.suffix.lower() != ".xlsx":
            out = out.with_suffix(".xlsx")
        try:
            write_comparison(out, self.left, self.right, self.comparison.figures)
        except (ArchiveError, OSError) as exc:
            QMessageBox.warning(self, tr("导出失败"), str(exc))
            return None
        self.status.setText(tr("已导出到 {path}").format(path=str(out)))
        return out

    def figures_html(self) -> str:
        from html import escape

        a, b = self._doc_titles()
        head = "".join(
            f"<th>{escape(h)}</th>" for h in (tr("指标"), tr("左侧"), tr("右侧"), tr("差值"), tr("变化率"), tr("说明"))
        )
        body = []
        for row in self.figure_rows:
            note = row.note or (tr("仅左侧") if row.fact_b is None else tr("仅右侧") if row.fact_a is None else "")
            cells = [row.label, format_fact(row.fact_a), format_fact(row.fact_b), format_diff(row), format_pct(row), note]
            bg = ' style="background:#fff6d6"' if row.one_sided else ""
            body.append(f"<tr{bg}>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
        return (
            f"<h3>{escape(tr('数字对照'))}</h3><p>{escape(tr('左：'))}{escape(a)}<br>{escape(tr('右：'))}{escape(b)}</p>"
            f'<table border="1" cellspacing="0" cellpadding="3"><tr>{head}</tr>{"".join(body)}</table>'
        )

    def print_figures(self, path: str | None = None) -> Path | None:
        """Print the figures table to a PDF file (the printer dialog is not needed on office PCs)."""
        from PySide6.QtPrintSupport import QPrinter

        if self.comparison is None:
            return None
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("打印为 PDF"), tr("数字对照.pdf"), "PDF (*.pdf)")
            if not path:
                return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        doc = QTextDocument()
        doc.setHtml(self.figures_html())
        doc.print_(printer)
        self.status.setText(tr("已打印到 {path}").format(path=path))
        return Path(path)


def write_comparison(out: Path, left: LoadedDocument | None, right: LoadedDocument | None, rows: list[FigureRow]) -> Path:
    """Excel workbook of the figures (core.export's comparison workbook; takes FigureRow objects)."""
    from core.export import export_comparison_xlsx

    return export_comparison_xlsx(out, left.doc if left else None, right.doc if right else None, rows)


# ---------------------------------------------------------------------------------------------- window


def _older_first(doc: Document) -> tuple[int, str, int]:
    """Sort key putting the earlier report first."""
    return (doc.report_year or 0, doc.publish_date or "", doc.id)


class CompareWindow(QMainWindow):
    """对比 window for two archived documents (the earlier report year on the left); central widget compareView."""

    _loaded = Signal(object)  # (left, right) LoadedDocuments, or the exception that stopped reading them
    documentsLoaded = Signal()  # the documents are read and `ids` is in its final (older first) order

    def __init__(self, archive_path: str | Path, id_a: int, id_b: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Not WA_DeleteOnClose: the main window keeps a list of its windows and asks them isVisible();
        # closing frees the texts instead (closeEvent), the small shell goes with the parent.
        self.setWindowTitle(tr("报告对比"))
        self.resize(1366, 768)
        self.view = CompareView(self)
        self.setCentralWidget(self.view)
        self.archive_path = Path(archive_path)
        self.ids = (id_a, id_b)
        self._closed = False
        self._loaded.connect(self._on_loaded)
        self.view.status.setText(tr("正在读取两份报告…"))
        # Both documents (their full texts) are read on a thread of its own, never on the GUI thread.
        read_in_background(
            self.archive_path,
            lambda archive: (load_document(archive, id_a), load_document(archive, id_b)),
            self._loaded.emit,
            "compare-load",
        )

    def _on_loaded(self, result: object) -> None:
        if self._closed:
            return
        if isinstance(result, BaseException):
            self.view.show_error(tr("无法打开报告：") + str(result))
            return
        left, right = cast(tuple[LoadedDocument, LoadedDocument], result)
        both_dated = left.doc.report_year is not None and right.doc.report_year is not None
        if both_dated and _older_first(right.doc) < _older_first(left.doc):
            left, right = right, left  # the earlier report on the left: 差值 = 右 − 左 reads as a change
        self.ids = (left.doc.id, right.doc.id)
        self.setWindowTitle(tr("报告对比 — {a} ⇄ {b}").format(a=left.doc.title, b=right.doc.title))
        self.documentsLoaded.emit()
        self.view.set_documents(left, right)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.view.release()
        super().closeEvent(event)


def _inform(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, tr("上一年度对比"), text)


def show_previous_year(
    archive_path: str | Path, previous: int | None, doc_id: int, parent: QWidget | None = None
) -> CompareWindow | None:
    """The compare window for a report and its previous year's (found by core.agencies.previous_year_document,
    on a worker), or the message that there is none."""
    if previous is None:
        _inform(parent, tr("没有找到同一机关上一年度的报告。请确认报告的机关名称和年度，或在“收报情况”中合并机关名称。"))
        return None
    window = CompareWindow(archive_path, previous, doc_id, parent)
    window.show()
    return window
