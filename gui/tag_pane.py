"""The tag pane (dock `tagPane`): filter box, tags with counts and colours, include/exclude, AND/OR, drops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QColorDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gui.models import DOC_IDS_MIME, decode_doc_ids
from gui.ui import ask, get_item, get_text, inform

if TYPE_CHECKING:
    from core.models import Tag

INCLUDE = "include"
EXCLUDE = "exclude"
TAG_ID_ROLE = Qt.ItemDataRole.UserRole + 10
TAG_NAME_ROLE = Qt.ItemDataRole.UserRole + 11


class TagListView(QListView):
    """A list that accepts documents dragged from the archive table onto a tag."""

    docsDropped = Signal(list, str)  # doc ids, tag name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(DOC_IDS_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if event.mimeData().hasFormat(DOC_IDS_MIME) and index.isValid():
            self.setCurrentIndex(index)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        ids = decode_doc_ids(event.mimeData())
        if not index.isValid() or not ids:
            event.ignore()
            return
        event.acceptProposedAction()
        self.docsDropped.emit(ids, str(index.data(TAG_NAME_ROLE)))


class TagPane(QDockWidget):
    """Emits requests; the window runs them on the writer worker and calls `set_tags` with fresh counts."""

    filterChanged = Signal()
    docsDropped = Signal(list, str)  # doc ids, tag name: tag them
    createRequested = Signal(str)
    renameRequested = Signal(int, str)
    mergeRequested = Signal(list, int)  # source tag ids, destination tag id
    deleteRequested = Signal(int)
    colorRequested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagPane")
        self.setWindowTitle(self.tr("标签"))
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self._tags: list[Tag] = []
        self.states: dict[str, str] = {}

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.filterEdit = QLineEdit(body)
        self.filterEdit.setObjectName("tagFilter")
        self.filterEdit.setPlaceholderText(self.tr("筛选标签…"))
        self.filterEdit.setClearButtonEnabled(True)
        layout.addWidget(self.filterEdit)

        mode = QHBoxLayout()
        mode.setSpacing(6)
        mode.addWidget(QLabel(self.tr("多个标签："), body))
        self.andButton = QRadioButton(self.tr("同时具有"), body)
        self.andButton.setToolTip(self.tr("文档须具有所有选中的标签（AND）"))
        self.orButton = QRadioButton(self.tr("任一"), body)
        self.orButton.setToolTip(self.tr("文档具有任一选中的标签即可（OR）"))
        self.andButton.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.andButton)
        group.addButton(self.orButton)
        mode.addWidget(self.andButton)
        mode.addWidget(self.orButton)
        mode.addStretch(1)
        layout.addLayout(mode)

        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(TAG_NAME_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = TagListView(body)
        self.view.setObjectName("tagList")
        self.view.setModel(self.proxy)
        self.view.setIconSize(QSize(12, 12))
        self.view.setSpacing(1)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setToolTip(self.tr("单击：只看有此标签的 → 排除此标签 → 不筛选\n把表格中的文档拖到标签上即可加上标签"))
        layout.addWidget(self.view, 1)

        self.emptyLabel = QLabel(self.tr("还没有标签。\n右键单击此处新建，\n或在阅读页为文档加标签。"), body)
        self.emptyLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.emptyLabel.setStyleSheet("color: palette(mid);")
        self.emptyLabel.setWordWrap(True)
        self.emptyLabel.hide()
        layout.addWidget(self.emptyLabel, 1)

        buttons = QHBoxLayout()
        self.newButton = QPushButton(self.tr("新建标签"), body)
        self.clearButton = QPushButton(self.tr("清除筛选"), body)
        self.clearButton.setEnabled(False)
        buttons.addWidget(self.newButton)
        buttons.addWidget(self.clearButton)
        layout.addLayout(buttons)
        self.setWidget(body)

        self.filterEdit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.clicked.connect(self._on_clicked)
        self.view.docsDropped.connect(self.docsDropped)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.andButton.toggled.connect(lambda _checked: self._emit_filter())
        self.newButton.clicked.connect(self.create_interactive)
        self.clearButton.clicked.connect(self.clear_filter)
        body.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        body.customContextMenuRequested.connect(lambda _pos: self._context_menu(QPoint(-1, -1)))

    # -- state -------------------------------------------------------------------------------
    @property
    def mode_any(self) -> bool:
        return self.orButton.isChecked()

    def set_mode_any(self, value: bool) -> None:
        (self.orButton if value else self.andButton).setChecked(True)

    def filters(self) -> tuple[list[str], list[str], list[str]]:
        """(tags_all, tags_any, tags_none) for core's list_ids / search_ids."""
        included = [n for n, s in self.states.items() if s == INCLUDE]
        excluded = [n for n, s in self.states.items() if s == EXCLUDE]
        if self.mode_any:
            return [], included, excluded
        return included, [], excluded

    @property
    def active(self) -> bool:
        return bool(self.states)

    def tags(self) -> list[Tag]:
        return list(self._tags)

    def tag_by_name(self, name: str) -> Tag | None:
        return next((t for t in self._tags if t.name == name), None)

    def set_tags(self, tags: Sequence[Tag]) -> None:
        self._tags = sorted(tags, key=lambda t: t.name)
        names = {t.name for t in self._tags}
        dropped = [n for n in self.states if n not in names]
        for name in dropped:
            del self.states[name]
        self.model.clear()
        for tag in self._tags:
            item = QStandardItem()
            item.setData(tag.id, TAG_ID_ROLE)
            item.setData(tag.name, TAG_NAME_ROLE)
            item.setEditable(False)
            item.setDropEnabled(True)
            self.model.appendRow(item)
            self._paint(item, tag)
        self.emptyLabel.setVisible(not self._tags)
        self.view.setVisible(bool(self._tags))
        self.clearButton.setEnabled(self.active)
        if dropped:
            self._emit_filter()

    def _paint(self, item: QStandardItem, tag: Tag) -> None:
        state = self.states.get(tag.name)
        mark = {INCLUDE: "✓ ", EXCLUDE: "✗ "}.get(state or "", "    ")
        item.setText(f"{mark}{tag.name}（{tag.count}）")
        item.setData(QColor(tag.color) if tag.color else QColor("#c8c8c8"), Qt.ItemDataRole.DecorationRole)
        font = QFont()
        font.setBold(state == INCLUDE)
        font.setStrikeOut(state == EXCLUDE)
        item.setFont(font)
        if state == INCLUDE:
            item.setForeground(QBrush(QColor("#1b6e2a")))
        elif state == EXCLUDE:
            item.setForeground(QBrush(QColor("#b3261e")))
        else:
            item.setData(None, Qt.ItemDataRole.ForegroundRole)
        tips = {
            INCLUDE: self.tr("正在只看有此标签的文档；再单击改为排除"),
            EXCLUDE: self.tr("正在排除有此标签的文档；再单击取消筛选"),
        }
        item.setToolTip(tips.get(state or "", self.tr("单击只看有此标签的文档")))

    def _repaint(self) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            tag = self.tag_by_name(str(item.data(TAG_NAME_ROLE)))
            if tag is not None:
                self._paint(item, tag)
        self.clearButton.setEnabled(self.active)

    def cycle(self, name: str) -> str | None:
        """Advance one tag include → exclude → off; returns the new state."""
        state = self.states.get(name)
        new = INCLUDE if state is None else EXCLUDE if state == INCLUDE else None
        if new is None:
            self.states.pop(name, None)
        else:
            self.states[name] = new
        self._repaint()
        self._emit_filter()
        return new

    def clear_filter(self) -> None:
        if self.states:
            self.states.clear()
            self._repaint()
            self._emit_filter()

    def _emit_filter(self) -> None:
        self.clearButton.setEnabled(self.active)
        self.filterChanged.emit()

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.cycle(str(index.data(TAG_NAME_ROLE)))

    def index_of(self, name: str) -> QModelIndex:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(TAG_NAME_ROLE) == name:
                return index
        return QModelIndex()

    # -- context menu and interactive edits ---------------------------------------------------
    def _selected_tags(self) -> list[Tag]:
        names = [str(i.data(TAG_NAME_ROLE)) for i in self.view.selectionModel().selectedIndexes()]
        return [t for t in (self.tag_by_name(n) for n in names) if t is not None]

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos) if pos.x() >= 0 else QModelIndex()
        if index.isValid() and not self.view.selectionModel().isSelected(index):
            self.view.setCurrentIndex(index)
        tag = self.tag_by_name(str(index.data(TAG_NAME_ROLE))) if index.isValid() else None
        menu = QMenu(self)
        menu.addAction(self.tr("新建标签…"), self.create_interactive)
        if tag is not None:
            menu.addAction(self.tr("重命名…"), lambda: self.rename_interactive(tag))
            menu.addAction(self.tr("合并到…"), lambda: self.merge_interactive(self._selected_tags() or [tag]))
            menu.addAction(self.tr("颜色…"), lambda: self.color_interactive(tag))
            menu.addSeparator()
            menu.addAction(self.tr("删除标签"), lambda: self.delete_interactive(tag))
        menu.popup(self.view.viewport().mapToGlobal(pos) if pos.x() >= 0 else self.mapToGlobal(QPoint(20, 20)))

    def create_interactive(self) -> None:
        name, ok = get_text(self, self.tr("新建标签"), self.tr("标签名称："))
        name = name.strip()
        if ok and name:
            self.createRequested.emit(name)

    def rename_interactive(self, tag: Tag) -> None:
        name, ok = get_text(self, self.tr("重命名标签"), self.tr("新的名称："), tag.name)
        name = name.strip()
        if ok and name and name != tag.name:
            self.renameRequested.emit(tag.id, name)

    def merge_interactive(self, sources: list[Tag]) -> None:
        others = [t.name for t in self._tags if t not in sources]
        if not others:
            inform(self, self.tr("合并标签"), self.tr("没有可以合并到的其他标签。"))
            return
        names = "、".join(t.name for t in sources)
        target, ok = get_item(self, self.tr("合并标签"), self.tr("把“{0}”合并到：").format(names), others)
        dst = self.tag_by_name(target) if ok else None
        if dst is not None:
            self.mergeRequested.emit([t.id for t in sources], dst.id)

    def delete_interactive(self, tag: Tag) -> None:
        if ask(
            self,
            self.tr("删除标签"),
            self.tr("删除标签“{0}”？文档本身不会被删除，只是不再带有这个标签（{1} 份）。").format(tag.name, tag.count),
            self.tr("删除标签"),
        ):
            self.deleteRequested.emit(tag.id)

    def color_interactive(self, tag: Tag) -> None:
        color = QColorDialog.getColor(QColor(tag.color or "#4a90d9"), self, self.tr("标签颜色"))
        if color.isValid():
            self.colorRequested.emit(tag.id, color.name())
