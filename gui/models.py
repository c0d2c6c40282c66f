"""Qt item models: the archive table over a list of ids with a lazy page cache, and the tag list."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from core import domain

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Document

DOC_IDS_MIME = "application/x-report-archive-doc-ids"
PAGE_SIZE = 200
CACHE_LIMIT = 4000

# The five required parts, named as everywhere else (core.domain).
PART_NAMES: dict[int, str] = domain.PART_NAMES

ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
NO_FLAGS = Qt.ItemFlag.NoItemFlags
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 1  # (text, [(start, end)…]) for the 摘要 delegate
DOC_ID_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("models", text)


def part_name(part: int) -> str:
    return tr(domain.part_name(part))


@dataclass(frozen=True)
class Column:
    key: str
    # order_by for core's list_ids; "@…" = sorted by the GUI's reader thread (core has no such column)
    title: str
    order_by: str | None
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("title", "标题", "title", 300),
    Column("agency", "发布机关", "agency", 140),
    Column("region", "地区", "region", 102),
    Column("report_year", "年度", "report_year", 72),
    Column("doc_type", "类型", "doc_type", 126),
    Column("publish_date", "发布日期", "publish_date", 86),
    Column("tags", "标签", "@tags", 90),
    Column("fact_count", "指标数", "fact_count", 50),
    Column("structure", "结构", "@structure", 76),
    Column("reuse", "重复率", "@reuse", 52),
    Column("snippet", "摘要", None, 360),
)
SNIPPET_COLUMN = len(COLUMNS) - 1


ANNUAL_TYPES = tuple(domain.STRUCTURE_RULE_TYPES)  # where the five-part check and the deadline apply


def structure_text(doc: Document) -> str:
    if not domain.structure_applies(doc.doc_type):
        return tr(domain.NOT_APPLICABLE)
    if not doc.missing_parts:
        text = tr(domain.COMPLETE)
    else:
        text = tr("缺 {0} 项").format(len(doc.missing_parts))
    if doc.late:
        text += tr("（逾期）")
    return text


def structure_tooltip(doc: Document) -> str:
    if not domain.structure_applies(doc.doc_type):
        return tr("{0}：五个必备部分和公开时限只适用于法治政府建设年度报告").format(tr(domain.NOT_APPLICABLE))
    lines = []
    if doc.missing_parts:
        lines.append(tr("缺少：") + "、".join(part_name(p) for p in doc.missing_parts))
    else:
        lines.append(tr("四个必备部分齐全"))
    if doc.late:
        lines.append(tr(domain.LATE_RULE))
    return "\n".join(lines)


def cell_text(doc: Document, key: str) -> str:
    if key == "tags":
        return "、".join(doc.tags)
    if key == "structure":
        return structure_text(doc)
    if key == "report_year":
        if doc.period:
            return doc.period
        return str(doc.report_year) if doc.report_year else ""
    value = getattr(doc, key, "")
    return "" if value is None else str(value)


class DocumentTableModel(QAbstractTableModel):
    """Rows are document ids; Documents are fetched a page at a time from the GUI thread's Archive.

    Searching and sorting happen in core (`list_ids` / `search_ids`); the window then calls `set_ids`.
    """

    snippetsWanted = Signal(list)  # doc ids whose snippet is not cached yet (window fetches off-thread)

    def __init__(self, archive: Archive | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._cache: dict[int, Document] = {}
        self._snippets: dict[int, tuple[str, list[tuple[int, int]]]] = {}
        self._snippets_pending: set[int] = set()
        self._reuse: dict[int, tuple[float, int | None] | None] = {}
        self.query = ""
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.sort_requested: Callable[[], None] | None = None

    # -- data management -------------------------------------------------------------------
    @property
    def ids(self) -> list[int]:
        return self._ids

    def set_archive(self, archive: Archive | None) -> None:
        self.beginResetModel()
        self.archive = archive
        self._ids = []
        self._row_of = {}
        self._cache.clear()
        self._snippets.clear()
        self._snippets_pending.clear()
        self.endResetModel()

    def set_ids(self, ids: Sequence[int], query: str = "", keep_cache: bool = True) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._row_of = {doc_id: row for row, doc_id in enumerate(self._ids)}
        if not keep_cache or len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        if query != self.query:
            self._snippets.clear()
            self._snippets_pending.clear()
        self.query = query
        self.endResetModel()

    def invalidate(self, ids: Sequence[int] | None = None) -> None:
        """Forget cached rows (all, or those ids) and repaint; call after a write."""
        if ids is None:
            self._cache.clear()
        else:
            for doc_id in ids:
                self._cache.pop(doc_id, None)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def set_snippets(self, snippets: dict[int, tuple[str, list[tuple[int, int]]]], query: str) -> None:
        if query != self.query:
            return
        self._snippets.update(snippets)
        for doc_id in snippets:
            self._snippets_pending.discard(doc_id)
        rows = [self._row_of[d] for d in snippets if d in self._row_of]
        if rows:
            self.dataChanged.emit(
                self.index(min(rows), SNIPPET_COLUMN), self.index(max(rows), SNIPPET_COLUMN)
            )

    def doc_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    def document(self, row: int) -> Document | None:
        if not 0 <= row < len(self._ids):
            return None
        doc_id = self._ids[row]
        doc = self._cache.get(doc_id)
        if doc is None:
            self._fetch_page(row)
            doc = self._cache.get(doc_id)
        return doc

    def documents(self, ids: Sequence[int]) -> list[Document]:
        """Documents for ids in the given order (cached where possible, the rest fetched in one call)."""
        missing = [d for d in ids if d not in self._cache]
        if missing and self.archive is not None:
            for start in range(0, len(missing), PAGE_SIZE):
                for doc in self.archive.get_documents(missing[start : start + PAGE_SIZE]):
                    self._cache[doc.id] = doc
        return [self._cache[d] for d in ids if d in self._cache]

    def _fetch_page(self, row: int) -> None:
        if self.archive is None:
            return
        start = (row // PAGE_SIZE) * PAGE_SIZE
        page = [d for d in self._ids[start : start + PAGE_SIZE] if d not in self._cache]
        if not page:
            return
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        for doc in self.archive.get_documents(page):
            self._cache[doc.id] = doc
        self._reuse_page(page)

    def _reuse_page(self, page: Sequence[int]) -> None:
        """重复率 of a page of rows (stored results; missing ones are being computed by the window)."""
        from gui.reuse_view import shares

        if self.archive is not None:
            found = shares(self.archive, page)
            for doc_id in page:
                self._reuse[doc_id] = found.get(doc_id)

    def _want_snippets(self, row: int) -> None:
        """Ask (once) for the snippets of the page around row; the window computes them off-thread."""
        if not self.query:
            return
        start = (row // PAGE_SIZE) * PAGE_SIZE
        page = self._ids[start : start + PAGE_SIZE]
        want = [d for d in page if d not in self._snippets and d not in self._snippets_pending]
        if want:
            self._snippets_pending.update(want)
            self.snippetsWanted.emit(want)

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(COLUMNS[section].title)
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].key == "structure":
                return tr("年度报告的四个必备部分是否齐全")
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == DOC_ID_ROLE:
            return self._ids[row]
        key = COLUMNS[col].key
        if key == "snippet":
            if role in (SNIPPET_ROLE, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                doc_id = self._ids[row]
                snippet = self._snippets.get(doc_id)
                if snippet is None:
                    self._want_snippets(row)
                    return None
                return snippet if role == SNIPPET_ROLE else snippet[0]
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
        ):
            return None
        doc = self.document(row)
        if doc is None:
            return None
        if key == "reuse":
            return self._reuse_data(self._ids[row], role)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(doc, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "structure":
                return structure_tooltip(doc)
            if key == "title":
                return f"{doc.title}\n{tr('文件：')}{doc.source_name}"
            text = cell_text(doc, key)
            return text or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "structure" and domain.structure_applies(doc.doc_type) and (doc.missing_parts or doc.late):
                return QBrush(QColor("#b3261e"))
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("report_year", "fact_count"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _reuse_data(self, doc_id: int, role: int) -> Any:
        from gui.reuse_view import HIGH_SHARE, share_text

        found = self._reuse.get(doc_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return share_text(found[0]) if found else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if not found:
                return tr("重复率尚未计算")
            return tr("{0} 的文字也出现在更早的文档中").format(share_text(found[0])) + (
                tr("，主要来源 #{0}").format(found[1]) if found[1] is not None else "")
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#b3261e")) if found and found[0] >= HIGH_SHARE else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        # called for every cell on select-all: keep it to one comparison (enum | costs microseconds)
        return ROW_FLAGS if index.isValid() else NO_FLAGS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The view asks; core sorts (list_ids(order_by=…)), then the window resets the model.
        self.sort_column = column
        self.sort_order = order
        if self.sort_requested is not None:
            self.sort_requested()

    def order_by(self) -> tuple[str | None, bool]:
        """(order_by, descending) for core; (None, …) means best match first / default order."""
        if 0 <= self.sort_column < len(COLUMNS):
            return COLUMNS[self.sort_column].order_by, self.sort_order == Qt.SortOrder.DescendingOrder
        return None, True

    # -- drag ----------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [DOC_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        ids = [self._ids[r] for r in rows]
        mime = QMimeData()
        mime.setData(DOC_IDS_MIME, QByteArray(json.dumps(ids).encode()))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


def encode_doc_ids(ids: Sequence[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(DOC_IDS_MIME, QByteArray(json.dumps(list(ids)).encode()))
    return mime


def decode_doc_ids(mime: QMimeData) -> list[int]:
    if not mime.hasFormat(DOC_IDS_MIME):
        return []
    try:
        data = json.loads(bytes(mime.data(DOC_IDS_MIME).data()).decode())
    except (ValueError, UnicodeDecodeError):
        return []
    return [int(x) for x in data if isinstance(x, int)]
