"""The main window: archive table, tag pane, search box, viewer tab; the behaviour lives in its parts.

Parts (one module each, behaviour only; the state stays on the window): `gui.actions` (actions, menus,
tool bar, status bar), `gui.listing` (list/search, snippets, status, overlay), `gui.importing`,
`gui.archive_actions` (new/open, backups, restore, export), `gui.document_actions` (edits, tags, trash,
reading tab, analysis windows, copy).

Public for other windows: `archive_path`, `archive` (GUI-thread reads only), `worker` (the single writer:
`worker.submit(fn(archive, progress, cancel), on_done=…)`), `reader` (slow reads), `selected_ids()`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
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

from gui.actions import build_actions, build_menus, build_statusbar, build_toolbar
from gui.archive_actions import ArchiveActions
from gui.document_actions import DocumentActions
from gui.errors import show_error
from gui.importing import Imports
from gui.listing import Listing
from gui.models import COLUMNS, SNIPPET_COLUMN, DocumentTableModel
from gui.settings import Settings
from gui.table import ArchiveTableView, SnippetDelegate
from gui.tag_pane import TagPane
from gui.ui import alive, ask
from gui.worker import Job, JobFn, Worker, lower_thread_priority, read_in_background

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Document
    from gui.resume import ResumeNotice

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 250
STARTUP_ENV = "REPORT_ARCHIVE_STARTUP_TIMING"
SMALL_SCREEN_WIDTH = 1440  # the first start opens maximised on screens this wide or narrower
WARM_UP_ENV = "REPORT_ARCHIVE_WARM_UP"  # "0": no suggestion warm-up (benchmarks measuring a cold start)
WARM_UP_DELAY_MS = 4000  # after start-up's listing and the automatic backup have had the disk

__all__ = ["MainWindow", "alive"]


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
    _warmedUp = Signal(object)  # documents segmented by the suggestion warm-up, or the exception
    suggestionsWarm = Signal(object)  # the same, on the GUI thread (tests, benchmarks)
    settingsChanged = Signal(list)  # names of the options changed in the 设置 dialog (gui.settings)

    # built by gui.actions (objectNames are the action names, except actionEditMeta → actionEditMetadata,
    # actionOpenDoc → actionOpenDocument)
    actionAbout: QAction
    actionAddTag: QAction
    actionBackup: QAction
    actionCloseTab: QAction
    actionCompare: QAction
    actionCopy: QAction
    actionDelete: QAction
    actionEditMeta: QAction
    actionExport: QAction
    actionFind: QAction
    actionGrid: QAction
    actionImport: QAction
    actionImportFolder: QAction
    actionLogs: QAction
    actionNewArchive: QAction
    actionOpenArchive: QAction
    actionOpenDoc: QAction
    actionPurge: QAction
    actionQuit: QAction
    actionRedo: QAction
    actionRefresh: QAction
    actionRemoveTag: QAction
    actionRestore: QAction
    actionRestoreBackup: QAction
    actionReview: QAction
    actionReanalyse: QAction
    actionSelectAll: QAction
    actionSettings: QAction
    actionTagBar: QAction
    actionTrash: QAction
    actionTrend: QAction
    actionUndo: QAction
    toolbar: QToolBar
    resumeNotice: ResumeNotice
    countLabel: QLabel
    warningLabel: QLabel
    localCopyButton: QPushButton
    importLabel: QLabel
    importProgress: QProgressBar
    cancelImportButton: QPushButton
    importBox: QWidget

    def __init__(self, archive_path: Path, settings: Settings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings or Settings()
        self.settings.apply_to_environment()  # OCR on/off and its page limit, for the readers
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
        self.settings_dialog: QWidget | None = None
        self._restoring = False
        self.undo_stack = QUndoStack(self)
        self._warm_cancel = threading.Event()
        self._warmedUp.connect(self._warm_up_finished)
        # the window's parts: behaviour only, the state stays on the window
        self.listing = Listing(self)
        self.imports = Imports(self)
        self.archives = ArchiveActions(self)
        self.documents = DocumentActions(self)
        self._restoreDone.connect(self.archives.restore_finished)
        self.damage: BaseException | None = None  # why a damaged archive is open read-only (salvage)
        from gui.backup_scheduler import BackupScheduler

        self.backups = BackupScheduler(self)
        self.backups.backupMade.connect(self.archives.backup_made)
        self.writeFinished.connect(self.backups.write_finished)
        self.importFinished.connect(self.backups.import_finished)

        self.setWindowTitle(self.tr("报告档案"))
        self.setAcceptDrops(True)

        self.model = DocumentTableModel(None, self)
        self.table = ArchiveTableView(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(SNIPPET_COLUMN, SnippetDelegate(self.table))
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.model.sort_requested = self.refresh
        metrics = self.table.fontMetrics()
        widest = {  # the longest labels these columns show
            "structure": metrics.horizontalAdvance(self.tr("缺 5 项（逾期）")) + 14,
            "report_year": metrics.horizontalAdvance("2016-2020") + 14,
        }
        for i, col in enumerate(COLUMNS):
            header = metrics.horizontalAdvance(self.tr(col.title)) + 28  # room for the sort arrow
            self.table.setColumnWidth(i, max(col.width, header, widest.get(col.key, 0)))
        self.table.setColumnHidden(SNIPPET_COLUMN, True)
        # 标题 and (while searching) 摘要 share the width the other columns leave; the others keep the
        # widths the clerk gives them
        title = next(i for i, c in enumerate(COLUMNS) if c.key == "title")
        self.table.set_fill_columns((title, SNIPPET_COLUMN), (0.45, 0.55), (150, 150))
        # 摘要 (shown while searching) sits right after 标题 unless the user moves it
        self.table.horizontalHeader().moveSection(SNIPPET_COLUMN, 1)
        self.model.snippetsWanted.connect(self.listing.fetch_snippets)
        self.table.doubleClicked.connect(self.documents.on_double_clicked)
        self.table.activated.connect(self.documents.on_double_clicked)
        self.table.overlay.buttonClicked.connect(self.listing.on_overlay_button)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self.documents.table_menu)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.table, self.tr("档案"))
        self.tabs.setTabsClosable(True)
        self.tabs.tabBar().setTabButton(0, QTabBar.ButtonPosition.RightSide, None)  # the archive tab stays
        self.tabs.tabCloseRequested.connect(self.documents.close_tab)
        self._viewer: Any = None
        self.review_view: Any = None  # the 待核对 tab (gui.review_view, made on first use)
        self.setCentralWidget(self.tabs)

        self.tag_pane = TagPane(self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tag_pane)
        self.tag_pane.filterChanged.connect(self.refresh)
        self.tag_pane.docsDropped.connect(self.tag_documents)
        self.tag_pane.createRequested.connect(self.documents.create_tag)
        # rename, merge and delete are undoable (gui.tag_commands)
        self.tag_pane.renameRequested.connect(self.documents.rename_tag)
        self.tag_pane.mergeRequested.connect(self.documents.merge_tags)
        self.tag_pane.deleteRequested.connect(self.documents.delete_tag)
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
        self.search_box.textChanged.connect(self.listing.search_text_changed)
        self.search_box.returnPressed.connect(self.listing.search_now)

        build_actions(self)
        build_menus(self)
        build_toolbar(self)
        build_statusbar(self)
        self.open_archive(self.archive_path, remember=True)
        from gui.reuse_view import ReuseController

        self.reuse_controller = ReuseController(self)  # 重复率: filter box, results kept complete
        from gui.watch import FolderWatcher

        self.folder_watcher = FolderWatcher(self)  # 设置 → 自动导入文件夹
        self._restore_layout()

    # ------------------------------------------------------------------ archive lifecycle
    def open_archive(self, path: Path, remember: bool = True, read_only: bool = False) -> bool:
        """Switch to the archive at path (created when missing); False when it cannot be opened.

        read_only: browse, search and export only (an archive on a read-only disk or share).
        """
        from core.archive import Archive
        from core.errors import ArchiveCorruptError, ArchiveDamagedError, ArchiveReadOnlyError

        self._close_archive()
        self.archive_path = Path(path)
        self.damage = None
        from gui import instance

        # a second window of the app on this archive: that one comes forward, this one only reads
        shared = None if read_only else instance.claim(self.archive_path, self.come_forward)
        read_only = read_only or shared is not None
        self.read_only = read_only
        try:
            self.archive = Archive.open(self.archive_path, read_only=read_only)
        except Exception as exc:
            salvage = self.archives.open_damaged(exc) if isinstance(exc, ArchiveDamagedError) and not read_only else None
            if salvage is None:
                self.archive = None
                self.open_error = exc
                self.model.set_archive(None)
                self._set_enabled(False)
                from gui.errors import message_for

                buttons = [("open", self.tr("打开其他档案…")), ("new", self.tr("新建档案…"))]
                if isinstance(exc, ArchiveReadOnlyError) and self.archive_path.is_file():
                    buttons.insert(0, ("open_read_only", self.tr("以只读方式打开")))
                if isinstance(exc, ArchiveCorruptError) and self.archives.has_backups():
                    buttons.insert(0, ("restore", self.tr("从备份恢复…")))
                self.actionRestoreBackup.setEnabled(True)  # the way back stays open when the archive is not
                title = self.tr("无法打开档案：档案已损坏") if isinstance(exc, ArchiveDamagedError) else self.tr("无法打开档案")
                body = message_for(exc) if isinstance(exc, ArchiveDamagedError) else (
                    message_for(exc) + "\n" + str(self.archive_path))
                self.table.overlay.set_content(title, body, buttons)
                self.table.show_overlay(True)
                if not isinstance(exc, Exception) or not _expected(exc):
                    log.error("opening %s failed", self.archive_path, exc_info=exc)
                return False
            self.archive, self.read_only, self.damage = salvage, True, exc
            read_only = True
        self.open_error = None
        warnings = list(getattr(self.archive, "warnings", []) or [])
        if shared is not None:
            warnings.insert(0, shared)
        self.warningLabel.setText(("⚠ " + warnings[0]) if warnings else "")
        self.warningLabel.setToolTip("\n".join(warnings))
        self.warningLabel.setVisible(bool(warnings))
        from core.archive import is_network_path

        self.localCopyButton.setVisible(not read_only and is_network_path(self.archive_path))
        self.worker = Worker(self.archive_path, "writer", self, read_only=read_only)
        self.reader = Worker(self.archive_path, "reader", self, read_only=read_only)
        waiting = getattr(self.worker, "waiting", None)
        if waiting is not None:
            waiting.connect(lambda message: self.statusBar().showMessage(message, 10000))
        self.backups.attach(None if read_only else self.worker)
        self.model.set_archive(self.archive)
        self.undo_stack.clear()
        self._set_enabled(True)
        title = self.tr("报告档案 — {0}").format(self.archive_path.name)
        self.setWindowTitle(title + (self.tr("（只读）") if read_only else ""))
        if remember:
            self.settings.last_archive = self.archive_path
            self.settings.add_recent_archive(self.archive_path)
        if self._viewer is not None:
            self.tabs.setTabVisible(self.tabs.indexOf(self._viewer), False)
        if self.review_view is not None:
            self.review_view.archive_opened()
        self.reload()
        self.archives.schedule_auto_backup()
        self.schedule_suggestion_warm_up()
        if self.damage is not None:
            self.archives.show_damage()
        if getattr(self, "reuse_controller", None) is not None:
            self.reuse_controller.schedule()
        self.resumeNotice.check(self.archive, read_only)
        return True

    def schedule_suggestion_warm_up(self, delay_ms: int = WARM_UP_DELAY_MS) -> threading.Event | None:
        """Tag suggestions without a wait: a few seconds after the archive opened (the first rows are in),
        a low-priority thread initialises jieba and caches the words of the newest documents and of the
        IDF sample (core.tags.warm_up), a few documents at a time. Cancelled when the archive closes."""
        self._warm_cancel.set()
        if self.read_only or os.environ.get(WARM_UP_ENV) == "0":
            return None
        cancel = self._warm_cancel = threading.Event()
        path = self.archive_path

        def compute(archive: Archive) -> int:
            from core.tags import warm_up

            lower_thread_priority()
            return warm_up(archive, cancel=cancel, pause=0.02)

        def start() -> None:
            if not cancel.is_set():
                read_in_background(path, compute, self._warmedUp.emit, "suggest-warm-up")

        QTimer.singleShot(delay_ms, self, start)
        return cancel

    def _close_archive(self) -> None:
        self._warm_cancel.set()
        for job in self._import_jobs:
            job.cancel()
        self._import_jobs = []
        if hasattr(self, "importBox"):
            self.importBox.hide()
        if self._viewer is not None:
            self._viewer.close_worker()
        self.backups.detach(backup=not self._restoring)  # queued before the writer stops: runs first
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
        if getattr(self, "archive_path", None) is not None:
            from gui import instance

            instance.release(self.archive_path)

    def come_forward(self) -> None:
        """Another copy of the app was started on this archive: show this window on top."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def _set_enabled(self, enabled: bool) -> None:
        for a in (
            self.actionImport, self.actionImportFolder, self.actionExport, self.actionBackup, self.actionRestoreBackup,
            self.actionCompare,
            self.actionTrend, self.actionGrid, self.actionReview, self.actionDelete, self.actionEditMeta, self.actionAddTag,
            self.actionRemoveTag, self.actionTrash, self.actionReanalyse,
        ):
            a.setEnabled(enabled)
        if enabled and self.read_only:
            for a in self._write_actions():
                a.setEnabled(False)
        if self.damage is not None or self.open_error is not None:
            self.actionRestoreBackup.setEnabled(True)
        self.search_box.setEnabled(enabled)
        self.tag_pane.setEnabled(enabled)

    def _write_actions(self) -> list[QAction]:
        return [
            self.actionImport, self.actionImportFolder, self.actionDelete, self.actionEditMeta, self.actionAddTag,
            self.actionRemoveTag, self.actionRestore, self.actionPurge, self.actionRestoreBackup, self.actionReanalyse,
        ]

    def reload(self) -> None:
        """Re-read everything (rows, counts, tags) after outside changes."""
        self.model.invalidate()
        self.refresh()
        self.refresh_tags()

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
            self.actionRestoreBackup.setEnabled(self.damage is not None)

    # ------------------------------------------------------------------ writes
    def run_write(
        self,
        fn: JobFn,
        ids: Sequence[int] | None = None,
        name: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Job | None:
        """Run a write on the worker; afterwards refresh the rows (ids, or all), tags and the viewer
        (`on_error`: after the error was shown)."""
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
            if on_error is not None:
                on_error(exc)
            self.writeFinished.emit(name)

        return self.worker.submit(fn, on_done=done, on_error=failed, on_progress=on_progress, name=name)

    # ------------------------------------------------------------------ viewer
    @property
    def viewer(self) -> Any:
        """The document viewer (created on first use)."""
        if self._viewer is None:
            from gui.viewer import DocumentViewer

            self._viewer = DocumentViewer(self)
            self._viewer.loaded.connect(self.documents.viewer_loaded)
            self._viewer.loadFailed.connect(self.documents.viewer_failed)
            self.tabs.addTab(self._viewer, self.tr("阅读"))
            state = self.settings.splitter_state("viewer")
            if state is not None:
                self._viewer.restore_state(state)
        return self._viewer


    def _warm_up_finished(self, result: object) -> None:
        if isinstance(result, BaseException):
            log.warning("tag suggestion warm-up failed: %s", result)
        else:
            log.info("tag suggestion warm-up: %s documents segmented", result)
        self.suggestionsWarm.emit(result)

    def _settings_changed(self, names: list[str]) -> None:
        if {"ocr_enabled", "ocr_page_limit", "backup_dir", "backup_keep"} & set(names):
            self.settings.apply_to_environment()
        self.settingsChanged.emit(names)

    def open_settings(self) -> None:
        """文件 → 设置…: the options dialog; `settingsChanged(names)` after 确定 changed something."""
        from gui.settings_dialog import SettingsDialog

        old = self.settings_dialog
        if old is not None and alive(old):
            old.raise_()
            old.activateWindow()
            return
        from core import export_templates

        names = [n for n in export_templates.template_names() if n != export_templates.ALL_INDICATORS]
        dialog = SettingsDialog(self.settings, self, templates=names)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(lambda names: self._settings_changed(names) if names else None)
        self.settings_dialog = dialog
        dialog.open()

    # ------------------------------------------------------------------ public API, served by the parts
    def current_query(self) -> str:
        return self.listing.current_query()

    def filter_kwargs(self) -> dict[str, Any]:
        return self.listing.filter_kwargs()

    def refresh(self) -> None:
        """List the ids for the current query, tag filters, trash mode and sort, off the GUI thread."""
        self.listing.refresh()

    def refresh_tags(self) -> None:
        self.listing.refresh_tags()

    def clear_filters(self) -> None:
        self.listing.clear_filters()

    def focus_search(self) -> None:
        self.listing.focus_search()

    def import_paths(self, paths: Sequence[str | Path], resume_run: int | None = None) -> Job | None:
        """Import files/folders on the writer worker, with progress in the status bar and Cancel
        (resume_run: the files an interrupted import left instead)."""
        return self.imports.import_paths(paths, resume_run)

    def load_samples(self) -> Job | None:
        return self.imports.load_samples()

    def cancel_import(self) -> None:
        self.imports.cancel_import()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.imports.drag_enter(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.imports.drag_move(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.imports.drop(event)

    def run_backup(self, dest: Path) -> Job | None:
        return self.archives.run_backup(dest)

    def restore_backup_interactive(self) -> None:
        """文件 → 从备份恢复… (also offered by the error dialog of a damaged archive)."""
        self.archives.restore_backup_interactive()

    def restore_from_backup(self, backup: Path) -> bool:
        """Put an automatic backup in place (see ArchiveActions.restore_from_backup); False if busy."""
        return self.archives.restore_from_backup(backup)

    def work_on_local_copy(self) -> Job | None:
        return self.archives.work_on_local_copy()

    def tag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        """Add a tag to documents (undoable); also the drop handler of the tag pane."""
        self.documents.tag_documents(ids, tag_name)

    def untag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        self.documents.untag_documents(ids, tag_name)

    def set_metadata(self, ids: Sequence[int], fields: dict[str, Any]) -> None:
        self.documents.set_metadata(ids, fields)

    def trash_selected(self) -> None:
        self.documents.trash_selected()

    def restore_selected(self) -> None:
        self.documents.restore_selected()

    def purge_selected(self, confirm: bool = True) -> None:
        self.documents.purge_selected(confirm)

    def set_trash_mode(self, on: bool) -> None:
        self.documents.set_trash_mode(on)

    def open_selected(self) -> None:
        self.documents.open_selected()

    def open_document(self, doc_id: int) -> None:
        self.documents.open_document(doc_id)

    def open_previous_year(self, doc_id: int) -> None:
        self.documents.open_previous_year(doc_id)

    def compare_selected(self) -> None:
        self.documents.compare_selected()

    def trend_selected(self) -> None:
        self.documents.trend_selected()

    def reporting_grid(self) -> None:
        self.documents.reporting_grid()

    def copy_selection(self) -> None:
        self.documents.copy_selection()

    def copy_documents_tsv(self) -> str:
        """Copy the selected rows of archiveTable as TSV (see DocumentActions.copy_documents_tsv)."""
        return self.documents.copy_documents_tsv()

    # ------------------------------------------------------------------ window state
    def _toggle_tag_pane(self, on: bool) -> None:
        self.tag_pane.setVisible(bool(on))

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

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        if area.width() <= SMALL_SCREEN_WIDTH:  # 1366×768 and the like: every pixel is needed
            self.setGeometry(area)
            self.setWindowState(Qt.WindowState.WindowMaximized)
            return
        width = min(1640, int(area.width() * 0.94))
        height = min(1000, int(area.height() * 0.92))
        self.resize(width, height)
        self.move(area.x() + (area.width() - width) // 2, area.y() + max(0, (area.height() - height) // 3))

    def _selection_changed(self, *_: Any) -> None:
        self._update_actions()
        self.listing.update_status()

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
            QTimer.singleShot(50, self.table.fit_columns)  # once the layout has settled
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
                self.tr("导入还没有完成。取消导入并退出？已导入的文档会保留。"),
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



def _expected(exc: BaseException) -> bool:
    from core.errors import ArchiveError

    return isinstance(exc, ArchiveError)
