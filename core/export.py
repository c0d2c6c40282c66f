"""Excel export of documents and their figures: sheets 报告, 指标明细 and 说明, streamed (openpyxl write-only)."""

from __future__ import annotations

import datetime as dt
import math
import pickle
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from core import __version__, domain, reuse_export
from core.errors import ExportCancelled, ExportError
from core.export_indicators import (
    IndicatorColumn,
    Summary,
    _is_money_unit,
    _number,
    _summaries,
    coerce_indicators,
    load_indicators,
    normalise,
    read_indicator_tsv,
    summarise,
)
from core.models import DOC_TYPES, Document, Fact, StructureCheck
from core.protocols import ArchiveLike
from core.xlsx_util import (
    MONEY_FORMAT,
    FastSheet,
    WidthTracker,
    atomic_output,
    discard_workbook,
    parse_date,
    safe_text,
    save_workbook,
    text_width,
)

__all__ = [
    "ALL_SHEETS",
    "EXTRA_SHEETS",
    "REPORT_COLUMNS",
    "SHEET_FACTS",
    "SHEET_NOTES",
    "SHEET_REPORTS",
    "ExportCancelled",
    "ExportError",
    "IndicatorColumn",
    "Summary",
    "coerce_indicators",
    "export_comparison_xlsx",
    "export_grid_xlsx",
    "export_trend_xlsx",
    "export_xlsx",
    "load_indicators",
    "normalise",
    "read_indicator_tsv",
    "summarise",
    "write_workbook",
]

Progress = Callable[[int, int, str], None]

SHEET_REPORTS = "报告"
SHEET_FACTS = "指标明细"
SHEET_NOTES = "说明"
ALL_SHEETS: tuple[str, ...] = (SHEET_REPORTS, SHEET_FACTS, SHEET_NOTES)

# The words are core.domain's (one word for one thing in the window, Excel and the CLI).
PART_NAMES = domain.PART_NAMES
STATUS_NAMES = domain.STATUS_NAMES
DIRECTION_NAMES = domain.DIRECTION_NAMES
TOTAL_MARKERS = domain.TOTAL_MARKERS
STRUCTURE_RULE_TYPES = domain.STRUCTURE_RULE_TYPES
NOT_APPLICABLE = domain.NOT_APPLICABLE
states_total = domain.states_total

_FACT_WIDTH_SAMPLE = 2000  # fact rows buffered to size the 指标明细 columns before streaming
MAX_SHEET_ROWS = 1_048_576  # Excel's rows per sheet, header included
# openpyxl keeps every comment (and builds its VML drawing) in memory, ~8 KB each: 40,000 comments took
# 360 MB. Past this many disagreements a cell is only highlighted; 指标明细 lists every statement.
MAX_COMMENTS = 2000
_DOC_BATCH = 200


# ---------------------------------------------------------------- columns


@dataclass(frozen=True, slots=True)
class ReportColumn:
    """A fixed column of the 报告 sheet: header, what 说明 says about it, and its value for a document."""

    header: str
    description: str
    value: Callable[[ReportRow], Any]
    number_format: str = ""  # e.g. 0.0% for a share


@dataclass(frozen=True, slots=True)
class ReportRow:
    """What a 报告 column's (or a further sheet's) value is computed from."""

    doc: Document
    structure: StructureCheck
    facts: Sequence[Fact]
    source: Any = None  # the archive being exported (export_xlsx), for columns that need more than the facts


@dataclass(frozen=True, slots=True)
class ExtraSheet:
    """A further sheet of the export: one entry of EXTRA_SHEETS adds it (written after 指标明细, described on
    说明, offered in the export dialog). `rows(report_row)` gives the sheet's rows for one exported document."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (header, what 说明 says about it)
    rows: Callable[[ReportRow], Iterable[Sequence[Any]]]
    widths: tuple[int, ...] = ()
    number_formats: dict[int, str] = field(default_factory=dict)  # column index → format


EXTRA_SHEETS: list[ExtraSheet] = [
    ExtraSheet(reuse_export.SHEET_REUSE, reuse_export.SHEET_COLUMNS, reuse_export.sheet_rows,
               reuse_export.SHEET_WIDTHS, {7: reuse_export.PERCENT_FORMAT}),
]


def sheet_names() -> tuple[str, ...]:
    """Every sheet an export can hold, in workbook order (ALL_SHEETS plus the EXTRA_SHEETS before 说明)."""
    return (SHEET_REPORTS, SHEET_FACTS, *[x.name for x in EXTRA_SHEETS], SHEET_NOTES)


def _missing_text(r: ReportRow) -> str:
    if not domain.structure_applies(r.doc.doc_type):
        return NOT_APPLICABLE
    missing = r.structure.missing if r.structure.missing else r.doc.missing_parts
    return "；".join(domain.part_name(p) for p in sorted(missing))


def _late_text(r: ReportRow) -> str:
    if not domain.structure_applies(r.doc.doc_type):
        return NOT_APPLICABLE
    late = r.structure.late if r.structure.late is not None else r.doc.late
    return "" if late is None else ("是" if late else "否")


def _fact_count(r: ReportRow) -> int:
    return sum(1 for f in r.facts if f.status != "rejected") if r.facts else r.doc.fact_count


def _check_text(r: ReportRow) -> str:
    keyed = [f for f in r.facts if f.key and f.status != "rejected"]
    if not keyed:
        return ""
    open_ = sum(1 for f in keyed if not domain.is_verified(f))
    return f"{domain.UNVERIFIED} {open_} 项" if open_ else f"全部{domain.VERIFIED}"


REPORT_COLUMNS: list[ReportColumn] = [
    ReportColumn("序号", "本次导出中的顺序号，从 1 起", lambda _r: None),  # filled by the writer
    ReportColumn("文档ID", "文档在档案库中的编号", lambda r: r.doc.id),
    ReportColumn("标题", "报告标题（用户修改过的以修改为准）", lambda r: r.doc.title or ""),
    ReportColumn("发布机关", "发布机关", lambda r: r.doc.agency or ""),
    ReportColumn("地区", "省、市、区县", lambda r: r.doc.region or ""),
    ReportColumn("报告年度", "所报告的年度（多年度报告为最后一年），数字", lambda r: r.doc.report_year),
    ReportColumn("时段", "多年度报告的起止年度，如 2016-2020", lambda r: r.doc.period or ""),
    ReportColumn("发布日期", "发布日期，Excel 日期格式", lambda r: parse_date(r.doc.publish_date)),
    ReportColumn("文档类型", " / ".join(DOC_TYPES),
                 lambda r: r.doc.doc_type or ""),
    ReportColumn("标签", "文档的标签，用「、」分隔", lambda r: "、".join(r.doc.tags)),
    ReportColumn("原文件名", "导入时的原文件名", lambda r: r.doc.source_name or ""),
    ReportColumn("结构缺项", "法定五部分中缺少的部分（第1–4部分），用「；」分隔；空表示未发现缺项；"
                 f"{NOT_APPLICABLE}：非法治政府建设年度报告（工作报告、纪要、政府工作报告等）", _missing_text),
    ReportColumn("是否逾期", f"是：{domain.LATE_RULE}；否：按时；空：无法判断；{NOT_APPLICABLE}：非年度报告", _late_text),
    ReportColumn("指标数", "识别出的数值事实条数（不含已否决的）", _fact_count),
    ReportColumn("核对状态", f"{domain.UNVERIFIED} N 项：有 N 条归入指标的数值还没有人核对（「指标明细」状态为"
                 f"自动识别）；全部{domain.VERIFIED}：每条都已确认、更正或手工添加；空：没有指标数值", _check_text),
    ReportColumn(*reuse_export.SHARE_COLUMN, reuse_export.share, reuse_export.PERCENT_FORMAT),
    ReportColumn(*reuse_export.SOURCE_COLUMN, reuse_export.main_source),
]
REPORT_BASE: tuple[tuple[str, str], ...] = tuple((c.header, c.description) for c in REPORT_COLUMNS)


def report_base() -> tuple[tuple[str, str], ...]:
    """(header, description) of the fixed 报告 columns as REPORT_COLUMNS holds them now."""
    return tuple((c.header, c.description) for c in REPORT_COLUMNS)
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("文档ID", "所属文档在档案库中的编号，对应「报告」表的文档ID"),
    ("标题", "所属文档标题"),
    ("发布机关", "所属文档的发布机关"),
    ("年度", "所属文档的报告年度"),
    ("指标键", "指标词典中的键（供其他程序使用，此列默认隐藏）；空表示未归入词典指标"),
    ("指标", "指标名称"),
    ("数值", "原文中的数值（阿拉伯数字，无符号；方向见「方向」列），数字格式"),
    ("单位", "原文中的单位，含万/亿前缀，如 件、%、万元"),
    ("限定词", "原文中的余、近、约、以上、超等限定词"),
    ("方向", "上升 / 下降（原文为增长、下降等变化时）"),
    ("原句", "数值所在的原句"),
    ("位置", "数值在清洗后正文中的字符位置，起-止"),
    ("状态", " / ".join(domain.STATUS_NAMES[s] for s in domain.FACT_STATUSES)),
    ("报告表取值", "是：「报告」表中该指标的数值取自这一条；否则写明未采用的原因（如其他年度的数值、变化前的数值、目标）"),
)
_KEY_COLUMN = 5  # 指标键, hidden
# 报告 columns whose text wraps within this width (Excel character units)
_WRAP_WIDTHS: dict[str, int] = {"标题": 32, "发布机关": 20, "原文件名": 20, "结构缺项": 20, "地区": 14, "文档类型": 14}
NOTE_HEADERS = ("工作表", "项目", "说明")
MAX_NOTE_WIDTH = 60


def _header_name(ind: IndicatorColumn, used: set[str]) -> str:
    unit = ind.column_unit
    name = f"{ind.name}（{unit}）" if unit else ind.name
    if name in used:
        name = f"{name}（{ind.area or '其他'}）"
    while name in used:
        name += "＊"
    used.add(name)
    return name


# ---------------------------------------------------------------- column templates

ALL_INDICATORS = "全部指标"


def report_columns(indicators: Sequence[IndicatorColumn], template: Sequence[str] | None = None
                   ) -> list[IndicatorColumn]:
    """The indicator columns of 报告: every dictionary indicator in the dictionary's order, or the keys of a
    template in the template's order (keys the dictionary no longer has are left out). The same
    dictionary and template give the same columns, whatever the documents."""
    if template is None:
        return list(indicators)
    by_key = {ind.key: ind for ind in indicators}
    seen: set[str] = set()
    out: list[IndicatorColumn] = []
    for key in template:
        if key in by_key and key not in seen:
            seen.add(key)
            out.append(by_key[key])
    return out


# ---------------------------------------------------------------- the writer

DocRecord = tuple[Document, StructureCheck, list[Fact]]


class _Spill:
    """Per-document 报告 rows kept in a temporary file until the base column widths are known."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="report-archive-export-")
        self.count = 0

    def add(self, record: tuple[list[Any], dict[str, _Cell]]) -> None:
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[tuple[list[Any], dict[str, _Cell]]]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)  # our own temp file

    def close(self) -> None:
        self._file.close()


# What the 报告 sheet needs of one Summary: (value, note, verified, link), link = (指标明细 sheet, row) of the
# statement the value comes from. A plain tuple: it pickles several times faster than a dataclass.
_Cell = tuple[float, "str | None", bool, "tuple[str, int] | None"]


def _check_sheets(sheets: Collection[str] | None) -> tuple[str, ...]:
    every = sheet_names()
    if sheets is None:
        return every
    if isinstance(sheets, str):  # one sheet named on its own
        sheets = [sheets]
    chosen = tuple(s for s in every if s in sheets)
    unknown = [s for s in sheets if s not in every]
    if unknown or not chosen:
        raise ExportError(f"未知的工作表：{'、'.join(map(str, unknown)) or '（未选择）'}；可选：{'、'.join(every)}")
    return chosen


def _unpack(record: Any) -> tuple[Document, StructureCheck, list[Fact], domain.TextSource | str | None]:
    """(Document, StructureCheck, facts) or (…, text) where text is the cleaned text or a function giving it
    (read only for facts in table rows, to find their column headers)."""
    if len(record) >= 4:
        doc, structure, facts, text = record[:4]
        return doc, structure, list(facts), text
    doc, structure, facts = record
    return doc, structure, list(facts), None


def write_workbook(  # noqa: PLR0917 - the documented signature
    out: Path | str,
    docs: Iterable[Any],
    indicators: Iterable[Any],
    total: int,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    sheets: Collection[str] | None = None,
    selection: str = "",
    template: Sequence[str] | None = None,
    template_name: str = "",
    source: Any = None,
) -> Path | None:
    """Write the export workbook from plain data; one pass over `docs`, memory bounded by one document.

    `docs`: (Document, StructureCheck, facts) or (Document, StructureCheck, facts, text) tuples. The 报告
    sheet has one column per dictionary indicator in the dictionary's order, or per key of `template`
    (core.export_templates), whatever the documents state. Writes to a temp file beside `out` and renames
    it at the end: a cancel or an error leaves no file behind (an existing file at `out` stays as it was).
    Returns `out`, or None when `cancel` was set.
    """
    out = Path(out)
    chosen = _check_sheets(sheets)
    inds = coerce_indicators(indicators)
    by_key = {ind.key: ind for ind in inds}
    columns = report_columns(inds, template)

    wb = Workbook(write_only=True)
    wb.properties.creator = f"报告档案 {__version__}"
    wb.properties.title = "报告档案导出"
    ws_rep = wb.create_sheet(SHEET_REPORTS) if SHEET_REPORTS in chosen else None
    ws_fact = wb.create_sheet(SHEET_FACTS) if SHEET_FACTS in chosen else None
    if ws_rep is not None:
        ws_rep.freeze_panes = "A2"  # a write-only sheet writes its view with the first row

    spill = _Spill() if ws_rep is not None else None
    rep_widths = WidthTracker([h for h, _ in report_base()], [6, 8, 30, 16])
    facts_out = _FactSheet(wb, ws_fact) if ws_fact is not None else None
    extras = [(x, _RowSpill()) for x in EXTRA_SHEETS if x.name in chosen]
    n_docs = n_facts = 0
    try:
        with atomic_output(out) as tmp:
            for record in docs:
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled()
                doc, structure, doc_facts, text = _unpack(record)
                n_docs += 1
                facts = sorted(doc_facts, key=lambda f: (f.start, f.end))
                statements = domain.stated_facts(facts, doc.report_year, text)
                summary = _summaries(statements, by_key)
                used = {id(s.fact): key for key, s in summary.items() if s.fact is not None}
                why = {id(f): domain.ROLE_NAMES[role] for st in statements.values() for f, role in st.excluded}
                links: dict[int, tuple[str, int]] = {}
                if facts_out is not None:
                    title = safe_text(doc.title or "")
                    agency = safe_text(doc.agency or "")
                    for fact in facts:
                        taken = "是" if id(fact) in used else why.get(id(fact), "")
                        links[id(fact)] = facts_out.add(doc, title, agency, fact, taken)
                n_facts += len(facts)
                report_row = ReportRow(doc, structure, facts, source)
                for extra, rows_out in extras:
                    for extra_row in extra.rows(report_row):
                        rows_out.add(list(extra_row))
                if spill is not None:
                    prefix = [n_docs if c.header == "序号" else c.value(report_row) for c in REPORT_COLUMNS]
                    rep_widths.add(prefix)
                    cells = {
                        key: (s.value, s.note, s.verified, links.get(id(s.fact)) if s.fact is not None else None)
                        for key, s in summary.items() if key in by_key
                    }
                    spill.add((prefix, cells))
                if progress is not None:
                    progress(n_docs, max(total, n_docs), doc.title or doc.source_name or "")
            if cancel is not None and cancel.is_set():
                raise ExportCancelled()

            if facts_out is not None:
                facts_out.finish()
            if spill is not None and ws_rep is not None:
                if progress is not None:
                    progress(max(total, n_docs), max(total, n_docs), "正在写入「报告」表…")
                _write_reports(ws_rep, spill=spill, columns=columns, widths=rep_widths, cancel=cancel)
            for extra, rows_out in extras:
                _write_extra(wb.create_sheet(extra.name), extra, rows_out)
            if SHEET_NOTES in chosen:
                ws_note = wb.create_sheet(SHEET_NOTES)  # created last: 指标明细 may continue on more sheets
                ws_note.freeze_panes = "A2"
                names: list[str] = []
                for name in chosen:
                    names += facts_out.names if name == SHEET_FACTS and facts_out is not None else [name]
                _write_notes(
                    ws_note, chosen=names, columns=columns, n_docs=n_docs, n_facts=n_facts, selection=selection,
                    template_name=template_name or (ALL_INDICATORS if template is None else ""),
                )
            if progress is not None:
                progress(max(total, n_docs), max(total, n_docs), "正在保存 Excel 文件…")
            save_workbook(wb, tmp)
    except ExportCancelled:
        if facts_out is not None:
            facts_out.discard()
        discard_workbook(wb)
        return None
    except BaseException:
        if facts_out is not None:
            facts_out.discard()
        discard_workbook(wb)
        raise
    finally:
        if spill is not None:
            spill.close()
        for _, rows_out in extras:
            rows_out.close()
    return out


class _RowSpill:
    """Rows of a further sheet, kept in a temporary file until the sheet is written."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="report-archive-rows-")
        self.count = 0
        self.widths: list[int] = []

    def add(self, row: list[Any]) -> None:
        pickle.dump(row, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[list[Any]]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)  # our own temp file

    def close(self) -> None:
        self._file.close()


def _write_extra(ws: Any, extra: ExtraSheet, rows: _RowSpill) -> None:
    headers = [h for h, _ in extra.columns]
    widths = WidthTracker(headers, list(extra.widths))
    for n, row in enumerate(rows):
        if n >= _FACT_WIDTH_SAMPLE:
            break
        widths.add(row)
    sheet = FastSheet(ws, headers, widths.widths)
    styles = {i: sheet.style(number_format=f) for i, f in extra.number_formats.items()}
    try:
        for row in rows:
            for i, style in styles.items():
                if i < len(row) and row[i] is not None:
                    row[i] = (row[i], style)
            sheet.append(row)
        sheet.finish()
    except BaseException:
        sheet.discard()
        raise


class _FactSheet:
    """The 指标明细 sheet: the first rows are buffered to size the columns, then everything streams; past
    Excel's row limit the table continues on 指标明细2, 指标明细3 … (each with the header row)."""

    def __init__(self, wb: Workbook, ws: Any) -> None:
        self.wb = wb
        self.ws = ws
        self.names = [ws.title]
        self.headers = [h for h, _ in FACT_COLUMNS]
        self.widths = WidthTracker(self.headers, [8, 30, 16, 6, 12, 16, 8, 6, 6, 6, 60, 10, 8, 10])
        self.buffer: list[list[Any]] = []
        self.sheet: FastSheet | None = None
        self.money_style = 0
        self.count = 0  # rows added so far (all sheets)

    def _new_sheet(self) -> FastSheet:
        return FastSheet(self.ws, self.headers, self.widths.widths, hidden=(_KEY_COLUMN,))

    def _open(self) -> None:
        self.sheet = self._new_sheet()
        self.money_style = self.sheet.style(number_format=MONEY_FORMAT)
        for row in self.buffer:
            self._append(row)
        self.buffer.clear()

    def _append(self, row: list[Any]) -> None:
        sheet = self.sheet
        assert sheet is not None
        if sheet.rows >= MAX_SHEET_ROWS:
            sheet.finish()
            self.ws = self.wb.create_sheet(f"{SHEET_FACTS}{len(self.names) + 1}")
            self.names.append(self.ws.title)
            sheet = self.sheet = self._new_sheet()
        sheet.append(self._styled(row))

    def _styled(self, row: list[Any]) -> list[Any]:
        if _is_money_unit(row[7]):
            row[6] = (row[6], self.money_style)
        return row

    def position(self, n: int) -> tuple[str, int]:
        """(sheet name, row) of the n-th fact row (0-based), header rows counted."""
        per_sheet = MAX_SHEET_ROWS - 1
        if n < per_sheet:
            return SHEET_FACTS, n + 2
        k = n // per_sheet
        return (SHEET_FACTS if k == 0 else f"{SHEET_FACTS}{k + 1}"), n % per_sheet + 2

    def add(self, doc: Document, title: str, agency: str, fact: Fact, taken: str = "") -> tuple[str, int]:
        """Add a row; returns where it lands (sheet name, row) for links from 报告."""
        row: list[Any] = [
            doc.id,
            title,
            agency,
            doc.report_year,
            fact.key or "",
            fact.name or "",
            _number(fact.value) if math.isfinite(fact.value) else None,
            fact.unit or "",
            fact.qualifier or "",
            DIRECTION_NAMES.get(fact.direction or "", ""),
            fact.sentence or "",
            f"{fact.start}-{fact.end}",
            domain.status_name(fact.status),
            taken,
        ]
        where = self.position(self.count)
        self.count += 1
        sheet = self.sheet
        if sheet is not None:
            if sheet.rows < MAX_SHEET_ROWS:  # the common case of _append, inline
                if _is_money_unit(row[7]):
                    row[6] = (row[6], self.money_style)
                sheet.append(row)
            else:
                self._append(row)
        elif len(self.buffer) < _FACT_WIDTH_SAMPLE:
            self.widths.add(row)
            self.buffer.append(row)
        else:
            self._open()
            self._append(row)
        return where

    def finish(self) -> None:
        if self.sheet is None:
            self._open()  # may roll over to further sheets: finish the last one
        assert self.sheet is not None
        self.sheet.finish()

    def discard(self) -> None:
        if self.sheet is not None:
            self.sheet.discard()


def _write_reports(
    ws: Any,
    *,
    spill: _Spill,
    columns: Sequence[IndicatorColumn],
    widths: WidthTracker,
    cancel: threading.Event | None,
) -> None:
    used: set[str] = set()
    headers = [h for h, _ in report_base()] + [_header_name(ind, used) for ind in columns]
    # long texts (title, agency, file name, missing parts) wrap in a bounded column, so that the document
    # columns of a narrow form fit one printed page width; indicator headers wrap in a tall header row
    base_widths = [min(w, _WRAP_WIDTHS[h]) if h in _WRAP_WIDTHS else w for (h, _), w in zip(report_base(), widths.widths, strict=True)]
    wrapped = [i for i, (h, _) in enumerate(report_base()) if h in _WRAP_WIDTHS]
    col_widths = base_widths + [max(8, min(18, text_width(h) // 2 + 2)) - 1 for h in headers[len(report_base()):]]
    # too wide for one page (every indicator): 序号…发布机关 repeat on each page, the indicators run across pages
    sheet = FastSheet(ws, headers, col_widths, header_height=45, print_title_columns=4)
    try:
        plain = 0
        money = sheet.style(number_format=MONEY_FORMAT)
        styles = {
            (False, False, False): plain, (False, False, True): money,
            (True, False, False): sheet.style(warn=True), (True, False, True): sheet.style(warn=True, number_format=MONEY_FORMAT),
            (False, True, False): sheet.style(verified=True),
            (False, True, True): sheet.style(verified=True, number_format=MONEY_FORMAT),
            (True, True, False): sheet.style(warn=True), (True, True, True): sheet.style(warn=True, number_format=MONEY_FORMAT),
        }
        wrap = sheet.style(wrap=True, quote_prefix=True, valign="bottom")  # bottom: level with the numbers
        formatted = {i: sheet.style(number_format=c.number_format) for i, c in enumerate(REPORT_COLUMNS) if c.number_format}
        first = len(report_base()) + 1
        is_money = [ind.kind == "money" for ind in columns]
        column_of = {ind.key: i for i, ind in enumerate(columns)}
        blank: list[Any] = [None] * len(columns)
        comments = 0
        for n, (prefix, cells) in enumerate(spill):
            if cancel is not None and n % 500 == 0 and cancel.is_set():
                raise ExportCancelled()
            row: list[Any] = list(prefix)
            lines = 1
            for i in wrapped:
                if isinstance(row[i], str) and row[i]:
                    lines = max(lines, min(4, math.ceil(text_width(row[i]) / max(1, base_widths[i] - 1))))
                    row[i] = (row[i], wrap)
            for i, style in formatted.items():
                if row[i] is not None:
                    row[i] = (row[i], style)
            notes: list[tuple[int, str]] = []
            links: list[tuple[int, tuple[str, int]]] = []
            row += blank
            # only the columns this document states a value for, in column order
            for i, (value, note, verified, link) in sorted(
                (column_of[key], c) for key, c in cells.items() if key in column_of
            ):
                style = styles[(note is not None, verified, is_money[i])]
                row[first - 1 + i] = (_number(value), style) if style else _number(value)
                if note:
                    notes.append((first + i, note))
                if link is not None:
                    links.append((first + i, link))
            sheet.append(row, lines=lines)
            for column, note in notes:
                comments += 1
                if comments <= MAX_COMMENTS:
                    sheet.comment(column, note)
            for column, (target_sheet, target_row) in links:
                sheet.link(column, target_sheet, target_row, "K")  # the statement's sentence
        sheet.finish()
    except BaseException:
        sheet.discard()
        raise


def _write_notes(
    ws: Any,
    *,
    chosen: Sequence[str],
    columns: Sequence[IndicatorColumn],
    n_docs: int,
    n_facts: int,
    selection: str,
    template_name: str = "",
) -> None:
    rows: list[tuple[str, str, str]] = []
    if SHEET_REPORTS in chosen:
        rows += [(SHEET_REPORTS, h, d) for h, d in report_base()]
        used: set[str] = set()
        for ind in columns:
            unit = ind.column_unit
            what = f"{ind.area or '其他'}：{ind.name}"
            if ind.kind == "rate":
                what += "；百分数按原文数值存储，95.5 表示 95.5%"
            elif ind.kind == "money":
                what += "；金额统一换算为万元（元÷10000，亿元×10000）"
            elif unit:
                what += f"；单位：{unit}"
            else:
                what += "；数量，单位见「指标明细」表（含万/亿的已换算为个位数）"
            if ind.key.endswith(".change"):
                what += "；下降记为负数"
            what += f"（指标键 {ind.key}）"
            rows.append((SHEET_REPORTS, _header_name(ind, used), what))
    if SHEET_FACTS in chosen:
        rows += [(SHEET_FACTS, h, d) for h, d in FACT_COLUMNS]
    for extra in EXTRA_SHEETS:
        if extra.name in chosen:
            rows += [(extra.name, h, d) for h, d in extra.columns]
    rows += [
        ("导出信息", "导出时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
        ("导出信息", "程序版本", f"报告档案 {__version__}"),
        ("导出信息", "文档数", str(n_docs)),
        ("导出信息", "数值事实数", str(n_facts)),
        ("导出信息", "选择条件", selection or "（未说明）"),
        ("导出信息", "工作表", "、".join(chosen)),
        ("导出信息", "指标列", f"{template_name or '自定义'}（{len(columns)} 个指标）"),
        ("约定", "表格格式", "每个工作表只有一行表头，其后每行一条记录；数值均为数字单元格，日期为日期单元格"),
        ("约定", "指标列", "「报告」表的指标列固定：按指标词典的顺序列出全部指标，或按所选模板列出；"
         "同样的模板每次导出的列都相同，报告未提及的指标留空"),
        ("约定", "指标取值", "同一文档多处提到同一指标时，优先取人工确认（已确认、已更正、手工添加）的数值；"
         "不取“从A升至B”中的A、其他年度的数值（如“2023年为13.1%”、表格中上年一列）、目标和要求（力争、不低于…）、"
         "平均数；其余数值中取含“共、合计、全年、累计、总”的分句中的数值（视为总数），否则取第一次出现的数值"),
        ("约定", "追溯", "点击「报告」表中的指标数值可跳到「指标明细」中该数值所在的原句；"
         "「指标明细」的「报告表取值」列标出被采用的那一条"),
        ("约定", "核对", f"浅绿色底色：{domain.VERIFIED}的数值；无底色：{domain.UNVERIFIED}（自动识别，尚无人核对）；"
         "「核对状态」列给出每份报告待核对的条数"),
        ("约定", "数值不一致", f"同一文档中同一指标的数值不一致时，单元格以黄色底色标出，批注列出各处数值"
         f"（批注最多 {MAX_COMMENTS:,} 条，其余仅有底色；各处数值均见「指标明细」）"),
        ("约定", "百分数", "百分数按原文数值存储（95.5 表示 95.5%），单位为 %，不乘以 100 也不除以 100"),
        ("约定", "金额", "金额以千分位、两位小数显示；「指标明细」保留原文单位，「报告」表换算为万元"),
        ("约定", "行数上限", f"一个工作表最多 {MAX_SHEET_ROWS:,} 行；数值事实更多时续写在「指标明细2」「指标明细3」…，"
         "表头相同"),
        ("约定", "打印", "各表横向 A4 打印、按页宽缩放，每页重复表头行；「报告」表列数多、缩到一页宽看不清时，"
         "每页重复左侧的序号至发布机关四列，指标列依次排在后面几页（可选用列较少的导出模板）"),
        ("约定", "文本安全", "以 = + - @ 等开头的文本一律存为文本，不会被当作公式执行"),
    ]
    widths = WidthTracker(NOTE_HEADERS, [10, 24, 60])
    for r in rows:
        widths.add(r)
    sheet = FastSheet(ws, NOTE_HEADERS, widths.widths)
    try:
        wrap = sheet.style(wrap=True, quote_prefix=True, valign="top")
        top = sheet.style(wrap=True, quote_prefix=True, valign="top")
        width = min(MAX_NOTE_WIDTH, widths.widths[2])
        for r in rows:
            text = safe_text(r[2])
            lines = max(1, min(12, math.ceil(text_width(text) / max(1, width - 1)))) if text else 1
            # long explanations wrap in their column; the row is as tall as its text (Excel and LibreOffice
            # do not grow a row for wrapped text by themselves)
            sheet.append([(r[0], top), (r[1], top), (text, wrap)], lines=lines)
        sheet.finish()
    except BaseException:
        sheet.discard()
        raise


# ---------------------------------------------------------------- the archive adapter


def _selection_text(doc_ids: Sequence[int] | None, count: int) -> str:
    if doc_ids is None:
        return f"档案库中的全部文档（{count} 篇，不含回收站）"
    shown = "、".join(str(i) for i in list(doc_ids)[:50])
    more = " …" if count > 50 else ""
    return f"选定的 {count} 篇文档（文档ID：{shown}{more}）"


def export_xlsx(  # noqa: PLR0917 - the documented signature (docs/interfaces.md)
    archive: ArchiveLike,
    out: Path | str,
    doc_ids: Sequence[int] | None = None,
    sheets: Collection[str] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    selection: str | None = None,
    template: str | None = None,
) -> Path | None:
    """Export documents of `archive` (all when doc_ids is None, in the order given) to an .xlsx file.

    `selection` describes how the documents were chosen (for the 说明 sheet), e.g. "标签：执法; 查询：复议".
    `template`: the name of a saved column template (core.export_templates); None = the default template
    (全部指标 unless the user chose another). Returns `out`, or None when `cancel` was set (no file written,
    an existing one left as it was). Raises ExportError / DiskFullError (Chinese messages).
    """
    from core import export_templates

    ids = list(doc_ids) if doc_ids is not None else list(archive.list_ids())
    _check_sheets(sheets)
    if template is not None and template not in export_templates.template_names():
        raise ExportError(f"没有名为“{template}”的导出模板；可选：{'、'.join(export_templates.template_names())}")
    name = template if template is not None else export_templates.default_template()
    keys = export_templates.template_keys(name)

    def rows() -> Iterator[DocRecord | tuple[Document, StructureCheck, list[Fact], domain.TextSource]]:
        for start in range(0, len(ids), _DOC_BATCH):
            if cancel is not None and cancel.is_set():
                raise ExportCancelled()
            chunk = ids[start : start + _DOC_BATCH]
            by_id = {d.id: d for d in archive.get_documents(chunk)}
            for doc_id in chunk:
                doc = by_id.get(doc_id)
                if doc is None:
                    continue
                facts = archive.get_facts(doc_id)
                text_of = _text_reader(archive, doc_id)
                yield doc, StructureCheck(missing=list(doc.missing_parts), late=doc.late), facts, text_of

    text = selection if selection else _selection_text(doc_ids, len(ids))
    return write_workbook(out, rows(), load_indicators(), len(ids), progress, cancel, sheets=sheets, selection=text,
                          template=keys, template_name=name, source=archive)


def _text_reader(archive: ArchiveLike, doc_id: int) -> domain.TextSource:
    def read() -> str | None:
        try:
            return archive.get_text(doc_id)
        except Exception:  # a text that cannot be read only costs the table-header rule
            return None

    return read


# The compare views' small workbooks live in core.export_compare; offered here too.
from core.export_compare import (  # noqa: E402
    export_comparison_xlsx,
    export_grid_xlsx,
    export_trend_xlsx,
)
