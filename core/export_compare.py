"""Small Excel workbooks for the compare views: two reports side by side, a trend chart, the 收报情况 grid."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname

from core import __version__, domain
from core.errors import ExportError
from core.models import Document
from core.xlsx_util import (
    HEADER_FILL,
    HEADER_FONT,
    MONEY_FORMAT,
    WidthTracker,
    apply_print_setup,
    atomic_output,
    looks_like_formula,
    safe_text,
)

__all__ = [
    "GRID_STATUSES",
    "export_comparison_xlsx",
    "export_grid_xlsx",
    "export_trend_xlsx",
    "unit_scale",
]

CompareRow = tuple[str | None, str, float | None, str, float | None, str]
TrendInput = tuple[str | None, str, str, Mapping[int, float | None]]

PERCENT_CHANGE_FORMAT = "0.0%"

# 收报情况 states (core.domain): (code, label, fill colour), worst first: the fill of a combined label such
# as "逾期、缺项" is that of its worst part.
GRID_STATUSES: tuple[tuple[str, str, str], ...] = tuple(
    (s.code, s.label, s.color.lstrip("#").upper()) for s in domain.GRID_STATES
)


def unit_scale(unit: str) -> tuple[str, float]:
    """(base unit, factor): 亿元 → (元, 1e8), 万件 → (件, 1e4), 宗 → (件, 1) (core.domain.unit_scale)."""
    return domain.unit_scale(unit)


def _put(ws: Any, row: int, col: int, value: Any, number_format: str | None = None) -> Any:
    """Write one cell; document text is cleaned and never becomes a formula."""
    if isinstance(value, str):
        value = safe_text(value)
        cell = ws.cell(row=row, column=col, value=value if value else None)
        if value and looks_like_formula(value):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell
    cell = ws.cell(row=row, column=col, value=value)
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def _table(ws: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
           formats: Sequence[Sequence[str | None]] | None = None, minimum: Sequence[int] | None = None) -> None:
    """One header row (bold, filled, frozen, filtered), then the rows; widths fit the text."""
    widths = WidthTracker(headers, minimum)
    for c, header in enumerate(headers, 1):
        cell = _put(ws, 1, c, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, values in enumerate(rows, 2):
        widths.add(values)
        row_formats = formats[r - 2] if formats else ()
        for c, value in enumerate(values, 1):
            _put(ws, r, c, value, row_formats[c - 1] if c - 1 < len(row_formats) else None)
    widths.apply(ws)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    apply_print_setup(ws)  # A4 landscape, fit to the page width, header row on every page


def _doc_label(doc: Document) -> str:
    who = doc.agency or doc.title or doc.source_name or f"文档{doc.id}"
    return f"{who} {doc.report_year}年" if doc.report_year else who


def _doc_notes(tag: str, doc: Document) -> list[tuple[str, str, str]]:
    return [
        (tag, "文档ID", str(doc.id)),
        (tag, "标题", doc.title or ""),
        (tag, "发布机关", doc.agency or ""),
        (tag, "报告年度", str(doc.report_year or "")),
        (tag, "发布日期", doc.publish_date or ""),
        (tag, "原文件名", doc.source_name or ""),
    ]


def _notes_sheet(wb: Workbook, rows: list[tuple[str, str, str]]) -> None:
    ws = wb.create_sheet("说明")
    rows = [
        *rows,
        ("导出信息", "导出时间", datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
        ("导出信息", "程序版本", f"报告档案 {__version__}"),
    ]
    _table(ws, ("项目", "名称", "说明"), rows, minimum=(10, 12, 40))


def _save(wb: Workbook, out: Path | str) -> Path:
    out = Path(out)
    wb.properties.creator = f"报告档案 {__version__}"
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return out


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() and abs(value) < 1e15 else round(value, 6)


@dataclass(slots=True)
class _Pair:
    key: str
    name: str
    a: float | int | None
    unit_a: str
    b: float | int | None
    unit_b: str
    diff: float | int | None = None
    pct: float | None = None  # a fraction: 0.125 shows as 12.5%
    note: str = ""
    sentence_a: str = ""
    sentence_b: str = ""


def _pair_from(row: Any) -> _Pair:
    """A (key, name, value_a, unit_a, value_b, unit_b) tuple, or a core.compare.FigureRow (its signed values,
    difference and notes kept, so the workbook says what the compare view says)."""
    if isinstance(row, tuple | list):
        key, name, value_a, unit_a, value_b, unit_b = row
        return _compute(_Pair(key or "", name or key or "", _number(value_a), unit_a or "",
                              _number(value_b), unit_b or ""))
    fact_a, fact_b = getattr(row, "fact_a", None), getattr(row, "fact_b", None)
    unit = getattr(row, "unit", "") or ""
    pair = _Pair(
        getattr(row, "key", None) or "", getattr(row, "label", None) or getattr(row, "name", "") or "",
        _number(getattr(row, "value_a", None)), fact_a.unit if fact_a is not None else unit,
        _number(getattr(row, "value_b", None)), fact_b.unit if fact_b is not None else unit,
        sentence_a=fact_a.sentence if fact_a is not None else "",
        sentence_b=fact_b.sentence if fact_b is not None else "",
    )
    diff, pct = getattr(row, "diff", None), getattr(row, "pct", None)
    if diff is None and pct is None:
        pair = _compute(pair)
    else:
        pair.diff = _number(diff)
        pair.pct = round(pct / 100, 6) if pct is not None else None
    note = getattr(row, "note", "") or ""
    pair.note = "；".join(n for n in (pair.note, note) if n)
    return pair


def _compute(pair: _Pair) -> _Pair:
    a, b = pair.a, pair.b
    if a is not None and b is not None:
        base_a, fa = unit_scale(pair.unit_a)
        base_b, fb = unit_scale(pair.unit_b)
        if base_a == base_b:
            b_in_a = b * fb / fa
            pair.diff = _number(b_in_a - a)
            notes = []
            if a != 0:
                pair.pct = round((b_in_a - a) / abs(a), 6)
            else:
                notes.append("A值为0，无法计算变化率")
            if pair.unit_a != pair.unit_b:
                notes.append(f"B值已换算为{pair.unit_a}后计算差值" if fa != fb
                             else f"{pair.unit_a}与{pair.unit_b}按同一单位比较")
            if base_a == "%":
                notes.append("差值为百分点")
            pair.note = "；".join(notes)
        else:
            pair.note = f"单位不同（{pair.unit_a or '无'} / {pair.unit_b or '无'}），未计算差值"
    elif b is not None:
        pair.note = "仅B文档有此指标"
    elif a is not None:
        pair.note = "仅A文档有此指标"
    return pair


def export_comparison_xlsx(out: Path | str, doc_a: Document | None, doc_b: Document | None,
                           rows: Sequence[Any]) -> Path:
    """Sheet 对比: 指标, 指标键, A值, A单位, B值, B单位, 差值 (B − A, in A's unit), 变化率 (差值 / |A|, a
    real percentage), 备注, A原句, B原句; the A/B headers name the documents, and 说明 describes both.

    rows: (key, name, value_a, unit_a, value_b, unit_b) tuples (a missing value is None), or
    core.compare.FigureRow objects. Units that differ only by a 万/亿 prefix are converted (1.2亿元 vs
    8000万元), 件/宗/起 count as one unit; otherwise 差值 stays empty and 备注 says why.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "对比"
    label_a = _doc_label(doc_a) if doc_a is not None else "文档A"
    label_b = _doc_label(doc_b) if doc_b is not None else "文档B"
    headers = ("指标", "指标键", f"A值（{label_a}）", "A单位", f"B值（{label_b}）", "B单位", "差值", "变化率", "备注",
               "A原句", "B原句")
    table: list[list[Any]] = []
    formats: list[list[str | None]] = []
    for row in rows:
        p = _pair_from(row)
        money_a = MONEY_FORMAT if unit_scale(p.unit_a)[0] == "元" else None
        money_b = MONEY_FORMAT if unit_scale(p.unit_b)[0] == "元" else None
        table.append([p.name, p.key, p.a, p.unit_a, p.b, p.unit_b, p.diff, p.pct, p.note, p.sentence_a,
                      p.sentence_b])
        formats.append([None, None, money_a, None, money_b, None, money_a, PERCENT_CHANGE_FORMAT])
    _table(ws, headers, table, formats=formats, minimum=(24, 12, 14, 6, 14, 6, 10, 8, 20, 30, 30))
    notes: list[tuple[str, str, str]] = []
    if doc_a is not None:
        notes += _doc_notes("A", doc_a)
    if doc_b is not None:
        notes += _doc_notes("B", doc_b)
    _notes_sheet(wb, [
        *notes,
        ("对比", "差值", "B值 − A值，以A的单位计；只在同一指标、同一单位之间计算；百分数之差为百分点；"
         "带万/亿的单位先换算；件、宗、起视为同一单位，人、名、位视为同一单位"),
        ("对比", "变化率", "差值 ÷ |A值|，以百分比格式显示（0.125 显示为 12.5%）"),
        ("对比", "数值", "A值、B值为原文数值（下降记为负数），百分数按原文存储（95.5 表示 95.5%）"),
    ])
    return _save(wb, out)


def export_trend_xlsx(out: Path | str, agency: str, years: Sequence[int], rows: Sequence[Any]) -> Path:
    """Sheet 趋势 (指标, 指标键, 单位, one column per year; a missing year is empty), with a native Excel
    line chart per unit (件, %, 万元 …) right of the table whose series reference the table's cells.

    rows: (key, name, unit, {year: value}) tuples or core.trend.TrendRow objects.
    """
    years = sorted(set(years))
    if not years:
        raise ExportError("没有可导出的年度。")
    wb = Workbook()
    ws = wb.active
    ws.title = "趋势"
    headers = ["指标", "指标键", "单位", *[f"{y}年" for y in years]]
    table = []
    formats = []
    rows = [_trend_row(row) for row in rows]
    for key, name, unit, values in rows:
        money = MONEY_FORMAT if unit_scale(unit)[0] == "元" else None
        table.append([name or key or "", key or "", unit or "", *[_number(values.get(y)) for y in years]])
        formats.append([None, None, None, *[money] * len(years)])
    _table(ws, headers, table, formats=formats, minimum=(24, 12, 6, *[8] * len(years)))

    by_unit: dict[str, list[int]] = {}
    for r, (_, _, unit, values) in enumerate(rows, 2):
        if any(values.get(y) is not None for y in years):
            by_unit.setdefault(unit or "", []).append(r)
    first_year_col, last_year_col = 4, 3 + len(years)
    quoted = quote_sheetname(ws.title)
    last = get_column_letter(last_year_col)
    categories = f"{quoted}!$D$1:${last}$1"  # the year headers, as text categories
    anchor = get_column_letter(len(headers) + 2)  # charts float right of the table; cells stay a plain table
    anchor_row = 1
    for unit, chart_rows in by_unit.items():
        chart = LineChart()
        chart.title = safe_text(f"{agency} 指标趋势（{unit or '无单位'}）")
        chart.y_axis.title = unit or "数值"
        chart.x_axis.title = "年度"
        chart.height, chart.width = 9, 18
        for r in chart_rows:
            ref = Reference(ws, min_col=first_year_col, max_col=last_year_col, min_row=r, max_row=r)
            series = Series(ref, title=safe_text(str(ws.cell(row=r, column=1).value or ""))[:200])
            series.cat = AxDataSource(strRef=StrRef(f=categories))
            series.marker.symbol = "circle"
            series.smooth = False
            chart.series.append(series)
        chart.display_blanks = "gap"  # a missing year is a gap, not a zero
        # openpyxl hides the axes unless told (delete=True by default in 3.1)
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        ws.add_chart(chart, f"{anchor}{anchor_row}")
        anchor_row += 20
    _notes_sheet(wb, [
        ("趋势", "发布机关", agency),
        ("趋势", "年度", "、".join(str(y) for y in years)),
        ("趋势", "数值", "各年度报告中的数值（原文数值，百分数 95.5 表示 95.5%）；空表示该年度报告未提及或无报告"),
        ("趋势", "折线图", "表格右侧：按单位分组，每组一张 Excel 折线图，数据引用本表；缺少的年度显示为断点"),
    ])
    return _save(wb, out)


def _trend_row(row: Any) -> TrendInput:
    """A (key, name, unit, {year: value}) tuple, or a core.trend.TrendRow (key, label, unit, values)."""
    if isinstance(row, tuple | list):
        key, name, unit, values = row
        return key, name, unit, values
    return (getattr(row, "key", None), getattr(row, "label", "") or "", getattr(row, "unit", "") or "",
            getattr(row, "values", {}) or {})


def _grid_code(status: str) -> str | None:
    state = domain.grid_state(status)
    return state.code if state is not None else None


def export_grid_xlsx(out: Path | str, agencies: Sequence[str], years: Sequence[int],
                     cells: Mapping[tuple[str, int], Any]) -> Path:
    """Sheet 收报情况: one row per agency, one column per year, each cell 已报送 / 未报送 / 逾期 / 缺项 (or
    core.agencies' codes in/missing/late/parts, or a combined label such as "逾期、缺项") with a fill.
    A value may also be a core.agencies.GridCell (its label is used). A pair missing from `cells` is 未报送.
    A last column counts the years reported."""
    years = sorted(set(years))
    wb = Workbook()
    ws = wb.active
    ws.title = "收报情况"
    headers = ["单位", *[f"{y}年" for y in years], "已报送年数"]
    fills = {code: PatternFill("solid", fgColor=color) for code, _, color in GRID_STATUSES}
    labels = {code: label for code, label, _ in GRID_STATUSES}
    table: list[list[Any]] = []
    codes: list[list[str | None]] = []
    for agency in agencies:
        row: list[Any] = [agency]
        row_codes: list[str | None] = [None]
        reported = 0
        for y in years:
            got = cells.get((agency, y))
            raw = (got if isinstance(got, str) else getattr(got, "label", "")) or "missing"
            code = _grid_code(raw)
            text = labels[code] if code is not None and raw in (code, "") else raw
            row.append(text)
            row_codes.append(code)
            reported += code is not None and code != "missing"
        row.append(reported)
        row_codes.append(None)
        table.append(row)
        codes.append(row_codes)
    _table(ws, headers, table, minimum=(20, *[10] * len(years), 10))
    centre = Alignment(horizontal="center")
    for r, row_codes in enumerate(codes, 2):
        for c, code in enumerate(row_codes, 1):
            if code is not None:
                cell = ws.cell(row=r, column=c)
                cell.fill = fills[code]
                cell.alignment = centre
    counts = {code: sum(row.count(code) for row in codes) for code, _, _ in GRID_STATUSES}
    _notes_sheet(wb, [
        *[("图例", label, f"{counts[code]} 格；底色 #{color}") for code, label, color in GRID_STATUSES],
        ("收报情况", "年度", "按报告年度（所报告的年度）统计"),
        *[("收报情况", state.label, state.meaning) for state in domain.GRID_STATES],
    ])
    return _save(wb, out)
