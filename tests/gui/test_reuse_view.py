"""重复率 in the window: the table column, its filter and sort, the viewer's 重复 tab, side by side, moved paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.models import COLUMNS
from gui.reuse_view import FILTERS
from tests.conftest import SAMPLES
from tests.gui.conftest import make_window, open_document

EARLIER = SAMPLES / "004_6c1e8e7a459a068c.txt"


def _bump(line: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), line)


@pytest.fixture
def reuse_archive(tmp_path: Path, filled_archive: Path) -> tuple[Path, int, int]:
    """The shared reports, plus next year's report of sample 004: its first half copied, figures +1,
    and one long paragraph moved to the end."""
    from core.archive import Archive

    if not EARLIER.exists():
        pytest.skip("../shared/samples is not present")
    lines = [ln for ln in EARLIER.read_text(encoding="utf-8").split("\n") if ln.strip()]
    body = lines[4:]
    half = body[: len(body) // 2]
    moved = max(range(1, len(half)), key=lambda i: len(half[i]))
    new = [_bump(ln) for ln in lines[:4]] + [_bump(ln) for n, ln in enumerate(half) if n != moved]
    new += ["四、本年度新增的工作安排", "结合新的形势，我局将进一步完善制度建设，推动各项任务落到实处。", half[moved]]
    (tmp_path / "next.txt").write_text("\n".join(new) + "\n", encoding="utf-8")
    with Archive.open(filled_archive) as archive:
        earlier_id = next(d.id for d in archive.get_documents(archive.list_ids()) if d.source_name == EARLIER.name)
        next_id = archive.import_paths([tmp_path / "next.txt"], workers=0).items[0].doc_id
    assert next_id is not None
    return filled_archive, earlier_id, next_id


def test_column_filter_sort_viewer_and_side_by_side(qtbot: QtBot, reuse_archive: tuple[Path, int, int]) -> None:
    path, earlier_id, next_id = reuse_archive
    window = make_window(qtbot, path)
    try:
        controller = window.reuse_controller
        with qtbot.waitSignal(controller.resultsUpdated, timeout=60_000):
            controller.update_results()
        qtbot.waitUntil(lambda: window.model.row_of(next_id) is not None, timeout=10_000)
        column = [c.key for c in COLUMNS].index("reuse")
        assert window.model.headerData(column, Qt.Orientation.Horizontal) == "重复率"
        row = window.model.row_of(next_id)
        assert row is not None
        text = window.model.data(window.model.index(row, column))
        assert text.endswith("%") and int(text[:-1].split(".")[0]) >= 30
        # Sorted by 重复率, highest first: the copied report leads.
        with qtbot.waitSignal(window.refreshed, timeout=10_000):
            window.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        assert window.model.doc_id(0) == next_id
        # Filtered to ≥ 30%: only the copy is left (the earlier report reuses nothing).
        index = next(n for n, (_label, value) in enumerate(FILTERS) if value == 0.30)
        with qtbot.waitSignal(window.refreshed, timeout=10_000):
            controller.box.setCurrentIndex(index)
        assert window.model.ids == [next_id]
        with qtbot.waitSignal(window.refreshed, timeout=10_000):
            controller.box.setCurrentIndex(0)
        assert len(window.model.ids) > 1

        # The viewer's 重复 tab: passages listed, the text shaded, the source named.
        open_document(window, next_id)
        viewer = window.viewer
        panel = viewer.reuse_panel
        qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=20_000)
        assert f"#{earlier_id}" in panel.summary.text()
        assert panel.selections()
        assert "重复" in viewer.side.tabText(viewer.side.indexOf(panel))
        # 并排对照: the compare window, both panes at the passage.
        compare_window = panel.open_side_by_side(panel.list.item(0))
        assert compare_window is not None
        view = compare_window.view
        qtbot.waitUntil(lambda: view.comparison is not None, timeout=30_000)
        qtbot.waitUntil(lambda: bool(view.pane_a.extraSelections()) and bool(view.pane_b.extraSelections()),
                        timeout=10_000)
        assert compare_window.ids == (earlier_id, next_id)
        # The paragraph moved to the end is shown as moved, not as deleted + added.
        cmp = view.comparison
        assert cmp is not None and cmp.moved
        assert "已移动" in view.pane_a.toPlainText() and "已移动" in view.pane_b.toPlainText()
        assert "段移动" in view.status.text()
        # Changed figures are called out on the right.
        assert "〔数字：" in view.pane_b.toPlainText() and "→" in view.pane_b.toPlainText()
        compare_window.close()
    finally:
        window.close()
