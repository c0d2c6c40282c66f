"""Document viewer: text, outline, highlights, find, metadata/tags edits, fact confirm/correct/reject/add, PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from core.archive import Archive
from gui.main_window import MainWindow
from gui.viewer import DocumentViewer, OffsetMap, parse_value_unit
from tests.gui.conftest import open_document


def annual_report_id(window: MainWindow) -> int:
    docs = window.model.documents(window.model.ids)
    return next(d.id for d in docs if d.doc_type == "法治政府建设年度报告" and d.fact_count > 3)


def open_viewer(window: MainWindow, doc_id: int, query: str = "") -> DocumentViewer:
    if query:
        window.search_box.setText(query)
    open_document(window, doc_id)
    viewer = window.viewer
    assert isinstance(viewer, DocumentViewer)
    return viewer


def test_double_click_opens_viewer_with_text_outline_and_highlights(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = annual_report_id(window)
    row = window.model.row_of(doc_id)
    assert row is not None
    window.table.scrollTo(window.model.index(row, 0))
    rect = window.table.visualRect(window.model.index(row, 0))
    # a real double click is press, release, then the double-click press (QTest sends only the last)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.viewer.loaded, timeout=30_000):  # read on the reader, then shown
        qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    viewer = window.findChild(QWidget, "documentViewer")
    assert isinstance(viewer, DocumentViewer)
    assert window.tabs.currentWidget() is viewer
    with Archive.open(window.archive_path) as archive:
        text = archive.get_text(doc_id)
        analysis = archive.get_analysis(doc_id)
    assert viewer.text.toPlainText() == text
    assert viewer.outline.topLevelItemCount() == sum(1 for s in analysis.sections if s.level == 1)
    # one extra selection per non-rejected fact
    assert len(viewer.text.extraSelections()) == len(analysis.facts)
    # structure check shown in plain Chinese
    label = viewer.structureLabel.text()
    assert "主要举措和成效" in label
    # outline click jumps to the section
    item = viewer.outline.topLevelItem(1)
    assert item is not None
    viewer._jump_to_section(item)
    start = item.data(0, Qt.ItemDataRole.UserRole)
    section = next(s for s in analysis.sections if s.start == start)
    assert section.heading in item.text(0)
    assert viewer.text.textCursor().position() == start


def test_search_hits_and_find_bar(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = annual_report_id(window)
    viewer = open_viewer(window, doc_id, "行政")
    text = viewer.text_str
    hits = viewer.hit_spans()
    assert hits and all(text[s:e] == "行政" for s, e in hits)
    n_facts = sum(1 for f in viewer.facts if f.status != "rejected")
    assert len(viewer.text.extraSelections()) == n_facts + len(hits)
    count = viewer.find_text("法治")
    assert count == text.count("法治")
    assert viewer.findCount.text() == f"第 1 处，共 {count} 处"
    viewer.find_next()
    assert viewer.text.textCursor().position() == viewer._find_spans[1][0]
    assert viewer.findCount.text().startswith("第 2 处")
    viewer.find_previous()
    assert viewer.findCount.text().startswith("第 1 处")
    # Ctrl+F on the viewer tab opens the viewer's find bar, not the archive search
    window.actionFind.trigger()
    assert viewer.findBar.isVisible() or not window.isVisible()
    assert window.tabs.currentWidget() is viewer


def test_fact_hover_tooltip_text(qtbot: QtBot, window: MainWindow) -> None:
    viewer = open_viewer(window, annual_report_id(window))
    fact = next(f for f in viewer.facts if f.status != "rejected")
    found = viewer.fact_at(fact.start)
    assert found is not None
    tip = viewer.fact_tooltip(found)
    value = str(int(found.value)) if found.value.is_integer() else f"{found.value:g}"
    assert value in tip and found.unit in tip and "状态" in tip


def test_confirm_correct_reject_and_add_fact(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = annual_report_id(window)
    viewer = open_viewer(window, doc_id)
    facts = [f for f in viewer.facts if f.id is not None]
    first, second, third = facts[0], facts[1], facts[2]
    assert first.id is not None and second.id is not None and third.id is not None

    viewer.select_fact(first.id)
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        viewer.confirmButton.click()
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        viewer.correct_fact(second.id, 99.5, "件")
    viewer.select_fact(third.id)
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        viewer.rejectButton.click()
    with Archive.open(window.archive_path) as archive:
        stored = {f.id: f for f in archive.get_facts(doc_id)}
    assert stored[first.id].status == "confirmed"
    assert (stored[second.id].value, stored[second.id].unit, stored[second.id].status) == (99.5, "件", "corrected")
    assert stored[third.id].status == "rejected"
    # the viewer reloaded: the status column shows the new states
    qtbot.waitUntil(lambda: any(f.status == "rejected" for f in viewer.facts), timeout=5_000)
    statuses = {viewer.factsTable.item(r, 3).text() for r in range(viewer.factsTable.rowCount())}  # type: ignore[union-attr]
    assert {"已确认", "已更正", "已否决"} <= statuses

    # add a fact by selecting text that holds a number nobody extracted
    text = viewer.text_str
    known = {(f.start, f.end) for f in viewer.facts}
    import re

    match = next(
        m for m in re.finditer(r"\d+(?:\.\d+)?[%件人次个]", text) if (m.start(), m.end()) not in known
    )
    viewer.select_text(match.start(), match.end())
    assert viewer.selection_range() == (match.start(), match.end())
    before = len(stored)
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        assert viewer.add_fact_from_selection()
    with Archive.open(window.archive_path) as archive:
        after = archive.get_facts(doc_id)
    assert len(after) == before + 1
    manual = next(f for f in after if f.status == "manual")
    assert manual.start >= match.start() and manual.end <= match.end() + 1
    assert str(manual.value).rstrip("0").rstrip(".") in match.group().replace("%", "")


def test_edit_metadata_in_viewer_then_undo(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = annual_report_id(window)
    viewer = open_viewer(window, doc_id)
    old_agency = viewer.doc.agency if viewer.doc else None
    agency = viewer.metaEdits["agency"]
    agency.setText("测试市司法局")  # type: ignore[union-attr]
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        assert viewer.save_metadata()
    with Archive.open(window.archive_path) as archive:
        assert archive.get_document(doc_id).agency == "测试市司法局"
    qtbot.waitUntil(lambda: viewer.doc is not None and viewer.doc.agency == "测试市司法局", timeout=5_000)
    assert "测试市司法局" in viewer.infoLabel.text()
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.undo_stack.undo()
    with Archive.open(window.archive_path) as archive:
        assert archive.get_document(doc_id).agency == old_agency
    # a bad year is refused with a Chinese message, nothing written
    year = viewer.metaEdits["report_year"]
    year.setText("二〇二三")  # type: ignore[union-attr]
    assert not viewer.save_metadata()
    assert "年度" in viewer.metaError.text()


def test_tag_editor_and_suggestions(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = annual_report_id(window)
    viewer = open_viewer(window, doc_id)
    viewer.tagEdit.setText("年报")
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        viewer.tagEdit.returnPressed.emit()
    qtbot.waitUntil(lambda: viewer.tagList.count() == 1, timeout=5_000)
    assert viewer.tagList.item(0).text() == "年报"  # type: ignore[union-attr]
    # suggestions come from archive.suggest_tags on a thread of their own
    qtbot.waitUntil(lambda: not viewer.suggestLabel.text().endswith("正在分析…"), timeout=30_000)
    with Archive.open(window.archive_path) as archive:
        expected = archive.suggest_tags(doc_id, 8)
    shown = viewer.suggestions()
    assert set(shown) <= set(expected)
    assert len(shown) <= 6
    assert bool(shown) == bool(set(expected) - {"年报"})


def test_save_as_pdf(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    viewer = open_viewer(window, annual_report_id(window))
    out = viewer.save_pdf(tmp_path / "报告.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 5_000


def test_open_original_writes_the_stored_bytes(qtbot: QtBot, window: MainWindow, monkeypatch: object) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)  # type: ignore[attr-defined]
    doc_id = annual_report_id(window)
    viewer = open_viewer(window, doc_id)
    with qtbot.waitSignal(viewer.originalOpened, timeout=30_000) as blocker:
        viewer.open_original()  # the stored bytes are read on the reader
    path = Path(blocker.args[0])
    assert opened == [str(path)]
    with Archive.open(window.archive_path) as archive:
        name, data = archive.get_original(doc_id)
    assert path.name == name and path.read_bytes() == data


def test_viewer_text_is_read_only(qtbot: QtBot, window: MainWindow) -> None:
    viewer = open_viewer(window, annual_report_id(window))
    assert isinstance(viewer.text, QPlainTextEdit) and viewer.text.isReadOnly()


def test_offset_map_handles_non_bmp_characters() -> None:
    text = "a𠀀b𠀁c"
    m = OffsetMap(text)
    assert [m.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7]
    assert [m.to_py(m.to_qt(i)) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert OffsetMap("普通文本").to_qt(3) == 3


def test_parse_value_unit() -> None:
    assert parse_value_unit("12.5 %") == (12.5, "%")
    assert parse_value_unit("1,200万元") == (1200.0, "万元")
    assert parse_value_unit("没有数字") is None


def test_viewer_tab_closes_when_its_document_is_purged(qtbot: QtBot, window: MainWindow) -> None:
    doc_id = annual_report_id(window)
    viewer = open_viewer(window, doc_id)
    index = window.tabs.indexOf(viewer)
    assert window.tabs.isTabVisible(index)
    window.select_ids([doc_id])
    window.trash_selected()  # Delete while the viewer tab is showing does nothing
    assert not window.undo_stack.canUndo()
    window.tabs.setCurrentIndex(0)
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.trash_selected()
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        window.actionTrash.setChecked(True)
    window.select_ids([doc_id])
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.purge_selected(confirm=False)
    # the viewer reads its document again on the reader, finds it gone and hides its tab
    qtbot.waitUntil(lambda: not window.tabs.isTabVisible(index), timeout=30_000)
    assert viewer.doc_id is None


def test_reading_tab_closes_back_to_the_archive(qtbot: QtBot, window: MainWindow) -> None:
    viewer = open_viewer(window, annual_report_id(window))
    index = window.tabs.indexOf(viewer)
    window.tabs.tabCloseRequested.emit(index)
    assert not window.tabs.isTabVisible(index)
    assert window.tabs.currentIndex() == 0
    window.tabs.tabCloseRequested.emit(0)  # the archive tab cannot be closed
    assert window.tabs.isTabVisible(0)


def test_copy_facts_table_as_tsv(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtGui import QGuiApplication

    viewer = open_viewer(window, annual_report_id(window))
    viewer.side.setCurrentIndex(1)
    window.activateWindow()
    viewer.factsTable.setFocus()
    qtbot.waitUntil(viewer.factsTable.hasFocus, timeout=10_000)
    viewer.factsTable.selectRow(0)
    QGuiApplication.clipboard().clear()
    window.actionCopy.trigger()
    lines = QGuiApplication.clipboard().text().split("\r\n")
    assert lines[0].split("\t") == ["指标", "数值", "单位", "状态", "可信度", "原文"]
    first = viewer.facts[0]
    assert lines[1].split("\t")[2] == first.unit
    assert lines[1].split("\t")[5] == " ".join(first.sentence.split())
    assert len(lines) == 3 and lines[2] == ""


def test_the_document_is_read_on_the_reader_not_the_gui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from gui import viewer as viewer_module

    threads: list[str] = []
    real = viewer_module.read_document

    def spy(archive: Archive, doc_id: int) -> viewer_module.LoadedDocument:
        threads.append(threading.current_thread().name)
        return real(archive, doc_id)

    monkeypatch.setattr(viewer_module, "read_document", spy)
    doc_id = annual_report_id(window)
    viewer = open_viewer(window, doc_id)
    assert threads and threading.main_thread().name not in threads
    with Archive.open(window.archive_path) as archive:
        assert viewer.text_str == archive.get_text(doc_id)
    # a second document asked for before the first arrives: only the second shows
    other = next(i for i in window.model.ids if i != doc_id)
    with qtbot.waitSignal(viewer.loaded, timeout=30_000) as shown:
        window.open_document(doc_id)
        window.open_document(other)
    assert shown.args == [other] and viewer.doc_id == other
