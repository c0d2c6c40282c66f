"""The window with a damaged archive, backups after edits and at close, and a second copy of the app."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from core import backups
from core.archive import Archive
from core.errors import ArchiveCorruptError
from gui import archive_actions as main_window_module  # the backup actions moved out of main_window
from gui import instance
from gui.dialogs import RestoreBackupDialog
from gui.main_window import MainWindow
from tests.gui.conftest import make_window


@pytest.fixture(autouse=True)
def _prompt_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "AUTO_BACKUP_DELAY_MS", 50)


def _backup(path: Path, when: dt.datetime) -> tuple[Path, int]:
    with Archive.open(path) as archive:
        made = backups.make_backup(archive, now=when)
        assert made is not None
        return made, archive.count()


def _damage_header(path: Path) -> bytes:
    damaged = b"\x00" * 100 + path.read_bytes()[100:]
    path.write_bytes(damaged)
    for companion in ("-wal", "-shm"):
        Path(str(path) + companion).unlink(missing_ok=True)
    return damaged


def test_damaged_archive_names_the_backup_and_is_restored_from_the_window(
    qtbot: QtBot, filled_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made, count = _backup(filled_archive, dt.datetime(2025, 3, 1, 18, 5))
    damaged = _damage_header(filled_archive)
    window = MainWindow(filled_archive)
    qtbot.addWidget(window)
    window.show()
    try:
        assert window.archive is None
        overlay = window.table.overlay
        assert "2025-03-01 18:05 的备份" in overlay.body.text() and f"{count} 份文档" in overlay.body.text()
        restore = overlay.button("restore")
        assert restore is not None and restore.text() == "从备份恢复…"
        action = window.findChild(QAction, "actionRestoreBackup")
        assert action is not None and action.isEnabled()  # greyed out no more

        questions: list[str] = []
        monkeypatch.setattr(main_window_module, "ask", lambda _p, _t, text, *_a, **_k: questions.append(text) or True)
        restore.click()
        dialog = window.findChild(RestoreBackupDialog, "restoreBackupDialog")
        assert dialog is not None and dialog.isVisible()
        assert dialog.table.item(0, 1).text() == f"{count} 份"  # type: ignore[union-attr]
        assert dialog.chosen() == made
        with qtbot.waitSignal(window.backupRestored, timeout=30_000) as restored:
            dialog.restoreButton.click()
        aside = restored.args[0]
        assert "已损坏" in questions[0] and f"{count} 份文档" in questions[0]
        assert isinstance(aside, Path) and ".已损坏-" in aside.name and aside.read_bytes() == damaged
        qtbot.waitUntil(lambda: window.model.rowCount() == count, timeout=10_000)
        assert window.archive is not None and not window.read_only
    finally:
        window.close()


def test_error_dialog_for_a_damaged_archive_offers_restore(qtbot: QtBot, window: MainWindow) -> None:
    from gui.errors import _open_boxes, show_error

    show_error(window, ArchiveCorruptError("档案文件已损坏"))
    box = _open_boxes[-1]
    try:
        button = box.findChild(QPushButton, "restoreFromError")
        assert button is not None and button.text() == "从备份恢复…"
        button.click()
        qtbot.waitUntil(lambda: window.findChild(RestoreBackupDialog, "restoreBackupDialog") is not None)
    finally:
        if box in _open_boxes:
            box.close()


def test_damage_found_by_the_backup_reopens_read_only(qtbot: QtBot, filled_archive: Path) -> None:
    window = make_window(qtbot, filled_archive)
    try:
        with qtbot.waitSignal(window.backupRotated, timeout=15_000) as first:
            pass
        assert isinstance(first.args[0], Path)
        # SQLite's check of the next copy fails: as if pages of the archive had gone bad
        original = backups.archive_file.quick_check
        try:
            backups.archive_file.quick_check = lambda path: path == first.args[0]  # only the earlier copy is good
            window.backups.interval_s = 0
            assert window.worker is not None
            window.worker.submit(lambda a, *_: a.tag_documents(a.list_ids()[:1], ["新"]))
            with qtbot.waitSignal(window.backups.backupMade, timeout=30_000):
                window.backups.changed()
        finally:
            backups.archive_file.quick_check = original
        qtbot.waitUntil(lambda: window.damage is not None, timeout=10_000)
        assert window.read_only and window.archive is not None
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
        assert "已损坏" in window.warningLabel.text() and "最新的可用备份" in window.warningLabel.text()
        assert window.actionRestoreBackup.isEnabled() and not window.actionImport.isEnabled()
        assert window.actionExport.isEnabled()  # export what is left
    finally:
        window.close()


def test_changes_are_backed_up_at_close(qtbot: QtBot, filled_archive: Path) -> None:
    window = make_window(qtbot, filled_archive)
    with qtbot.waitSignal(window.backupRotated, timeout=15_000):
        pass
    assert len(backups.list_backups(filled_archive)) == 1
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.run_write(lambda a, *_: a.tag_documents(a.list_ids()[:2], ["关闭前"]), None, "tags")
    window.close()  # within the interval: no backup yet after the edit, one at close
    infos = backups.backup_infos(filled_archive)
    assert len(infos) == 2
    with Archive.open(infos[0].path, read_only=True) as copy:
        assert "关闭前" in {t.name for t in copy.tags()}


_HOLDER = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QLockFile
app = QCoreApplication([])
from gui import instance
lock = QLockFile(str(instance.locks_dir() / (instance.key(Path(sys.argv[1])) + ".lock")))
lock.setStaleLockTime(0)
assert lock.tryLock(0)
print("locked", flush=True)
signal = instance.locks_dir() / (instance.key(Path(sys.argv[1])) + ".raise")
for _ in range(600):
    if signal.exists():
        signal.unlink()
        print("came forward", flush=True)
    time.sleep(0.05)
    if sys.stdin.closed:
        break
"""


def test_a_second_copy_of_the_app_brings_the_first_forward_and_only_reads(
    qtbot: QtBot, filled_archive: Path, _isolated_home: Path
) -> None:
    from tests.robustness.conftest import REPO, child_env

    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(filled_archive)], cwd=REPO,
                              env=child_env(_isolated_home), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert instance.held_elsewhere(filled_archive)
        window = make_window(qtbot, filled_archive)
        try:
            assert holder.stdout.readline().strip() == "came forward"
            assert window.read_only and window.archive is not None
            assert "另一个报告档案窗口" in window.warningLabel.toolTip()
            assert not window.actionImport.isEnabled()
        finally:
            window.close()
        assert instance.ask_to_come_forward(filled_archive)  # what `python -m gui` does before exiting
        assert holder.stdout.readline().strip() == "came forward"
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert not instance.held_elsewhere(filled_archive)  # a dead copy's lock does not count


def test_the_window_comes_forward_when_another_copy_asks(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []
    monkeypatch.setattr(window, "come_forward", lambda: asked.append(True))
    instance.claim(window.archive_path, window.come_forward)
    signal = instance.locks_dir() / (instance.key(window.archive_path) + ".raise")
    signal.write_bytes(b"1")
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    assert not signal.exists()
    assert QMessageBox is not None


def test_a_backup_after_changes_does_not_hold_the_writer(qtbot: QtBot, filled_archive: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy runs on its own connection: edits go on while it is made, and it holds what was written before."""
    import threading

    window = make_window(qtbot, filled_archive)
    try:
        with qtbot.waitSignal(window.backupRotated, timeout=15_000):
            pass
        release, started = threading.Event(), threading.Event()
        copy = backups.archive_file.copy_database

        def slow_copy(source: sqlite3.Connection, dest: Path) -> Path:
            started.set()
            assert release.wait(30)
            return copy(source, dest)

        monkeypatch.setattr(backups.archive_file, "copy_database", slow_copy)
        window.backups.interval_s = 0
        with qtbot.waitSignal(window.writeFinished, timeout=10_000):
            window.run_write(lambda a, *_: a.tag_documents(a.list_ids()[:1], ["备份前"]), None, "tags")
        qtbot.waitUntil(started.is_set, timeout=10_000)  # the copy after that edit has begun …
        assert window.backups.copying
        assert "自动备份" in window.archives.busy_reason()  # … a restore must wait for it
        with qtbot.waitSignal(window.writeFinished, timeout=10_000):  # … and the writer is free meanwhile
            window.run_write(lambda a, *_: a.tag_documents(a.list_ids()[:1], ["备份中"]), None, "tags")
        with qtbot.waitSignal(window.backups.backupMade, timeout=30_000) as made:
            release.set()
        path = made.args[1]
        assert isinstance(path, Path) and path.is_file()
        with Archive.open(path, read_only=True) as kept:
            assert "备份前" in {t.name for t in kept.tags()}
        qtbot.waitUntil(lambda: not window.backups.copying, timeout=10_000)
        assert window.archives.busy_reason() == ""
    finally:
        release.set()
        window.close()
    # the edit made during the copy is not in it: the copy at close holds it
    with Archive.open(backups.backup_infos(filled_archive)[0].path, read_only=True) as last:
        assert "备份中" in {t.name for t in last.tags()}
