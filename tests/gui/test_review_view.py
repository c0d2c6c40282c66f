"""The 待核对 tab (gui.review_view) on real reports: the development set and the samples of ../shared,
imported into a temporary archive at run time. Groups appear largest first; a group is filed under an
indicator in one action (Enter in the picker) and the next one is selected; undo; 否决 from the keyboard;
a read-only archive shows the queue without offering to change it; a user's assignment survives
re-analysis and a later import of the same phrasing gets the key. Also the viewer's facts order."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.archive import Archive
from core.indicators import default_dictionary, reload_default, user_path
from core.review import ReviewGroup, synonym_of
from gui.main_window import MainWindow
from gui.review_view import ReviewView, open_review
from tests.conftest import GOLD, SAMPLES
from tests.gui.conftest import make_window

DEV = GOLD / "dev"


@pytest.fixture(scope="session")
def review_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development set and the samples, imported once (with a per-user folder of its own)."""
    if not DEV.is_dir() or not SAMPLES.is_dir():
        pytest.skip("../shared/gold/dev or ../shared/samples is not present")
    folder = tmp_path_factory.mktemp("review")
    old = os.environ.get("REPORT_ARCHIVE_HOME")
    os.environ["REPORT_ARCHIVE_HOME"] = str(folder / "home")
    reload_default()
    try:
        path = folder / "review.sqlite"
        files = sorted(DEV.glob("*.txt")) + sorted(p for p in SAMPLES.iterdir() if p.is_file())
        with Archive.open(path) as archive:
            report = archive.import_paths(files, workers=0)
            assert all(item.outcome == "imported" for item in report.items), report.items
    finally:
        if old is None:
            os.environ.pop("REPORT_ARCHIVE_HOME", None)
        else:
            os.environ["REPORT_ARCHIVE_HOME"] = old
        reload_default()
    return path


@pytest.fixture(autouse=True)
def _fresh_dictionary() -> Iterator[None]:
    reload_default()  # the per-test user folder (tests/conftest.py) has no user synonyms yet
    yield
    reload_default()


@pytest.fixture
def review_window(qtbot: QtBot, review_template: Path, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "archive.sqlite"
    shutil.copy(review_template, path)
    window = make_window(qtbot, path)
    yield window
    window.close()


def _open(qtbot: QtBot, window: MainWindow) -> ReviewView:
    """分析 → 待核对, once its groups are listed."""
    with qtbot.waitSignal(_signal_later(window), timeout=30_000):
        window.actionReview.trigger()
    view = window.review_view
    assert isinstance(view, ReviewView)
    return view


def _signal_later(window: MainWindow) -> object:
    """groupsShown of the view the action is about to make (made here first, so the test can wait on it)."""
    if window.review_view is None:
        window.review_view = ReviewView(window)
        window.tabs.addTab(window.review_view, "待核对")
    return window.review_view.groupsShown


def _learnable(view: ReviewView) -> tuple[int, ReviewGroup, str]:
    """A group (row) whose words can become a synonym, and the first indicator whose units fit it."""
    dictionary = default_dictionary()
    for row in range(view.model.rowCount()):
        group = view.model.group(row)
        assert group is not None
        if not synonym_of(group.pattern) or not group.unit:
            continue
        key = next((ind.key for ind in dictionary if dictionary.unit_fits(ind.key, group.unit)), None)
        if key is not None:
            return row, group, key
    pytest.fail("no group in the queue has words and a unit an indicator takes")


def _facts_of(path: Path, pattern: str) -> list[tuple[str | None, str]]:
    with Archive.open(path) as archive:
        rows = archive.connection.execute("SELECT key, status FROM facts WHERE pattern = ?", (pattern,)).fetchall()
    return [(r[0], str(r[1])) for r in rows]


def test_groups_appear_largest_first_and_a_fact_opens_in_the_viewer(qtbot: QtBot, review_window: MainWindow) -> None:
    view = _open(qtbot, review_window)
    assert review_window.tabs.currentWidget() is view
    n = view.model.rowCount()
    assert n > 10
    counts = [g.count for g in view.model.shown]
    assert counts == sorted(counts, reverse=True)
    assert "组" in view.countLabel.text() and "待核对" in view.countLabel.text()
    # each example's number is found (the delegate highlights it) and is a number with the group's unit
    found = [g for g in view.model.groups if g.span]
    assert len(found) > len(view.model.groups) // 2
    for g in found:
        assert g.span is not None
        start, end = g.span
        assert g.example[start:end].endswith(g.unit)
        assert g.example[start].isdigit() or g.example[start] in "零〇一二两三四五六七八九十百千万"
    # the selected group's figures: report title, value, sentence
    with qtbot.waitSignal(view.factsShown, timeout=10_000):
        view.select_row(1)
    group = view.current_group()
    assert group is not None and len(view.facts) == group.count
    assert view.factTable.rowCount() == group.count
    assert view.factTable.item(0, 1).text() == view.facts[0].title  # type: ignore[union-attr]
    # the filter box: only groups holding the words
    word = group.pattern[:2]
    view.filterEdit.setText(word)
    assert 0 < view.model.rowCount() <= n
    assert all(word in g.pattern + g.example + g.unit for g in view.model.shown)
    view.filterEdit.clear()
    assert view.model.rowCount() == n
    # Enter on a figure: the viewer at that figure
    fact = view.facts[0]
    viewer = review_window.viewer
    with qtbot.waitSignal(viewer.loaded, timeout=15_000):
        view.open_fact(0)
    assert review_window.tabs.currentWidget() is viewer
    assert viewer.doc_id == fact.doc_id
    assert viewer.selected_fact_ids() == [fact.id]
    assert viewer.text.textCursor().selectedText() == viewer.text_str[fact.start : fact.end]


def test_assign_a_group_in_one_action_then_undo_and_work_on_with_the_keyboard(
    qtbot: QtBot, review_window: MainWindow
) -> None:
    view = _open(qtbot, review_window)
    row, group, key = _learnable(view)
    following = view.model.group(row + 1)
    assert following is not None
    view.select_row(row)
    name = default_dictionary().name(key)
    assert name is not None
    view.focus_picker()
    qtbot.keyClicks(view.indicatorFilter, key)  # the key finds its indicator; so would its name or a synonym
    assert view.visible_keys()[0] == key
    with qtbot.waitSignal(view.assigned, timeout=15_000) as blocker:
        qtbot.keyClick(view.indicatorFilter, Qt.Key.Key_Return)
    assert blocker.args == [group.pattern, key]
    # the group left the list, the next one is selected, the focus is back in the picker
    assert view.model.row_of(group.pattern) < 0
    assert view.current_group() == following
    assert view.indicatorFilter.text() == ""
    path = review_window.archive_path
    facts = _facts_of(path, group.pattern)
    assert len(facts) >= group.count and {(k, s) for k, s in facts} == {(key, "corrected")}
    synonym = synonym_of(group.pattern)
    assert synonym and synonym in user_path().read_text(encoding="utf-8")
    assert "待核对" in review_window.actionUndo.text() or review_window.undo_stack.canUndo()

    # 撤销: the facts back as they were, the group back in the list (selected), the synonym out
    with qtbot.waitSignal(view.groupsShown, timeout=15_000):
        view.undoButton.click()
    assert {s for _k, s in _facts_of(path, group.pattern)} == {"auto"}
    assert view.current_group() is not None and view.current_group().pattern == group.pattern  # type: ignore[union-attr]
    assert synonym not in user_path().read_text(encoding="utf-8")

    # keyboard: Ctrl+Delete 否决 the selected group, Ctrl+Z brings it back
    view.focus_picker()
    with qtbot.waitSignal(view.assigned, timeout=15_000) as blocker:
        qtbot.keyClick(view.indicatorFilter, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [group.pattern, ""]
    assert {s for _k, s in _facts_of(path, group.pattern)} == {"rejected"}
    assert view.current_group() == following
    # PageDown / Ctrl+↓ in the picker: the next group without leaving the keyboard
    qtbot.keyClick(view.indicatorFilter, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert view.current_group() == view.model.group(view.model.row_of(following.pattern) + 1)
    with qtbot.waitSignal(view.groupsShown, timeout=15_000):
        review_window.undo_stack.undo()
    assert {s for _k, s in _facts_of(path, group.pattern)} == {"auto"}


def test_read_only_archive_shows_the_queue_without_assigning(qtbot: QtBot, review_window: MainWindow) -> None:
    path = review_window.archive_path
    assert review_window.open_archive(path, remember=False, read_only=True)
    view = _open(qtbot, review_window)
    assert view.model.rowCount() > 0
    assert not view.assignButton.isEnabled() and not view.rejectButton.isEnabled()
    assert not view.indicatorFilter.isEnabled()
    assert view.reasonLabel.isVisibleTo(view) and "只读" in view.reasonLabel.text()
    group = view.current_group()
    assert group is not None
    assert view.assign(next(iter(default_dictionary())).key) is False
    assert view.model.row_of(group.pattern) >= 0
    assert {s for _k, s in _facts_of(path, group.pattern)} == {"auto"}


def test_assignment_survives_reanalysis_and_teaches_later_imports(
    qtbot: QtBot, review_window: MainWindow, tmp_path: Path
) -> None:
    view = _open(qtbot, review_window)
    row, group, key = _learnable(view)
    view.select_row(row)
    with qtbot.waitSignal(view.assigned, timeout=15_000):
        assert view.assign(key)
    path = review_window.archive_path
    before = _facts_of(path, group.pattern)

    # 重新分析 on the writer: the user's assignment stays
    with qtbot.waitSignal(review_window.writeFinished, timeout=120_000):
        review_window.run_write(lambda archive, *_: archive.reanalyse(workers=0), None, name="reanalyse")
    after = _facts_of(path, group.pattern)
    assert len(after) == len(before) and {(k, s) for k, s in after} == {(key, "corrected")}

    # a new report stating the same figure the same way: placed under the key by itself
    synonym = synonym_of(group.pattern)
    assert synonym
    new = tmp_path / "新报告.txt"
    new.write_text(f"某某县司法局2025年法治政府建设情况报告\n一、主要工作\n全年{synonym}7{group.unit}。\n", encoding="utf-8")
    with qtbot.waitSignal(review_window.importFinished, timeout=60_000):
        review_window.import_paths([new])
    with Archive.open(path) as archive:
        doc_id = max(archive.list_ids())
        facts = archive.get_facts(doc_id)
    assert any(f.key == key and f.value == 7 for f in facts), [(f.key, f.value, f.unit) for f in facts]
    # the queue read again does not list the group
    with qtbot.waitSignal(view.groupsShown, timeout=15_000):
        view.reload()
    assert view.model.row_of(group.pattern) < 0


def test_viewer_lists_figures_to_check_first(qtbot: QtBot, review_window: MainWindow) -> None:
    from gui.viewer_facts import needs_review

    with Archive.open(review_window.archive_path) as archive:
        doc_id = next(d for d in archive.list_ids()
                      if any(needs_review(f) for f in archive.get_facts(d))
                      and any(not needs_review(f) for f in archive.get_facts(d)))
    viewer = review_window.viewer
    with qtbot.waitSignal(viewer.loaded, timeout=15_000):
        review_window.open_document(doc_id)
    flags = [needs_review(f) for f in viewer.facts]
    assert True in flags and False in flags
    assert flags == sorted(flags, reverse=True)  # every figure to check stands before the others
    table = viewer.factsTable
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]  # type: ignore[union-attr]
    assert "可信度" in header
    column = header.index("可信度")
    assert table.item(0, column).text() == "低"  # type: ignore[union-attr]
    assert table.item(len(flags) - 1, column).text() in ("中", "高", "")  # type: ignore[union-attr]
    # confirming the first moves it out of the figures to check
    first = viewer.facts[0]
    assert first.id is not None
    viewer.select_fact(first.id)
    with qtbot.waitSignal(review_window.writeFinished, timeout=10_000):
        viewer.confirmButton.click()
    qtbot.waitUntil(lambda: viewer.facts[0].id != first.id, timeout=10_000)
    assert next(f for f in viewer.facts if f.id == first.id).status == "confirmed"


def test_the_tab_is_reached_from_the_menu_and_reread_for_another_archive(
    qtbot: QtBot, review_window: MainWindow, tmp_path: Path
) -> None:
    view = _open(qtbot, review_window)
    assert review_window.actionReview.objectName() == "actionReview"
    assert review_window.tabs.tabText(review_window.tabs.indexOf(view)) == "待核对"
    with qtbot.waitSignal(view.groupsShown, timeout=15_000):
        review_window.open_archive(tmp_path / "empty.sqlite", remember=False)
        open_review(review_window)
    assert view.model.rowCount() == 0 and "没有待核对" in view.groupLabel.text()
