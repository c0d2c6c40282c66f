"""Trend dialog on three years of one district's work reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from core import Archive
from gui.trend import TrendChart, TrendDialog
from tests.conftest import CORPUS, SAMPLES

NANSHAN = ("2017年南山区政府工作报告_2017.txt", "2022年南山区政府工作报告_2022.txt", "2023年南山区政府工作报告_2023.txt")


@pytest.fixture
def archive_ids(tmp_path: Path) -> tuple[Path, list[int]]:
    if not CORPUS.is_dir() or not SAMPLES.is_dir():
        pytest.skip("../shared is not present")
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        report = archive.import_paths([*(CORPUS / n for n in NANSHAN), next(SAMPLES.glob("004_*.txt"))])
        ids = [item.doc_id for item in report.items if item.doc_id]
    assert len(ids) == 4
    return path, ids


def _open(qtbot: QtBot, path: Path, ids: list[int]) -> TrendDialog:
    dialog = TrendDialog(path, ids)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table_data is not None, timeout=10_000)
    return dialog


def test_table_and_chart_for_one_agency(qtbot: QtBot, archive_ids: tuple[Path, list[int]]) -> None:
    path, ids = archive_ids
    dialog = _open(qtbot, path, ids)
    assert dialog.agency == "深圳市南山区人民政府"  # the agency with most reports comes first
    assert dialog.agency_box.count() == 2
    data = dialog.table_data
    assert data is not None and data.years == [2017, 2022, 2023]
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    assert headers == ["指标", "单位", "2017年", "2022年", "2023年"]
    assert dialog.table.rowCount() == len(data.rows) > 0
    # Table cells show the values of the table data.
    for r, row in enumerate(data.rows[:20]):
        for c, year in enumerate(data.years, start=2):
            text = dialog.table.item(r, c).text()
            assert (text == "") == (year not in row.values)
    # A row is selected and drawn.
    selected = dialog.selected_rows()
    assert selected
    assert dialog.chart.series and dialog.chart.series[0][1] == data.rows[selected[0]].series(data.years)
    dialog.show()
    qtbot.waitExposed(dialog)
    image = dialog.chart.grab().toImage()
    assert _has_colour(image, "#1f77b4")  # the first series' line is painted


def _has_colour(image: QImage, name: str) -> bool:
    from PySide6.QtGui import QColor

    target = QColor(name)
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if abs(c.red() - target.red()) < 8 and abs(c.green() - target.green()) < 8 and abs(c.blue() - target.blue()) < 8:
                return True
    return False


def test_switching_agency_and_exporting(qtbot: QtBot, archive_ids: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, ids = archive_ids
    dialog = _open(qtbot, path, ids)
    with qtbot.waitSignal(dialog.tableReady, timeout=10_000):
        dialog.agency_box.setCurrentIndex(1)
    assert dialog.table_data is not None and dialog.table_data.agency == dialog.agency != "深圳市南山区人民政府"
    with qtbot.waitSignal(dialog.tableReady, timeout=10_000):
        dialog.agency_box.setCurrentIndex(0)
    out = dialog.export(str(tmp_path / "趋势.xlsx"))
    assert out is not None
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    assert ws.max_row == len(dialog.table_data.rows) + 1  # type: ignore[union-attr]
    assert ws._charts, "a native Excel line chart"
    dialog.copy_table()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0] == "指标\t单位\t2017\t2022\t2023"


def test_chart_leaves_gaps_for_missing_years(qtbot: QtBot) -> None:
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.resize(500, 300)
    chart.set_data([2020, 2021, 2023], [("甲", [1.0, None, 3.0])], "件")
    low, high = chart.value_range()
    assert low <= 0 and high >= 3
    from PySide6.QtCore import QRectF

    plot = QRectF(0, 0, 300, 100)
    # Years are spaced by their distance, not by their index.
    xs = [chart.point(plot, i, 1.0).x() for i in range(3)]
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[1]) / 2)


def test_reports_without_an_agency_say_so(qtbot: QtBot, tmp_path: Path) -> None:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present")
    path = tmp_path / "archive.sqlite"
    with Archive.open(path) as archive:
        report = archive.import_paths([next(SAMPLES.glob("003_*.txt"))])
        doc_id = report.items[0].doc_id
        assert doc_id is not None
        archive.set_metadata([doc_id], agency="")
    dialog = TrendDialog(path, [doc_id])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "机关" in dialog.status.text() and "正在" not in dialog.status.text(), timeout=10_000)
    assert dialog.agency_box.count() == 0 and dialog.table_data is None


def test_one_selected_report_shows_its_agencys_years(qtbot: QtBot, archive_ids: tuple[Path, list[int]]) -> None:
    path, ids = archive_ids
    dialog = _open(qtbot, path, ids[:1])  # one 南山区 work report selected
    data = dialog.table_data
    assert data is not None
    assert data.years == [2017, 2022, 2023], "the agency's three report years, not a single point"
    assert "各年度" in dialog.status.text()
    assert dialog.agency_box.currentText().endswith("（3 份）"), "the count of the reports shown"
    many = _open(qtbot, path, ids[:2])  # two years chosen: exactly those
    assert many.table_data is not None and many.table_data.years == [2017, 2022]
    assert "各年度" not in many.status.text()
