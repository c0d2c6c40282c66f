"""Corrections reach the table: a figure's indicator changed in the viewer, a figure added with an indicator,
both in Excel at once, marked 人工确认, kept by re-analysis; undo/redo of figures and of tag rename/merge."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core import domain
from core.archive import Archive
from core.export import export_xlsx
from gui.indicator_picker import IndicatorPicker
from gui.main_window import MainWindow
from gui.viewer import DocumentViewer
from tests.gui.conftest import open_document


def _open(window: MainWindow) -> DocumentViewer:
    docs = window.model.documents(window.model.ids)
    doc = next(d for d in docs if d.doc_type == "法治政府建设年度报告" and d.fact_count > 3)
    open_document(window, doc.id)
    viewer = window.viewer
    assert isinstance(viewer, DocumentViewer)
    return viewer


def _report_cell(path: Path, archive_path: Path, doc_id: int, header: str) -> object:
    with Archive.open(archive_path) as archive:
        export_xlsx(archive, path, [doc_id])
    wb = load_workbook(path)
    ws = wb["报告"]
    headers = [c.value for c in ws[1]]
    return ws.cell(row=2, column=headers.index(header) + 1)


def test_picker_filters_the_dictionary(qtbot: QtBot) -> None:
    from core.indicators import default_dictionary

    picker = IndicatorPicker(default_dictionary(), unit="%", current="review.correction_rate")
    qtbot.addWidget(picker)
    assert picker.chosen() == "review.correction_rate"
    picker.filterEdit.setText("出庭")
    keys = picker.visible_keys()
    assert "litigation.head_appearance_rate" in keys and "review.received" not in keys
    assert keys[0] == "litigation.head_appearance_rate"  # a rate first: the figure is a %
    assert picker.chosen() in keys
    picker.filterEdit.setText("纠错")  # a phrase reports use (a synonym) finds the indicator too
    assert {"review.corrected", "review.correction_rate"} <= set(picker.visible_keys())


def test_change_indicator_reaches_excel_survives_reanalysis_and_undoes(qtbot: QtBot, window: MainWindow,
                                                                       tmp_path: Path) -> None:
    viewer = _open(window)
    doc_id = viewer.doc_id
    assert doc_id is not None
    fact = next(f for f in viewer.facts
                if f.unit == "件" and f.key != "review.concluded" and f.id is not None and f.status == "auto")
    assert fact.id is not None
    viewer.select_fact(fact.id)

    # the window's way: the picker opens, the clerk types and picks
    def pick() -> None:
        picker = QApplication.activeModalWidget()
        assert isinstance(picker, IndicatorPicker)
        picker.filterEdit.setText("审结")
        assert picker.chosen() == "review.concluded"
        picker.accept()

    QTimer.singleShot(200, pick)
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        viewer.change_indicator_interactive()
    with Archive.open(window.archive_path) as archive:
        stored = next(f for f in archive.get_facts(doc_id) if f.id == fact.id)
    assert (stored.key, stored.status) == ("review.concluded", "corrected")
    cell = _report_cell(tmp_path / "a.xlsx", window.archive_path, doc_id, "行政复议审结(办结)数")
    assert cell.value == fact.value  # type: ignore[attr-defined]
    assert cell.fill.fgColor.rgb.endswith("E2EFDA")  # type: ignore[attr-defined]  # 人工确认

    # re-analysis keeps the clerk's indicator
    with Archive.open(window.archive_path) as archive:
        archive.reanalyse([doc_id], workers=0)
        kept = [f for f in archive.get_facts(doc_id) if f.id == fact.id]
        assert kept and kept[0].key == "review.concluded" and kept[0].status == "corrected"
        assert sum(1 for f in archive.get_facts(doc_id) if (f.start, f.end) == (fact.start, fact.end)) == 1

    # undo puts the figure back as it was; redo again
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.actionUndo.trigger()
    with Archive.open(window.archive_path) as archive:
        back = next(f for f in archive.get_facts(doc_id) if f.id == fact.id)
    assert (back.key, back.name, back.status) == (fact.key, fact.name, "auto")
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.actionRedo.trigger()
    with Archive.open(window.archive_path) as archive:
        again = next(f for f in archive.get_facts(doc_id) if f.id == fact.id)
    assert again.key == "review.concluded"


def test_added_figure_gets_an_indicator_and_undo_removes_it(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    viewer = _open(window)
    doc_id = viewer.doc_id
    assert doc_id is not None
    known = {(f.start, f.end) for f in viewer.facts}
    match = next(m for m in re.finditer(r"\d+[件人次个项]", viewer.text_str) if (m.start(), m.end()) not in known)
    viewer.select_text(match.start(), match.end())
    with qtbot.waitSignals([window.writeFinished, viewer.loaded], timeout=30_000):  # written, then shown again
        assert viewer.add_fact_from_selection("litigation.cases")
    with Archive.open(window.archive_path) as archive:
        manual = [f for f in archive.get_facts(doc_id) if f.status == "manual"]
    assert len(manual) == 1 and manual[0].key == "litigation.cases"
    assert manual[0].name and domain.is_verified(manual[0])
    viewer_row = next(r for r in range(viewer.factsTable.rowCount())
                      if viewer.factsTable.item(r, 3).text() == "手工添加")  # type: ignore[union-attr]
    assert viewer.factsTable.item(viewer_row, 0).text() == manual[0].name  # type: ignore[union-attr]
    cell = _report_cell(tmp_path / "b.xlsx", window.archive_path, doc_id, "行政诉讼(应诉)案件数")
    assert cell.value == manual[0].value  # type: ignore[attr-defined]  # the clerk's word wins

    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.actionUndo.trigger()
    with Archive.open(window.archive_path) as archive:
        assert not [f for f in archive.get_facts(doc_id) if f.status == "manual"]
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.actionRedo.trigger()
    with Archive.open(window.archive_path) as archive:
        assert [f.key for f in archive.get_facts(doc_id) if f.status == "manual"] == ["litigation.cases"]


def test_confirm_and_correct_are_undoable(qtbot: QtBot, window: MainWindow) -> None:
    viewer = _open(window)
    doc_id = viewer.doc_id
    assert doc_id is not None
    fact = next(f for f in viewer.facts if f.id is not None and f.status == "auto")
    assert fact.id is not None
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        viewer.correct_fact(fact.id, 4321, "件")
    assert window.undo_stack.undoText().startswith("更正")
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.actionUndo.trigger()
    with Archive.open(window.archive_path) as archive:
        back = next(f for f in archive.get_facts(doc_id) if f.id == fact.id)
    assert (back.value, back.unit, back.status) == (fact.value, fact.unit, "auto")


def test_tag_rename_and_merge_undo(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    ids = w.model.ids[:3]
    for name, docs in (("甲", ids[:2]), ("乙", ids[1:3])):
        with qtbot.waitSignal(w.writeFinished, timeout=10_000):
            w.tag_documents(docs, name)
    qtbot.waitUntil(lambda: {t.name for t in w.tag_pane.tags()} == {"甲", "乙"}, timeout=5_000)
    tags = {t.name: t for t in w.tag_pane.tags()}

    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.renameRequested.emit(tags["甲"].id, "甲类")
    assert {t.name for t in w.tag_pane.tags()} == {"甲类", "乙"}
    assert w.undo_stack.undoText() == "重命名标签“甲”为“甲类”"
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.actionUndo.trigger()
    assert {t.name for t in w.tag_pane.tags()} == {"甲", "乙"}

    tags = {t.name: t for t in w.tag_pane.tags()}
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.mergeRequested.emit([tags["甲"].id], tags["乙"].id)
    with Archive.open(w.archive_path) as archive:
        assert [t.name for t in archive.tags()] == ["乙"]
        assert set(archive.list_ids(tags_all=["乙"])) == set(ids)
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.actionUndo.trigger()
    with Archive.open(w.archive_path) as archive:
        assert set(archive.list_ids(tags_all=["甲"])) == set(ids[:2])
        assert set(archive.list_ids(tags_all=["乙"])) == set(ids[1:3])  # the merge's additions are gone
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.actionRedo.trigger()
    with Archive.open(w.archive_path) as archive:
        assert [t.name for t in archive.tags()] == ["乙"]


def test_reanalyse_from_the_window_keeps_the_clerks_corrections(qtbot: QtBot, window: MainWindow) -> None:
    viewer = _open(window)
    doc_id = viewer.doc_id
    assert doc_id is not None
    fact = next(f for f in viewer.facts if f.id is not None and f.status == "auto")
    assert fact.id is not None
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        viewer.correct_fact(fact.id, 4321, "件")
    window.select_ids([doc_id])
    assert window.actionReanalyse.isEnabled()
    with qtbot.waitSignals([window.writeFinished, viewer.loaded], timeout=60_000):
        job = window.documents.reanalyse_selected(confirm=False)
        assert job is not None
    assert "已重新分析 1 份文档" in window.statusBar().currentMessage()
    with Archive.open(window.archive_path) as archive:
        kept = [f for f in archive.get_facts(doc_id) if (f.start, f.end) == (fact.start, fact.end)]
    assert len(kept) == 1 and (kept[0].value, kept[0].status) == (4321, "corrected")
    assert any(f.value == 4321 for f in viewer.facts)  # the viewer shows the re-analysed document
