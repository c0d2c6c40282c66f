"""The main window's actions, menus, tool bar and status bar (built once; slots live in the window's parts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QToolBar, QWidget

if TYPE_CHECKING:
    from gui.main_window import MainWindow


def make_action(  # noqa: PLR0917
    w: MainWindow,
    text: str,
    slot: Callable[..., Any] | None = None,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    name: str = "",
    checkable: bool = False,
    tip: str = "",
) -> QAction:
    action = QAction(text, w)
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
    w.addAction(action)
    return action


def build_actions(w: MainWindow) -> None:
    """Every QAction of the window, as `w.actionX` (objectNames are part of the contract)."""
    tr = w.tr
    w.actionNewArchive = make_action(w, tr("新建档案…"), w.archives.new_archive_interactive, name="actionNewArchive")
    w.actionOpenArchive = make_action(w, tr("打开档案…"), w.archives.open_archive_interactive, name="actionOpenArchive")
    w.actionBackup = make_action(w, tr("备份档案…"), w.archives.backup_interactive, name="actionBackup")
    w.actionRestoreBackup = make_action(w,
        tr("从备份恢复…"), w.archives.restore_backup_interactive, name="actionRestoreBackup",
        tip=tr("用每天的自动备份替换当前档案（当前档案会改名保留）"),
    )
    w.actionImport = make_action(w,
        tr("导入…"), w.imports.import_interactive, QKeySequence.StandardKey.Open, "actionImport",
        tip=tr("导入报告文件（也可以直接把文件拖到窗口里）"),
    )
    w.actionImportFolder = make_action(w,
        tr("导入文件夹…"), w.imports.import_folder_interactive, "Ctrl+Shift+O", "actionImportFolder"
    )
    w.actionExport = make_action(w,
        tr("导出…"), w.archives.export_interactive, "Ctrl+E", "actionExport", tip=tr("把文档信息和指标导出为 Excel 工作簿")
    )
    w.actionSettings = make_action(
        w, tr("设置…"), w.open_settings, QKeySequence.StandardKey.Preferences, "actionSettings",
        tip=tr("OCR、处理时限、自动导入文件夹、备份和默认导出模板"),
    )
    w.actionQuit = make_action(w, tr("退出"), w.close, QKeySequence.StandardKey.Quit, "actionQuit")
    w.actionUndo = w.undo_stack.createUndoAction(w, tr("撤销"))
    w.actionUndo.setShortcut(QKeySequence.StandardKey.Undo)
    w.actionUndo.setObjectName("actionUndo")
    w.actionRedo = w.undo_stack.createRedoAction(w, tr("重做"))
    w.actionRedo.setShortcut(QKeySequence.StandardKey.Redo)
    w.actionRedo.setObjectName("actionRedo")
    w.actionSelectAll = make_action(w, tr("全选"), w.select_all, QKeySequence.StandardKey.SelectAll, "actionSelectAll")
    w.actionCopy = make_action(w, tr("复制"), w.documents.copy_selection, QKeySequence.StandardKey.Copy, "actionCopy")
    w.actionDelete = make_action(w,
        tr("删除（移到回收站）"), w.documents.trash_selected, QKeySequence.StandardKey.Delete, "actionDelete"
    )
    w.actionEditMeta = make_action(w, tr("编辑文档信息…"), w.documents.edit_metadata_interactive, "Ctrl+I", "actionEditMetadata")
    w.actionAddTag = make_action(w, tr("加标签…"), w.documents.add_tag_interactive, "Ctrl+T", "actionAddTag")
    w.actionRemoveTag = make_action(w, tr("去掉标签…"), w.documents.remove_tag_interactive, name="actionRemoveTag")
    w.actionFind = make_action(w, tr("搜索"), w.listing.focus_search, QKeySequence.StandardKey.Find, "actionFind")
    w.actionCloseTab = make_action(w, tr("关闭阅读页"), w.documents.close_current_tab, name="actionCloseTab")
    w.actionCloseTab.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence("Ctrl+F4")])  # Ctrl+W on every platform
    w.actionOpenDoc = make_action(w, tr("阅读"), w.documents.open_selected, name="actionOpenDocument")
    w.actionTrash = make_action(w, tr("回收站"), w.documents.set_trash_mode, name="actionTrash", checkable=True)
    w.actionRestore = make_action(w, tr("恢复"), w.documents.restore_selected, name="actionRestore")
    w.actionPurge = make_action(w, tr("彻底删除…"), w.documents.purge_selected, name="actionPurge")
    w.actionTagBar = make_action(w, tr("显示标签栏"), w._toggle_tag_pane, name="actionTagBar", checkable=True)
    w.actionRefresh = make_action(w, tr("刷新"), w.reload, QKeySequence.StandardKey.Refresh, "actionRefresh")
    w.actionCompare = make_action(w,
        tr("对比"), w.documents.compare_selected, "Ctrl+D", "actionCompare", tip=tr("并排对比选中的两份文档")
    )
    w.actionTrend = make_action(w, tr("趋势…"), w.documents.trend_selected, name="actionTrend")
    w.actionGrid = make_action(w, tr("收报情况…"), w.documents.reporting_grid, name="actionGrid")
    w.actionReview = make_action(w,
        tr("待核对"), lambda: _open_review(w), "Ctrl+Shift+K", "actionReview",
        tip=tr("未归入指标和可信度低的数字，按说法分组：一次把一组归入指标"),
    )
    w.actionReanalyse = make_action(w,
        tr("重新分析…"), w.documents.reanalyse_selected, name="actionReanalyse",
        tip=tr("按当前规则和个人词典重新提取选中文档（未选中时为列表中的文档）的数据；人工确认和更正的保留"),
    )
    w.actionAbout = make_action(w, tr("关于"), w.documents.about, name="actionAbout")
    w.actionLogs = make_action(w, tr("打开日志文件夹"), w.documents.open_log_folder, name="actionLogs")
    w.actionRestore.setVisible(False)
    w.actionPurge.setVisible(False)


def _open_review(w: MainWindow) -> None:
    from gui.review_view import open_review

    open_review(w)


def build_menus(w: MainWindow) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu(w.tr("文件(&F)"))
    for a in (w.actionNewArchive, w.actionOpenArchive, w.actionBackup, w.actionRestoreBackup):
        file_menu.addAction(a)
    file_menu.addSeparator()
    file_menu.addAction(w.actionImport)
    file_menu.addAction(w.actionImportFolder)
    file_menu.addAction(w.actionExport)
    file_menu.addSeparator()
    file_menu.addAction(w.actionSettings)
    file_menu.addSeparator()
    file_menu.addAction(w.actionQuit)
    edit = bar.addMenu(w.tr("编辑(&E)"))
    edit.addAction(w.actionUndo)
    edit.addAction(w.actionRedo)
    edit.addSeparator()
    edit.addAction(w.actionSelectAll)
    edit.addAction(w.actionCopy)
    edit.addAction(w.actionFind)
    edit.addSeparator()
    edit.addAction(w.actionEditMeta)
    edit.addAction(w.actionAddTag)
    edit.addAction(w.actionRemoveTag)
    edit.addSeparator()
    edit.addAction(w.actionDelete)
    edit.addAction(w.actionRestore)
    edit.addAction(w.actionPurge)
    view = bar.addMenu(w.tr("视图(&V)"))
    view.addAction(w.actionTrash)
    view.addAction(w.actionTagBar)
    view.addAction(w.actionOpenDoc)
    view.addAction(w.actionCloseTab)
    view.addAction(w.actionRefresh)
    analyse = bar.addMenu(w.tr("分析(&A)"))
    analyse.addAction(w.actionCompare)
    analyse.addAction(w.actionTrend)
    analyse.addAction(w.actionGrid)
    analyse.addSeparator()
    analyse.addAction(w.actionReview)
    analyse.addAction(w.actionReanalyse)
    help_menu = bar.addMenu(w.tr("帮助(&H)"))
    help_menu.addAction(w.actionAbout)
    help_menu.addAction(w.actionLogs)


def build_toolbar(w: MainWindow) -> None:
    bar = QToolBar(w.tr("工具栏"), w)
    bar.setObjectName("mainToolBar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    bar.addAction(w.actionImport)
    bar.addAction(w.actionExport)
    bar.addSeparator()
    bar.addAction(w.actionCompare)
    bar.addAction(w.actionReview)
    bar.addAction(w.actionTrash)
    bar.addAction(w.actionRestore)
    bar.addAction(w.actionPurge)
    spacer = QWidget(bar)
    spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy())
    bar.addWidget(spacer)
    bar.addWidget(w.search_box)
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    w.toolbar = bar
    from gui.resume import ResumeNotice

    w.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
    w.resumeNotice = ResumeNotice(w)  # a bar under the toolbar when the last import was interrupted
    w.addToolBar(Qt.ToolBarArea.TopToolBarArea, w.resumeNotice)


def build_statusbar(w: MainWindow) -> None:
    """Counts, archive warnings, the local-copy offer and the import progress with Cancel."""
    status = w.statusBar()
    w.countLabel = QLabel(w)
    w.countLabel.setObjectName("countLabel")
    status.addWidget(w.countLabel, 1)
    w.warningLabel = QLabel(w)
    w.warningLabel.setObjectName("archiveWarning")
    w.warningLabel.setStyleSheet("color: #b3261e;")
    w.warningLabel.hide()
    status.addWidget(w.warningLabel, 2)
    # An archive on a network share (WAL is unsafe there): offer to work on a local copy.
    w.localCopyButton = QPushButton(w.tr("在本机副本上工作"), w)
    w.localCopyButton.setObjectName("localCopyButton")
    w.localCopyButton.setToolTip(w.tr("把档案复制到本机的用户数据文件夹并打开副本；网络共享上的原档案保持不变。"))
    w.localCopyButton.clicked.connect(w.archives.work_on_local_copy)
    w.localCopyButton.hide()
    status.addWidget(w.localCopyButton)
    w.importLabel = QLabel(w)
    w.importLabel.setObjectName("importLabel")
    w.importLabel.setMaximumWidth(420)
    w.importProgress = QProgressBar(w)
    w.importProgress.setObjectName("importProgress")
    w.importProgress.setMinimumWidth(160)
    w.importProgress.setMaximumWidth(240)
    w.importProgress.setTextVisible(True)
    w.importProgress.setFormat("%v / %m")
    w.cancelImportButton = QPushButton(w.tr("取消"), w)
    w.cancelImportButton.setObjectName("cancelImportButton")
    w.cancelImportButton.clicked.connect(w.imports.cancel_import)
    box = QWidget(w)
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(w.importLabel)
    lay.addWidget(w.importProgress)
    lay.addWidget(w.cancelImportButton)
    w.importBox = box
    status.addPermanentWidget(box)
    box.hide()

