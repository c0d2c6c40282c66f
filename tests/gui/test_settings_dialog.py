"""The 设置 dialog and the typed option getters the mechanisms read (gui/settings.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from gui import settings as options
from gui.main_window import MainWindow
from gui.settings import Settings, default_backup_dir
from gui.settings_dialog import SettingsDialog


def test_defaults_and_out_of_range_values() -> None:
    s = Settings()
    assert options.ocr_enabled() is True
    assert options.ocr_page_limit() == 50
    assert (options.time_limit_base_s(), options.time_limit_per_mb_s()) == (30, 10)
    assert options.time_limit_s(5_000_000) == 80.0
    limit = s.time_limit()
    assert (limit.base_s, limit.per_mb_s) == (30.0, 10.0)
    assert options.backup_dir() == default_backup_dir()
    assert options.backup_keep() == 7
    assert options.watched_folder() is None
    assert options.export_template() == ""
    s._s.setValue("backup/keep", "0")  # a hand-edited ini file
    s._s.setValue("import/ocrPageLimit", "很多")
    assert options.backup_keep() == 1
    assert options.ocr_page_limit() == 50


def test_dialog_stores_what_the_clerk_sets(qtbot: QtBot, tmp_path: Path) -> None:
    from core import export_templates

    export_templates.save_template("年度考核", ["review.accepted"])  # the default is one of the saved templates
    dialog = SettingsDialog(Settings(), templates=["年度考核"])
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "settingsDialog"
    dialog.ocrCheck.setChecked(False)
    assert not dialog.ocrPages.isEnabled()
    dialog.timeBase.setValue(60)
    dialog.timePerMb.setValue(3)
    assert "90 秒" in dialog.timeExample.text()
    dialog.watched.edit.setText(str(tmp_path / "收件箱"))
    dialog.backupDir.edit.setText(str(tmp_path / "备份"))
    dialog.backupKeep.setValue(14)
    dialog.exportTemplate.setCurrentIndex(dialog.exportTemplate.findData("年度考核"))
    with qtbot.waitSignal(dialog.applied) as signal:
        dialog.accept()
    assert set(signal.args[0]) == {
        "ocr_enabled", "time_limit_base_s", "time_limit_per_mb_s", "watched_folder", "backup_dir",
        "backup_keep", "export_template",
    }
    assert options.ocr_enabled() is False
    assert options.time_limit_s(10_000_000) == 90.0
    assert options.watched_folder() == tmp_path / "收件箱"
    assert options.backup_dir() == tmp_path / "备份"
    assert options.backup_keep() == 14
    assert options.export_template() == "年度考核"

    again = SettingsDialog(Settings())  # shows the stored values, and the template even if not listed
    qtbot.addWidget(again)
    assert not again.ocrCheck.isChecked()
    assert again.exportTemplate.currentData() == "年度考核"
    again.restore_defaults()
    assert again.apply()  # back to the defaults
    assert options.ocr_enabled() is True and options.watched_folder() is None
    assert options.backup_dir() == default_backup_dir() and options.export_template() == ""
    assert again.apply() == []  # nothing changed the second time


def test_window_opens_settings_from_the_file_menu(qtbot: QtBot, empty_window: MainWindow) -> None:
    action = empty_window.findChild(QAction, "actionSettings")
    assert action is not None and action.isEnabled()
    action.trigger()
    dialog = empty_window.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.backupKeep.setValue(3)
    with qtbot.waitSignal(empty_window.settingsChanged) as signal:
        dialog.accept()
    assert signal.args[0] == ["backup_keep"]
    assert empty_window.settings.backup_keep == 3


def test_ocr_off_reaches_the_readers_and_pictures_are_skipped(
    qtbot: QtBot, empty_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_ARCHIVE_OCR", "1")  # restored after the test
    monkeypatch.setenv("REPORT_ARCHIVE_OCR_MAX_PAGES", "50")
    empty_window.open_settings()
    dialog = empty_window.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None
    dialog.ocrCheck.setChecked(False)
    with qtbot.waitSignal(empty_window.settingsChanged):
        dialog.accept()
    assert os.environ["REPORT_ARCHIVE_OCR"] == "0"
    from core.importer import collect_files
    from core.readers.ocr import settings as ocr_settings

    assert ocr_settings().enabled is False
    folder = tmp_path / "扫描"
    folder.mkdir()
    (folder / "第1页.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    [(path, reason)] = list(collect_files([folder]))
    assert path.endswith("第1页.png") and reason is not None and "OCR" in reason


def test_backup_folder_and_days_reach_core_backups(qtbot: QtBot, empty_window: MainWindow, tmp_path: Path) -> None:
    from core import backups

    empty_window.open_settings()
    dialog = empty_window.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None
    dialog.backupDir.edit.setText(str(tmp_path / "备份到这里"))
    dialog.backupKeep.setValue(30)
    with qtbot.waitSignal(empty_window.settingsChanged):
        dialog.accept()
    assert backups.backups_dir() == tmp_path / "备份到这里"
    assert backups.backups_dir().is_dir()
    assert backups.keep_daily() == 30
