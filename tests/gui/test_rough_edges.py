"""Rough edges a clerk hit: tag rename/merge/delete undo, Ctrl+W, the 结构 column at 1366×768."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from core.archive import Archive
from gui.main_window import MainWindow
from gui.models import COLUMNS
from tests.gui.conftest import make_window, open_document


def tag_docs(path: Path) -> tuple[list[int], list[int]]:
    with Archive.open(path) as archive:
        ids = archive.list_ids()
        archive.tag_documents(ids[:3], ["重点"])
        archive.tag_documents(ids[2:5], ["待核对"])
        archive.set_tag_color(archive.tags()[1].id, "#ff0000")  # 重点 (sorted by name: 待核对, 重点)
        archive.trash(ids[4:5])  # a trashed document keeps its tags through undo too
    return sorted(ids[:3]), sorted(ids[2:5])


def memberships(path: Path) -> dict[str, tuple[int, ...]]:
    with Archive.open(path) as archive:
        out = {}
        for tag in archive.tags():
            live = archive.list_ids(tags_all=[tag.name])
            trashed = archive.list_ids(tags_all=[tag.name], deleted=True)
            out[tag.name] = tuple(sorted(live + trashed))
        return out


def step(qtbot: QtBot, w: MainWindow, action: str) -> None:
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        getattr(w.undo_stack, action)()


def test_rename_merge_delete_a_tag_then_undo_each(qtbot: QtBot, filled_archive: Path) -> None:
    important, check = tag_docs(filled_archive)
    before = memberships(filled_archive)
    assert before == {"重点": tuple(important), "待核对": tuple(check)}
    w = make_window(qtbot, filled_archive)
    qtbot.waitUntil(lambda: len(w.tag_pane.tags()) == 2, timeout=10_000)
    tag = w.tag_pane.tag_by_name("重点")
    other = w.tag_pane.tag_by_name("待核对")
    assert tag is not None and other is not None

    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.renameRequested.emit(tag.id, "重点关注")
    assert memberships(filled_archive) == {"重点关注": tuple(important), "待核对": tuple(check)}
    assert w.actionUndo.isEnabled() and "重命名" in w.actionUndo.text()
    step(qtbot, w, "undo")
    assert memberships(filled_archive) == before

    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.mergeRequested.emit([other.id], tag.id)
    assert memberships(filled_archive) == {"重点": tuple(sorted(set(important) | set(check)))}
    step(qtbot, w, "undo")
    assert memberships(filled_archive) == before
    step(qtbot, w, "redo")
    assert list(memberships(filled_archive)) == ["重点"]
    step(qtbot, w, "undo")

    red = w.tag_pane.tag_by_name("重点")
    assert red is not None
    with qtbot.waitSignal(w.tagsRefreshed, timeout=10_000):
        w.tag_pane.deleteRequested.emit(red.id)
    assert memberships(filled_archive) == {"待核对": tuple(check)}
    step(qtbot, w, "undo")
    assert memberships(filled_archive) == before
    restored = w.tag_pane.tag_by_name("重点")
    assert restored is not None and restored.color.lower() == "#ff0000"
    w.close()


def test_ctrl_w_closes_the_reading_tab(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    assert w.actionCloseTab.shortcut() == QKeySequence("Ctrl+W")
    open_document(w, w.model.ids[0])
    viewer_tab = w.tabs.indexOf(w.viewer)
    assert w.tabs.currentIndex() == viewer_tab and w.tabs.isTabVisible(viewer_tab)
    w.actionCloseTab.trigger()
    assert w.tabs.currentIndex() == 0
    assert not w.tabs.isTabVisible(viewer_tab)
    w.actionCloseTab.trigger()  # on the archive tab: nothing to close, the tab stays
    assert w.tabs.count() >= 1 and w.tabs.isTabVisible(0)


def test_structure_column_visible_at_1366(qtbot: QtBot, window: MainWindow) -> None:
    w = window
    w.resize(1366, 728)  # a 1366×768 screen less the task bar
    structure = next(i for i, c in enumerate(COLUMNS) if c.key == "structure")

    def right_edge() -> int:
        return w.table.columnViewportPosition(structure) + w.table.columnWidth(structure)

    qtbot.waitUntil(lambda: 0 < right_edge() <= w.table.viewport().width(), timeout=5_000)
    w.search_box.setText("法治")  # the 摘要 column appears: 标题 and 摘要 share the width
    qtbot.waitUntil(lambda: not w.table.isColumnHidden(len(COLUMNS) - 1), timeout=10_000)
    qtbot.waitUntil(lambda: 0 < right_edge() <= w.table.viewport().width(), timeout=5_000)
    assert w.table.columnWidth(0) >= w.table.fill_minimums[0]
    assert w.table.horizontalScrollBar().maximum() == 0  # no sideways scrolling needed to see 结构
