"""The viewer's 指标 tab (`factsTable` and its buttons) and its edits: confirm, correct, reject, file under an
indicator, add a figure from the selected text. A base of gui.viewer.DocumentViewer, which owns the state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core import domain
from core.review import LOW_CONFIDENCE
from gui.ui import get_text, inform
from gui.viewer_text import OffsetMap, format_value, parse_value_unit

if TYPE_CHECKING:
    from core.models import Fact
    from gui.hosts import ViewerHost

STATUS_NAMES = domain.STATUS_NAMES  # one word per fact status (the same in Excel)
CONFIRMED_BG = QColor("#d6f0d0")  # a figure a person confirmed (as in the text, gui.viewer, and in Excel)
LOW_BG = QColor("#fde0b8")  # 可信度低: check this one first
HIGH_CONFIDENCE = 0.8
COLUMNS = ("指标", "数值", "单位", "状态", "可信度", "原文")
SENTENCE_COLUMN = 5


def needs_review(fact: Fact) -> bool:
    """A figure nobody confirmed that has no indicator or a low confidence: what the 待核对 queue lists."""
    return fact.status == "auto" and (fact.key is None or fact.confidence < LOW_CONFIDENCE)


def review_order(fact: Fact) -> tuple[int, float, int, int]:
    """The facts list's order: figures to check first (no indicator or low confidence, least sure first),
    then the other unconfirmed ones, then those a person confirmed, 否决 last; in text order within."""
    if fact.status == "rejected":
        rank = 3
    elif domain.is_verified(fact):
        rank = 2
    else:
        rank = 0 if needs_review(fact) else 1
    return rank, fact.confidence if rank < 2 else 0.0, fact.start, fact.id or 0


def confidence_word(fact: Fact) -> str:
    """低 / 中 / 高 for a figure nobody confirmed; "" once a person has (its 状态 says so)."""
    if fact.status != "auto":
        return ""
    if needs_review(fact):
        return "低"
    return "中" if fact.confidence < HIGH_CONFIDENCE else "高"


class FactPanel(QWidget):
    """The facts part of the document viewer (the state below is set by DocumentViewer)."""

    window_: ViewerHost
    doc_id: int | None
    facts: list[Fact]
    text_str: str
    text: QPlainTextEdit
    side: QTabWidget
    _offsets: OffsetMap

    def _build_facts_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.factsTable = QTableWidget(0, len(COLUMNS), page)
        self.factsTable.setObjectName("factsTable")
        self.factsTable.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        sure_header = self.factsTable.horizontalHeaderItem(4)
        if sure_header is not None:
            sure_header.setToolTip(self.tr("识别的把握：低 = 没有归入指标或把握小，排在最前，请先核对"))
        self.factsTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.factsTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.factsTable.verticalHeader().setVisible(False)
        self.factsTable.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.factsTable.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.factsTable.setWordWrap(False)
        header = self.factsTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # narrow enough that 原文 keeps room in the side panel at 1366 pixels
        metrics = self.factsTable.fontMetrics()
        widths = (100, 60, 42, metrics.horizontalAdvance("自动识别") + 12, metrics.horizontalAdvance("可信度") + 12)
        for col, width in enumerate(widths):
            self.factsTable.setColumnWidth(col, width)
        self.factsTable.itemSelectionChanged.connect(self._fact_selected)
        # double-click: on the indicator column choose the indicator, elsewhere correct the value
        self.factsTable.doubleClicked.connect(
            lambda index: self.change_indicator_interactive() if index.column() == 0 else self.correct_selected_interactive()
        )
        # Ctrl+C here goes through the window's 复制 action (copy_focused): a second Ctrl+C shortcut would
        # make the key ambiguous and do nothing.
        layout.addWidget(self.factsTable, 1)
        buttons = QHBoxLayout()
        self.confirmButton = QPushButton(self.tr("确认"), page)
        self.confirmButton.setToolTip(self.tr("这个数字识别正确"))
        self.correctButton = QPushButton(self.tr("更正…"), page)
        self.rejectButton = QPushButton(self.tr("否决"), page)
        self.rejectButton.setToolTip(self.tr("这不是一个指标数字，不再导出"))
        self.indicatorButton = QPushButton(self.tr("归入指标…"), page)
        self.indicatorButton.setObjectName("changeIndicatorButton")
        self.indicatorButton.setToolTip(self.tr("从指标词典中选择这个数字属于哪个指标（导出到 Excel 的对应列）"))
        self.addFactButton = QPushButton(self.tr("把选中文字添加为指标…"), page)
        self.addFactButton.setObjectName("addFactButton")
        self.confirmButton.clicked.connect(lambda: self._set_status_selected("confirmed"))
        self.rejectButton.clicked.connect(lambda: self._set_status_selected("rejected"))
        self.correctButton.clicked.connect(self.correct_selected_interactive)
        self.indicatorButton.clicked.connect(self.change_indicator_interactive)
        self.addFactButton.clicked.connect(self.add_fact_interactive)
        for b in (self.confirmButton, self.correctButton, self.rejectButton):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        second = QHBoxLayout()  # two rows: the side panel stays as narrow as before at 1366 pixels
        second.addWidget(self.indicatorButton)
        second.addWidget(self.addFactButton, 1)
        layout.addLayout(second)
        hint = QLabel(self.tr("可信度低（橙色）的数字排在最前，请先核对。在正文中选中一段含数字的文字，再点上面的按钮即可添加指标。"),
                      page)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(dark);")
        layout.addWidget(hint)
        return page

    def _jump_to(self, start: int, end: int | None = None, select: bool = False) -> None:
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(self._offsets.to_qt(start))
        if select and end is not None:
            cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)
        self.text.centerCursor()

    # ------------------------------------------------------------------ facts
    def _show_facts(self) -> None:
        """The 指标 list: figures to check first (see review_order), with 可信度 and 状态."""
        self.facts = sorted(self.facts, key=review_order)
        table = self.factsTable
        selected = self.selected_fact_ids()
        table.setRowCount(len(self.facts))
        for row, fact in enumerate(self.facts):
            name = fact.name or (fact.key or self.tr("（未归类）"))
            value = fact.qualifier + format_value(fact.value) if fact.qualifier in ("近", "约", "超") else format_value(fact.value)
            if fact.direction == "down":
                value = "↓" + value
            elif fact.direction == "up":
                value = "↑" + value
            sure = confidence_word(fact)
            cells = [name, value, fact.unit, self.tr(STATUS_NAMES.get(fact.status, fact.status)),
                     self.tr(sure) if sure else "", fact.sentence]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, fact.id)
                if fact.status == "rejected":
                    item.setForeground(QBrush(QColor("#999999")))
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                if col == SENTENCE_COLUMN:
                    item.setToolTip(text)
                elif col == 3 and domain.is_verified(fact):  # the same green as in the text and in Excel
                    item.setBackground(QBrush(CONFIRMED_BG))
                    item.setToolTip(self.tr(domain.VERIFIED))
                elif col == 4 and sure:
                    if sure == "低":
                        item.setBackground(QBrush(LOW_BG))
                    why = self.tr("没有归入指标") if fact.key is None else self.tr("把握 {0:.0%}").format(fact.confidence)
                    item.setToolTip(self.tr("可信度{0}：{1}").format(self.tr(sure), why))
                table.setItem(row, col, item)
        if selected:
            for row, fact in enumerate(self.facts):
                if fact.id in selected:
                    table.selectRow(row)
        self.side.setTabText(1, self.tr("指标（{0}）").format(sum(1 for f in self.facts if f.status != "rejected")))

    def selected_fact_ids(self) -> list[int]:
        ids = []
        for index in self.factsTable.selectionModel().selectedRows():
            item = self.factsTable.item(index.row(), 0)
            value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if isinstance(value, int):
                ids.append(value)
        return ids

    def select_fact(self, fact_id: int) -> None:
        for row, fact in enumerate(self.facts):
            if fact.id == fact_id:
                self.factsTable.selectRow(row)
                return

    def _fact_selected(self) -> None:
        ids = self.selected_fact_ids()
        if len(ids) == 1:
            fact = next((f for f in self.facts if f.id == ids[0]), None)
            if fact is not None:
                self._jump_to(fact.start, fact.end, select=True)

    def _fact_command(self, fact_ids: list[int], changes: dict[str, Any], text: str) -> None:
        """A change to figures, on the window's undo stack (undo puts back what they were)."""
        facts = [f for f in self.facts if f.id in set(fact_ids)]
        if self.doc_id is None or not facts:
            return
        from gui.commands import FactCommand

        self.window_.undo_stack.push(FactCommand(self.window_, self.doc_id, facts, changes, text))

    def set_fact_status(self, fact_ids: list[int], status: str) -> None:
        word = {"confirmed": self.tr("确认"), "rejected": self.tr("否决")}.get(status, self.tr(STATUS_NAMES.get(status, status)))
        self._fact_command(list(fact_ids), {"status": status}, self.tr("{0} {1} 个数字").format(word, len(fact_ids)))

    def _set_status_selected(self, status: str) -> None:
        ids = self.selected_fact_ids()
        if ids:
            self.set_fact_status(ids, status)

    def correct_fact(self, fact_id: int, value: float, unit: str) -> None:
        status = "manual" if any(f.id == fact_id and f.status == "manual" for f in self.facts) else "corrected"
        self._fact_command([fact_id], {"value": value, "unit": unit, "status": status},
                           self.tr("更正为 {0}{1}").format(format_value(value), unit))

    def set_fact_indicator(self, fact_ids: list[int], key: str) -> None:
        """Give figures an indicator ("" = none): they go to that column of the Excel 报告 sheet, marked 人工确认."""
        from core.indicators import default_dictionary

        name = default_dictionary().name(key) if key else None
        label = name or self.tr("（未归类）")
        self._fact_command(list(fact_ids), {"key": key, "name": name}, self.tr("归入指标“{0}”").format(label))

    def _pick_indicator(self, unit: str, current: str | None, sentence: str) -> str | None:
        from core.indicators import default_dictionary
        from gui.indicator_picker import IndicatorPicker

        picker = IndicatorPicker(default_dictionary(), unit=unit, current=current, sentence=sentence, parent=self)
        return picker.chosen() if picker.exec() == IndicatorPicker.DialogCode.Accepted else None

    def change_indicator_interactive(self) -> None:
        ids = self.selected_fact_ids()
        facts = [f for f in self.facts if f.id in ids]
        if not facts:
            inform(self, self.tr("归入指标"), self.tr("请先在列表中选择一个数字。"))
            return
        key = self._pick_indicator(facts[0].unit, facts[0].key, facts[0].sentence)
        if key is not None and any((f.key or "") != key for f in facts):
            self.set_fact_indicator([f.id for f in facts if f.id is not None], key)

    def correct_selected_interactive(self) -> None:
        ids = self.selected_fact_ids()
        if len(ids) != 1:
            return
        fact = next((f for f in self.facts if f.id == ids[0]), None)
        if fact is None:
            return
        text, ok = get_text(
            self,
            self.tr("更正指标"),
            self.tr("“{0}”\n\n正确的数值和单位（如 12.5 %、300 件）：").format(fact.sentence[:80]),
            f"{format_value(fact.value)} {fact.unit}".strip(),
        )
        if not ok:
            return
        parsed = parse_value_unit(text)
        if parsed is None:
            inform(self, self.tr("更正指标"), self.tr("没有读懂“{0}”，请写成“数字 单位”。").format(text))
            return
        self.correct_fact(ids[0], parsed[0], parsed[1])

    def selection_range(self) -> tuple[int, int] | None:
        cursor = self.text.textCursor()
        if not cursor.hasSelection():
            return None
        return self._offsets.to_py(cursor.selectionStart()), self._offsets.to_py(cursor.selectionEnd())

    def select_text(self, start: int, end: int) -> None:
        self._jump_to(start, end, select=True)

    def _selected_fact(self) -> Fact | None:
        span = self.selection_range()
        if span is None or self.doc_id is None:
            inform(self, self.tr("添加指标"), self.tr("请先在正文中选中含数字的文字。"))
            return None
        from core.facts import parse_fact_at

        fact = parse_fact_at(self.text_str, span[0], span[1])
        if fact is None:
            inform(self, self.tr("添加指标"), self.tr("选中的文字里没有数字。"))
        return fact

    def add_fact_from_selection(self, key: str | None = None) -> bool:
        """Add the number in the selected text as a figure (core.facts.parse_fact_at finds value and unit),
        with indicator `key` (None: the one its context names). Undoable."""
        fact = self._selected_fact()
        if fact is None or self.doc_id is None:
            return False
        if key is not None:
            from core.indicators import default_dictionary

            fact.key = key or None
            fact.name = default_dictionary().name(key) if key else None
        from gui.commands import AddFactCommand

        self.window_.undo_stack.push(AddFactCommand(self.window_, self.doc_id, fact))
        return True

    def add_fact_interactive(self) -> bool:
        """Add the selected number, choosing its indicator from the dictionary first."""
        fact = self._selected_fact()
        if fact is None:
            return False
        key = self._pick_indicator(fact.unit, fact.key, fact.sentence or self.text_str[fact.start : fact.end])
        return key is not None and self.add_fact_from_selection(key)
