"""Spreadsheet reader: .xlsx made with openpyxl, .xls with xlwt, .et as either, and the real xlsx01."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from core.errors import ReadError
from core.readers import limits, read_bytes
from core.readers.sheet import SHEET_PREFIX, format_number
from tests.conftest import SHARED

REAL = SHARED / "realfiles"


def make_xlsx(sheets: dict[str, list[list[object]]], percent_cells: tuple[str, ...] = ()) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref in percent_cells:
            sheet[ref].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_xls(sheets: dict[str, list[list[object]]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                elif value is not None:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROWS: list[list[object]] = [
    ["指标", "2023年", "2024年", None],
    ["行政复议案件（件）", 45, 38, None],
    ["纠错率", 0.052, 0.048],
    [None, None, None],
    ["备注\n（换行）", "说明", None, None],
]


def test_xlsx_sheets_and_rows_keep_the_table_structure() -> None:
    data = make_xlsx({"统计表": ROWS, "空表": [], "附表": [["发布日期", dt.datetime(2024, 3, 1)]]},
                     percent_cells=("B3", "C3"))
    result = read_bytes(data, "统计.xlsx")
    assert result.fmt == "xlsx" and not result.warnings
    assert result.text.split("\n") == [
        f"{SHEET_PREFIX}统计表",
        "指标\t2023年\t2024年",
        "行政复议案件（件）\t45\t38",
        "纠错率\t5.2%\t4.8%",
        "备注 （换行）\t说明",
        f"{SHEET_PREFIX}附表",
        "发布日期\t2024-03-01",
    ]


@pytest.mark.parametrize("name", ["统计.xls", "统计.et"])
def test_xls_and_et(name: str) -> None:
    data = make_xls({"统计表": [["指标", "2023年"], ["行政复议案件", 45], ["完成日期", dt.date(2024, 1, 31)], ["比例", 0.5]]})
    result = read_bytes(data, name)
    assert result.fmt == "xls"
    assert result.text.split("\n") == [
        f"{SHEET_PREFIX}统计表", "指标\t2023年", "行政复议案件\t45", "完成日期\t2024-01-31", "比例\t0.5",
    ]


def test_et_that_is_an_xlsx_inside_and_xlsx_named_docx() -> None:
    data = make_xlsx({"Sheet1": [["单位", "数量"], ["司法局", 3]]})
    for name in ("表.et", "表.docx", "表"):
        assert read_bytes(data, name).text == f"{SHEET_PREFIX}Sheet1\n单位\t数量\n司法局\t3"


def test_broken_and_bomb_spreadsheets_get_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook")
    with pytest.raises(ReadError) as error:
        read_bytes(buffer.getvalue(), "坏.xlsx")
    assert str(error.value).startswith(limits.CORRUPT) and "Excel" in str(error.value)
    with pytest.raises(ReadError) as error:
        read_bytes(make_xls({"a": [["x"]]})[:3000], "坏.xls")
    assert str(error.value).startswith(limits.CORRUPT)
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 2000)
    big = make_xlsx({"大表": [["字" * 50] for _ in range(200)]})
    with pytest.raises(ReadError) as error:
        read_bytes(big, "大.xlsx")
    assert "解压后过大" in str(error.value)


def test_empty_workbook_says_so() -> None:
    result = read_bytes(make_xlsx({"Sheet1": []}), "空.xlsx")
    assert result.text == "" and "没有文字" in result.warnings[0]


def test_number_formats() -> None:
    assert format_number(45.0) == "45"
    assert format_number(3.25) == "3.25"
    assert format_number(0.2381, "0.00%") == "23.81%"
    assert format_number(0.5, "0%") == "50%"
    assert format_number(1 / 3) == "0.3333333333"


def test_real_xlsx() -> None:
    path = REAL / "xlsx01.xlsx"
    if not path.exists():
        pytest.skip("../shared/realfiles is not there")
    text = read_bytes(path.read_bytes(), path.name).text
    assert text.startswith(SHEET_PREFIX)
    assert "及时性\t及时公开部门预算\t\t是" in text.split("\n")
