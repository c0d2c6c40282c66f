"""Actions on the selected documents: metadata, tags, trash, the reading tab, compare/trend/grid, copy."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QWidget

from gui.commands import MetadataCommand, TagCommand, TrashCommand
from gui.errors import show_error
from gui.models import COLUMNS, SNIPPET_COLUMN
from gui.table import copy_text, to_tsv, view_to_tsv
from gui.tag_commands import DeleteTagCommand, MergeTagsCommand, RenameTagCommand
from gui.ui import alive, ask, elide, get_item, inform

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Document
    from gui.main_window import MainWindow
    from gui.worker import Job

log = logging.getLogger(__name__)

COPY_SYNC_ROWS = 500


def documents_tsv(docs: Sequence[Document], titles: Sequence[str], keys: Sequence[str]) -> str:
    from gui.models import cell_text

    return to_tsv(titles, [[cell_text(d, key) for key in keys] for d in docs])


class DocumentActions:
    """Undoable edits go on the window's undo stack; reading and analysis windows open from here."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self._opening: int | None = None  # the document open_document asked the viewer for

    def tag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        """Add a tag to documents (undoable); also the drop handler of the tag pane."""
        docs = self.w.model.documents(list(ids))
        if docs and tag_name.strip():
            self.w.undo_stack.push(TagCommand(self.w, docs, [tag_name]))

    def untag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        docs = self.w.model.documents(list(ids))
        if docs and tag_name.strip():
            self.w.undo_stack.push(TagCommand(self.w, docs, [tag_name], add=False))

    def set_metadata(self, ids: Sequence[int], fields: dict[str, Any]) -> None:
        docs = self.w.model.documents(list(ids))
        if docs and fields:
            self.w.undo_stack.push(MetadataCommand(self.w, docs, fields))

    def create_tag(self, name: str) -> None:
        self.w.run_write(lambda a, *_: a.create_tag(name), None, "tags")

    def _tag_name(self, tag_id: int) -> str | None:
        tag = next((t for t in self.w.tag_pane.tags() if t.id == tag_id), None)
        return tag.name if tag is not None else None

    def rename_tag(self, tag_id: int, name: str) -> None:
        old = self._tag_name(tag_id)
        if old is not None and name.strip() and name.strip() != old:
            self.w.undo_stack.push(RenameTagCommand(self.w, old, name.strip()))

    def merge_tags(self, src_ids: Sequence[int], dst_id: int) -> None:
        sources = [n for n in (self._tag_name(i) for i in src_ids if i != dst_id) if n is not None]
        destination = self._tag_name(dst_id)
        if sources and destination is not None:
            self.w.undo_stack.push(MergeTagsCommand(self.w, sources, destination))
            self.w.statusBar().showMessage(self.w.tr("已合并标签（可撤销：Ctrl+Z）"), 5000)

    def delete_tag(self, tag_id: int) -> None:
        name = self._tag_name(tag_id)
        if name is not None:
            self.w.undo_stack.push(DeleteTagCommand(self.w, name))
            self.w.statusBar().showMessage(self.w.tr("已删除标签“{0}”（可撤销：Ctrl+Z）").format(name), 5000)

    def trash_selected(self) -> None:
        if self.w.trash_mode or self.w.tabs.currentWidget() is not self.w.table:
            return  # Delete while reading must not trash the rows selected in the hidden table
        ids = self.w.selected_ids()
        if ids:
            self.w.undo_stack.push(TrashCommand(self.w, ids))
            self.w.statusBar().showMessage(self.w.tr("已把 {0} 份文档移到回收站（可撤销）").format(len(ids)), 5000)

    def restore_selected(self) -> None:
        ids = self.w.selected_ids()
        if ids and self.w.trash_mode:
            self.w.undo_stack.push(TrashCommand(self.w, ids, restore=True))

    def purge_selected(self, confirm: bool = True) -> None:
        ids = self.w.selected_ids()
        if not ids or not self.w.trash_mode:
            return
        if confirm:
            if not ask(
                self.w,
                self.w.tr("彻底删除"),
                self.w.tr("彻底删除选中的 {0} 份文档？此操作不能撤销。").format(len(ids)),
                self.w.tr("彻底删除"),
                danger=True,
            ):
                return
        self.w.run_write(lambda a, *_: a.purge(ids), ids, "purge")

    def set_trash_mode(self, on: bool) -> None:
        self.w.trash_mode = bool(on)
        self.w.actionRestore.setVisible(self.w.trash_mode)
        self.w.actionPurge.setVisible(self.w.trash_mode)
        self.w.actionDelete.setVisible(not self.w.trash_mode)
        self.w.tabs.setTabText(0, self.w.tr("回收站") if self.w.trash_mode else self.w.tr("档案"))
        self.w.tabs.setCurrentIndex(0)
        self.w.table.clearSelection()
        self.w.refresh()

    def edit_metadata_interactive(self) -> None:
        docs = self.w.selected_documents()
        if not docs:
            return
        from gui.dialogs import MetadataDialog

        dialog = MetadataDialog(docs, self.w)
        if dialog.exec() and dialog.fields():
            self.set_metadata([d.id for d in docs], dialog.fields())
        dialog.deleteLater()

    def add_tag_interactive(self) -> None:
        self.tag_interactive(add=True)

    def remove_tag_interactive(self) -> None:
        self.tag_interactive(add=False)

    def tag_interactive(self, add: bool) -> None:
        docs = self.w.selected_documents()
        if not docs:
            return
        if add:
            names = sorted({t.name for t in self.w.tag_pane.tags()})
            label = self.w.tr("给选中的 {0} 份文档加标签：").format(len(docs))
        else:
            names = sorted({n for d in docs for n in d.tags})
            if not names:
                inform(self.w, self.w.tr("去掉标签"), self.w.tr("选中的文档没有标签。"))
                return
            label = self.w.tr("从选中的 {0} 份文档去掉标签：").format(len(docs))
        name, ok = get_item(self.w, self.w.tr("标签"), label, names, editable=add)
        name = name.strip()
        if ok and name:
            self.w.undo_stack.push(TagCommand(self.w, docs, [name], add=add))

    def on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_document(self.w.model.doc_id(index.row()))

    def close_tab(self, index: int) -> None:
        if index > 0:
            self.w.tabs.setTabVisible(index, False)
            self.w.tabs.setCurrentIndex(0)
            self.w.table.setFocus()

    def close_current_tab(self) -> None:
        """Ctrl+W: close the reading tab in front (the archive tab stays)."""
        index = self.w.tabs.currentIndex()
        if index > 0:
            self.close_tab(index)

    def open_selected(self) -> None:
        doc_id = self.w.current_id() or next(iter(self.w.selected_ids()), None)
        if doc_id is not None:
            self.open_document(doc_id)

    def open_document(self, doc_id: int) -> None:
        """Open `doc_id` in the reading tab; the tab comes forward once the document is read (on the reader)."""
        if self.w.archive is None:
            return
        self._opening = doc_id
        self.w.viewer.load(doc_id, self.w.current_query())

    def viewer_loaded(self, doc_id: int) -> None:
        if doc_id != self._opening:
            return  # a reload after a change: the tab stays as the user left it
        self._opening = None
        viewer = self.w.viewer
        index = self.w.tabs.indexOf(viewer)
        self.w.tabs.setTabVisible(index, True)
        self.w.tabs.setTabText(index, self.w.tr("阅读：{0}").format(elide(viewer.title, 18)))
        self.w.tabs.setCurrentIndex(index)

    def viewer_failed(self, doc_id: int, exc: BaseException) -> None:
        if doc_id == self._opening:
            self._opening = None
        show_error(self.w, exc)

    def reanalyse_selected(self, *, confirm: bool = True) -> Job | None:
        """重新分析: the selected documents (those listed when none is selected) analysed again on the writer,
        with today's rules and the user's dictionary (keys learned in 待核对); the clerk's work is kept."""
        w = self.w
        selected = w.selected_ids()
        targets = list(selected) if selected else list(w.model.ids)
        count = len(targets)
        if not count:
            return None
        if w.read_only:
            inform(w, w.tr("重新分析"), w.tr("档案以只读方式打开，不能重新分析。"))
            return None
        what = w.tr("选中的 {0} 份文档").format(count) if selected else w.tr("列表中的 {0} 份文档").format(count)
        if confirm and not ask(
            w, w.tr("重新分析"),
            w.tr("按当前规则和个人词典重新提取{0}的数据？\n人工确认、更正和添加的数据都会保留。").format(what),
            w.tr("重新分析"),
        ):
            return None

        def job(archive: Archive, progress: Any, cancel: Any) -> int:
            return int(archive.reanalyse(targets, progress=progress, cancel=cancel))

        def progress(done: int, total: int, _message: str) -> None:
            w.statusBar().showMessage(w.tr("正在重新分析：{0}/{1}").format(done, total))

        def done(n: int) -> None:
            w.statusBar().showMessage(w.tr("已重新分析 {0} 份文档").format(n), 10_000)

        return w.run_write(job, targets, name="reanalyse", on_done=done, on_progress=progress)

    def compare_selected(self) -> None:
        ids = self.w.selected_ids()
        if len(ids) != 2:
            inform(self.w, self.w.tr("对比"), self.w.tr("请在表格中选中两份文档再对比。"))
            return
        from gui.compare_view import CompareWindow

        self.keep(CompareWindow(self.w.archive_path, ids[0], ids[1], parent=self.w))

    def trend_selected(self) -> None:
        from gui.trend import TrendDialog

        ids = self.w.selected_ids() or list(self.w.model.ids)
        self.keep(TrendDialog(self.w.archive_path, ids, self.w))

    def reporting_grid(self) -> None:
        from gui.grid import ReportingGridDialog

        dialog = ReportingGridDialog(self.w.archive_path, self.w)
        dialog.documentRequested.connect(self.open_document)
        self.keep(dialog)

    def open_previous_year(self, doc_id: int) -> Job | None:
        """与上一年度对比: the previous year's report is looked up on the reader (not the GUI thread)."""
        reader = self.w.reader
        if reader is None:
            return None
        path = self.w.archive_path

        def job(archive: Archive, *_: Any) -> int | None:
            from core.agencies import previous_year_document

            return previous_year_document(archive, doc_id)

        def done(previous: int | None) -> None:
            from gui.compare_view import show_previous_year

            if path != self.w.archive_path:  # the archive was switched meanwhile
                return
            window = show_previous_year(path, previous, doc_id, self.w)
            if window is not None:
                self.keep(window)

        return reader.submit(job, on_done=done, on_error=lambda exc: show_error(self.w, exc), name="previous-year")

    def keep(self, widget: QWidget) -> None:
        self.w._children = [w for w in self.w._children if alive(w) and w.isVisible()]
        self.w._children.append(widget)
        widget.show()

    def copy_selection(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.copy()
            return
        viewer: Any = self.w._viewer
        if viewer is not None and self.w.tabs.currentWidget() is self.w._viewer and viewer.copy_focused():
            return
        if isinstance(focus, QTableView) and focus is not self.w.table:
            copy_text(view_to_tsv(focus))
            return
        self.copy_documents_tsv()

    def copy_documents_tsv(self) -> str:
        """Copy the selected rows of archiveTable (every visible column) as TSV; returns the text.

        Up to COPY_SYNC_ROWS rows are read on the GUI thread; more are read and formatted on the reader
        thread and reach the clipboard when ready (the text is then returned by `copyReady`).
        """
        ids = self.w.selected_ids()
        if not ids:
            return ""
        header = self.w.table.horizontalHeader()
        cols = [header.logicalIndex(v) for v in range(header.count())]
        cols = [c for c in cols if not self.w.table.isColumnHidden(c) and c != SNIPPET_COLUMN]
        titles = [self.w.tr(COLUMNS[c].title) for c in cols]
        keys = [COLUMNS[c].key for c in cols]

        def finish(text: str) -> None:
            copy_text(text)
            self.w.statusBar().showMessage(self.w.tr("已复制 {0} 行，可粘贴到 Excel 或 WPS").format(len(ids)), 4000)
            self.w.copyReady.emit(text)

        if len(ids) <= COPY_SYNC_ROWS or self.w.reader is None:
            text = documents_tsv(self.w.model.documents(ids), titles, keys)
            finish(text)
            return text
        self.w.statusBar().showMessage(self.w.tr("正在复制 {0} 行…").format(len(ids)))
        self.w.reader.submit(
            lambda a, *_: documents_tsv(
                [d for start in range(0, len(ids), 500) for d in a.get_documents(ids[start : start + 500])],
                titles,
                keys,
            ),
            on_done=finish,
            name="copy",
        )
        return ""

    def table_menu(self, pos: Any) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self.w)
        menu.addAction(self.w.actionOpenDoc)
        menu.addAction(self.w.actionCopy)
        menu.addSeparator()
        if self.w.trash_mode:
            menu.addAction(self.w.actionRestore)
            menu.addAction(self.w.actionPurge)
        else:
            menu.addAction(self.w.actionEditMeta)
            menu.addAction(self.w.actionAddTag)
            menu.addAction(self.w.actionRemoveTag)
            menu.addSeparator()
            menu.addAction(self.w.actionCompare)
            menu.addAction(self.w.actionTrend)
            menu.addSeparator()
            menu.addAction(self.w.actionDelete)
        menu.popup(self.w.table.viewport().mapToGlobal(pos))

    def about(self) -> None:
        from core import __version__

        inform(
            self.w,
            self.w.tr("关于报告档案"),
            self.w.tr(
                "报告档案 {0}\n\n收集、检索、比较法治政府建设年度报告等政府文件，并把其中的数字导出到 Excel。\n"
                "所有数据都保存在本机的档案文件中，不联网。\n\n当前档案：{1}"
            ).format(__version__, self.w.archive_path),
        )

    def open_log_folder(self) -> None:
        from core.paths import log_dir

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))
