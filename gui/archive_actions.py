"""Archive-level actions: new/open, backup, automatic backups, restore from a backup, local copy, export."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from gui.errors import show_error
from gui.ui import alive, ask, inform
from gui.worker import Job, Worker, run_in_background

if TYPE_CHECKING:
    from core.archive import Archive
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)

AUTO_BACKUP_DELAY_MS = 1500  # after the first listing has had the disk to itself


class ArchiveActions:
    """The 文件 menu's archive actions; the restore runs on its own thread (the archive is closed meanwhile)."""

    def __init__(self, window: MainWindow) -> None:
        self.w = window

    def work_on_local_copy(self) -> Job | None:
        """Copy the (network) archive to the local user data folder on the worker, then open the copy."""
        if self.w.worker is None or self.w.archive is None:
            return None
        self.w.localCopyButton.setEnabled(False)
        self.w.statusBar().showMessage(self.w.tr("正在复制档案到本机……"))

        def job(archive: Archive, *_: Any) -> Path:
            return archive.copy_to_local()

        def done(copy: Any) -> None:
            self.w.localCopyButton.setEnabled(True)
            if self.w.open_archive(Path(copy)):
                self.w.statusBar().showMessage(
                    self.w.tr("已打开本机副本：{0}（网络上的原档案未改动）").format(copy), 15_000
                )
            self.w.localCopied.emit(Path(copy))

        def failed(exc: BaseException) -> None:
            self.w.localCopyButton.setEnabled(True)
            show_error(self.w, exc)

        return self.w.worker.submit(job, on_done=done, on_error=failed, name="local-copy")

    def export_interactive(self) -> None:
        if self.w.archive is None:
            return
        from gui.export_dialog import ExportDialog

        old = self.w.export_dialog
        if old is not None and alive(old):
            if getattr(old, "job", None) is not None:  # still exporting: bring it back instead
                old.show()
                old.raise_()
                old.activateWindow()
                return
            old.close()
            old.deleteLater()
        dialog = ExportDialog(self.w)
        self.w.export_dialog = dialog
        dialog.show()

    def backup_interactive(self) -> None:
        if self.w.worker is None:
            return
        stamp = time.strftime("%Y%m%d")
        default = str(Path(self.w.settings.last_export_dir or Path.home()) / self.w.tr("{0}-备份-{1}.sqlite").format(self.w.archive_path.stem, stamp))
        dest, _ = QFileDialog.getSaveFileName(self.w, self.w.tr("备份档案"), default, self.w.tr("档案文件 (*.sqlite)"))
        if not dest:
            return
        self.run_backup(Path(dest))

    def run_backup(self, dest: Path) -> Job | None:
        if self.w.worker is None:
            return None

        def done(path: Any) -> None:
            self.w.statusBar().showMessage(self.w.tr("已备份到 {0}").format(path), 8000)
            self.w.writeFinished.emit("backup")

        def failed(exc: BaseException) -> None:
            show_error(self.w, exc, self.w.tr("备份失败"))
            self.w.writeFinished.emit("backup")

        return self.w.worker.submit(lambda a, *_: a.backup(dest), on_done=done, on_error=failed, name="backup")

    def schedule_auto_backup(self) -> None:
        """Today's rotating backup (core.backups), on the writer thread shortly after the archive opened.

        A read-only archive is not backed up (this program does not change it). Failures are logged and
        shown in the status bar: a backup problem must not interrupt the clerk with a dialog.
        """
        if self.w.read_only or self.w.worker is None:
            return
        worker = self.w.worker
        QTimer.singleShot(AUTO_BACKUP_DELAY_MS, self.w, lambda: self.auto_backup(worker))

    def auto_backup(self, worker: Worker) -> Job | None:
        if worker is not self.w.worker or self.w.worker is None:
            return None  # the archive was switched or closed meanwhile
        return self.w.backups.daily()

    def backup_made(self, kind: str, result: object) -> None:
        from core.errors import ArchiveDamagedError
        from gui.errors import message_for

        if isinstance(result, ArchiveDamagedError) and self.w.damage is None:
            # the copy failed SQLite's check: the archive itself is damaged. No more writes to it: reopen it
            # read-only (export what is left) and say which backup can save the clerk.
            log.warning("archive %s is damaged: %s", self.w.archive_path, result)
            self.w.open_archive(self.w.archive_path, remember=False, read_only=True)
            self.w.damage = result
            self.show_damage()
        elif isinstance(result, BaseException):
            self.w.statusBar().showMessage(self.w.tr("自动备份失败：{0}").format(message_for(result)), 15000)
        elif isinstance(result, Path):
            self.w.statusBar().showMessage(self.w.tr("已自动备份档案（{0}）").format(result.name), 6000)
        if kind == "daily":
            self.w.backupRotated.emit(result)

    def has_backups(self) -> bool:
        from core.backups import list_backups

        try:
            return bool(list_backups(self.w.archive_path))
        except OSError:
            return False

    def open_damaged(self, exc: BaseException) -> Archive | None:
        """A damaged archive SQLite can still read: open it read-only, so the clerk can export what is left."""
        from core.archive import Archive

        try:
            archive = Archive.open(self.w.archive_path, read_only=True)
            archive.get_documents(archive.list_ids(limit=50))
        except Exception as second:
            log.warning("damaged archive %s cannot be read either: %s (%s)", self.w.archive_path, second, exc)
            return None
        return archive

    def show_damage(self) -> None:
        """The damaged archive is open read-only: the banner says so and names the backup; 从备份恢复… stays."""
        w = self.w
        text = w.tr("档案已损坏，已以只读方式打开：可以浏览并导出尚能读出的内容。") + str(w.damage)
        w.warningLabel.setText("⚠ " + text.replace("\n", " "))
        w.warningLabel.setToolTip(text)
        w.warningLabel.setWordWrap(True)
        w.warningLabel.setVisible(True)
        w.actionRestoreBackup.setEnabled(True)
        w.setWindowTitle(w.tr("报告档案 — {0}（已损坏，只读）").format(w.archive_path.name))

    def restore_backup_interactive(self) -> None:
        """文件 → 从备份恢复…: pick one of the automatic backups, confirm, restore."""
        w = self.w
        if w._restoring or (w.read_only and w.damage is None and w.open_error is None):
            return
        from core.backups import backup_infos
        from gui.dialogs import RestoreBackupDialog

        old = self.w.restore_dialog
        if old is not None and alive(old):
            old.close()
        dialog = RestoreBackupDialog(backup_infos(self.w.archive_path), self.w.archive_path, self.w)
        dialog.backupChosen.connect(self.confirm_restore)
        self.w.restore_dialog = dialog
        dialog.open()

    def busy_reason(self) -> str:
        if self.w._import_jobs:
            return self.w.tr("正在导入文件，请等导入完成后再恢复。")
        if self.w.backups.copying:
            return self.w.tr("正在自动备份，请等备份完成后再恢复。")
        exporting = self.w.export_dialog is not None and alive(self.w.export_dialog)
        if exporting and getattr(self.w.export_dialog, "job", None) is not None:
            return self.w.tr("正在导出，请等导出完成后再恢复。")
        return ""

    def confirm_restore(self, backup: Path) -> None:
        busy = self.busy_reason()
        if busy:
            inform(self.w, self.w.tr("从备份恢复"), busy)
            return
        from core import backups

        w = self.w
        chosen = backups.info(Path(backup), w.archive_path)
        damaged = w.archive is None or w.damage is not None
        label = backups.DAMAGED_ASIDE if damaged else backups.RESTORED_ASIDE
        aside = f"{w.archive_path.stem}.{label}-{w.tr('日期时间')}{w.archive_path.suffix or '.sqlite'}"
        if damaged:
            now = w.tr("当前档案已损坏或无法打开。它不会被删除：它会改名为“{0}”，留在原来的文件夹中：\n{1}").format(
                aside, w.archive_path.parent)
        else:
            now = w.tr("当前档案（{0} 份文档）不会丢失：恢复前先把它另存为“{1}”，留在原来的文件夹中：\n{2}").format(
                w.total_count, aside, w.archive_path.parent)
        text = w.tr(
            "用 {0}替换档案“{1}”？\n\n{2}\n需要时可以用“打开档案…”再打开它。\n\n"
            "备份之后导入或修改的内容不在备份里。恢复前会关闭对比、趋势等窗口；"
            "其他窗口或程序正在使用这个档案时，请先关闭它们。"
        ).format(chosen.describe(), w.archive_path.name, now)
        if ask(self.w, self.w.tr("从备份恢复"), text, self.w.tr("恢复"), self.w.tr("取消"), danger=True):
            self.restore_from_backup(backup)

    def restore_from_backup(self, backup: Path) -> bool:
        """Close every connection of this window, put `backup` in place (core.backups.restore_backup, in a
        background thread), then reopen the archive; `backupRestored(aside)` when done. False if busy."""
        if self.w._restoring or self.busy_reason():
            return False
        from core.backups import restore_backup

        self.w._restoring = True
        backup = Path(backup)
        path = self.w.archive_path
        for w in self.w._children:
            if alive(w):
                w.close()
        self.w._children = []
        if self.w.export_dialog is not None and alive(self.w.export_dialog):
            self.w.export_dialog.close()
        self.w._close_archive()  # stops the writer, reader and viewer workers, closing their connections
        self.w.model.set_archive(None)
        self.w._set_enabled(False)
        self.w.actionNewArchive.setEnabled(False)
        self.w.actionOpenArchive.setEnabled(False)
        self.w.table.overlay.set_content(self.w.tr("正在从备份恢复…"), str(backup), [])
        self.w.table.show_overlay(True)
        self.w.statusBar().showMessage(self.w.tr("正在从备份恢复…"))

        def delivered(result: object) -> None:
            if isinstance(result, BaseException):
                self.w._restoreDone.emit(None, result)
            else:
                self.w._restoreDone.emit(result, None)

        run_in_background(lambda: restore_backup(backup, path), delivered, "restore-backup")
        return True

    def restore_finished(self, aside: Path | None, exc: BaseException | None) -> None:
        self.w._restoring = False
        self.w.actionNewArchive.setEnabled(True)
        self.w.actionOpenArchive.setEnabled(True)
        self.w.table.show_overlay(False)
        self.w.open_archive(self.w.archive_path, remember=False)  # the restored file, or the untouched one
        if exc is not None:
            from gui.errors import is_expected

            if not is_expected(exc):
                log.error("restore failed", exc_info=(type(exc), exc, exc.__traceback__))
            show_error(self.w, exc, self.w.tr("从备份恢复失败"))
            self.w.statusBar().showMessage(self.w.tr("从备份恢复失败，档案没有改动。"), 10000)
        else:
            where = aside.name if aside is not None else ""
            self.w.statusBar().showMessage(
                self.w.tr("已从备份恢复。原来的档案保存为 {0}").format(where) if where else self.w.tr("已从备份恢复。"),
                15000,
            )
        self.w.backupRestored.emit(exc if exc is not None else aside)

    def new_archive_interactive(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.w, self.w.tr("新建档案"), str(self.w.archive_path.parent / "新档案.sqlite"), self.w.tr("档案文件 (*.sqlite)")
        )
        if path:
            if not path.endswith(".sqlite"):
                path += ".sqlite"
            self.w.open_archive(Path(path))

    def open_archive_interactive(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.w, self.w.tr("打开档案"), str(self.w.archive_path.parent), self.w.tr("档案文件 (*.sqlite *.db);;所有文件 (*)")
        )
        if path:
            self.w.open_archive(Path(path))
