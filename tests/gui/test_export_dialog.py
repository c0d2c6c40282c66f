"""Export dialog: choose documents and sheets, export on the worker, read the workbook back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from core.archive import Archive
from gui.export_dialog import ExportDialog
from gui.main_window import MainWindow


def open_dialog(window: MainWindow) -> ExportDialog:
    window.actionExport.trigger()
    dialog = window.findChild(QDialog, "exportDialog")
    assert isinstance(dialog, ExportDialog)
    assert dialog.isVisible()
    return dialog


def test_export_selection_reads_back(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    chosen = window.model.ids[:3]
    window.select_ids(chosen)
    dialog = open_dialog(window)
    assert dialog.scopeSelected.isChecked()
    assert "3 份" in dialog.scopeSelected.text()
    out = tmp_path / "导出.xlsx"
    dialog.pathEdit.setText(str(out))
    with qtbot.waitSignal(dialog.exportFinished, timeout=30_000) as blocker:
        dialog.exportButton.click()
    assert blocker.args[0] == out
    assert dialog.openFolderButton.isVisible()
    book = openpyxl.load_workbook(out, read_only=True)
    assert "报告" in book.sheetnames and "指标明细" in book.sheetnames
    reports = list(book["报告"].iter_rows(values_only=True))
    assert len(reports) == 1 + len(chosen)
    with Archive.open(window.archive_path) as archive:
        titles = {d.title for d in archive.get_documents(chosen)}
        facts = sum(
            1 for doc_id in chosen for f in archive.get_facts(doc_id) if f.status != "rejected"
        )
    header = list(reports[0])
    title_col = next(i for i, h in enumerate(header) if h and "标题" in str(h))
    assert {row[title_col] for row in reports[1:]} == titles
    fact_rows = list(book["指标明细"].iter_rows(values_only=True))
    assert len(fact_rows) - 1 == facts
    book.close()


def test_export_current_filter_and_sheet_choice(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        window.search_box.setText("复议")
    filtered = list(window.model.ids)
    assert 0 < len(filtered) < window.total_count
    window.table.clearSelection()
    dialog = open_dialog(window)
    assert not dialog.scopeSelected.isEnabled()
    assert dialog.scopeFiltered.isChecked()
    for name, check in dialog.sheetChecks.items():
        check.setChecked(name == "报告")
    out = tmp_path / "筛选.xlsx"
    dialog.pathEdit.setText(str(out))
    with qtbot.waitSignal(dialog.exportFinished, timeout=30_000):
        dialog.start_export()
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["报告"]
    assert len(list(book["报告"].iter_rows(values_only=True))) == 1 + len(filtered)
    book.close()


def test_export_all_documents(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_dialog(window)
    dialog.scopeAll.setChecked(True)
    assert dialog.doc_ids() is None
    out = tmp_path / "全部.xlsx"
    dialog.pathEdit.setText(str(out))
    with qtbot.waitSignal(dialog.exportFinished, timeout=30_000):
        dialog.start_export()
    book = openpyxl.load_workbook(out, read_only=True)
    assert len(list(book["报告"].iter_rows(values_only=True))) == 1 + window.total_count
    book.close()


def test_export_to_unwritable_place_shows_chinese_error(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("x")
    dialog = open_dialog(window)
    dialog.pathEdit.setText(str(blocker_file / "out.xlsx"))
    with qtbot.waitSignal(dialog.exportFinished, timeout=30_000) as blocker:
        dialog.start_export()
    assert blocker.args[0] is None
    assert dialog.status.text() == "导出失败。"
    assert dialog.exportButton.isEnabled()
    boxes = [w for w in window.findChildren(QDialog) if w.objectName() == "errorDialog"]
    boxes += [w for w in dialog.findChildren(QDialog) if w.objectName() == "errorDialog"]
    assert boxes and "Traceback" not in boxes[-1].text()  # type: ignore[attr-defined]
    for box in boxes:
        box.close()


def test_no_sheet_chosen_is_refused(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_dialog(window)
    for check in dialog.sheetChecks.values():
        check.setChecked(False)
    assert dialog.start_export() is None
    assert "工作表" in dialog.status.text()


def test_template_chosen_in_the_dialog_fixes_the_columns(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from core import export_templates
    from core.export import REPORT_BASE, load_indicators
    from gui.export_dialog import TemplateEditor

    dialog = open_dialog(window)
    assert dialog.template_name() == export_templates.ALL_INDICATORS
    assert not dialog.editTemplateButton.isEnabled()

    def fill() -> None:
        editor = QApplication.activeModalWidget()
        assert isinstance(editor, TemplateEditor)
        editor.nameEdit.setText("复议")
        editor.filterEdit.setText("复议")
        for row in range(editor.list.count()):
            item = editor.list.item(row)
            if not item.isHidden() and item.data(Qt.ItemDataRole.UserRole) in ("review.received", "review.concluded"):
                item.setCheckState(Qt.CheckState.Checked)
        editor.save()

    QTimer.singleShot(200, fill)
    assert dialog.edit_template(new=True) == "复议"
    assert dialog.template_name() == "复议" and dialog.editTemplateButton.isEnabled()
    dialog.defaultTemplateCheck.setChecked(True)
    out = tmp_path / "模板.xlsx"
    dialog.pathEdit.setText(str(out))
    with qtbot.waitSignal(dialog.exportFinished, timeout=30_000):
        dialog.exportButton.click()
    header = next(openpyxl.load_workbook(out, read_only=True)["报告"].iter_rows(values_only=True))
    names = {i.key: i.name for i in load_indicators()}
    assert list(header[len(REPORT_BASE):]) == [names["review.received"], names["review.concluded"]]
    assert export_templates.default_template() == "复议"  # remembered for the next export (and the CLI)
    again = ExportDialog(window)
    assert again.template_name() == "复议"
    again.deleteLater()
