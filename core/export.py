"""Excel export of documents and their figures: sheets 报告, 指标明细 and 说明, streamed (openpyxl write-only)."""

from __future__ import annotations

import datetime as dt
import math
import pickle
import re
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core import __version__
from core.models import Document, Fact, StructureCheck
from core.paths import resource
from core.reuse_export import REPORT_COLUMNS as REUSE_COLUMNS
from core.reuse_export import SHEET_COLUMNS as REUSE_SHEET_COLUMNS
from core.reuse_export import SHEET_REUSE, ReuseRows
from core.xlsx_util import (
    MONEY_FORMAT,
    WRAP,
    ExportCancelled,
    ExportError,
    FastSheet,
    WidthTracker,
    atomic_output,
    cell_value,
    finish_sheet,
    header_cells,
    parse_date,
    safe_text,
    text_width,
)

__all__ = [
    "ALL_SHEETS",
    "SHEET_FACTS",
    "SHEET_NOTES",
    "SHEET_REPORTS",
    "ExportCancelled",
    "ExportError",
    "IndicatorColumn",
    "export_comparison_xlsx",
    "export_grid_xlsx",
    "export_trend_xlsx",
    "export_xlsx",
    "load_indicators",
    "write_workbook",
]

Progress = Callable[[int, int, str], None]

SHEET_REPORTS = "报告"
SHEET_FACTS = "指标明细"
SHEET_NOTES = "说明"
ALL_SHEETS: tuple[str, ...] = (SHEET_REPORTS, SHEET_FACTS, SHEET_REUSE, SHEET_NOTES)

# The required parts of a 法治政府建设年度报告 (domain/report-structure.md), as a clerk names them.
PART_NAMES: dict[int, str] = {
    1: "主要举措和成效",
    2: "存在的不足和原因",
    3: "党政主要负责人履行推进法治建设第一责任人职责情况",
    4: "下一年度主要安排",
    5: "其他需要报告的情况",
}
STATUS_NAMES: dict[str, str] = {
    "auto": "自动识别",
    "confirmed": "已确认",
    "corrected": "已更正",
    "rejected": "已否决",
    "manual": "手工添加",
}
DIRECTION_NAMES: dict[str, str] = {"up": "上升", "down": "下降"}
# A sentence with one of these states a total: its figure wins over partial ones (heuristic).
TOTAL_MARKERS: tuple[str, ...] = ("共", "合计", "全年", "累计", "总")
_VERIFIED = frozenset({"confirmed", "corrected", "manual"})
# Money columns of 报告 are in 万元; other prefixed units are expanded to their base unit.
_MONEY_TO_WAN: dict[str, float] = {"元": 1e-4, "千元": 1e-1, "万元": 1.0, "百万元": 100.0, "亿元": 1e4}
_PREFIX: dict[str, float] = {"万": 1e4, "亿": 1e8}

_FACT_WIDTH_SAMPLE = 2000  # fact rows buffered to size the 指标明细 columns before streaming
MAX_SHEET_ROWS = 1_048_576  # Excel's rows per sheet, header included
# openpyxl keeps every comment (and builds its VML drawing) in memory, ~8 KB each: 40,000 comments took
# 360 MB. Past this many disagreements a cell is only highlighted; 指标明细 lists every statement.
MAX_COMMENTS = 2000
_DOC_BATCH = 200


@dataclass(frozen=True, slots=True)
class IndicatorColumn:
    key: str
    name: str
    area: str = ""
    kind: str = "count"  # count / rate / money / score / rank
    units: tuple[str, ...] = ()

    @property
    def column_unit(self) -> str:
        """The unit a 报告 column of this indicator is in ("" for counts, whose units vary: 件/宗)."""
        if self.kind == "rate":
            return "%"
        if self.kind == "money":
            return "万元"
        if self.kind in ("score", "rank") and self.units:
            return self.units[0]
        return ""


class ArchiveLike(Protocol):
    def list_ids(self) -> list[int]: ...

    def get_documents(self, ids: Sequence[int]) -> list[Document]: ...

    def get_facts(self, doc_id: int) -> list[Fact]: ...


# ---------------------------------------------------------------- indicators


def _indicator_from(item: Any) -> IndicatorColumn | None:
    if isinstance(item, IndicatorColumn):
        return item
    if isinstance(item, tuple | list):
        if len(item) == 5:
            key, area, name, kind, units = item
        elif len(item) == 4:
            key, name, kind, units = item
            area = ""
        else:
            return None
    else:
        key = getattr(item, "key", None)
        name = getattr(item, "name", None)
        area = getattr(item, "area", "") or ""
        kind = getattr(item, "kind", "count") or "count"
        units = getattr(item, "units", ())
    if not key or not name:
        return None
    if isinstance(units, str):
        units = tuple(u for u in units.replace("；", ";").split(";") if u)
    return IndicatorColumn(str(key), str(name), str(area), str(kind), tuple(str(u) for u in units))


def coerce_indicators(items: Iterable[Any]) -> list[IndicatorColumn]:
    """Indicators from IndicatorColumn objects, (key, name, kind, units) / (key, area, name, kind, units) tuples,
    or any objects with those attributes (core.indicators' entries)."""
    out: list[IndicatorColumn] = []
    seen: set[str] = set()
    for item in items:
        ind = _indicator_from(item)
        if ind is not None and ind.key not in seen:
            seen.add(ind.key)
            out.append(ind)
    return out


def read_indicator_tsv(path: Path) -> list[IndicatorColumn]:
    """Parse an indicators.tsv (columns key, area, name, kind, units[, synonyms])."""
    rows: list[IndicatorColumn] = []
    for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 5 and cols[0].strip():
            units = tuple(u for u in cols[4].strip().split(";") if u)
            rows.append(IndicatorColumn(cols[0].strip(), cols[2].strip(), cols[1].strip(), cols[3].strip(), units))
    return rows


def load_indicators() -> list[IndicatorColumn]:
    """The indicator dictionary (core.indicators, with the user's additions), else the shipped TSV."""
    try:
        from core.indicators import load_dictionary

        found = coerce_indicators(load_dictionary())
    except Exception:  # a broken user dictionary must not stop an export
        found = []
    if found:
        return found
    path = resource("indicators.tsv")
    return read_indicator_tsv(path) if path.is_file() else []


# ---------------------------------------------------------------- values


def _number(value: float) -> int | float:
    """Integers as int (12, not 12.0); float noise of unit conversions rounded away."""
    if not math.isfinite(value):  # NaN/inf are not Excel numbers
        return 0
    if float(value).is_integer() and abs(value) < 1e15:
        return int(value)
    return round(float(value), 6)


def _fmt(value: float) -> str:
    n = _number(value)
    return f"{n:g}" if isinstance(n, float) else str(n)


def _is_money_unit(unit: str) -> bool:
    return unit.endswith("元")


def normalise(fact: Fact, ind: IndicatorColumn | None) -> float:
    """The fact's value in its 报告 column's unit (money in 万元, 万/亿 prefixes expanded; a 下降 change negative)."""
    value = float(fact.value)
    unit = fact.unit or ""
    if ind is not None and ind.kind == "money":
        value *= _MONEY_TO_WAN.get(unit, 1.0)
    elif len(unit) > 1 and unit[0] in _PREFIX and not (ind is not None and ind.kind == "rate"):
        value *= _PREFIX[unit[0]]
    if fact.direction == "down" and fact.key and fact.key.endswith(".change"):
        value = -value
    return float(_number(value))


@dataclass(slots=True)
class Summary:
    """One indicator's value in one document, as the 报告 sheet shows it."""

    value: float
    note: str | None  # set when the document's statements disagree


_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？]")


def states_total(fact: Fact) -> bool:
    """Whether the fact is stated as a total: 共/合计/全年/累计/总 in its own clause, before the number.

    "全年主持召开常务会议4次，…，带头出庭应诉案件1件" names 全年 for the meetings, not for the 1 case: only the
    clause that holds the number counts. Where the number cannot be found in the sentence, the sentence does.
    """
    sentence = fact.sentence
    hit = re.search(r"(?<![\d.])" + re.escape(_fmt(fact.value)) + r"\s*[余多]?\s*" + re.escape(fact.unit), sentence)
    if hit is None:
        return any(m in sentence for m in TOTAL_MARKERS)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, hit.start())]
    clause = sentence[breaks[-1] if breaks else 0 : hit.start()]
    return any(m in clause for m in TOTAL_MARKERS)


def summarise(facts: Sequence[Fact], indicators: dict[str, IndicatorColumn]) -> dict[str, Summary]:
    """Per indicator key: the stated total (see states_total), else the first statement;
    user-confirmed facts win over automatic ones; rejected facts are ignored."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.key and fact.status != "rejected" and math.isfinite(fact.value):
            groups.setdefault(fact.key, []).append(fact)
    out: dict[str, Summary] = {}
    for key, group in groups.items():
        ind = indicators.get(key)
        verified = [f for f in group if f.status in _VERIFIED]
        pool = verified or group
        chosen = next((f for f in pool if states_total(f)), pool[0])
        values: list[float] = []
        for f in group:
            v = normalise(f, ind)
            if v not in values:
                values.append(v)
        note = None
        if len(values) > 1:
            note = "多处数值不一致: " + "; ".join(_fmt(v) for v in values)
            note += f"\n采用: {_fmt(normalise(chosen, ind))}（{chosen.sentence[:80]}）"
        out[key] = Summary(normalise(chosen, ind), note)
    return out


# ---------------------------------------------------------------- columns

REPORT_BASE: tuple[tuple[str, str], ...] = (
    ("序号", "本次导出中的顺序号，从 1 起"),
    ("文档ID", "文档在档案库中的编号"),
    ("标题", "报告标题（用户修改过的以修改为准）"),
    ("发布机关", "发布机关"),
    ("地区", "省、市、区县"),
    ("报告年度", "所报告的年度（多年度报告为最后一年），数字"),
    ("时段", "多年度报告的起止年度，如 2016-2020"),
    ("发布日期", "发布日期，Excel 日期格式"),
    ("文档类型", "法治政府建设年度报告 / 法治政府建设工作报告 / 会议纪要 / 政府工作报告 / 其他"),
    ("标签", "文档的标签，用「、」分隔"),
    ("原文件名", "导入时的原文件名"),
    ("结构缺项", "法定五部分中缺少的部分（第1–4部分），用「；」分隔；空表示未发现缺项；"
                 "不适用：非法治政府建设年度报告（纪要、政府工作报告等）"),
    ("是否逾期", "是：发布日期晚于报告年度次年 4 月 1 日；否：按时；空：无法判断；不适用：非年度报告"),
    ("指标数", "识别出的数值事实条数（不含已否决的）"),
    *REUSE_COLUMNS,  # 重复率, 主要来源 (core.reuse_export)
)
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("文档ID", "所属文档在档案库中的编号，对应「报告」表的文档ID"),
    ("标题", "所属文档标题"),
    ("发布机关", "所属文档的发布机关"),
    ("年度", "所属文档的报告年度"),
    ("指标键", "指标词典中的键（如 review.received）；空表示未归入词典指标"),
    ("指标", "指标名称"),
    ("数值", "原文中的数值（阿拉伯数字，无符号；方向见「方向」列），数字格式"),
    ("单位", "原文中的单位，含万/亿前缀，如 件、%、万元"),
    ("限定词", "原文中的余、近、约、以上、超等限定词"),
    ("方向", "上升 / 下降（原文为增长、下降等变化时）"),
    ("原句", "数值所在的原句"),
    ("位置", "数值在清洗后正文中的字符位置，起-止"),
    ("状态", "自动识别 / 已确认 / 已更正 / 已否决 / 手工添加"),
)
NOTE_HEADERS = ("工作表", "项目", "说明")


# The structure check and the publication deadline are rules for the annual 法治政府建设 report only; for
# minutes, government work reports and the rest the columns say so instead of listing "missing" parts.
STRUCTURE_RULE_TYPES = frozenset({"法治政府建设年度报告"})
NOT_APPLICABLE = "不适用"


def _report_prefix(seq: int, doc: Document, structure: StructureCheck, facts: Sequence[Fact]) -> list[Any]:
    missing = structure.missing if structure.missing else doc.missing_parts
    late = structure.late if structure.late is not None else doc.late
    applies = doc.doc_type in STRUCTURE_RULE_TYPES
    n_facts = sum(1 for f in facts if f.status != "rejected") if facts else doc.fact_count
    return [
        seq,
        doc.id,
        doc.title or "",
        doc.agency or "",
        doc.region or "",
        doc.report_year,
        doc.period or "",
        parse_date(doc.publish_date),
        doc.doc_type or "",
        "、".join(doc.tags),
        doc.source_name or "",
        "；".join(PART_NAMES.get(p, f"第{p}部分") for p in sorted(missing)) if applies else NOT_APPLICABLE,
        NOT_APPLICABLE if not applies else "" if late is None else ("是" if late else "否"),
        n_facts,
    ]


def _header_name(ind: IndicatorColumn, used: set[str]) -> str:
    unit = ind.column_unit
    name = f"{ind.name}（{unit}）" if unit else ind.name
    if name in used:
        name = f"{name}[{ind.key}]"
    used.add(name)
    return name


# ---------------------------------------------------------------- the writer


class _Spill:
    """Per-document 报告 rows kept in a temporary file until the indicator columns are known."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="report-archive-export-")
        self.count = 0

    def add(self, record: tuple[list[Any], dict[str, Summary]]) -> None:
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[tuple[list[Any], dict[str, Summary]]]:
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)  # our own temp file

    def close(self) -> None:
        self._file.close()


def _discard(wb: Workbook) -> None:
    """Remove the temporary files of a write-only workbook that will not be saved."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            try:
                writer.close()
                writer.cleanup()
            except Exception:
                pass


def _check_sheets(sheets: Collection[str] | None) -> tuple[str, ...]:
    if sheets is None:
        return ALL_SHEETS
    if isinstance(sheets, str):  # one sheet named on its own
        sheets = [sheets]
    chosen = tuple(s for s in ALL_SHEETS if s in sheets)
    unknown = [s for s in sheets if s not in ALL_SHEETS]
    if unknown or not chosen:
        raise ExportError(f"未知的工作表：{'、'.join(map(str, unknown)) or '（未选择）'}；可选：{'、'.join(ALL_SHEETS)}")
    return chosen


def write_workbook(  # noqa: PLR0917 - the documented signature
    out: Path | str,
    docs: Iterable[tuple[Document, StructureCheck, list[Fact]]],
    indicators: Iterable[Any],
    total: int,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    sheets: Collection[str] | None = None,
    selection: str = "",
    reuse_rows: ReuseRows | None = None,
) -> Path | None:
    """Write the export workbook from plain data; one pass over `docs`, memory bounded by one document.

    Writes to a temp file beside `out` and renames it at the end: a cancel or an error leaves no file
    behind (an existing file at `out` stays as it was). Returns `out`, or None when `cancel` was set.
    """
    out = Path(out)
    chosen = _check_sheets(sheets)
    inds = coerce_indicators(indicators)
    by_key = {ind.key: ind for ind in inds}
    area_rank: dict[str, int] = {}
    for ind in inds:
        area_rank.setdefault(ind.area, len(area_rank))

    wb = Workbook(write_only=True)
    wb.properties.creator = f"报告档案 {__version__}"
    wb.properties.title = "报告档案导出"
    ws_rep = wb.create_sheet(SHEET_REPORTS) if SHEET_REPORTS in chosen else None
    ws_fact = wb.create_sheet(SHEET_FACTS) if SHEET_FACTS in chosen else None
    if ws_rep is not None:
        ws_rep.freeze_panes = "A2"  # a write-only sheet writes its view with the first row
    reuse_rows = reuse_rows or ReuseRows(None)
    if ws_rep is not None:
        reuse_rows.percent_style(ws_rep)

    spill = _Spill() if ws_rep is not None else None
    rep_widths = WidthTracker([h for h, _ in REPORT_BASE], [6, 8, 30, 16])
    facts_out = _FactSheet(wb, ws_fact) if ws_fact is not None else None
    extra_names: dict[str, str] = {}  # keys facts carry that the dictionary lacks → their names
    n_docs = n_facts = 0
    try:
        with atomic_output(out) as tmp:
            for doc, structure, doc_facts in docs:
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled()
                n_docs += 1
                facts = sorted(doc_facts, key=lambda f: (f.start, f.end))
                title = safe_text(doc.title or "")
                agency = safe_text(doc.agency or "")
                if facts_out is not None:
                    for fact in facts:
                        facts_out.add(doc, title, agency, fact)
                n_facts += len(facts)
                if spill is not None:
                    prefix = _report_prefix(n_docs, doc, structure, facts) + reuse_rows.cells(doc)
                    rep_widths.add(prefix)
                    summary = summarise(facts, by_key)
                    for f in facts:
                        if f.key and f.key not in by_key and f.key not in extra_names:
                            extra_names[f.key] = f.name or f.key
                    spill.add((prefix, summary))
                reuse_rows.add(doc)
                if progress is not None:
                    progress(n_docs, max(total, n_docs), doc.title or doc.source_name or "")
            if cancel is not None and cancel.is_set():
                raise ExportCancelled()

            if facts_out is not None:
                facts_out.finish()
            if SHEET_REUSE in chosen:  # after 指标明细 and its continuation sheets
                reuse_rows.write_sheet(wb.create_sheet(SHEET_REUSE), cancel)

            columns: list[IndicatorColumn] = []
            if spill is not None and ws_rep is not None:
                if progress is not None:
                    progress(max(total, n_docs), max(total, n_docs), "正在写入「报告」表…")
                columns = _write_reports(
                    ws_rep, spill=spill, by_key=by_key, area_rank=area_rank, extra_names=extra_names,
                    widths=rep_widths, cancel=cancel,
                )
            if SHEET_NOTES in chosen:
                ws_note = wb.create_sheet(SHEET_NOTES)  # created last: 指标明细 may continue on more sheets
                ws_note.freeze_panes = "A2"
                names: list[str] = []
                for name in chosen:
                    names += facts_out.names if name == SHEET_FACTS and facts_out is not None else [name]
                _write_notes(
                    ws_note, chosen=names, columns=columns, n_docs=n_docs, n_facts=n_facts, selection=selection
                )
            if progress is not None:
                progress(max(total, n_docs), max(total, n_docs), "正在保存 Excel 文件…")
            wb.save(tmp)
    except ExportCancelled:
        if facts_out is not None:
            facts_out.discard()
        reuse_rows.discard()
        _discard(wb)
        return None
    except BaseException:
        if facts_out is not None:
            facts_out.discard()
        reuse_rows.discard()
        _discard(wb)
        raise
    finally:
        if spill is not None:
            spill.close()
    return out


class _FactSheet:
    """The 指标明细 sheet: the first rows are buffered to size the columns, then everything streams; past
    Excel's row limit the table continues on 指标明细2, 指标明细3 … (each with the header row)."""

    def __init__(self, wb: Workbook, ws: Any) -> None:
        self.wb = wb
        self.ws = ws
        self.names = [ws.title]
        self.headers = [h for h, _ in FACT_COLUMNS]
        self.widths = WidthTracker(self.headers, [8, 30, 16, 6, 12, 16, 8, 6, 6, 6, 60, 10, 8])
        self.buffer: list[list[Any]] = []
        self.sheet: FastSheet | None = None
        self.money_style = 0

    def _open(self) -> None:
        self.sheet = FastSheet(self.ws, self.headers, self.widths.widths)
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
            sheet = self.sheet = FastSheet(self.ws, self.headers, self.widths.widths)
        sheet.append(self._styled(row))

    def _styled(self, row: list[Any]) -> list[Any]:
        if _is_money_unit(row[7]):
            row[6] = (row[6], self.money_style)
        return row

    def add(self, doc: Document, title: str, agency: str, fact: Fact) -> None:
        row = [
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
            STATUS_NAMES.get(fact.status, fact.status),
        ]
        if self.sheet is not None:
            self._append(row)
        elif len(self.buffer) < _FACT_WIDTH_SAMPLE:
            self.widths.add(row)
            self.buffer.append(row)
        else:
            self._open()
            self._append(row)

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
    by_key: dict[str, IndicatorColumn],
    area_rank: dict[str, int],
    extra_names: dict[str, str],
    widths: WidthTracker,
    cancel: threading.Event | None,
) -> list[IndicatorColumn]:
    seen: set[str] = set()
    for _, summary in spill:
        seen.update(summary)
    known = [ind for ind in by_key.values() if ind.key in seen]
    known.sort(key=lambda ind: (area_rank.get(ind.area, 0), ind.key))
    extra = [IndicatorColumn(key, extra_names.get(key, key), "其他") for key in sorted(seen - set(by_key))]
    columns = known + extra

    used: set[str] = set()
    headers = [h for h, _ in REPORT_BASE] + [_header_name(ind, used) for ind in columns]
    # indicator headers wrap onto two or three lines of a tall header row
    col_widths = widths.widths + [max(8, min(18, text_width(h) // 2 + 2)) - 1 for h in headers[len(REPORT_BASE):]]
    sheet = FastSheet(ws, headers, col_widths, header_height=45)
    try:
        money = sheet.style(number_format=MONEY_FORMAT)
        warn = sheet.style(warn=True)
        warn_money = sheet.style(warn=True, number_format=MONEY_FORMAT)
        first = len(REPORT_BASE) + 1
        is_money = [ind.kind == "money" for ind in columns]
        comments = 0
        for n, (prefix, summary) in enumerate(spill):
            if cancel is not None and n % 500 == 0 and cancel.is_set():
                raise ExportCancelled()
            row: list[Any] = list(prefix)
            notes: list[tuple[int, str]] = []
            for i, (ind, money_col) in enumerate(zip(columns, is_money, strict=True)):
                s = summary.get(ind.key)
                if s is None:
                    row.append(None)
                elif s.note:
                    row.append((_number(s.value), warn_money if money_col else warn))
                    notes.append((first + i, s.note))
                elif money_col:
                    row.append((_number(s.value), money))
                else:
                    row.append(_number(s.value))
            sheet.append(row)
            for column, note in notes:
                comments += 1
                if comments <= MAX_COMMENTS:
                    sheet.comment(column, note)
        sheet.finish()
    except BaseException:
        sheet.discard()
        raise
    return columns


def _write_notes(
    ws: Any,
    *,
    chosen: Sequence[str],
    columns: Sequence[IndicatorColumn],
    n_docs: int,
    n_facts: int,
    selection: str,
) -> None:
    rows: list[tuple[str, str, str]] = []
    if SHEET_REPORTS in chosen:
        rows += [(SHEET_REPORTS, h, d) for h, d in REPORT_BASE]
        used: set[str] = set()
        for ind in columns:
            unit = ind.column_unit
            what = f"指标 {ind.key}（{ind.area or '其他'}）：{ind.name}"
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
            rows.append((SHEET_REPORTS, _header_name(ind, used), what))
    if SHEET_FACTS in chosen:
        rows += [(SHEET_FACTS, h, d) for h, d in FACT_COLUMNS]
    if SHEET_REUSE in chosen:
        rows += [(SHEET_REUSE, h, d) for h, d in REUSE_SHEET_COLUMNS]
    rows += [
        ("导出信息", "导出时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
        ("导出信息", "程序版本", f"报告档案 {__version__}"),
        ("导出信息", "文档数", str(n_docs)),
        ("导出信息", "数值事实数", str(n_facts)),
        ("导出信息", "选择条件", selection or "（未说明）"),
        ("导出信息", "工作表", "、".join(chosen)),
        ("约定", "表格格式", "每个工作表只有一行表头，其后每行一条记录；数值均为数字单元格，日期为日期单元格"),
        ("约定", "指标列", "「报告」表只列出本次导出的文档中至少出现一次的指标，按领域、指标键排序"),
        ("约定", "指标取值", "同一文档多处提到同一指标时，优先取用户确认/更正的数值，其次取含“共、合计、全年、"
         "累计、总”的分句中的数值（视为总数，这些词须在该数值所在的分句内、数值之前），否则取第一次出现的数值"),
        ("约定", "数值不一致", f"同一文档中同一指标的数值不一致时，单元格以黄色底色标出，批注列出各处数值"
         f"（批注最多 {MAX_COMMENTS:,} 条，其余仅有底色；各处数值均见「指标明细」）"),
        ("约定", "百分数", "百分数按原文数值存储（95.5 表示 95.5%），单位为 %，不乘以 100 也不除以 100"),
        ("约定", "金额", "金额以千分位、两位小数显示；「指标明细」保留原文单位，「报告」表换算为万元"),
        ("约定", "行数上限", f"一个工作表最多 {MAX_SHEET_ROWS:,} 行；数值事实更多时续写在「指标明细2」「指标明细3」…，"
         "表头相同"),
        ("约定", "文本安全", "以 = + - @ 等开头的文本一律存为文本，不会被当作公式执行"),
    ]
    widths = WidthTracker(NOTE_HEADERS, [10, 24, 60])
    for r in rows:
        widths.add(r)
    widths.apply(ws)
    ws.append(header_cells(ws, NOTE_HEADERS))
    for r in rows:
        cells = [cell_value(ws, v) for v in r]
        if isinstance(cells[2], str) and text_width(cells[2]) > 60:  # long explanations wrap in their column
            cell = WriteOnlyCell(ws, cells[2])
            cell.data_type = "s"
            cell.alignment = WRAP
            cells[2] = cell
        ws.append(cells)
    finish_sheet(ws, len(NOTE_HEADERS), len(rows))


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
) -> Path | None:
    """Export documents of `archive` (all when doc_ids is None, in the order given) to an .xlsx file.

    `selection` describes how the documents were chosen (for the 说明 sheet), e.g. "标签：执法; 查询：复议".
    Returns `out`, or None when `cancel` was set (no file written, an existing one left as it was).
    Raises ExportError / DiskFullError (Chinese messages) when the file cannot be written.
    """
    ids = list(doc_ids) if doc_ids is not None else list(archive.list_ids())
    _check_sheets(sheets)

    def rows() -> Iterator[tuple[Document, StructureCheck, list[Fact]]]:
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
                yield doc, StructureCheck(missing=list(doc.missing_parts), late=doc.late), facts

    text = selection if selection else _selection_text(doc_ids, len(ids))
    return write_workbook(out, rows(), load_indicators(), len(ids), progress, cancel, sheets=sheets, selection=text,
                          reuse_rows=ReuseRows(archive))


# The compare views' small workbooks live in core.export_compare; offered here too.
from core.export_compare import (  # noqa: E402
    export_comparison_xlsx,
    export_grid_xlsx,
    export_trend_xlsx,
)
