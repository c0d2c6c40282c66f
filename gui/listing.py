"""The archive table's listing: search box debounce, list/search on the reader thread, snippets, status, overlay."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from gui.models import SNIPPET_COLUMN

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Tag
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)


def build_snippets(archive: Archive, ids: Sequence[int], query: str) -> dict[int, tuple[str, list[tuple[int, int]]]]:
    """Snippet of the original text around the best match in each document, with spans (worker thread)."""
    from core.search import make_snippet

    result: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    for doc_id in ids:
        try:
            result[doc_id] = make_snippet(archive.get_text(doc_id), query)
        except Exception as exc:  # a missing row must not break the table
            log.warning("snippet for %s failed: %s", doc_id, exc)
            result[doc_id] = ("", [])
    return result


def _interrupted(exc: BaseException | None, cancelled: type[BaseException]) -> bool:
    """Did this error come from Archive.interrupt() (SearchCancelledError, or SQLite's SQLITE_INTERRUPT
    raised by a query outside the search paths)?"""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, cancelled) or getattr(exc, "sqlite_errorname", "") == "SQLITE_INTERRUPT":
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def sort_in_python(archive: Archive, ids: list[int], key: str, descending: bool) -> list[int]:
    """Sort on what core cannot sort (tags, structure, 重复率) on the reader thread.

    Reads only the columns the order needs, over the whole table in one query (no Document objects): at
    100,000 reports that is a fraction of a second where fetching every row as a Document took seconds.
    """
    if key == "@reuse":
        from gui.reuse_view import sort_ids

        return sort_ids(archive, ids, descending)
    wanted = set(ids)
    conn = archive.connection
    if key == "@tags":
        names: dict[int, list[str]] = {}
        for doc_id, name in conn.execute(
            "SELECT dt.doc_id, t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id"
            " ORDER BY t.name COLLATE NOCASE"
        ):
            if doc_id in wanted:
                names.setdefault(int(doc_id), []).append(str(name))
        joined = {doc_id: "、".join(tags) for doc_id, tags in names.items()}
        return sorted(ids, key=lambda i: (joined.get(i) or "\uffff", i), reverse=descending)
    # structure: annual reports first, then by number of missing parts, late last (as the 结构 column reads)
    annual = ("法治政府建设年度报告", "法治政府建设工作报告")
    rank: dict[int, tuple[int, int, int, int]] = {}
    for doc_id, doc_type, missing, late in conn.execute("SELECT id, doc_type, missing_parts, late FROM documents"):
        if doc_id in wanted:
            rank[doc_id] = (0 if doc_type in annual else 1, len(json.loads(missing or "[]")), 1 if late else 0, doc_id)
    return sorted((i for i in ids if i in rank), key=lambda i: rank[i], reverse=descending)


class Listing:
    """Lists the ids for the query, tag filters, trash mode and sort (reader thread) and shows them."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    def current_query(self) -> str:
        return self.w.search_box.text().strip()

    def filter_kwargs(self) -> dict[str, Any]:
        tags_all, tags_any, tags_none = self.w.tag_pane.filters()
        return {"tags_all": tags_all, "tags_any": tags_any, "tags_none": tags_none, "deleted": self.w.trash_mode}

    def search_text_changed(self, text: str) -> None:
        # A new search lists the best matches first (the contract of searchBox); a column clicked after
        # that sorts the matches.
        if text.strip() and not self.w.model.query and self.w.model.sort_column >= 0:
            self.w.model.sort_column = -1
            header = self.w.table.horizontalHeader()
            header.blockSignals(True)  # the view would otherwise re-sort (and list) at once
            header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
            header.blockSignals(False)
            header.viewport().update()
        self.w._search_timer.start()

    def search_now(self) -> None:
        self.w._search_timer.stop()
        self.refresh()

    def refresh(self) -> None:
        """List the ids for the current query, tag filters, trash mode and sort, off the GUI thread."""
        if self.w.reader is None:
            return
        self.w._search_timer.stop()
        self.w._generation += 1
        generation = self.w._generation
        query = self.current_query()
        order_by, descending = self.w.model.order_by()
        if order_by is None and not query:
            order_by, descending = "imported_at", True
        filters = self.filter_kwargs()
        from gui.reuse_view import current_minimum, filter_ids

        reuse_minimum = current_minimum(self.w)
        if query:
            self.w.countLabel.setText(self.w.tr("正在搜索“{0}”…").format(query))

        def job(archive: Archive, *_: Any) -> tuple[list[int], int]:
            if order_by is not None and order_by.startswith("@"):
                ids = archive.list_ids(query=query or None, order_by=None, **filters)
                ids = sort_in_python(archive, ids, order_by, descending)
            else:
                ids = archive.list_ids(query=query or None, order_by=order_by, descending=descending, **filters)
            return filter_ids(archive, ids, reuse_minimum), archive.count()

        self.w.reader.interrupt("list")  # the previous keystroke's listing is of no use any more
        self.w.reader.submit(
            job,
            on_done=lambda r: self.apply_ids(generation, query, r),
            on_error=lambda exc: self.list_failed(generation, exc),
            name="list",
        )

    def list_failed(self, generation: int, exc: BaseException) -> None:
        """A listing/search that failed: say so in the status bar (typing must never pop up boxes)."""
        if generation != self.w._generation:
            return
        from core.errors import SearchCancelledError
        from gui.errors import is_expected, message_for

        if _interrupted(exc, SearchCancelledError):  # an interrupt meant for the listing before it: list again
            self.refresh()
            return

        if not is_expected(exc):
            log.error("listing failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.w.statusBar().showMessage(message_for(exc), 8000)
        self.w.refreshed.emit()

    def apply_ids(self, generation: int, query: str, result: tuple[list[int], int]) -> None:
        if generation != self.w._generation:
            return
        ids, total = result
        self.w.total_count = total
        selected = self.w.selected_ids()
        current = self.w.current_id()
        scroll = self.w.table.verticalScrollBar().value()
        same_listing = query == self.w.model.query
        self.w.model.set_ids(ids, query)
        if same_listing:
            self.w.table.verticalScrollBar().setValue(scroll)
        if self.w.table.isColumnHidden(SNIPPET_COLUMN) == bool(query):
            self.w.table.setColumnHidden(SNIPPET_COLUMN, not query)
            self.w.table.fit_columns()
        if selected:
            self.w.select_ids(selected, current)
        self.update_status()
        self.update_overlay()
        self.w._update_actions()
        self.w.refreshed.emit()

    def fetch_snippets(self, ids: list[int]) -> None:
        query = self.w.model.query
        if not query or self.w.reader is None:
            return
        self.w.reader.submit(
            lambda a, *_: build_snippets(a, ids, query),
            on_done=lambda snippets: self.w.model.set_snippets(snippets, query),
            on_error=lambda exc: log.warning("snippets failed: %s", exc),
            name="snippets",
        )

    def update_status(self) -> None:
        shown = self.w.model.rowCount()
        if self.w.trash_mode:
            text = self.w.tr("回收站中有 {0} 份文档").format(shown)
        elif self.current_query() or self.w.tag_pane.active:
            text = self.w.tr("显示 {0} 份（共 {1} 份）").format(shown, self.w.total_count)
        else:
            text = self.w.tr("共 {0} 份文档").format(shown)
        selected = len(self.w.selected_ids())
        if selected > 1:
            text += self.w.tr("，已选 {0} 份").format(selected)
        self.w.countLabel.setText(text)

    def update_overlay(self) -> None:
        if self.w.archive is None:
            return
        overlay = self.w.table.overlay
        if self.w.model.rowCount():
            self.w.table.show_overlay(False)
            return
        if self.w.trash_mode:
            overlay.set_content(self.w.tr("回收站是空的"), self.w.tr("删除的文档会先放在这里，可以恢复。"),
                                [("leave_trash", self.w.tr("返回档案"))])
        elif self.current_query() or self.w.tag_pane.active:
            overlay.set_content(
                self.w.tr("没有找到符合条件的文档"),
                self.w.tr("换一个搜索词，或清除标签筛选。"),
                [("clear_filters", self.w.tr("清除搜索和筛选"))],
            )
        else:
            buttons = [("import", self.w.tr("导入文件…")), ("import_folder", self.w.tr("导入文件夹…"))]
            if self.w.read_only:
                buttons = []
            elif self.w.imports.sample_files():
                buttons.append(("samples", self.w.tr("载入示例报告")))
            overlay.set_content(
                self.w.tr("把报告文件或文件夹拖到这里"),
                self.w.tr(
                    "支持 Word（.doc/.docx/.wps）、PDF、网页（.html）和文本（.txt）文件。\n"
                    "导入后可以全文搜索、加标签、查看结构和指标，并导出到 Excel。"
                ),
                buttons,
            )
        self.w.table.show_overlay(True)

    def on_overlay_button(self, key: str) -> None:
        actions: dict[str, Callable[[], Any]] = {
            "import": self.w.imports.import_interactive,
            "import_folder": self.w.imports.import_folder_interactive,
            "samples": self.w.load_samples,
            "clear_filters": self.clear_filters,
            "leave_trash": lambda: self.w.actionTrash.setChecked(False),
            "open": self.w.archives.open_archive_interactive,
            "open_read_only": lambda: self.w.open_archive(self.w.archive_path, read_only=True),
            "new": self.w.archives.new_archive_interactive,
            "restore": self.w.archives.restore_backup_interactive,
        }
        actions[key]()

    def clear_filters(self) -> None:
        self.w.search_box.blockSignals(True)
        self.w.search_box.clear()
        self.w.search_box.blockSignals(False)
        self.w.tag_pane.states.clear()
        self.w.tag_pane._repaint()
        self.refresh()

    def refresh_tags(self) -> None:
        if self.w.reader is None:
            return

        def done(tags: list[Tag]) -> None:
            self.w.tag_pane.set_tags(tags)
            self.w.tagsRefreshed.emit()

        self.w.reader.submit(lambda a, *_: a.tags(), on_done=done, name="tags")

    def focus_search(self) -> None:
        viewer: Any = self.w._viewer
        if viewer is not None and self.w.tabs.currentWidget() is self.w._viewer:
            viewer.show_find()
            return
        self.w.tabs.setCurrentIndex(0)
        self.w.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.w.search_box.selectAll()
