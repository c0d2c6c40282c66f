"""Automatic daily backups from the main window, and 文件 → 从备份恢复… restoring one (moved aside, not deleted)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from core import backups
from core.archive import Archive
from core.errors import DiskFullError
from core.models import Outcome
from gui import archive_actions as main_window_module  # the backup actions moved out of main_window
from gui.dialogs import RestoreBackupDialog, backup_date, format_size
from gui.main_window import MainWindow
from tests.gui.conftest import make_window, shared_reports


def _titles(window: MainWindow) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


@pytest.fixture(autouse=True)
def _prompt_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_window_module, "AUTO_BACKUP_DELAY_MS", 50)  # the real delay only spares start-up


def _cell(dialog: RestoreBackupDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM documents WHERE deleted_at IS NULL").fetchone()[0])
    finally:
        conn.close()


def test_opening_an_archive_makes_todays_backup_in_the_background(
    qtbot: QtBot, filled_archive: Path, _isolated_home: Path
) -> None:
    window = make_window(qtbot, filled_archive)
    try:
        with qtbot.waitSignal(window.backupRotated, timeout=15_000) as blocker:
            pass
        made = blocker.args[0]
        assert isinstance(made, Path) and made.is_file()
        assert made.parent == _isolated_home / "backups"
        assert made.name.startswith(backups._prefix(filled_archive) + f"-{dt.date.today():%Y%m%d}-")
        assert backups.list_backups(filled_archive) == [made]
        with Archive.open(made, read_only=True) as copy:  # a complete, working archive
            assert copy.count() == window.model.rowCount() > 0
        assert "自动备份" in window.statusBar().currentMessage()
    finally:
        window.close()
    # opening again the same day: no second copy
    again = make_window(qtbot, filled_archive)
    try:
        with qtbot.waitSignal(again.backupRotated, timeout=15_000) as blocker:
            pass
        assert blocker.args[0] is None
        assert len(backups.list_backups(filled_archive)) == 1
    finally:
        again.close()


def test_backup_failure_is_logged_and_shown_in_the_status_bar_without_a_dialog(
    qtbot: QtBot, filled_archive: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def full(*_args: object, **_kwargs: object) -> Path:
        raise DiskFullError("自动备份失败：磁盘空间不足，请清理磁盘后重试。原档案未受影响。")

    monkeypatch.setattr(backups, "daily_backup", full)
    window = make_window(qtbot, filled_archive)
    try:
        # (the failure may come before a waitSignal could start: wait for what the clerk sees instead)
        qtbot.waitUntil(lambda: "磁盘空间不足" in window.statusBar().currentMessage(), timeout=15_000)
        assert QApplication.activeModalWidget() is None
        assert any("daily backup failed" in r.getMessage() for r in caplog.records)
        assert window.archive is not None and window.model.rowCount() > 0  # the window works on
    finally:
        window.close()


def test_read_only_archive_is_not_backed_up_and_cannot_be_restored(
    qtbot: QtBot, filled_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(qtbot, filled_archive)
    try:
        with qtbot.waitSignal(window.backupRotated, timeout=15_000):
            pass
        for path in backups.list_backups(filled_archive):
            path.unlink()
        with qtbot.waitSignal(window.refreshed, timeout=10_000):
            assert window.open_archive(filled_archive, read_only=True)
        qtbot.wait(300)
        assert backups.list_backups(filled_archive) == []
        action = window.findChild(QAction, "actionRestoreBackup")
        assert action is not None and not action.isEnabled()
    finally:
        window.close()


def test_restore_an_earlier_backup_through_the_dialog(
    qtbot: QtBot, filled_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(qtbot, filled_archive)
    try:
        with qtbot.waitSignal(window.backupRotated, timeout=15_000) as blocker:
            pass
        backup = blocker.args[0]
        assert isinstance(backup, Path)
        before = sorted(_titles(window))

        # the archive moves on after the backup: one more report
        extra = shared_reports(11)[-1]
        with qtbot.waitSignal(window.importFinished, timeout=60_000) as imported:
            window.import_paths([extra])
        assert imported.args[0].count(Outcome.IMPORTED) == 1
        qtbot.waitUntil(lambda: window.model.rowCount() == len(before) + 1, timeout=10_000)
        after_import = set(_titles(window))
        new_titles = after_import - set(before)
        assert len(new_titles) == 1

        # the import was backed up on the writer (the interval since the daily copy had passed)
        window.backups.interval_s = 0
        with qtbot.waitSignal(window.backups.backupMade, timeout=30_000) as after_import_backup:
            window.backups.changed()
        assert after_import_backup.args[0] == "changes"
        assert isinstance(after_import_backup.args[1], Path)
        assert _count(after_import_backup.args[1]) == len(before) + 1

        questions: list[str] = []

        def confirm(_parent: object, _title: str, text: str, *_args: object, **_kwargs: object) -> bool:
            questions.append(text)
            return True

        monkeypatch.setattr(main_window_module, "ask", confirm)
        action = window.findChild(QAction, "actionRestoreBackup")
        assert action is not None and action.isEnabled()
        action.trigger()
        dialog = window.findChild(RestoreBackupDialog, "restoreBackupDialog")
        assert dialog is not None and dialog.isVisible()
        assert dialog.table.rowCount() == 2  # newest first: after the import, then today's
        assert _cell(dialog, 1, 3) == backup.name
        assert _cell(dialog, 0, 1) == f"{len(before) + 1} 份" and _cell(dialog, 1, 1) == f"{len(before)} 份"
        assert _cell(dialog, 1, 2).endswith(("KB", "MB"))
        dialog.select(backup)
        button = dialog.findChild(QPushButton, "restoreButton")
        assert button is not None and button.isEnabled()
        with qtbot.waitSignal(window.backupRestored, timeout=30_000) as restored:
            button.click()
        aside = restored.args[0]

        # the confirmation said the current archive is kept, renamed, beside it
        assert len(questions) == 1
        assert "不会丢失" in questions[0] and ".恢复前-" in questions[0]
        assert f"{len(before)} 份文档" in questions[0]  # what the chosen backup holds
        # the replaced archive is still there, beside the restored one, with the newer report
        assert isinstance(aside, Path) and aside.is_file()
        assert aside.parent == filled_archive.parent and ".恢复前-" in aside.name
        assert _count(aside) == len(before) + 1
        # the window reopened the restored archive and lists the earlier state
        qtbot.waitUntil(lambda: window.model.rowCount() == len(before), timeout=10_000)
        assert sorted(_titles(window)) == before
        assert not (set(_titles(window)) & new_titles)
        assert window.archive is not None and window.archive.count() == len(before)
        assert window.worker is not None and window.actionImport.isEnabled()
        assert "已从备份恢复" in window.statusBar().currentMessage()
        assert backup.is_file()  # the backup itself stays for another time
    finally:
        window.close()


def test_restore_refused_while_importing(qtbot: QtBot, filled_archive: Path) -> None:
    window = make_window(qtbot, filled_archive)
    try:
        with qtbot.waitSignal(window.backupRotated, timeout=15_000) as blocker:
            pass
        backup = blocker.args[0]
        window._import_jobs.append(object())  # type: ignore[arg-type]  # as while an import runs
        assert window.restore_from_backup(backup) is False
        window._import_jobs.clear()
        assert window.archive is not None  # nothing was closed
    finally:
        window.close()


def test_dialog_lists_backups_newest_first_with_date_count_and_size(
    qtbot: QtBot, filled_archive: Path
) -> None:
    with Archive.open(filled_archive) as archive:
        total = archive.count()
        older = backups.make_backup(archive, now=dt.datetime(2025, 3, 1, 9, 15))
        archive.trash(archive.list_ids()[:2])
        newer = backups.make_backup(archive, now=dt.datetime(2025, 3, 3, 18, 40))
    assert older is not None and newer is not None
    damaged = backups.backups_dir() / backups.backup_name(filled_archive, dt.datetime(2025, 3, 2, 12, 0))
    damaged.write_bytes(b"x" * 2048)
    dialog = RestoreBackupDialog(backups.backup_infos(filled_archive), filled_archive)
    qtbot.addWidget(dialog)
    rows = [[_cell(dialog, r, c) for c in range(4)] for r in range(dialog.table.rowCount())]
    assert [row[:2] for row in rows] == [
        ["2025-03-03 18:40", f"{total - 2} 份"],
        ["2025-03-02 12:00", "已损坏"],
        ["2025-03-01 09:15", f"{total} 份"],
    ]
    assert rows[0][2].endswith(("KB", "MB")) and rows[0][3] == newer.name
    assert dialog.chosen() == newer  # the newest is preselected
    dialog.table.selectRow(1)
    assert dialog.chosen() is None and not dialog.restoreButton.isEnabled()  # a damaged one cannot be chosen
    chosen: list[Path] = []
    dialog.backupChosen.connect(chosen.append)
    dialog.select(older)
    dialog.restoreButton.click()
    assert chosen == [older]
    assert "不会被删除" in dialog.hint.text()


def test_dialog_without_backups_explains_and_cannot_restore(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = RestoreBackupDialog([], tmp_path / "新档案.sqlite")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert not dialog.restoreButton.isEnabled()
    assert "还没有自动备份" in dialog.hint.text()
    assert dialog.chosen() is None


def test_backup_date_and_size_formatting(tmp_path: Path) -> None:
    assert format_size(512) == "512 B"
    assert format_size(1536) == "1.5 KB"
    assert format_size(5 * 1024**3) == "5.0 GB"
    path = tmp_path / "a-20240102.sqlite"
    path.write_bytes(b"")
    stamp = dt.datetime(2024, 1, 5, 8, 0).timestamp()  # copied later than its name says: the name wins
    os.utime(path, (stamp, stamp))
    assert backup_date(path) == "2024-01-02"
