"""待核对 (`reviewView`): the review queue in a tab of the main window.

The groups of core.review (unkeyed and low-confidence figures across the archive, one row per phrase
pattern, largest first) with a filter box and a type filter; the selected group's figures (report, sentence,
value; Enter or a double-click opens the report in the viewer at that figure); an indicator picker with
type-to-search over the dictionary (names, keys, synonyms) where Enter files the whole group under the
indicator, and 不是指标 (否决) for a group that names no indicator. Each assignment is a step on the
window's undo stack (Ctrl+Z, 撤销); after one the group leaves the list and the next is selected, the focus
back in the picker, so a clerk works through the queue with the keyboard.

Reads run on the window's reader worker, writes on its writer (gui.worker); nothing here opens the
archive or reads a text on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import domain, review
from core.review import GroupFact, ReviewGroup
from gui.models import SNIPPET_ROLE
from gui.table import SnippetDelegate
from gui.viewer_text import format_value

if TYPE_CHECKING:
    from core.archive import Archive
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)

GROUP_LIMIT = 1000  # groups listed (largest first); the rest come once these are done
ALL_TYPES = ""  # the type filter's 全部类型
KEY_ROLE = Qt.ItemDataRole.UserRole
FACT_ROLE = Qt.ItemDataRole.UserRole + 2
UNFITTING = QColor("#8a8a8a")


def tr(text: str) -> str:
    return QCoreApplication.translate("review", text)


def _indicator_names(keys: list[str]) -> str:
    from core.indicators import default_dictionary

    dictionary = default_dictionary()
    return "、".join(dictionary.name(k) or k for k in keys)


# ---------------------------------------------------------------------------------------------- groups


class GroupModel(QAbstractTableModel):
    """The groups of the queue, filtered by the words of the filter box."""

    COLUMNS = ("说法", "条数", "份数", "单位", "已猜指标", "例句")
    PATTERN, COUNT, DOCS, UNIT, KEYS, EXAMPLE = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.groups: list[ReviewGroup] = []
        self.shown: list[ReviewGroup] = []
        self.words: list[str] = []
        self._names: dict[str, str] = {}

    def set_groups(self, groups: list[ReviewGroup]) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self._names = {}
        self._apply()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self.words = text.lower().split()
        self._apply()
        self.endResetModel()

    def _apply(self) -> None:
        if not self.words:
            self.shown = list(self.groups)
            return
        self.shown = [g for g in self.groups if all(w in self._haystack(g) for w in self.words)]

    def _haystack(self, group: ReviewGroup) -> str:
        return " ".join([group.pattern, group.unit, group.example, *group.keys, self.names(group)]).lower()

    def names(self, group: ReviewGroup) -> str:
        if group.pattern not in self._names:
            self._names[group.pattern] = _indicator_names(group.keys)
        return self._names[group.pattern]

    def remove(self, pattern: str) -> int:
        """Take a group out (assigned); returns the row it had among the shown (-1: not shown)."""
        row = next((i for i, g in enumerate(self.shown) if g.pattern == pattern), -1)
        self.groups = [g for g in self.groups if g.pattern != pattern]
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.shown[row]
            self.endRemoveRows()
        return row

    def row_of(self, pattern: str) -> int:
        return next((i for i, g in enumerate(self.shown) if g.pattern == pattern), -1)

    def group(self, row: int) -> ReviewGroup | None:
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.COLUMNS[section])
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return {
                self.PATTERN: tr("数字前面的说法（时间词、书名去掉，数字写作 N）"),
                self.COUNT: tr("这一组待核对的数字个数"),
                self.DOCS: tr("这些数字出自多少份报告"),
                self.KEYS: tr("部分数字已被猜测归入、但可信度低的指标"),
            }.get(section)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        group = self.group(index.row())
        if group is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                group.pattern, group.count, group.documents, group.unit, self.names(group), group.example,
            )[col]
        if role == SNIPPET_ROLE and col == self.EXAMPLE:
            return (group.example, [group.span] if group.span else [])
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.PATTERN, self.EXAMPLE):
            return group.example
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.COUNT, self.DOCS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == KEY_ROLE:
            return group.pattern
        return None


# ---------------------------------------------------------------------------------------------- undo


class ReviewCommand(QUndoCommand):
    """File a group under an indicator (key) or 否决 it (key ""); undo puts its figures back as they were
    and takes the learned synonym out of the per-user dictionary."""

    def __init__(self, view: ReviewView, group: ReviewGroup, key: str, doc_type: str | None) -> None:
        label = domain.STATUS_NAMES["rejected"] if not key else tr("归入指标“{0}”").format(_indicator_names([key]))
        super().__init__(tr("待核对：{0}（{1}，{2} 个数字）").format(label, group.pattern, group.count))
        self.view = view
        self.pattern = group.pattern
        self.key = key
        self.doc_type = doc_type
        self.done: list[review.Assignment] = []  # set on the writer, read by the undo job there
        self.first = True

    def redo(self) -> None:
        pattern, key, doc_type, done = self.pattern, self.key, self.doc_type, self.done
        again = not self.first
        self.first = False

        def job(archive: Archive, *_: Any) -> review.Assignment:
            if key:
                result = review.assign_key(archive, pattern, key, doc_type=doc_type)
            else:
                result = review.reject_group(archive, pattern, doc_type=doc_type)
            done[:] = [result]
            return result

        view = self.view
        view.write(job, lambda _r: view.written(pattern, key, again))

    def undo(self) -> None:
        done, view, pattern = self.done, self.view, self.pattern

        def job(archive: Archive, *_: Any) -> None:
            for assignment in done:
                review.undo_assignment(archive, assignment)
            done.clear()

        view.write(job, lambda _r: view.reload(select=pattern))


# ---------------------------------------------------------------------------------------------- the view


class _PickerFilter(QLineEdit):
    """The picker's search box: ↑/↓ move in the indicator list, Ctrl+↑/↓ (and PgUp/PgDn) to another group."""

    def __init__(self, view: ReviewView) -> None:
        super().__init__(view)
        self.view = view

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not ctrl:
            self.view.step_indicator(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown) or (ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down)):
            self.view.step_group(-1 if key in (Qt.Key.Key_Up, Qt.Key.Key_PageUp) else 1)
            return
        super().keyPressEvent(event)


class ReviewView(QWidget):
    """The 待核对 tab (see the module docstring)."""

    groupsShown = Signal(int)  # groups listed after a load (tests, benchmarks)
    factsShown = Signal(int)  # figures of the selected group listed
    assigned = Signal(str, str)  # pattern, key ("" = 否决) once written

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("reviewView")
        self.window_ = window
        self._generation = 0
        self._facts_generation = 0
        self._stale = True
        self.facts: list[GroupFact] = []
        self.doc_type: str | None = None
        self._types_known = False
        self._truncated = False
        self._facts_pattern: str | None = None  # the group whose figures the second list shows
        self._search: list[str] = []  # per indicator of the picker: the words it is found by

        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.filterEdit = QLineEdit(self)
        self.filterEdit.setObjectName("reviewFilter")
        self.filterEdit.setPlaceholderText(tr("筛选说法或例句"))
        self.filterEdit.setToolTip(tr("只列出说法、单位、例句或已猜指标中含这些字词的组（空格分开几个词）"))
        self.filterEdit.setClearButtonEnabled(True)
        self.filterEdit.setMinimumWidth(self.fontMetrics().horizontalAdvance("筛选说法或例句") + 60)
        self.filterEdit.setMaximumWidth(320)
        self.filterEdit.textChanged.connect(self._filter_changed)
        bar.addWidget(self.filterEdit)
        self.typeBox = QComboBox(self)
        self.typeBox.setObjectName("reviewTypeFilter")
        self.typeBox.setToolTip(tr("只看这一类报告中的待核对数字"))
        self.typeBox.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.typeBox.addItem(tr("全部类型"), ALL_TYPES)
        self.typeBox.currentIndexChanged.connect(self._type_changed)
        bar.addWidget(self.typeBox)
        self.countLabel = QLabel(self)
        self.countLabel.setObjectName("reviewCount")
        bar.addWidget(self.countLabel, 1)
        self.undoButton = QPushButton(tr("撤销"), self)
        self.undoButton.setObjectName("reviewUndoButton")
        self.undoButton.setToolTip(tr("撤销上一次归类（Ctrl+Z）"))
        self.undoButton.clicked.connect(window.undo_stack.undo)
        window.undo_stack.canUndoChanged.connect(self.undoButton.setEnabled)
        self.undoButton.setEnabled(window.undo_stack.canUndo())
        bar.addWidget(self.undoButton)
        self.refreshButton = QPushButton(tr("刷新"), self)
        self.refreshButton.setObjectName("reviewRefreshButton")
        self.refreshButton.clicked.connect(lambda _checked=False: self.reload())
        bar.addWidget(self.refreshButton)
        root.addLayout(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reviewSplitter")
        self.model = GroupModel(self)
        self.groupTable = QTableView(self.splitter)
        self.groupTable.setObjectName("reviewGroups")
        self.groupTable.setModel(self.model)
        self.groupTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.groupTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.groupTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.groupTable.setWordWrap(False)
        self.groupTable.verticalHeader().setVisible(False)
        self.groupTable.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.groupTable.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.groupTable.setItemDelegateForColumn(GroupModel.EXAMPLE, SnippetDelegate(self.groupTable))
        header = self.groupTable.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        for col, sample in ((0, "向广大企业和群众发放资料N份"), (1, "条数00"), (2, "份数00"), (3, "平方公里"),
                            (4, "行政复议案件数")):
            self.groupTable.setColumnWidth(col, metrics.horizontalAdvance(sample) + 16)
        self.groupTable.selectionModel().currentRowChanged.connect(lambda *_: self._group_changed())
        self.groupTable.activated.connect(lambda _index: self.focus_picker())

        right = QWidget(self.splitter)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        self.groupLabel = QLabel(right)
        self.groupLabel.setObjectName("reviewGroupLabel")
        self.groupLabel.setWordWrap(True)
        self.groupLabel.setTextFormat(Qt.TextFormat.PlainText)
        side.addWidget(self.groupLabel)
        self.factTable = QTableWidget(0, 4, right)
        self.factTable.setObjectName("reviewFacts")
        self.factTable.setHorizontalHeaderLabels([tr("年度"), tr("报告"), tr("数值"), tr("原文")])
        self.factTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.factTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.factTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.factTable.setWordWrap(False)
        self.factTable.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a title's year and type stay in sight
        self.factTable.verticalHeader().setVisible(False)
        self.factTable.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.factTable.horizontalHeader().setStretchLastSection(True)
        self.factTable.setColumnWidth(0, metrics.horizontalAdvance("20240") + 12)
        self.factTable.setColumnWidth(1, metrics.horizontalAdvance("某某市某某区司法局2024年") + 12)
        self.factTable.setColumnWidth(2, metrics.horizontalAdvance("12345.6万") + 12)
        self.factTable.setItemDelegateForColumn(3, SnippetDelegate(self.factTable))
        self.factTable.setToolTip(tr("回车或双击：在阅读页打开这份报告，定位到这个数字"))
        self.factTable.activated.connect(lambda index: self.open_fact(index.row()))
        self.factTable.doubleClicked.connect(lambda index: self.open_fact(index.row()))
        side.addWidget(self.factTable, 2)

        pick = QLabel(tr("把这一组归入指标（输入指标名称、代码或原文说法筛选，回车归入）："), right)
        pick.setWordWrap(True)
        side.addWidget(pick)
        self.indicatorFilter = _PickerFilter(self)
        self.indicatorFilter.setObjectName("reviewIndicatorFilter")
        self.indicatorFilter.setPlaceholderText(tr("如“复议”“出庭”“规范性文件”，↑↓ 选择，回车归入"))
        self.indicatorFilter.setClearButtonEnabled(True)
        self.indicatorFilter.textChanged.connect(self._filter_indicators)
        self.indicatorFilter.returnPressed.connect(self.assign_current)
        side.addWidget(self.indicatorFilter)
        self.indicatorList = QListWidget(right)
        self.indicatorList.setObjectName("reviewIndicatorList")
        self.indicatorList.itemActivated.connect(lambda _item: self.assign_current())
        side.addWidget(self.indicatorList, 3)
        buttons = QHBoxLayout()
        self.assignButton = QPushButton(tr("归入所选指标"), right)
        self.assignButton.setObjectName("reviewAssignButton")
        self.assignButton.setToolTip(tr("这一组的数字都归入所选指标；这种说法记入个人词典，以后导入和重新分析时自动归入"))
        self.assignButton.clicked.connect(self.assign_current)
        self.rejectButton = QPushButton(tr("不是指标（{0}）").format(tr("否决")), right)
        self.rejectButton.setObjectName("reviewRejectButton")
        self.rejectButton.setToolTip(tr("这一组的数字都不是指标数字：标为“{0}”，不再导出；这种说法记入本档案，"
                                        "以后导入和重新分析的报告里同样说法的数字也不再列入待核对（Ctrl+Delete）").format(
            domain.STATUS_NAMES["rejected"]))
        self.rejectButton.clicked.connect(self.reject_current)
        buttons.addWidget(self.assignButton)
        buttons.addWidget(self.rejectButton)
        buttons.addStretch(1)
        side.addLayout(buttons)
        self.reasonLabel = QLabel(right)
        self.reasonLabel.setObjectName("reviewReason")
        self.reasonLabel.setWordWrap(True)
        self.reasonLabel.setStyleSheet("color: #b3261e;")
        self.reasonLabel.hide()
        side.addWidget(self.reasonLabel)
        self.splitter.addWidget(self.groupTable)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        root.addWidget(self.splitter, 1)

        reject = QShortcut(QKeySequence("Ctrl+Delete"), self)
        reject.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        reject.activated.connect(self.reject_current)
        self._fill_indicators("")
        window.writeFinished.connect(self._after_write)
        window.importFinished.connect(lambda _report: self._mark_stale())
        self.set_read_only(window.read_only)

    # ------------------------------------------------------------------ state
    def set_read_only(self, read_only: bool) -> None:
        """A read-only archive: the queue shows, nothing offers to change it (the reason says why)."""
        for widget in (self.assignButton, self.rejectButton, self.indicatorFilter, self.indicatorList):
            widget.setEnabled(not read_only)
        self.reasonLabel.setText(tr("档案以只读方式打开：可以查看待核对的数字，不能归类。") if read_only else "")
        self.reasonLabel.setVisible(read_only)

    def current_group(self) -> ReviewGroup | None:
        index = self.groupTable.currentIndex()
        return self.model.group(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        n = self.model.rowCount()
        if n == 0:
            self._group_changed()
            return
        row = max(0, min(row, n - 1))
        index = self.model.index(row, 0)
        self.groupTable.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.groupTable.scrollTo(index)

    def select_pattern(self, pattern: str) -> bool:
        row = self.model.row_of(pattern)
        if row >= 0:
            self.select_row(row)
        return row >= 0

    def _update_count(self) -> None:
        groups = self.model.groups
        facts = sum(g.count for g in groups)
        text = tr("{0} 组、{1} 个数字待核对").format(len(groups), facts)
        if len(self.model.shown) != len(groups):
            text += tr("（筛选出 {0} 组）").format(len(self.model.shown))
        if self._truncated:
            text += tr("（先列出最大的 {0} 组）").format(GROUP_LIMIT)
        self.countLabel.setText(text)

    # ------------------------------------------------------------------ reads (reader worker)
    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            QTimer.singleShot(0, self.reload)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def archive_opened(self) -> None:
        """Another archive is open: start over (types, groups, read-only state)."""
        self._types_known = False
        self.model.set_groups([])
        self._facts_pattern = None
        self.facts = []
        self.factTable.setRowCount(0)
        self.set_read_only(self.window_.read_only)
        self._stale = True
        if self.isVisible():
            self.reload()

    def reload(self, select: str | None = None) -> None:
        """List the groups on the reader; keep the selected group (or select `select`)."""
        reader = self.window_.reader
        if reader is None:
            return
        self._stale = False
        self._generation += 1
        generation = self._generation
        current = self.current_group()
        keep = select or (current.pattern if current is not None else None)
        row = self.groupTable.currentIndex().row()
        doc_type = self.doc_type
        want_types = not self._types_known
        if not self.model.groups:
            self.countLabel.setText(tr("正在读取待核对的数字…"))

        def job(archive: Archive, *_: Any) -> tuple[list[ReviewGroup], list[tuple[str, int]] | None, str | None, bool]:
            types = review.document_types(archive) if want_types else None
            kind = default_type(types, doc_type) if types is not None else doc_type
            groups = review.review_groups(archive, limit=GROUP_LIMIT + 1, doc_type=kind)
            return groups, types, kind, review.patterns_missing(archive)

        def done(result: Any) -> None:
            if generation != self._generation:
                return
            groups, types, kind, missing = result
            if types is not None:
                self._set_types(types, kind)
            self._truncated = len(groups) > GROUP_LIMIT
            self._facts_pattern = None  # read the selected group's figures again
            self.model.set_groups(groups[:GROUP_LIMIT])
            # 已猜指标 only when some group has a guess (most queued figures have none)
            self.groupTable.setColumnHidden(GroupModel.KEYS, not any(g.keys for g in self.model.groups))
            self._update_count()
            if not (keep and self.select_pattern(keep)):
                self.select_row(row if row >= 0 else 0)
            self.groupsShown.emit(self.model.rowCount())
            if missing and not self.window_.read_only:
                self.write(lambda a, *_: review.fill_patterns(a), lambda _n: self.reload())

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                log.warning("review queue: %s", exc)
                self.countLabel.setText(tr("无法读取待核对的数字：{0}").format(exc))

        reader.submit(job, on_done=done, on_error=failed, name="review")

    def _set_types(self, types: list[tuple[str, int]], chosen: str | None) -> None:
        self._types_known = True
        self.typeBox.blockSignals(True)
        self.typeBox.clear()
        self.typeBox.addItem(tr("全部类型"), ALL_TYPES)
        for name, n in types:
            self.typeBox.addItem(tr("{0}（{1} 份）").format(name, n), name)
        self.typeBox.setCurrentIndex(max(0, self.typeBox.findData(chosen)) if chosen else 0)
        self.doc_type = chosen
        self.typeBox.blockSignals(False)

    def _type_changed(self, index: int) -> None:
        value = self.typeBox.itemData(index)
        self.doc_type = str(value) if value else None
        self.reload()

    def _filter_changed(self, text: str) -> None:
        current = self.current_group()
        self.model.set_filter(text)
        self._update_count()
        if not (current is not None and self.select_pattern(current.pattern)):
            self.select_row(0)

    def _group_changed(self) -> None:
        group = self.current_group()
        if group is not None and group.pattern == self._facts_pattern:
            return  # the same group again (the filter changed around it): its figures are listed
        self._facts_pattern = group.pattern if group is not None else None
        self._facts_generation += 1
        generation = self._facts_generation
        self.factTable.setRowCount(0)
        self.facts = []
        if group is None:
            self.groupLabel.setText(tr("没有待核对的数字。") if not self.model.groups else "")
            self._fill_indicators("")
            return
        self.groupLabel.setText(tr("“{0}”：{1} 个数字，出自 {2} 份报告").format(group.pattern, group.count, group.documents))
        self._fill_indicators(group.unit, group.keys[0] if group.keys else None)
        reader = self.window_.reader
        if reader is None:
            return
        pattern, doc_type = group.pattern, self.doc_type

        def job(archive: Archive, *_: Any) -> list[GroupFact]:
            return review.group_facts(archive, pattern, doc_type=doc_type)

        def done(facts: Any) -> None:
            if generation == self._facts_generation:
                self._show_facts(facts)

        reader.submit(job, on_done=done, on_error=lambda exc: log.warning("review facts: %s", exc), name="review-facts")

    def _show_facts(self, facts: list[GroupFact]) -> None:
        self.facts = facts
        table = self.factTable
        table.setRowCount(len(facts))
        for row, fact in enumerate(facts):
            value = fact.qualifier + format_value(fact.value) + fact.unit
            cells = ["" if fact.year is None else str(fact.year), fact.title, value, fact.sentence]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(FACT_ROLE, row)
                if col == 3:
                    item.setData(SNIPPET_ROLE, (fact.sentence, [fact.span] if fact.span else []))
                item.setToolTip(text)
                table.setItem(row, col, item)
        self.factsShown.emit(len(facts))

    # ------------------------------------------------------------------ the indicator picker
    def _fill_indicators(self, unit: str, current: str | None = None) -> None:
        """The dictionary, indicators whose units fit the group's first (others greyed), filter kept."""
        from core.indicators import default_dictionary

        fitting: list[Any] = []
        other: list[Any] = []
        for ind in default_dictionary():
            units = tuple(getattr(ind, "units", ()) or ())
            fits = not unit or not units or any(domain.same_unit(unit, u) for u in units)
            (fitting if fits else other).append(ind)
        self.indicatorList.clear()
        self._search = []
        for ind in fitting + other:
            unit_text = "、".join(getattr(ind, "units", ()) or ())
            item = QListWidgetItem(f"{ind.name}　〔{ind.area}〕" + (f"　{unit_text}" if unit_text else ""))
            item.setData(KEY_ROLE, ind.key)
            item.setToolTip(tr("代码：{0}\n原文说法：{1}").format(ind.key, "、".join(ind.synonyms[:12])))
            if ind in other:
                item.setForeground(UNFITTING)
                item.setToolTip(item.toolTip() + "\n" + tr("单位与这一组（{0}）不符").format(unit))
            self._search.append(" ".join([ind.name, ind.area, ind.key, *ind.synonyms]).lower())
            self.indicatorList.addItem(item)
        self._filter_indicators(self.indicatorFilter.text(), current)

    def _filter_indicators(self, text: str, current: str | None = None) -> None:
        """Show the indicators whose name, area, key or synonyms hold every typed word; the first (or
        `current`, the key the group's figures were guessed under) becomes current: Enter files the group."""
        words = text.lower().split()
        first = chosen = None
        for row in range(self.indicatorList.count()):
            item = self.indicatorList.item(row)
            visible = all(w in self._search[row] for w in words)
            item.setHidden(not visible)
            if visible:
                first = first or item
                if current and item.data(KEY_ROLE) == current:
                    chosen = item
        # nothing typed and no guess: no indicator is current, so a stray Enter files nothing
        target = chosen or (first if words else None)
        if target is not None:
            self.indicatorList.setCurrentItem(target)
            self.indicatorList.scrollToItem(target)
        else:
            self.indicatorList.setCurrentRow(-1)

    def visible_keys(self) -> list[str]:
        return [str(self.indicatorList.item(r).data(KEY_ROLE)) for r in range(self.indicatorList.count())
                if not self.indicatorList.item(r).isHidden()]

    def step_indicator(self, step: int) -> None:
        rows = [r for r in range(self.indicatorList.count()) if not self.indicatorList.item(r).isHidden()]
        if not rows:
            return
        current = self.indicatorList.currentRow()
        at = rows.index(current) + step if current in rows else 0
        self.indicatorList.setCurrentRow(rows[max(0, min(at, len(rows) - 1))])

    def step_group(self, step: int) -> None:
        self.select_row(self.groupTable.currentIndex().row() + step)

    def focus_picker(self) -> None:
        self.indicatorFilter.setFocus()
        self.indicatorFilter.selectAll()

    def chosen_key(self) -> str | None:
        item = self.indicatorList.currentItem()
        return None if item is None or item.isHidden() else str(item.data(KEY_ROLE))

    # ------------------------------------------------------------------ writes (writer worker, undoable)
    def assign_current(self) -> None:
        key = self.chosen_key()
        if key:
            self.assign(key)

    def reject_current(self) -> None:
        self.assign("")

    def assign(self, key: str) -> bool:
        """File the selected group under `key` ("" = 否决); the next group is selected at once."""
        group = self.current_group()
        if group is None or self.window_.read_only or self.window_.worker is None:
            return False
        row = self.model.remove(group.pattern)
        self._update_count()
        self.window_.undo_stack.push(ReviewCommand(self, group, key, self.doc_type))
        self.select_row(row)
        self.indicatorFilter.clear()
        self.focus_picker()
        return True

    def write(self, fn: Callable[..., Any], on_done: Callable[[Any], None]) -> None:
        self.window_.run_write(fn, None, name="review", on_done=on_done, on_error=lambda _exc: self.reload())

    def written(self, pattern: str, key: str, again: bool) -> None:
        """An assignment is stored (`again`: a redo after an undo, whose group is listed again)."""
        if again:
            self.model.remove(pattern)
            self._update_count()
            self.reload()
        self.assigned.emit(pattern, key)

    def _after_write(self, name: str) -> None:
        # edits elsewhere (the viewer's figures, trash, restore) change the queue: read it again when shown
        if name not in ("review", "reuse", "tags", "backup"):
            self._mark_stale()

    # ------------------------------------------------------------------ opening a figure
    def open_fact(self, row: int) -> None:
        """The report in the viewer (阅读), the figure selected in its text and in its 指标 list."""
        if not 0 <= row < len(self.facts):
            return
        fact = self.facts[row]
        window = self.window_
        viewer = window.viewer

        def once(doc_id: int) -> None:
            viewer.loaded.disconnect(once)
            if doc_id != fact.doc_id or viewer.doc_id != doc_id:
                return
            viewer.side.setCurrentIndex(viewer.side.indexOf(viewer.factsTable.parentWidget()))
            viewer.select_fact(fact.id)
            viewer.select_text(fact.start, fact.end)

        viewer.loaded.connect(once)  # before the load: it may finish at once or on the reader
        window.open_document(fact.doc_id)


def default_type(types: list[tuple[str, int]], current: str | None) -> str | None:
    """The type the queue starts on: the one chosen before if the archive has it; else, in an archive of
    several types, the annual reports (the dictionary's indicators are theirs); else all."""
    names = [name for name, _n in types]
    if current in names:
        return current
    return domain.ANNUAL_REPORT if domain.ANNUAL_REPORT in names and len(names) > 1 else None


def open_review(window: MainWindow) -> ReviewView:
    """The 待核对 tab of the window (made on first use), brought to the front and (re)read."""
    view: ReviewView | None = getattr(window, "review_view", None)
    tabs = window.tabs
    if view is None:
        view = ReviewView(window)
        window.review_view = view
        tabs.addTab(view, tr("待核对"))
    index = tabs.indexOf(view)
    view._stale = False  # read once below, not again when the tab shows
    tabs.setTabVisible(index, True)
    tabs.setCurrentIndex(index)
    view.reload()
    view.groupTable.setFocus()
    return view
