"""Main window flows: start-up, drop to import, search, tag filters, drag to tag, undo, trash, copy, sort."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QLineEdit, QProgressBar, QTableView
from pytestqt.qtbot import QtBot

from core.archive import Archive
from core.models import Outcome
from gui.main_window import MainWindow
from gui.models import COLUMNS, SNIPPET_COLUMN, SNIPPET_ROLE
from gui.tag_pane import EXCLUDE, INCLUDE
from tests.gui.conftest import make_window, open_document, shared_reports


def table_titles(window: MainWindow) -> list[str]:
    return [window.model.index(r, 0).data() for r in range(window.model.rowCount())]


def type_text(edit: QLineEdit, text: str) -> None:
    """Type CJK text one character at a time (QTest.keyClicks only knows ASCII)."""
    for ch in text:
        edit.insert(ch)


def drop_urls(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)


def test_required_object_names_and_empty_state(qtbot: QtBot, empty_window: MainWindow) -> None:
    w = empty_window
    assert isinstance(w.findChild(QTableView, "archiveTable"), QTableView)
    assert isinstance(w.findChild(QDockWidget, "tagPane"), QDockWidget)
    assert isinstance(w.findChild(QLineEdit, "searchBox"), QLineEdit)
    assert isinstance(w.findChild(QProgressBar, "importProgress"), QProgressBar)
    for name in ("actionImport", "actionExport", "actionCompare"):
        assert isinstance(w.findChild(QAction, name), QAction), name
    assert w.archive_path.is_file(), "--archive path is created when missing"
    overlay = w.table.overlay
    assert overlay.isVisible()
    assert "拖到这里" in overlay.title.text()
    assert w.model.rowCount() == 0
    assert w.selected_ids() == []


def test_drop_file_urls_imports_them_and_summarises(qtbot: QtBot, empty_window: MainWindow, tmp_path: Path) -> None:
    w = empty_window
    files = shared_reports(3)
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a pdf")
    with qtbot.waitSignal(w.importFinished, timeout=60_000) as blocker:
        drop_urls(w, [*files, broken])
        assert w.importBox.isVisible()
    report = blocker.args[0]
    assert report.count(Outcome.IMPORTED) == len(files)
    assert report.count(Outcome.FAILED) == 1
    qtbot.waitUntil(lambda: w.model.rowCount() == len(files), timeout=10_000)
    assert not w.table.overlay.isVisible()
    assert not w.importBox.isVisible()
    # the summary dialog names the failure with a Chinese reason
    qtbot.waitUntil(lambda: w.import_summary is not None and w.import_summary.isVisible(), timeout=5_000)
    summary = w.import_summary
    assert summary is not None and summary.isVisible()
    model = summary.table.model()  # type: ignore[attr-defined]
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert rows[0][0] == "失败" and rows[0][1] == "损坏.pdf" and rows[0][2]
    assert sum(1 for r in rows if r[0] == "已导入") == len(files)

    # dropping the same files again: duplicates, nothing new
    with qtbot.waitSignal(w.importFinished, timeout=60_000) as blocker:
        drop_urls(w, files[:2])
    assert blocker.args[0].count(Outcome.DUPLICATE) == 2
    qtbot.waitUntil(lambda: w.model.rowCount() == len(files), timeout=10_000)


def test_sample_button_loads_the_apps_sample_reports(qtbot: QtBot, empty_window: MainWindow) -> None:
    w = empty_window
    samples = w.imports.sample_files()
    if not samples:
        pytest.skip("resources/samples is not present")
    button = w.table.overlay.button("samples")
    assert button is not None
    with qtbot.waitSignal(w.importFinished, timeout=60_000):
        button.click()
    qtbot.waitUntil(lambda: w.model.rowCount() > 0 and w.import_summary is not None, timeout=10_000)
    assert w.model.rowCount() == sum(1 for _ in w.import_summary.report.items if _.outcome == "imported")  # type: ignore[union-attr]
    # every bundled sample is a distinct report: none is skipped as a duplicate of another
    assert w.model.rowCount() == len(samples)


def test_search_box_narrows_table_best_first_with_snippets(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    total = w.model.rowCount()
    with Archive.open(w.archive_path) as archive:
        expected = archive.list_ids(query="行政复议", order_by=None)
        texts = {i: archive.get_text(i) for i in expected}
    assert 0 < len(expected) < total
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        type_text(w.search_box, "行政复议")
    assert w.model.ids == expected
    assert all("行政复议" in texts[i] for i in w.model.ids)
    assert not w.table.isColumnHidden(SNIPPET_COLUMN)
    # the snippet of the first row arrives from the reader thread with the match marked
    index = w.model.index(0, SNIPPET_COLUMN)
    index.data(SNIPPET_ROLE)
    qtbot.waitUntil(lambda: index.data(SNIPPET_ROLE) is not None, timeout=10_000)
    text, spans = index.data(SNIPPET_ROLE)
    assert spans and text[spans[0][0] : spans[0][1]] == "行政复议"
    assert "显示" in w.countLabel.text()
    # clearing the box brings every document back
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.search_box.clear()
    assert w.model.rowCount() == total
    assert w.table.isColumnHidden(SNIPPET_COLUMN)


def test_search_with_no_match_shows_overlay(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        type_text(window.search_box, "绝对不会出现的词语组合乙丙丁")
    assert window.model.rowCount() == 0
    assert window.table.overlay.isVisible()
    assert "没有找到" in window.table.overlay.title.text()


def tag_archive(path: Path, tag: str, n: int) -> list[int]:
    with Archive.open(path) as archive:
        ids = archive.list_ids()[:n]
        archive.tag_documents(ids, [tag])
    return ids


def test_tag_click_cycles_include_exclude_off(qtbot: QtBot, filled_archive: Path) -> None:
    tagged = tag_archive(filled_archive, "重点", 3)
    w = make_window(qtbot, filled_archive)
    qtbot.waitUntil(lambda: w.tag_pane.proxy.rowCount() == 1, timeout=10_000)
    total = w.model.rowCount()
    view = w.tag_pane.view
    rect = view.visualRect(w.tag_pane.index_of("重点"))
    assert "（3）" in w.tag_pane.index_of("重点").data()

    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.tag_pane.states == {"重点": INCLUDE}
    assert w.tag_pane.index_of("重点").data().startswith("✓")
    assert sorted(w.model.ids) == sorted(tagged)

    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.tag_pane.states == {"重点": EXCLUDE}
    assert w.tag_pane.index_of("重点").data().startswith("✗")
    assert w.model.rowCount() == total - 3 and not set(tagged) & set(w.model.ids)

    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.tag_pane.states == {}
    assert w.model.rowCount() == total
    w.close()


def test_and_or_switch(qtbot: QtBot, filled_archive: Path) -> None:
    a = tag_archive(filled_archive, "甲", 4)
    with Archive.open(filled_archive) as archive:
        b = archive.list_ids()[2:6]
        archive.tag_documents(b, ["乙"])
    w = make_window(qtbot, filled_archive)
    qtbot.waitUntil(lambda: w.tag_pane.proxy.rowCount() == 2, timeout=10_000)
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.tag_pane.cycle("甲")
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.tag_pane.cycle("乙")
    assert sorted(w.model.ids) == sorted(set(a) & set(b))
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.tag_pane.orButton.click()
    assert sorted(w.model.ids) == sorted(set(a) | set(b))
    w.close()


def test_tag_filter_box_narrows_tag_list(qtbot: QtBot, filled_archive: Path) -> None:
    tag_archive(filled_archive, "行政复议", 1)
    tag_archive(filled_archive, "人大", 1)
    w = make_window(qtbot, filled_archive)
    qtbot.waitUntil(lambda: w.tag_pane.proxy.rowCount() == 2, timeout=10_000)
    type_text(w.tag_pane.filterEdit, "复议")
    assert w.tag_pane.proxy.rowCount() == 1
    w.close()


def test_drag_selected_documents_onto_a_tag_then_undo(qtbot: QtBot, filled_archive: Path) -> None:
    tag_archive(filled_archive, "待核对", 1)
    w = make_window(qtbot, filled_archive)
    qtbot.waitUntil(lambda: w.tag_pane.proxy.rowCount() == 1, timeout=10_000)
    w.select_ids(w.model.ids[3:6])
    ids = w.selected_ids()
    assert len(ids) == 3
    mime = w.model.mimeData([w.model.index(w.model.row_of(i) or 0, 0) for i in ids])
    view = w.tag_pane.view
    pos = view.visualRect(w.tag_pane.index_of("待核对")).center()
    event = QDropEvent(
        QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(w.writeFinished, timeout=10_000):
        view.dropEvent(event)
    qtbot.waitUntil(lambda: "（4）" in (w.tag_pane.index_of("待核对").data() or ""), timeout=10_000)
    with Archive.open(filled_archive) as archive:
        assert all("待核对" in d.tags for d in archive.get_documents(ids))
    tag_col = next(i for i, c in enumerate(COLUMNS) if c.key == "tags")
    qtbot.waitUntil(lambda: w.model.index(w.model.row_of(ids[0]) or 0, tag_col).data() == "待核对", timeout=5_000)

    assert w.undo_stack.canUndo()
    with qtbot.waitSignal(w.writeFinished, timeout=10_000):
        w.actionUndo.trigger()
    with Archive.open(filled_archive) as archive:
        assert not any("待核对" in d.tags for d in archive.get_documents(ids))
        assert archive.tags()[0].count == 1  # the document tagged before the drag keeps it
    with qtbot.waitSignal(w.writeFinished, timeout=10_000):
        w.actionRedo.trigger()
    with Archive.open(filled_archive) as archive:
        assert all("待核对" in d.tags for d in archive.get_documents(ids))
    w.close()


def test_tag_pane_create_rename_merge_delete(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.createRequested.emit("新标签")
    assert [t.name for t in w.tag_pane.tags()] == ["新标签"]
    tag = w.tag_pane.tags()[0]
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.renameRequested.emit(tag.id, "改名后")
    assert [t.name for t in w.tag_pane.tags()] == ["改名后"]
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.colorRequested.emit(tag.id, "#ff0000")
    assert w.tag_pane.tags()[0].color.lower() == "#ff0000"
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.createRequested.emit("另一个")
    other = w.tag_pane.tag_by_name("另一个")
    assert other is not None
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.mergeRequested.emit([other.id], tag.id)
    assert [t.name for t in w.tag_pane.tags()] == ["改名后"]
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.deleteRequested.emit(tag.id)
    assert w.tag_pane.tags() == []


def test_delete_moves_to_trash_then_restore_and_purge(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    total = w.model.rowCount()
    victims = w.model.ids[:2]
    w.select_ids(victims)
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.actionDelete.trigger()
    qtbot.waitUntil(lambda: w.model.rowCount() == total - 2, timeout=10_000)
    assert not set(victims) & set(w.model.ids)

    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.actionTrash.setChecked(True)
    assert sorted(w.model.ids) == sorted(victims)
    assert w.actionRestore.isVisible() and w.actionPurge.isVisible()
    w.select_ids([victims[0]])
    with qtbot.waitSignal(w.writeFinished, timeout=10_000):
        w.actionRestore.trigger()
    qtbot.waitUntil(lambda: w.model.ids == [victims[1]], timeout=10_000)
    w.select_ids([victims[1]])
    with qtbot.waitSignal(w.writeFinished, timeout=10_000):
        w.purge_selected(confirm=False)
    qtbot.waitUntil(lambda: w.model.rowCount() == 0, timeout=10_000)
    assert "回收站是空的" in w.table.overlay.title.text()
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.actionTrash.setChecked(False)
    assert w.model.rowCount() == total - 1
    with Archive.open(w.archive_path) as archive:
        assert archive.get_documents([victims[1]]) == []


def test_copy_rows_as_tsv(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    w.select_ids(w.model.ids[:3])
    w.table.setFocus()
    w.actionCopy.trigger()
    text = QGuiApplication.clipboard().text()
    lines = text.split("\r\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    assert header[:3] == ["标题", "发布机关", "地区"]
    rows = [line.split("\t") for line in lines[1:-1]]
    assert len(rows) == 3
    assert all(len(r) == len(header) for r in rows)
    docs = w.model.documents(w.model.ids[:3])
    assert [r[0] for r in rows] == [d.title for d in docs]
    assert all("\n" not in cell for r in rows for cell in r)


def test_sort_by_column_is_done_in_core(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    year_col = next(i for i, c in enumerate(COLUMNS) if c.key == "report_year")
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.table.sortByColumn(year_col, Qt.SortOrder.AscendingOrder)
    years = [d.report_year or 0 for d in w.model.documents(w.model.ids)]
    assert years == sorted(years)
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.table.sortByColumn(year_col, Qt.SortOrder.DescendingOrder)
    years = [d.report_year or 0 for d in w.model.documents(w.model.ids)]
    assert years == sorted(years, reverse=True)
    structure_col = next(i for i, c in enumerate(COLUMNS) if c.key == "structure")
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.table.sortByColumn(structure_col, Qt.SortOrder.DescendingOrder)
    first = w.model.documents(w.model.ids[:1])[0]
    assert first.doc_type not in ("法治政府建设年度报告", "法治政府建设工作报告") or first.missing_parts


def test_structure_column_names_missing_parts(qtbot: QtBot, window: MainWindow) -> None:
    col = next(i for i, c in enumerate(COLUMNS) if c.key == "structure")
    docs = window.model.documents(window.model.ids)
    missing = [d for d in docs if d.missing_parts and d.doc_type.startswith("法治政府建设")]
    assert missing, "the samples include a report with a missing part"
    row = window.model.row_of(missing[0].id)
    assert row is not None
    index = window.model.index(row, col)
    assert index.data().startswith("缺 ")
    assert "缺少：" in index.data(Qt.ItemDataRole.ToolTipRole)
    complete = [d for d in docs if not d.missing_parts and d.doc_type.startswith("法治政府建设")]
    if complete:
        assert window.model.index(window.model.row_of(complete[0].id) or 0, col).data().startswith("完整")


def test_batch_metadata_edit_is_undoable(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    ids = w.model.ids[:3]
    before = {d.id: d.region for d in w.model.documents(ids)}
    w.select_ids(ids)
    with qtbot.waitSignal(w.writeFinished, timeout=10_000):
        w.set_metadata(ids, {"region": "测试地区"})
    with Archive.open(w.archive_path) as archive:
        assert {d.region for d in archive.get_documents(ids)} == {"测试地区"}
    with qtbot.waitSignal(w.writeFinished, timeout=10_000):
        w.undo_stack.undo()
    with Archive.open(w.archive_path) as archive:
        after = archive.get_documents(ids)
    assert {d.id: d.region for d in after} == before
    # undo gives the field back to the analyser (no override left behind)
    assert all("region" not in d.overrides for d in after)


def test_layout_is_remembered(qtbot: QtBot, filled_archive: Path) -> None:
    w = make_window(qtbot, filled_archive)
    w.table.setColumnWidth(1, 233)
    w.resize(700, 500)
    w.close()
    w2 = make_window(qtbot, filled_archive)
    assert w2.table.columnWidth(1) == 233
    assert (w2.size().width(), w2.size().height()) == (700, 500)
    assert w2.settings.last_archive == filled_archive
    w2.close()


def test_open_another_archive_and_bad_archive(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not an sqlite file at all" * 100)
    assert window.open_archive(bad) is False
    assert window.table.overlay.isVisible()
    assert "无法打开档案" in window.table.overlay.title.text()
    assert not window.actionImport.isEnabled()
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        assert window.open_archive(tmp_path / "other.sqlite") is True
    assert window.actionImport.isEnabled()
    assert window.model.rowCount() == 0


def test_backup_writes_a_copy(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dest = tmp_path / "备份.sqlite"
    with qtbot.waitSignal(window.writeFinished, timeout=10_000):
        window.run_backup(dest)
    with Archive.open(dest) as copy:
        assert copy.count() == window.model.rowCount()


def test_compare_action_needs_two_documents(qtbot: QtBot, window: MainWindow) -> None:
    window.select_ids(window.model.ids[:1])
    assert not window.actionCompare.isEnabled()
    window.select_ids(window.model.ids[:2])
    assert window.actionCompare.isEnabled()


def test_window_keeps_running_its_event_loop_during_an_import(qtbot: QtBot, empty_window: MainWindow) -> None:
    """A 10 ms timer keeps ticking while 40 reports import (a blocking import would stop it for seconds).

    The bound is loose on purpose (test machines are shared); bench/bench_gui_import_stall.py measures the
    real figure. What this catches is an import, listing or summary that runs on the GUI thread.
    """
    from PySide6.QtCore import QElapsedTimer, QTimer

    files = shared_reports(35)
    clock = QElapsedTimer()
    clock.start()
    gaps: list[int] = []
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(tick)
    ticker.start()
    with qtbot.waitSignal(empty_window.importFinished, timeout=120_000) as blocker:
        empty_window.import_paths(files)
    imported = blocker.args[0].count(Outcome.IMPORTED)
    qtbot.waitUntil(lambda: empty_window.model.rowCount() == imported, timeout=10_000)
    qtbot.waitUntil(lambda: empty_window.import_summary is not None, timeout=5_000)
    ticker.stop()
    elapsed = clock.elapsed()
    assert imported > 30
    assert len(gaps) >= elapsed / 10 / 4, f"only {len(gaps)} ticks in {elapsed} ms"
    # An import on the GUI thread stalls it for many seconds; a loaded shared machine for well under three.
    assert max(gaps) < 3_000, f"the event loop stalled for {max(gaps)} ms"


def test_a_new_search_is_best_first_even_after_sorting(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    with Archive.open(w.archive_path) as archive:
        expected = archive.list_ids(query="复议", order_by=None)
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        type_text(w.search_box, "复议")
    assert w.model.ids == expected
    # sorting the matches by a column still works
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        w.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert sorted(w.model.ids) == sorted(expected)
    titles = [d.title.lower() for d in w.model.documents(w.model.ids)]
    assert titles == sorted(titles)


def test_import_progress_shows_counts_and_the_file(qtbot: QtBot, empty_window: MainWindow) -> None:
    w = empty_window
    w.imports.import_progress(3, 10, "2014年南山区政府工作报告_2014.txt：已导入")
    assert w.importProgress.maximum() == 10 and w.importProgress.value() == 3
    assert w.importLabel.text() == "导入 3/10　2014年南山区政府工作报告_2014.txt：已导入"
    w.imports.import_progress(0, 10, "正在检查文件（1/10）…")
    assert "正在检查文件（1/10）…" in w.importLabel.text()


def test_second_import_after_closing_the_summary(qtbot: QtBot, empty_window: MainWindow) -> None:
    w = empty_window
    files = shared_reports(2)
    with qtbot.waitSignal(w.importFinished, timeout=60_000):
        w.import_paths(files[:3])
    qtbot.waitUntil(lambda: w.import_summary is not None, timeout=5_000)
    first = w.import_summary
    assert first is not None
    first.close()  # WA_DeleteOnClose: Qt deletes it
    qtbot.wait(50)
    with qtbot.waitSignal(w.importFinished, timeout=60_000):
        w.import_paths(files[3:])
    qtbot.waitUntil(lambda: w.import_summary is not first, timeout=5_000)
    assert w.import_summary is not None and w.import_summary.isVisible()
    qtbot.waitUntil(lambda: w.model.rowCount() == len(files), timeout=10_000)


def test_read_only_archive_browses_but_offers_no_writes(qtbot: QtBot, filled_archive: Path) -> None:
    from PySide6.QtWidgets import QWidget

    w = make_window(qtbot, filled_archive)
    total = w.model.rowCount()
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        assert w.open_archive(filled_archive, read_only=True)
    assert w.read_only and "只读" in w.windowTitle()
    assert w.model.rowCount() == total
    w.select_ids(w.model.ids[:2])
    for action in (w.actionImport, w.actionDelete, w.actionEditMeta, w.actionAddTag):
        assert not action.isEnabled()
    assert w.actionExport.isEnabled() and w.actionCompare.isEnabled()
    assert "只读" in w.warningLabel.text()
    # search still works (reader thread opens its own read-only connection)
    with qtbot.waitSignal(w.refreshed, timeout=10_000):
        type_text(w.search_box, "复议")
    assert 0 < w.model.rowCount() < total
    # a drop is refused with a message instead of an import
    drop_urls(w, shared_reports(1)[:1])
    assert w._import_jobs == []
    assert "只读" in w.statusBar().currentMessage()
    open_document(w, w.model.ids[0])
    viewer = w.findChild(QWidget, "documentViewer")
    assert viewer is not None and not viewer.saveMetaButton.isEnabled()  # type: ignore[attr-defined]
    w.close()


def test_file_menu_offers_restore_from_backup(qtbot: QtBot, empty_window: MainWindow) -> None:
    from PySide6.QtWidgets import QMenu

    file_menu = empty_window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu) and file_menu.title().startswith("文件")
    texts = [a.text() for a in file_menu.actions()]
    assert "从备份恢复…" in texts
    assert texts.index("从备份恢复…") == texts.index("备份档案…") + 1
    action = empty_window.findChild(QAction, "actionRestoreBackup")
    assert action is not None and action.isEnabled()
