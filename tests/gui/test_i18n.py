"""Qt's own dialogs in Chinese: Qt's catalogue when PySide6 ships it, else the built-in fallback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from gui.i18n import install_qt_translations, translations_folder


@pytest.fixture
def installed(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[list[QTranslator]]:
    translators = install_qt_translations(qapp, getattr(request, "param", None))
    yield translators
    for t in translators:
        qapp.removeTranslator(t)


def file_dialog_labels(qtbot: QtBot) -> dict[str, str]:
    dialog = QFileDialog(None, "导入报告文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setNameFilter("报告文件 (*.txt *.docx)")
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    labels["buttons"] = " ".join(b.text() for b in box.buttons())
    return labels


def assert_own_strings_untouched() -> None:
    assert QCoreApplication.translate("MainWindow", "报告档案") == "报告档案"
    assert QCoreApplication.translate("MainWindow", "导入…") == "导入…"


def assert_chinese_file_dialog(labels: dict[str, str]) -> None:
    assert labels["lookInLabel"].startswith("查找范围"), labels
    assert labels["fileTypeLabel"].startswith("文件类型"), labels
    assert labels["fileNameLabel"].startswith("文件名"), labels
    assert "打开" in labels["buttons"] and "取消" in labels["buttons"], labels
    assert not any(word in " ".join(labels.values()) for word in ("Look in", "Files of", "Cancel", "Open"))


def test_qt_catalogue_from_pyside6_translations(qtbot: QtBot, installed: list[QTranslator]) -> None:
    if not any(translations_folder().glob("qtbase_zh_CN.qm")):
        pytest.skip("this PySide6 ships no qtbase_zh_CN.qm (the fallback test covers it)")
    assert len(installed) == 2, "Qt's catalogue loaded on top of the fallback"
    assert_own_strings_untouched()
    assert_chinese_file_dialog(file_dialog_labels(qtbot))


@pytest.mark.parametrize("installed", [Path("/nonexistent-translations")], indirect=True)
def test_fallback_when_qt_ships_no_chinese_catalogue(qtbot: QtBot, installed: list[QTranslator]) -> None:
    assert len(installed) == 1
    assert_own_strings_untouched()
    assert_chinese_file_dialog(file_dialog_labels(qtbot))
    box = QMessageBox(QMessageBox.Icon.Question, "标题", "正文",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"是(Y)", "否(N)", "取消"}
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    assert menu is not None
    actions = " ".join(a.text() for a in menu.actions())
    assert "复制" in actions and "粘贴" in actions and "Copy" not in actions
