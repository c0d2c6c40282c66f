"""The main window: archive table, tag pane, search box, viewer tab, menus, import/export, trash, undo.

Public for other windows: `archive_path`, `archive` (GUI-thread reads only), `worker` (the single writer:
`worker.submit(fn(archive, progress, cancel), on_done=…)`), `reader` (slow reads), `selected_ids()`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTabBar,
    QTableView,
    QTabWidget,
    QToolBar,
    QWidget,
)

from gui.commands import MetadataCommand, TagCommand, TrashCommand
from gui.errors import show_error
from gui.models import COLUMNS, SNIPPET_COLUMN, DocumentTableModel
from gui.settings import Settings
from gui.table import ArchiveTableView, SnippetDelegate, copy_text, to_tsv, view_to_tsv
from gui.tag_pane import TagPane
from gui.ui import ask, get_item, inform
from gui.worker import Job, JobFn, Worker

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Document, ImportReport, Tag

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 250
STARTUP_ENV = "REPORT_ARCHIVE_STARTUP_TIMING"
IMPORT_REFRESH_S = 3.0
COPY_SYNC_ROWS = 500
AUTO_BACKUP_DELAY_MS = 1500  # after the first listing has had the disk to itself
AUTO_BACKUP_KEEP = 7  # daily copies kept by core.backups.rotate_backups


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


def documents_tsv(docs: Sequence[Document], titles: Sequence[str], keys: Sequence[str]) -> str:
    from gui.models import cell_text

    return to_tsv(titles, [[cell_text(d, key) for key in keys] for d in docs])


def sort_in_python(archive: Archive, ids: list[int], key: str, descending: bool) -> list[int]:
    """Sort on what core cannot sort (tags, structure) by fetching the rows (reader thread)."""
    docs = archive.get_documents(ids)
    if key == "@tags":
        docs.sort(key=lambda d: ("、".join(d.tags) or "\uffff", d.id), reverse=descending)
    else:  # structure: complete first, then by number of missing parts, late last
        def rank(d: Document) -> tuple[int, int, int, int]:
            annual = d.doc_type in ("法治政府建设年度报告", "法治政府建设工作报告")
            return (0 if annual else 1, len(d.missing_parts), 1 if d.late else 0, d.id)

        docs.sort(key=rank, reverse=descending)
    return [d.id for d in docs]


class MainWindow(QMainWindow):
    refreshed = Signal()  # the table shows the result of the latest list/search
    importFinished = Signal(object)  # ImportReport
    writeFinished = Signal(str)  # name of the write job
    tagsRefreshed = Signal()
    firstShown = Signal()
    copyReady = Signal(str)  # TSV text once it is on the clipboard
    backupRotated = Signal(object)  # the automatic backup: its Path, None (today's exists), or the exception
    backupRestored = Signal(object)  # after 从备份恢复: where the replaced archive was moved (Path | None)
    localCopied = Signal(object)  # the local copy (Path) that is now open
    _restoreDone = Signal(object, object)  # (aside path, exception) from the restore thread

    def __init__(self, archive_path: Path, settings: Settings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings or Settings()
        self.archive_path = Path(archive_path)
        self.archive: Archive | None = None
        self.worker: Worker | None = None
        self.reader: Worker | None = None
        self.open_error: BaseException | None = None
        self.trash_mode = False
        self.read_only = False
        self.total_count = 0
        self._generation = 0
        self._import_jobs: list[Job] = []
        self._shown_once = False
        self._startup_marks: set[str] = set()
        self._last_import_refresh = time.monotonic()
        self.import_summary: QWidget | None = None
        self.export_dialog: QWidget | None = None
        self._children: list[QWidget] = []
        self.restore_dialog: QWidget | None = None
        self._restoring = False
        self._restoreDone.connect(self._restore_finished)
        self.undo_stack = QUndoStack(self)

        self.setWindowTitle(self.tr("报告档案"))
        self.setAcceptDrops(True)

        self.model = DocumentTableModel(None, self)
        self.table = ArchiveTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(SNIPPET_COLUMN, SnippetDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.model.sort_requested = self.refresh
        for i, col in enumerate(COLUMNS):
            self.table.setColumnWidth(i, col.width)
        self.table.setColumnHidden(SNIPPET_COLUMN, True)
        # 摘要 (shown while searching) sits right after 标题 unless the user moves it
        self.table.horizontalHeader().moveSection(SNIPPET_COLUMN, 1)
        self.model.snippetsWanted.connect(self._fetch_snippets)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.activated.connect(self._on_double_clicked)
        self.table.overlay.buttonClicked.connect(self._on_overlay_button)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.table, self.tr("档案"))
        self.tabs.setTabsClosable(True)
        self.tabs.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)  # the archive tab stays
        self.tabs.tabCloseRequested.connect(self._close_tab)
        self._viewer: Any = None
        self.setCentralWidget(self.tabs)

        self.tag_pane = TagPane(self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tag_pane)
        self.tag_pane.filterChanged.connect(self.refresh)
        self.tag_pane.docsDropped.connect(self.tag_documents)
        self.tag_pane.createRequested.connect(self._create_tag)
        self.tag_pane.renameRequested.connect(
            lambda tag_id, name: self.run_write(lambda a, *_: a.rename_tag(tag_id, name), None, "tags")
        )
        self.tag_pane.mergeRequested.connect(
            lambda src, dst: self.run_write(lambda a, *_: a.merge_tags(src, dst), None, "tags")
        )
        self.tag_pane.deleteRequested.connect(
            lambda tag_id: self.run_write(lambda a, *_: a.delete_tag(tag_id), None, "tags")
        )
        self.tag_pane.colorRequested.connect(
            lambda tag_id, color: self.run_write(lambda a, *_: a.set_tag_color(tag_id, color), None, "tags")
        )
        self.tag_pane.set_mode_any(self.settings.tag_mode_any)

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(self.tr("搜索全文（Ctrl+F）"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(260)
        self.search_box.setMaximumWidth(420)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(self._search_text_changed)
        self.search_box.returnPressed.connect(self._search_now)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_statusbar()
        self.open_archive(self.archive_path, remember=True)
        self._restore_layout()

    # ------------------------------------------------------------------ construction
    def _action(  # noqa: PLR0917
        self,
        text: str,
        slot: Callable[..., Any] | None = None,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        name: str = "",
        checkable: bool = False,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if name:
            action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if checkable:
            action.setCheckable(True)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if slot is not None:
            if checkable:
                action.toggled.connect(slot)
            else:
                action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        tr = self.tr
        self.actionNewArchive = self._action(tr("新建档案…"), self.new_archive_interactive, name="actionNewArchive")
        self.actionOpenArchive = self._action(tr("打开档案…"), self.open_archive_interactive, name="actionOpenArchive")
        self.actionBackup = self._action(tr("备份档案…"), self.backup_interactive, name="actionBackup")
        self.actionRestoreBackup = self._action(
            tr("从备份恢复…"), self.restore_backup_interactive, name="actionRestoreBackup",
            tip=tr("用每天的自动备份替换当前档案（当前档案会改名保留）"),
        )
        self.actionImport = self._action(
            tr("导入…"), self.import_interactive, QKeySequence.StandardKey.Open, "actionImport",
            tip=tr("导入报告文件（也可以直接把文件拖到窗口里）"),
        )
        self.actionImportFolder = self._action(
            tr("导入文件夹…"), self.import_folder_interactive, "Ctrl+Shift+O", "actionImportFolder"
        )
        self.actionExport = self._action(
            tr("导出…"), self.export_interactive, "Ctrl+E", "actionExport", tip=tr("把文件信息和指标导出为 Excel 工作簿")
        )
        self.actionQuit = self._action(tr("退出"), self.close, QKeySequence.StandardKey.Quit, "actionQuit")
        self.actionUndo = self.undo_stack.createUndoAction(self, tr("撤销"))
        self.actionUndo.setShortcut(QKeySequence.StandardKey.Undo)
        self.actionUndo.setObjectName("actionUndo")
        self.actionRedo = self.undo_stack.createRedoAction(self, tr("重做"))
        self.actionRedo.setShortcut(QKeySequence.StandardKey.Redo)
        self.actionRedo.setObjectName("actionRedo")
        self.actionSelectAll = self._action(tr("全选"), self.select_all, QKeySequence.StandardKey.SelectAll, "actionSelectAll")
        self.actionCopy = self._action(tr("复制"), self.copy_selection, QKeySequence.StandardKey.Copy, "actionCopy")
        self.actionDelete = self._action(
            tr("删除（移到回收站）"), self.trash_selected, QKeySequence.StandardKey.Delete, "actionDelete"
        )
        self.actionEditMeta = self._action(tr("编辑文件信息…"), self.edit_metadata_interactive, "Ctrl+I", "actionEditMetadata")
        self.actionAddTag = self._action(tr("加标签…"), self.add_tag_interactive, "Ctrl+T", "actionAddTag")
        self.actionRemoveTag = self._action(tr("去掉标签…"), self.remove_tag_interactive, name="actionRemoveTag")
        self.actionFind = self._action(tr("搜索"), self.focus_search, QKeySequence.StandardKey.Find, "actionFind")
        self.actionOpenDoc = self._action(tr("阅读"), self.open_selected, name="actionOpenDocument")
        self.actionTrash = self._action(tr("回收站"), self.set_trash_mode, name="actionTrash", checkable=True)
        self.actionRestore = self._action(tr("恢复"), self.restore_selected, name="actionRestore")
        self.actionPurge = self._action(tr("彻底删除…"), self.purge_selected, name="actionPurge")
        self.actionTagBar = self._action(tr("显示标签栏"), self._toggle_tag_pane, name="actionTagBar", checkable=True)
        self.actionRefresh = self._action(tr("刷新"), self.reload, QKeySequence.StandardKey.Refresh, "actionRefresh")
        self.actionCompare = self._action(
            tr("对比"), self.compare_selected, "Ctrl+D", "actionCompare", tip=tr("并排对比选中的两份文件")
        )
        self.actionTrend = self._action(tr("趋势…"), self.trend_selected, name="actionTrend")
        self.actionGrid = self._action(tr("收报情况…"), self.reporting_grid, name="actionGrid")
        self.actionAbout = self._action(tr("关于"), self.about, name="actionAbout")
        self.actionLogs = self._action(tr("打开日志文件夹"), self.open_log_folder, name="actionLogs")
        self.actionRestore.setVisible(False)
        self.actionPurge.setVisible(False)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        for a in (self.actionNewArchive, self.actionOpenArchive, self.actionBackup, self.actionRestoreBackup):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.actionImport)
        file_menu.addAction(self.actionImportFolder)
        file_menu.addAction(self.actionExport)
        file_menu.addSeparator()
        file_menu.addAction(self.actionQuit)
        edit = bar.addMenu(self.tr("编辑(&E)"))
        edit.addAction(self.actionUndo)
        edit.addAction(self.actionRedo)
        edit.addSeparator()
        edit.addAction(self.actionSelectAll)
        edit.addAction(self.actionCopy)
        edit.addAction(self.actionFind)
        edit.addSeparator()
        edit.addAction(self.actionEditMeta)
        edit.addAction(self.actionAddTag)
        edit.addAction(self.actionRemoveTag)
        edit.addSeparator()
        edit.addAction(self.actionDelete)
        edit.addAction(self.actionRestore)
        edit.addAction(self.actionPurge)
        view = bar.addMenu(self.tr("视图(&V)"))
        view.addAction(self.actionTrash)
        view.addAction(self.actionTagBar)
        view.addAction(self.actionOpenDoc)
        view.addAction(self.actionRefresh)
        analyse = bar.addMenu(self.tr("分析(&A)"))
        analyse.addAction(self.actionCompare)
        analyse.addAction(self.actionTrend)
        analyse.addAction(self.actionGrid)
        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(self.actionAbout)
        help_menu.addAction(self.actionLogs)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("工具栏"), self)
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.actionImport)
        bar.addAction(self.actionExport)
        bar.addSeparator()
        bar.addAction(self.actionCompare)
        bar.addAction(self.actionTrash)
        bar.addAction(self.actionRestore)
        bar.addAction(self.actionPurge)
        spacer = QWidget(bar)
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy())
        bar.addWidget(spacer)
        bar.addWidget(self.search_box)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar
        from gui.resume import ResumeNotice

        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.resumeNotice = ResumeNotice(self)  # a bar under the toolbar when the last import was interrupted
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.resumeNotice)

    def _build_statusbar(self) -> None:
        status = self.statusBar()
        self.countLabel = QLabel(self)
        self.countLabel.setObjectName("countLabel")
        status.addWidget(self.countLabel, 1)
        self.warningLabel = QLabel(self)
        self.warningLabel.setObjectName("archiveWarning")
        self.warningLabel.setStyleSheet("color: #b3261e;")
        self.warningLabel.hide()
        status.addWidget(self.warningLabel, 2)
        # An archive on a network share (WAL is unsafe there): offer to work on a local copy.
        self.localCopyButton = QPushButton(self.tr("在本机副本上工作"), self)
        self.localCopyButton.setObjectName("localCopyButton")
        self.localCopyButton.setToolTip(self.tr("把档案复制到本机的用户数据文件夹并打开副本；网络共享上的原档案保持不变。"))
        self.localCopyButton.clicked.connect(self.work_on_local_copy)
        self.localCopyButton.hide()
        status.addWidget(self.localCopyButton)
        self.importLabel = QLabel(self)
        self.importLabel.setObjectName("importLabel")
        self.importLabel.setMaximumWidth(420)
        self.importProgress = QProgressBar(self)
        self.importProgress.setObjectName("importProgress")
        self.importProgress.setMinimumWidth(160)
        self.importProgress.setMaximumWidth(240)
        self.importProgress.setTextVisible(True)
        self.importProgress.setFormat("%v / %m")
        self.cancelImportButton = QPushButton(self.tr("取消"), self)
        self.cancelImportButton.setObjectName("cancelImportButton")
        self.cancelImportButton.clicked.connect(self.cancel_import)
        box = QWidget(self)
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.importLabel)
        lay.addWidget(self.importProgress)
        lay.addWidget(self.cancelImportButton)
        self.importBox = box
        status.addPermanentWidget(box)
        box.hide()

    # ------------------------------------------------------------------ archive lifecycle
    def open_archive(self, path: Path, remember: bool = True, read_only: bool = False) -> bool:
        """Switch to the archive at path (created when missing); False when it cannot be opened.

        read_only: browse, search and export only (an archive on a read-only disk or share).
        """
        from core.archive import Archive
        from core.errors import ArchiveReadOnlyError

        self._close_archive()
        self.archive_path = Path(path)
        self.read_only = read_only
        try:
            self.archive = Archive.open(self.archive_path, read_only=read_only)
        except Exception as exc:
            self.archive = None
            self.open_error = exc
            self.model.set_archive(None)
            self._set_enabled(False)
            from gui.errors import message_for

            buttons = [("open", self.tr("打开其他档案…")), ("new", self.tr("新建档案…"))]
            if isinstance(exc, ArchiveReadOnlyError) and self.archive_path.is_file():
                buttons.insert(0, ("open_read_only", self.tr("以只读方式打开")))
            self.table.overlay.set_content(
                self.tr("无法打开档案"), message_for(exc) + "\n" + str(self.archive_path), buttons
            )
            self.table.show_overlay(True)
            if not isinstance(exc, Exception) or not _expected(exc):
                log.error("opening %s failed", self.archive_path, exc_info=exc)
            return False
        self.open_error = None
        warnings = list(getattr(self.archive, "warnings", []) or [])
        self.warningLabel.setText(("⚠ " + warnings[0]) if warnings else "")
        self.warningLabel.setToolTip("\n".join(warnings))
        self.warningLabel.setVisible(bool(warnings))
        from core.archive import is_network_path

        self.localCopyButton.setVisible(not read_only and is_network_path(self.archive_path))
        self.worker = Worker(self.archive_path, "writer", self, read_only=read_only)
        self.reader = Worker(self.archive_path, "reader", self, read_only=read_only)
        self.model.set_archive(self.archive)
        self.undo_stack.clear()
        self._set_enabled(True)
        title = self.tr("报告档案 — {0}").format(self.archive_path.name)
        self.setWindowTitle(title + (self.tr("（只读）") if read_only else ""))
        if remember:
            self.settings.last_archive = self.archive_path
            self.settings.add_recent_archive(self.archive_path)
        if self._viewer is not None:
            self.tabs.setTabVisible(1, False)
        self.reload()
        self._schedule_auto_backup()
        self.resumeNotice.check(self.archive, read_only)
        return True

    def _close_archive(self) -> None:
        for job in self._import_jobs:
            job.cancel()
        self._import_jobs = []
        if hasattr(self, "importBox"):
            self.importBox.hide()
        if self._viewer is not None:
            self._viewer.close_worker()
        for w in (self.worker, self.reader):
            if w is not None:
                w.stop()
                w.deleteLater()
        self.worker = self.reader = None
        if self.archive is not None:
            try:
                self.archive.close()
            except Exception:
                log.exception("closing the archive failed")
        self.archive = None

    def _set_enabled(self, enabled: bool) -> None:
        for a in (
            self.actionImport, self.actionImportFolder, self.actionExport, self.actionBackup, self.actionRestoreBackup,
            self.actionCompare,
            self.actionTrend, self.actionGrid, self.actionDelete, self.actionEditMeta, self.actionAddTag,
            self.actionRemoveTag, self.actionTrash,
        ):
            a.setEnabled(enabled)
        if enabled and self.read_only:
            for a in self._write_actions():
                a.setEnabled(False)
        self.search_box.setEnabled(enabled)
        self.tag_pane.setEnabled(enabled)

    def _write_actions(self) -> list[QAction]:
        return [
            self.actionImport, self.actionImportFolder, self.actionDelete, self.actionEditMeta, self.actionAddTag,
            self.actionRemoveTag, self.actionRestore, self.actionPurge, self.actionRestoreBackup,
        ]

    def reload(self) -> None:
        """Re-read everything (rows, counts, tags) after outside changes."""
        self.model.invalidate()
        self.refresh()
        self.refresh_tags()

    # ------------------------------------------------------------------ listing and search
    def current_query(self) -> str:
        return self.search_box.text().strip()

    def filter_kwargs(self) -> dict[str, Any]:
        tags_all, tags_any, tags_none = self.tag_pane.filters()
        return {"tags_all": tags_all, "tags_any": tags_any, "tags_none": tags_none, "deleted": self.trash_mode}

    def _search_text_changed(self, text: str) -> None:
        # A new search lists the best matches first (the contract of searchBox); a column clicked after
        # that sorts the matches.
        if text.strip() and not self.model.query and self.model.sort_column >= 0:
            self.model.sort_column = -1
            header = self.table.horizontalHeader()
            header.blockSignals(True)  # the view would otherwise re-sort (and list) at once
            header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
            header.blockSignals(False)
            header.viewport().update()
        self._search_timer.start()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.refresh()

    def refresh(self) -> None:
        """List the ids for the current query, tag filters, trash mode and sort, off the GUI thread."""
        if self.reader is None:
            return
        self._search_timer.stop()
        self._generation += 1
        generation = self._generation
        query = self.current_query()
        order_by, descending = self.model.order_by()
        if order_by is None and not query:
            order_by, descending = "imported_at", True
        filters = self.filter_kwargs()
        if query:
            self.countLabel.setText(self.tr("正在搜索“{0}”…").format(query))

        def job(archive: Archive, *_: Any) -> tuple[list[int], int]:
            if order_by is not None and order_by.startswith("@"):
                ids = archive.list_ids(query=query or None, order_by=None, **filters)
                ids = sort_in_python(archive, ids, order_by, descending)
            else:
                ids = archive.list_ids(query=query or None, order_by=order_by, descending=descending, **filters)
            return ids, archive.count()

        self.reader.submit(
            job,
            on_done=lambda r: self._apply_ids(generation, query, r),
            on_error=lambda exc: self._list_failed(generation, exc),
            name="list",
        )

    def _list_failed(self, generation: int, exc: BaseException) -> None:
        """A listing/search that failed: say so in the status bar (typing must never pop up boxes)."""
        if generation != self._generation:
            return
        from gui.errors import is_expected, message_for

        if not is_expected(exc):
            log.error("listing failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.statusBar().showMessage(message_for(exc), 8000)
        self.refreshed.emit()

    def _apply_ids(self, generation: int, query: str, result: tuple[list[int], int]) -> None:
        if generation != self._generation:
            return
        ids, total = result
        self.total_count = total
        selected = self.selected_ids()
        current = self.current_id()
        scroll = self.table.verticalScrollBar().value()
        same_listing = query == self.model.query
        self.model.set_ids(ids, query)
        if same_listing:
            self.table.verticalScrollBar().setValue(scroll)
        self.table.setColumnHidden(SNIPPET_COLUMN, not query)
        if selected:
            self.select_ids(selected, current)
        self._update_status()
        self._update_overlay()
        self._update_actions()
        self.refreshed.emit()

    def _fetch_snippets(self, ids: list[int]) -> None:
        query = self.model.query
        if not query or self.reader is None:
            return
        self.reader.submit(
            lambda a, *_: build_snippets(a, ids, query),
            on_done=lambda snippets: self.model.set_snippets(snippets, query),
            on_error=lambda exc: log.warning("snippets failed: %s", exc),
            name="snippets",
        )

    def _update_status(self) -> None:
        shown = self.model.rowCount()
        if self.trash_mode:
            text = self.tr("回收站中有 {0} 份文件").format(shown)
        elif self.current_query() or self.tag_pane.active:
            text = self.tr("显示 {0} 份（共 {1} 份）").format(shown, self.total_count)
        else:
            text = self.tr("共 {0} 份文件").format(shown)
        selected = len(self.selected_ids())
        if selected > 1:
            text += self.tr("，已选 {0} 份").format(selected)
        self.countLabel.setText(text)

    def _update_overlay(self) -> None:
        if self.archive is None:
            return
        overlay = self.table.overlay
        if self.model.rowCount():
            self.table.show_overlay(False)
            return
        if self.trash_mode:
            overlay.set_content(self.tr("回收站是空的"), self.tr("删除的文件会先放在这里，可以恢复。"),
                                [("leave_trash", self.tr("返回档案"))])
        elif self.current_query() or self.tag_pane.active:
            overlay.set_content(
                self.tr("没有找到符合条件的文件"),
                self.tr("换一个搜索词，或清除标签筛选。"),
                [("clear_filters", self.tr("清除搜索和筛选"))],
            )
        else:
            buttons = [("import", self.tr("导入文件…")), ("import_folder", self.tr("导入文件夹…"))]
            if self.read_only:
                buttons = []
            elif self._sample_files():
                buttons.append(("samples", self.tr("载入示例报告")))
            overlay.set_content(
                self.tr("把报告文件或文件夹拖到这里"),
                self.tr(
                    "支持 Word（.doc/.docx/.wps）、PDF、网页（.html）和文本（.txt）文件。\n"
                    "导入后可以全文搜索、加标签、查看结构和指标，并导出到 Excel。"
                ),
                buttons,
            )
        self.table.show_overlay(True)

    def _on_overlay_button(self, key: str) -> None:
        actions: dict[str, Callable[[], Any]] = {
            "import": self.import_interactive,
            "import_folder": self.import_folder_interactive,
            "samples": self.load_samples,
            "clear_filters": self.clear_filters,
            "leave_trash": lambda: self.actionTrash.setChecked(False),
            "open": self.open_archive_interactive,
            "open_read_only": lambda: self.open_archive(self.archive_path, read_only=True),
            "new": self.new_archive_interactive,
        }
        actions[key]()

    def clear_filters(self) -> None:
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.tag_pane.states.clear()
        self.tag_pane._repaint()
        self.refresh()

    def refresh_tags(self) -> None:
        if self.reader is None:
            return

        def done(tags: list[Tag]) -> None:
            self.tag_pane.set_tags(tags)
            self.tagsRefreshed.emit()

        self.reader.submit(lambda a, *_: a.tags(), on_done=done, name="tags")

    def focus_search(self) -> None:
        viewer: Any = self._viewer
        if viewer is not None and self.tabs.currentWidget() is self._viewer:
            viewer.show_find()
            return
        self.tabs.setCurrentIndex(0)
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # ------------------------------------------------------------------ selection
    def selected_rows(self) -> list[int]:
        """Selected row numbers, ascending; read from the selection's ranges (10,000 rows in a few ms)."""
        sel = self.table.selectionModel()
        if sel is None:
            return []
        n = self.model.rowCount()
        rows: set[int] = set()
        selection = sel.selection()
        for k in range(selection.size()):
            rng = selection.at(k)
            rows.update(range(max(0, rng.top()), min(n - 1, rng.bottom()) + 1))
        return sorted(rows)

    def selected_ids(self) -> list[int]:
        """Ids of the selected documents, in table order."""
        return [self.model.doc_id(r) for r in self.selected_rows()]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.doc_id(index.row()) if index.isValid() else None

    def select_ids(self, ids: Sequence[int], current: int | None = None) -> None:
        """Select these documents (one selection range per run of adjacent rows)."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        sel = self.table.selectionModel()
        rows: list[int] = sorted(r for r in (self.model.row_of(d) for d in ids) if r is not None)
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        start = prev = -2
        for row in [*rows, -10]:
            if row != prev + 1:
                if start >= 0:
                    selection.select(self.model.index(start, 0), self.model.index(prev, last))
                start = row
            prev = row
        sel.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        current_row = self.model.row_of(current) if current is not None else None
        if current_row is not None:
            sel.setCurrentIndex(self.model.index(current_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)

    def selected_documents(self) -> list[Document]:
        return self.model.documents(self.selected_ids())

    def select_all(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.selectAll()
        elif isinstance(focus, QTableView) and focus is not self.table:
            focus.selectAll()
        else:
            self.table.selectAll()

    def _update_actions(self) -> None:
        n = len(self.selected_ids())
        has_archive = self.archive is not None
        self.actionCompare.setEnabled(has_archive and n == 2 and not self.trash_mode)
        self.actionDelete.setEnabled(has_archive and n > 0 and not self.trash_mode)
        self.actionRestore.setEnabled(has_archive and n > 0)
        self.actionPurge.setEnabled(has_archive and n > 0)
        self.actionEditMeta.setEnabled(has_archive and n > 0 and not self.trash_mode)
        self.actionAddTag.setEnabled(has_archive and n > 0 and not self.trash_mode)
        self.actionRemoveTag.setEnabled(has_archive and n > 0 and not self.trash_mode)
        self.actionOpenDoc.setEnabled(has_archive and n > 0)
        if self.read_only:
            for action in self._write_actions():
                action.setEnabled(False)

    # ------------------------------------------------------------------ writes
    def run_write(
        self,
        fn: JobFn,
        ids: Sequence[int] | None = None,
        name: str = "",
        on_done: Callable[[Any], None] | None = None,
    ) -> Job | None:
        """Run a write on the worker; afterwards refresh the rows (ids, or all), tags and the viewer."""
        if self.worker is None:
            return None
        touched = list(ids) if ids is not None else None

        def done(result: Any) -> None:
            self.model.invalidate(touched)
            self.refresh()
            self.refresh_tags()
            viewer = self._viewer
            if viewer is not None and (touched is None or viewer.doc_id in touched):
                viewer.reload()
            if on_done is not None:
                on_done(result)
            self.writeFinished.emit(name)

        def failed(exc: BaseException) -> None:
            show_error(self, exc)
            self.model.invalidate(touched)
            self.refresh()
            self.writeFinished.emit(name)

        return self.worker.submit(fn, on_done=done, on_error=failed, name=name)

    def work_on_local_copy(self) -> Job | None:
        """Copy the (network) archive to the local user data folder on the worker, then open the copy."""
        if self.worker is None or self.archive is None:
            return None
        self.localCopyButton.setEnabled(False)
        self.statusBar().showMessage(self.tr("正在复制档案到本机……"))

        def job(archive: Archive, *_: Any) -> Path:
            return archive.copy_to_local()

        def done(copy: Any) -> None:
            self.localCopyButton.setEnabled(True)
            if self.open_archive(Path(copy)):
                self.statusBar().showMessage(
                    self.tr("已打开本机副本：{0}（网络上的原档案未改动）").format(copy), 15_000
                )
            self.localCopied.emit(Path(copy))

        def failed(exc: BaseException) -> None:
            self.localCopyButton.setEnabled(True)
            show_error(self, exc)

        return self.worker.submit(job, on_done=done, on_error=failed, name="local-copy")

    def tag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        """Add a tag to documents (undoable); also the drop handler of the tag pane."""
        docs = self.model.documents(list(ids))
        if docs and tag_name.strip():
            self.undo_stack.push(TagCommand(self, docs, [tag_name]))

    def untag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        docs = self.model.documents(list(ids))
        if docs and tag_name.strip():
            self.undo_stack.push(TagCommand(self, docs, [tag_name], add=False))

    def set_metadata(self, ids: Sequence[int], fields: dict[str, Any]) -> None:
        docs = self.model.documents(list(ids))
        if docs and fields:
            self.undo_stack.push(MetadataCommand(self, docs, fields))

    def _create_tag(self, name: str) -> None:
        self.run_write(lambda a, *_: a.create_tag(name), None, "tags")

    def trash_selected(self) -> None:
        if self.trash_mode or self.tabs.currentWidget() is not self.table:
            return  # Delete while reading must not trash the rows selected in the hidden table
        ids = self.selected_ids()
        if ids:
            self.undo_stack.push(TrashCommand(self, ids))
            self.statusBar().showMessage(self.tr("已把 {0} 份文件移到回收站（可撤销）").format(len(ids)), 5000)

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids and self.trash_mode:
            self.undo_stack.push(TrashCommand(self, ids, restore=True))

    def purge_selected(self, confirm: bool = True) -> None:
        ids = self.selected_ids()
        if not ids or not self.trash_mode:
            return
        if confirm:
            if not ask(
                self,
                self.tr("彻底删除"),
                self.tr("彻底删除选中的 {0} 份文件？此操作不能撤销。").format(len(ids)),
                self.tr("彻底删除"),
                danger=True,
            ):
                return
        self.run_write(lambda a, *_: a.purge(ids), ids, "purge")

    def set_trash_mode(self, on: bool) -> None:
        self.trash_mode = bool(on)
        self.actionRestore.setVisible(self.trash_mode)
        self.actionPurge.setVisible(self.trash_mode)
        self.actionDelete.setVisible(not self.trash_mode)
        self.tabs.setTabText(0, self.tr("回收站") if self.trash_mode else self.tr("档案"))
        self.tabs.setCurrentIndex(0)
        self.table.clearSelection()
        self.refresh()

    # ------------------------------------------------------------------ interactive edits
    def edit_metadata_interactive(self) -> None:
        docs = self.selected_documents()
        if not docs:
            return
        from gui.dialogs import MetadataDialog

        dialog = MetadataDialog(docs, self)
        if dialog.exec() and dialog.fields():
            self.set_metadata([d.id for d in docs], dialog.fields())
        dialog.deleteLater()

    def add_tag_interactive(self) -> None:
        self._tag_interactive(add=True)

    def remove_tag_interactive(self) -> None:
        self._tag_interactive(add=False)

    def _tag_interactive(self, add: bool) -> None:
        docs = self.selected_documents()
        if not docs:
            return
        if add:
            names = sorted({t.name for t in self.tag_pane.tags()})
            label = self.tr("给选中的 {0} 份文件加标签：").format(len(docs))
        else:
            names = sorted({n for d in docs for n in d.tags})
            if not names:
                inform(self, self.tr("去掉标签"), self.tr("选中的文件没有标签。"))
                return
            label = self.tr("从选中的 {0} 份文件去掉标签：").format(len(docs))
        name, ok = get_item(self, self.tr("标签"), label, names, editable=add)
        name = name.strip()
        if ok and name:
            self.undo_stack.push(TagCommand(self, docs, [name], add=add))

    # ------------------------------------------------------------------ import
    def import_paths(self, paths: Sequence[str | Path], resume_run: int | None = None) -> Job | None:
        """Import files/folders on the writer worker, with progress in the status bar and Cancel.

        resume_run: instead, the files an interrupted import left (core.ingest.resume)."""
        if self.worker is None or (not paths and resume_run is None):
            return None
        items = [str(p) for p in paths]
        self.tabs.setCurrentIndex(0)
        if self.trash_mode:
            self.actionTrash.setChecked(False)

        def job(archive: Archive, progress: Callable[[int, int, str], None], cancel: Any) -> ImportReport:
            if resume_run is not None:
                return archive.resume_import(resume_run, progress=progress, cancel=cancel)
            return archive.import_paths(items, progress=progress, cancel=cancel)

        started = time.monotonic()
        holder: list[Job] = []

        def done(report: ImportReport) -> None:
            self._import_ended(holder[0])
            self.reload()
            # the dialog in a later turn of the event loop: no single long stall after a big import
            seconds = time.monotonic() - started
            QTimer.singleShot(0, lambda: self._show_import_summary(report, seconds))
            self.importFinished.emit(report)

        def failed(exc: BaseException) -> None:
            self._import_ended(holder[0])
            show_error(self, exc, self.tr("导入失败"))
            self.reload()
            from core.models import ImportReport

            self.importFinished.emit(ImportReport(cancelled=True))

        job_obj = self.worker.submit(job, on_done=done, on_error=failed, on_progress=self._import_progress, name="import")
        holder.append(job_obj)
        self._import_jobs.append(job_obj)
        self.importProgress.setRange(0, 0)
        self.importLabel.setText(self.tr("正在准备导入…"))
        self.cancelImportButton.setEnabled(True)
        self.importBox.show()
        return job_obj

    def _import_progress(self, done: int, total: int, message: str) -> None:
        # let the new documents appear while a long import runs (the listing runs on the reader thread)
        now = time.monotonic()
        if now - self._last_import_refresh > IMPORT_REFRESH_S and done:
            self._last_import_refresh = now
            self.refresh()
        self.importProgress.setRange(0, max(total, 1))
        self.importProgress.setValue(min(done, max(total, 1)))
        # core's message is "file name：outcome" or "正在检查文件（i/n）…": shown as it comes
        text = self.tr("导入 {0}/{1}").format(done, total)
        if message:
            text += "　" + message
        self.importLabel.setText(self.importLabel.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, 400))
        self.importLabel.setToolTip(message)

    def _import_ended(self, job: Job) -> None:
        if job in self._import_jobs:
            self._import_jobs.remove(job)
        if not self._import_jobs:
            self.importBox.hide()

    def cancel_import(self) -> None:
        for job in self._import_jobs:
            job.cancel()
        self.cancelImportButton.setEnabled(False)
        self.importLabel.setText(self.tr("正在取消…"))

    def _show_import_summary(self, report: ImportReport, seconds: float) -> None:
        from gui.dialogs import ImportSummaryDialog

        if self.import_summary is not None and alive(self.import_summary):
            self.import_summary.close()
        dialog = ImportSummaryDialog(report, seconds, self)
        dialog.openDocument.connect(self.open_document)
        self.import_summary = dialog
        dialog.show()

    def import_interactive(self) -> None:
        from gui.dialogs import import_file_filter

        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("导入报告文件"), self.settings.last_import_dir, import_file_filter()
        )
        if files:
            self.settings.last_import_dir = str(Path(files[0]).parent)
            self.import_paths(files)

    def import_folder_interactive(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("导入文件夹（含子文件夹）"), self.settings.last_import_dir)
        if folder:
            self.settings.last_import_dir = folder
            self.import_paths([folder])

    def _sample_files(self) -> list[Path]:
        from core.paths import resource

        folder = resource("samples")
        if not folder.is_dir():
            return []
        from core.readers import SUPPORTED_SUFFIXES

        return sorted(
            p for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES
        )

    def load_samples(self) -> Job | None:
        files = self._sample_files()
        return self.import_paths(files) if files else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if self.read_only:
            event.ignore()
            self.statusBar().showMessage(self.tr("档案以只读方式打开，不能导入。"), 6000)
            return
        if paths and self.worker is not None:
            event.acceptProposedAction()
            self.import_paths(paths)
        else:
            event.ignore()

    # ------------------------------------------------------------------ export, backup, archives
    def export_interactive(self) -> None:
        if self.archive is None:
            return
        from gui.export_dialog import ExportDialog

        old = self.export_dialog
        if old is not None and alive(old):
            if getattr(old, "job", None) is not None:  # still exporting: bring it back instead
                old.show()
                old.raise_()
                old.activateWindow()
                return
            old.close()
            old.deleteLater()
        dialog = ExportDialog(self)
        self.export_dialog = dialog
        dialog.show()

    def backup_interactive(self) -> None:
        if self.worker is None:
            return
        stamp = time.strftime("%Y%m%d")
        default = str(Path(self.settings.last_export_dir or Path.home()) / self.tr("{0}-备份-{1}.sqlite").format(self.archive_path.stem, stamp))
        dest, _ = QFileDialog.getSaveFileName(self, self.tr("备份档案"), default, self.tr("档案文件 (*.sqlite)"))
        if not dest:
            return
        self.run_backup(Path(dest))

    def run_backup(self, dest: Path) -> Job | None:
        if self.worker is None:
            return None

        def done(path: Any) -> None:
            self.statusBar().showMessage(self.tr("已备份到 {0}").format(path), 8000)
            self.writeFinished.emit("backup")

        def failed(exc: BaseException) -> None:
            show_error(self, exc, self.tr("备份失败"))
            self.writeFinished.emit("backup")

        return self.worker.submit(lambda a, *_: a.backup(dest), on_done=done, on_error=failed, name="backup")

    # ------------------------------------------------------------------ automatic backups and restoring
    def _schedule_auto_backup(self) -> None:
        """Today's rotating backup (core.backups), on the writer thread shortly after the archive opened.

        A read-only archive is not backed up (this program does not change it). Failures are logged and
        shown in the status bar: a backup problem must not interrupt the clerk with a dialog.
        """
        if self.read_only or self.worker is None:
            return
        worker = self.worker
        QTimer.singleShot(AUTO_BACKUP_DELAY_MS, self, lambda: self._auto_backup(worker))

    def _auto_backup(self, worker: Worker) -> Job | None:
        if worker is not self.worker or self.worker is None:
            return None  # the archive was switched or closed meanwhile
        path = self.archive_path

        def job(*_: Any) -> Path | None:
            from core.backups import rotate_backups

            return rotate_backups(path, keep=AUTO_BACKUP_KEEP)

        def done(made: Path | None) -> None:
            if made is not None:
                log.info("automatic backup of %s: %s", path, made)
                self.statusBar().showMessage(self.tr("已自动备份档案（{0}）").format(made.name), 6000)
            self.backupRotated.emit(made)

        def failed(exc: BaseException) -> None:
            from gui.errors import is_expected, message_for

            if is_expected(exc):
                log.warning("automatic backup of %s failed: %s", path, exc)
            else:
                log.error("automatic backup of %s failed", path, exc_info=(type(exc), exc, exc.__traceback__))
            self.statusBar().showMessage(self.tr("自动备份失败：{0}").format(message_for(exc)), 15000)
            self.backupRotated.emit(exc)

        return worker.submit(job, on_done=done, on_error=failed, name="auto-backup")

    def restore_backup_interactive(self) -> None:
        """文件 → 从备份恢复…: pick one of the automatic backups, confirm, restore."""
        if self.archive is None or self.read_only or self._restoring:
            return
        from core.backups import list_backups
        from gui.dialogs import RestoreBackupDialog

        old = self.restore_dialog
        if old is not None and alive(old):
            old.close()
        dialog = RestoreBackupDialog(list_backups(self.archive_path), self.archive_path, self)
        dialog.backupChosen.connect(self._confirm_restore)
        self.restore_dialog = dialog
        dialog.open()

    def _busy_reason(self) -> str:
        if self._import_jobs:
            return self.tr("正在导入文件，请等导入完成后再恢复。")
        exporting = self.export_dialog is not None and alive(self.export_dialog)
        if exporting and getattr(self.export_dialog, "job", None) is not None:
            return self.tr("正在导出，请等导出完成后再恢复。")
        return ""

    def _confirm_restore(self, backup: Path) -> None:
        busy = self._busy_reason()
        if busy:
            inform(self, self.tr("从备份恢复"), busy)
            return
        from gui.dialogs import backup_date

        stamp = self.tr("before-restore-日期时间")
        text = self.tr(
            "用 {0} 的备份替换当前档案“{1}”？\n\n"
            "当前档案不会被删除：它会改名为“{2}.{3}{4}”，留在原来的文件夹中：\n{5}\n"
            "需要时可以用“打开档案…”再打开它。\n\n"
            "备份之后导入或修改的内容不在备份里。恢复前会关闭对比、趋势等窗口。"
        ).format(
            backup_date(backup), self.archive_path.name, self.archive_path.stem, stamp,
            self.archive_path.suffix or ".sqlite", self.archive_path.parent,
        )
        if ask(self, self.tr("从备份恢复"), text, self.tr("恢复"), self.tr("取消"), danger=True):
            self.restore_from_backup(backup)

    def restore_from_backup(self, backup: Path) -> bool:
        """Close every connection of this window, put `backup` in place (core.backups.restore_backup, in a
        background thread), then reopen the archive; `backupRestored(aside)` when done. False if busy."""
        if self._restoring or self._busy_reason():
            return False
        import threading

        from core.backups import restore_backup

        self._restoring = True
        backup = Path(backup)
        path = self.archive_path
        for w in self._children:
            if alive(w):
                w.close()
        self._children = []
        if self.export_dialog is not None and alive(self.export_dialog):
            self.export_dialog.close()
        self._close_archive()  # stops the writer, reader and viewer workers, closing their connections
        self.model.set_archive(None)
        self._set_enabled(False)
        self.actionNewArchive.setEnabled(False)
        self.actionOpenArchive.setEnabled(False)
        self.table.overlay.set_content(self.tr("正在从备份恢复…"), str(backup), [])
        self.table.show_overlay(True)
        self.statusBar().showMessage(self.tr("正在从备份恢复…"))

        def run() -> None:
            try:
                aside = restore_backup(backup, path)
            except BaseException as exc:  # delivered to the GUI thread
                self._restoreDone.emit(None, exc)
            else:
                self._restoreDone.emit(aside, None)

        threading.Thread(target=run, name="restore-backup", daemon=True).start()
        return True

    def _restore_finished(self, aside: Path | None, exc: BaseException | None) -> None:
        self._restoring = False
        self.actionNewArchive.setEnabled(True)
        self.actionOpenArchive.setEnabled(True)
        self.table.show_overlay(False)
        self.open_archive(self.archive_path, remember=False)  # the restored file, or the untouched one
        if exc is not None:
            from gui.errors import is_expected

            if not is_expected(exc):
                log.error("restore failed", exc_info=(type(exc), exc, exc.__traceback__))
            show_error(self, exc, self.tr("从备份恢复失败"))
            self.statusBar().showMessage(self.tr("从备份恢复失败，档案没有改动。"), 10000)
        else:
            where = aside.name if aside is not None else ""
            self.statusBar().showMessage(
                self.tr("已从备份恢复。原来的档案保存为 {0}").format(where) if where else self.tr("已从备份恢复。"),
                15000,
            )
        self.backupRestored.emit(exc if exc is not None else aside)

    def new_archive_interactive(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("新建档案"), str(self.archive_path.parent / "新档案.sqlite"), self.tr("档案文件 (*.sqlite)")
        )
        if path:
            if not path.endswith(".sqlite"):
                path += ".sqlite"
            self.open_archive(Path(path))

    def open_archive_interactive(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("打开档案"), str(self.archive_path.parent), self.tr("档案文件 (*.sqlite *.db);;所有文件 (*)")
        )
        if path:
            self.open_archive(Path(path))

    # ------------------------------------------------------------------ viewer and analysis windows
    @property
    def viewer(self) -> Any:
        """The document viewer (created on first use)."""
        if self._viewer is None:
            from gui.viewer import DocumentViewer

            self._viewer = DocumentViewer(self)
            self.tabs.addTab(self._viewer, self.tr("阅读"))
            state = self.settings.splitter_state("viewer")
            if state is not None:
                self._viewer.restore_state(state)
        return self._viewer

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_document(self.model.doc_id(index.row()))

    def _close_tab(self, index: int) -> None:
        if index > 0:
            self.tabs.setTabVisible(index, False)
            self.tabs.setCurrentIndex(0)
            self.table.setFocus()

    def open_selected(self) -> None:
        doc_id = self.current_id() or next(iter(self.selected_ids()), None)
        if doc_id is not None:
            self.open_document(doc_id)

    def open_document(self, doc_id: int) -> None:
        if self.archive is None:
            return
        viewer = self.viewer
        try:
            viewer.load(doc_id, self.current_query())
        except Exception as exc:
            show_error(self, exc)
            return
        index = self.tabs.indexOf(viewer)
        self.tabs.setTabVisible(index, True)
        self.tabs.setTabText(index, self.tr("阅读：{0}").format(_short(viewer.title, 18)))
        self.tabs.setCurrentIndex(index)

    def compare_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 2:
            inform(self, self.tr("对比"), self.tr("请在表格中选中两份文件再对比。"))
            return
        try:
            from gui.compare_view import CompareWindow
        except ImportError:
            inform(self, self.tr("对比"), self.tr("此版本暂不提供对比功能。"))
            return
        self._keep(CompareWindow(self.archive_path, ids[0], ids[1], parent=self))

    def trend_selected(self) -> None:
        try:
            from gui.trend import TrendDialog
        except ImportError:
            inform(self, self.tr("趋势"), self.tr("此版本暂不提供趋势功能。"))
            return
        ids = self.selected_ids() or list(self.model.ids)
        self._keep(TrendDialog(self.archive_path, ids, self))

    def reporting_grid(self) -> None:
        try:
            from gui.grid import ReportingGridDialog
        except ImportError:
            inform(self, self.tr("收报情况"), self.tr("此版本暂不提供收报情况功能。"))
            return
        dialog = ReportingGridDialog(self.archive_path, self)
        dialog.documentRequested.connect(self.open_document)
        self._keep(dialog)

    def open_previous_year(self, doc_id: int) -> None:
        try:
            from gui.compare_view import open_previous_year
        except ImportError:
            inform(self, self.tr("对比"), self.tr("此版本暂不提供对比功能。"))
            return
        window = open_previous_year(self.archive_path, doc_id, self)
        if window is not None:
            self._keep(window)

    def _keep(self, widget: QWidget) -> None:
        self._children = [w for w in self._children if alive(w) and w.isVisible()]
        self._children.append(widget)
        widget.show()

    # ------------------------------------------------------------------ clipboard, menus, misc
    def copy_selection(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.copy()
            return
        viewer: Any = self._viewer
        if viewer is not None and self.tabs.currentWidget() is self._viewer and viewer.copy_focused():
            return
        if isinstance(focus, QTableView) and focus is not self.table:
            copy_text(view_to_tsv(focus))
            return
        self.copy_documents_tsv()

    def copy_documents_tsv(self) -> str:
        """Copy the selected rows of archiveTable (every visible column) as TSV; returns the text.

        Up to COPY_SYNC_ROWS rows are read on the GUI thread; more are read and formatted on the reader
        thread and reach the clipboard when ready (the text is then returned by `copyReady`).
        """
        ids = self.selected_ids()
        if not ids:
            return ""
        header = self.table.horizontalHeader()
        cols = [header.logicalIndex(v) for v in range(header.count())]
        cols = [c for c in cols if not self.table.isColumnHidden(c) and c != SNIPPET_COLUMN]
        titles = [self.tr(COLUMNS[c].title) for c in cols]
        keys = [COLUMNS[c].key for c in cols]

        def finish(text: str) -> None:
            copy_text(text)
            self.statusBar().showMessage(self.tr("已复制 {0} 行，可粘贴到 Excel 或 WPS").format(len(ids)), 4000)
            self.copyReady.emit(text)

        if len(ids) <= COPY_SYNC_ROWS or self.reader is None:
            text = documents_tsv(self.model.documents(ids), titles, keys)
            finish(text)
            return text
        self.statusBar().showMessage(self.tr("正在复制 {0} 行…").format(len(ids)))
        self.reader.submit(
            lambda a, *_: documents_tsv(
                [d for start in range(0, len(ids), 500) for d in a.get_documents(ids[start : start + 500])],
                titles,
                keys,
            ),
            on_done=finish,
            name="copy",
        )
        return ""

    def _table_menu(self, pos: Any) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction(self.actionOpenDoc)
        menu.addAction(self.actionCopy)
        menu.addSeparator()
        if self.trash_mode:
            menu.addAction(self.actionRestore)
            menu.addAction(self.actionPurge)
        else:
            menu.addAction(self.actionEditMeta)
            menu.addAction(self.actionAddTag)
            menu.addAction(self.actionRemoveTag)
            menu.addSeparator()
            menu.addAction(self.actionCompare)
            menu.addAction(self.actionTrend)
            menu.addSeparator()
            menu.addAction(self.actionDelete)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _toggle_tag_pane(self, on: bool) -> None:
        self.tag_pane.setVisible(bool(on))

    def about(self) -> None:
        from core import __version__

        inform(
            self,
            self.tr("关于报告档案"),
            self.tr(
                "报告档案 {0}\n\n收集、检索、比较法治政府建设年度报告等政府文件，并把其中的数字导出到 Excel。\n"
                "所有数据都保存在本机的档案文件中，不联网。\n\n当前档案：{1}"
            ).format(__version__, self.archive_path),
        )

    def open_log_folder(self) -> None:
        from core.paths import log_dir

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))

    # ------------------------------------------------------------------ window state
    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self._fit_to_screen()
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)
        header = self.settings.header_state("archiveTable")
        self._columns_restored = header is not None and self.table.horizontalHeader().restoreState(header)
        if self._columns_restored:
            # each start lists newest first; no second listing for the restored indicator
            hh = self.table.horizontalHeader()
            hh.blockSignals(True)
            hh.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
            hh.blockSignals(False)
            self.model.sort_column = -1
        self.table.setColumnHidden(SNIPPET_COLUMN, not self.current_query())
        visible = self.settings.tag_bar_visible
        self.tag_pane.setVisible(visible)
        self.actionTagBar.setChecked(visible)
        self.tag_pane.visibilityChanged.connect(self._tag_pane_visibility)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._update_actions()

    def _fit_columns(self) -> None:
        """First run: give the title column whatever the other default widths leave."""
        available = self.table.viewport().width()
        others = sum(self.table.columnWidth(i) for i in range(1, SNIPPET_COLUMN))
        self.table.setColumnWidth(0, max(220, available - others - 2))

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        width = min(1640, int(area.width() * 0.94))
        height = min(1000, int(area.height() * 0.92))
        self.resize(width, height)
        self.move(area.x() + (area.width() - width) // 2, area.y() + max(0, (area.height() - height) // 3))

    def _selection_changed(self, *_: Any) -> None:
        self._update_actions()
        self._update_status()

    def _tag_pane_visibility(self, visible: bool) -> None:
        if not self.isMinimized() and self.isVisible():
            self.actionTagBar.blockSignals(True)
            self.actionTagBar.setChecked(visible)
            self.actionTagBar.blockSignals(False)

    def save_layout(self) -> None:
        self.settings.window_geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.set_header_state("archiveTable", self.table.horizontalHeader().saveState())
        self.settings.tag_bar_visible = self.actionTagBar.isChecked()
        self.settings.tag_mode_any = self.tag_pane.mode_any
        if self._viewer is not None:
            self.settings.set_splitter_state("viewer", self._viewer.save_state())
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            if not self._columns_restored:
                QTimer.singleShot(50, self._fit_columns)  # once the layout has settled
            if os.environ.get(STARTUP_ENV):
                # after the event loop has run once past show(): the first frame is on screen
                QTimer.singleShot(0, lambda: self._startup_mark("SHOWN"))
                self.refreshed.connect(lambda: QTimer.singleShot(0, lambda: self._startup_mark("ROWS")))
            self.firstShown.emit()

    def _startup_mark(self, name: str) -> None:
        """With REPORT_ARCHIVE_STARTUP_TIMING set, print when the window is shown and when its rows are in.

        The start-up benchmark reads these lines; the value "quit" also closes the window after both.
        """
        if name in self._startup_marks:
            return
        self._startup_marks.add(name)
        print(f"STARTUP_{name} {time.time():.6f}", flush=True)
        if os.environ.get(STARTUP_ENV) == "quit" and {"SHOWN", "ROWS"} <= self._startup_marks:
            QTimer.singleShot(0, self.close)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._import_jobs:
            if not ask(
                self,
                self.tr("正在导入"),
                self.tr("导入还没有完成。取消导入并退出？已导入的文件会保留。"),
                self.tr("取消导入并退出"),
                self.tr("继续导入"),
            ):
                event.ignore()
                return
        self.save_layout()
        for w in self._children:
            if alive(w):
                w.close()
        if self.export_dialog is not None and alive(self.export_dialog):
            self.export_dialog.close()
        self._close_archive()
        super().closeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(1280, 800)


def alive(widget: QWidget) -> bool:
    """False once Qt has deleted the widget (WA_DeleteOnClose dialogs), so no call hits a dead object."""
    import shiboken6

    return bool(shiboken6.isValid(widget))


def _expected(exc: BaseException) -> bool:
    from core.errors import ArchiveError

    return isinstance(exc, ArchiveError)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
