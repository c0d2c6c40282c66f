"""Spreadsheets: .xlsx (openpyxl, read-only streaming), .xls (xlrd) and WPS .et (an .xls or .xlsx inside).

The text keeps the table structure the other readers use for tables: one line naming each sheet
("工作表：名称"), then one line per non-empty row with its cells tab-separated (trailing empty cells
dropped), so search finds any cell and the fact extractor reads rows × headers. Numbers are written as
a clerk sees them (45, not 45.0; a percent-formatted 0.238 as 23.8%; dates as 2024-03-01); formulas give
their cached values. Embedded pictures are not read. Inflated parts are capped as for .docx.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from core.errors import ReadError
from core.models import ReadResult
from core.readers import limits
from core.readers.limits import CORRUPT, check_text

SHEET_PREFIX = "工作表："
_BOMB = "文件解压后过大（超过 64 MB 数据），疑似损坏或恶意构造的文件，已拒绝"
_MAX_CELLS = 5_000_000
_ENCRYPTED = "表格已加密（设置了打开密码），请先在 Excel/WPS 中取消密码后再导入"


def format_number(value: float, number_format: str = "") -> str:
    """A cell's number as the sheet shows it, near enough: integers without .0, percents as percents."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if math.isnan(value) or math.isinf(value):
        return ""
    if "%" in number_format:
        shown = value * 100
        decimals = _decimals(number_format)
        return f"{shown:.{decimals}f}%"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def _decimals(number_format: str) -> int:
    head = number_format.split(";", maxsplit=1)[0]
    if "." not in head:
        return 0
    tail = head.split(".", 1)[1]
    return sum(1 for ch in tail if ch in "0#")


def _cell_text(value: Any, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return format_number(float(value), number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    # A cell's own line breaks and tabs would break the row structure.
    return " ".join(text.replace("\t", " ").split())


def _rows_text(name: str, rows: Iterable[list[str]]) -> list[str]:
    lines = [f"{SHEET_PREFIX}{name.strip()}"]
    for cells in rows:
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            lines.append("\t".join(cells))
    return lines if len(lines) > 1 else []


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist():
                if info.flag_bits & 0x1:
                    raise ReadError(_ENCRYPTED)
                if info.filename.lower().endswith((".xml", ".rels")):
                    if info.file_size > limits.MAX_XML_BYTES:
                        raise ReadError(_BOMB)
                    total += info.file_size
            if total > 4 * limits.MAX_XML_BYTES:
                raise ReadError(_BOMB)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise ReadError(f"{CORRUPT}（Excel 表格不完整或不是有效的压缩包）") from None


def read_xlsx(data: bytes) -> ReadResult:
    _check_zip(data)
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles/extensions it skips
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except ReadError:
            raise
        except Exception:  # openpyxl raises many kinds on broken parts (KeyError, ValueError, XML errors)
            raise ReadError(f"{CORRUPT}（Excel 表格 .xlsx 结构损坏）") from None
        try:
            lines: list[str] = []
            cells = 0
            for sheet in book.worksheets:
                rows: list[list[str]] = []
                try:
                    for row in sheet.iter_rows():
                        cells += len(row)
                        if cells > _MAX_CELLS:
                            raise ReadError("表格过大（超过 500 万个单元格），无法导入")
                        rows.append(
                            [_cell_text(getattr(cell, "value", None), getattr(cell, "number_format", "") or "")
                             for cell in row]
                        )
                except ReadError:
                    raise
                except Exception:
                    raise ReadError(f"{CORRUPT}（工作表“{sheet.title}”损坏）") from None
                lines.extend(_rows_text(str(sheet.title), rows))
        finally:
            book.close()
    return _result(lines, "xlsx")


def read_xls(data: bytes) -> ReadResult:
    """Excel 97–2003 (BIFF8) workbooks, as Excel and WPS 表格 (.et) write them."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.biffh.XLRDError as error:
        if "encrypt" in str(error).lower():
            raise ReadError(_ENCRYPTED) from None
        raise ReadError(f"{CORRUPT}（Excel 表格 .xls 结构损坏）") from None
    except Exception:
        raise ReadError(f"{CORRUPT}（Excel 表格 .xls 结构损坏）") from None
    lines: list[str] = []
    try:
        cells = 0
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception:
                raise ReadError(f"{CORRUPT}（第 {index + 1} 个工作表损坏）") from None
            cells += sheet.nrows * sheet.ncols
            if cells > _MAX_CELLS:
                raise ReadError("表格过大（超过 500 万个单元格），无法导入")
            lines.extend(_rows_text(sheet.name, _xls_rows(book, sheet)))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return _result(lines, "xls")


def _xls_rows(book: Any, sheet: Any) -> Iterator[list[str]]:
    import xlrd

    for row in range(sheet.nrows):
        out = []
        for col in range(sheet.ncols):
            kind = sheet.cell_type(row, col)
            value = sheet.cell_value(row, col)
            if kind == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    pass
            elif kind == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif kind == xlrd.XL_CELL_ERROR:
                value = ""
            out.append(_cell_text(value))
        yield out


def _result(lines: list[str], fmt: str) -> ReadResult:
    warnings_out: list[str] = []
    if not lines:
        warnings_out.append("表格中没有文字（可能只有图片或是空表）")
    return ReadResult(text=check_text("\n".join(lines)), warnings=warnings_out, fmt=fmt, encoding=None)
