"""收报情况 dialog on the app's sample reports and two real ones, in a temporary archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core import Archive
from core.agencies import load_aliases
from gui.grid import MergeAgenciesDialog, ReportingGridDialog
from tests.conftest import REPO, SAMPLES

APP_SAMPLES = REPO / "resources" / "samples"


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present")
    files = [*sorted(APP_SAMPLES.glob("*.*")), next(SAMPLES.glob("001_*.txt")), next(SAMPLES.glob("004_*.txt"))]
    assert len(files) >= 5
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        report = archive.import_paths(files)
        assert all(item.doc_id for item in report.items)
    return path


def _open(qtbot: QtBot, path: Path) -> ReportingGridDialog:
    dialog = ReportingGridDialog(path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.grid is not None, timeout=10_000)
    return dialog


def _cell_text(dialog: ReportingGridDialog, agency: str, year: int) -> str:
    assert dialog.grid is not None
    row = dialog.grid.agencies.index(agency)
    col = dialog.grid.years.index(year)
    return dialog.table.item(row, col).text()


def test_grid_shows_each_agency_and_year(qtbot: QtBot, archive_path: Path) -> None:
    dialog = _open(qtbot, archive_path)
    grid = dialog.grid
    assert grid is not None
    with Archive.open(archive_path) as archive:
        docs = [d for d in archive.get_documents(archive.list_ids()) if d.doc_type == "法治政府建设年度报告"]
    assert dialog.table.rowCount() == len(grid.agencies) == len({d.agency for d in docs if d.agency})
    assert dialog.table.columnCount() == len(grid.years)
    for doc in docs:
        if not doc.agency or not doc.report_year:
            continue
        text = _cell_text(dialog, doc.agency, doc.report_year)
        if doc.late:
            assert "逾期" in text
        elif doc.missing_parts:
            assert "缺项" in text
        else:
            assert text.startswith("已报")
    # A year an agency has no report for says so.
    texts = [dialog.table.item(r, c).text() for r in range(dialog.table.rowCount()) for c in range(dialog.table.columnCount())]
    assert "未报送" in texts
    assert {"逾期", "缺项"} <= set(texts)  # the app's samples include one late and one incomplete report
    # The four statuses have four different colours.
    colours = {dialog.table.item(r, c).background().color().name()
               for r in range(dialog.table.rowCount()) for c in range(dialog.table.columnCount())}
    assert len(colours) == 4


def test_double_click_requests_the_report(qtbot: QtBot, archive_path: Path) -> None:
    dialog = _open(qtbot, archive_path)
    grid = dialog.grid
    assert grid is not None
    (agency, year), cell = next((k, c) for k, c in grid.cells.items() if c.doc_ids)
    row, col = grid.agencies.index(agency), grid.years.index(year)
    with qtbot.waitSignal(dialog.documentRequested, timeout=10_000) as blocker:
        dialog.table.cellDoubleClicked.emit(row, col)
    assert blocker.args == [cell.doc_ids[-1]]


def test_merging_agency_names(qtbot: QtBot, archive_path: Path) -> None:
    with Archive.open(archive_path) as archive:
        docs = archive.get_documents(archive.list_ids())
        hr = next(d for d in docs if d.agency and "云溪区人力资源" in d.agency)
        other = next(d for d in docs if d.agency and "南昌县" in d.agency)
        # Pretend the other report is the bureau's previous year, filed under its earlier name.
        archive.set_metadata([other.id], agency="青禾市云溪区人力资源局", report_year=2022)
        new_name = hr.agency
        assert new_name
    dialog = _open(qtbot, archive_path)
    rows_before = dialog.table.rowCount()
    assert "青禾市云溪区人力资源局" in dialog.grid.agencies  # type: ignore[union-attr]
    merge = MergeAgenciesDialog(dialog.grid.agencies, ["青禾市云溪区人力资源局", new_name], dialog)  # type: ignore[union-attr]
    qtbot.addWidget(merge)
    assert sorted(merge.checked_names()) == sorted(["青禾市云溪区人力资源局", new_name])
    merge.target.setCurrentText(new_name)
    assert merge.target_name() == new_name
    with qtbot.waitSignal(dialog.gridReady, timeout=10_000):
        dialog.merge(merge.checked_names(), merge.target_name())
    assert dialog.table.rowCount() == rows_before - 1
    assert _cell_text(dialog, new_name, 2022).startswith(("已报", "逾期", "缺项"))
    assert _cell_text(dialog, new_name, 2023).startswith(("已报", "逾期", "缺项"))
    with Archive.open(archive_path) as archive:
        assert load_aliases(archive) == {"青禾市云溪区人力资源局": new_name}
    # And undone: the old name is its own row again.
    with qtbot.waitSignal(dialog.gridReady, timeout=10_000):
        dialog.split(new_name)
    assert dialog.table.rowCount() == rows_before
    with Archive.open(archive_path) as archive:
        assert load_aliases(archive) == {}


def test_type_filter_and_export(qtbot: QtBot, archive_path: Path, tmp_path: Path) -> None:
    dialog = _open(qtbot, archive_path)
    annual_rows = dialog.table.rowCount()
    with qtbot.waitSignal(dialog.gridReady, timeout=10_000):
        dialog.type_box.setCurrentIndex(dialog.type_box.findData(""))
    assert dialog.table.rowCount() >= annual_rows
    out = dialog.export(str(tmp_path / "收报.xlsx"))
    assert out is not None
    ws = load_workbook(out).worksheets[0]
    assert ws.max_row == dialog.table.rowCount() + 1
    assert ws.cell(1, 2).value == f"{dialog.grid.years[0]}年"  # type: ignore[union-attr]
    first_agency = dialog.table.verticalHeaderItem(0).text()
    assert ws.cell(2, 1).value == first_agency
    assert dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole) is not None
