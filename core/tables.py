"""Facts from tables: each numeric cell is a fact named by its row label and column header, with its offsets.

Tables reach the cleaned text in three shapes, all read here in one pass over the lines:
- pipe / markdown rows: `| 行政规范性文件 | 0 | 5 | 5 |` (a `|---|` rule line is skipped);
- tab-separated rows, as the .docx / .xlsx / .pdf readers emit them: `行政规范性文件\t0\t5\t5`;
- space-aligned rows of a PDF's text layer: `行政规范性文件0 5 5`, `10 1 0 0 0 …` (a row of numbers only).

A column is named by the header line above the rows (cells split by tab or pipe, or a glued header such as
`信息内容本年制发件数本年废止件数现行有效件数` split after each 件数 / 数量 / 金额 / 总计). A cell's unit comes
from its header (`件数` → 件, `金额（单位：万元）` → 万元) or the table's caption (`单位：万元`); in a
政府信息公开工作年度报告 the counting tables are in 件 (the national format). Cells without a unit are no facts.

In the 申请 table of the national format (rows 本年新收…申请数量 … 总计 by 申请人 columns ending in 总计) only
the 总计 column is the agency's figure; the applicant breakdown is not. The 行政复议 / 行政诉讼 table of that
format is a single row of 15 numbers whose headers stand one word a line in a PDF; its columns are the
national format's (复议: 维持, 纠正, 其他结果, 尚未审结, 总计; 诉讼 未经复议直接起诉 and 复议后起诉: the same five).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.indicators import IndicatorDictionary, is_generic
from core.models import Fact

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_RE = re.compile(rf"^{_NUMBER}$")
# "行政规范性文件0 5 5", "（七）总计21 0 0 0 0 0 21": a label, then numbers separated by blanks.
_SPACED_ROW = re.compile(rf"^(?P<label>.*?[^\d\s.,])[ \t]*(?P<nums>{_NUMBER}(?:[ \t]+{_NUMBER})*)$")
_NUMBERS_ONLY = re.compile(rf"^{_NUMBER}(?:[ \t]+{_NUMBER})+$")
_RULE_LINE = re.compile(r"^\|?[\s:|\-－—]+\|?$")
# The end of one column name in a glued header line.
_HEADER_END = re.compile(r"件数|数量|金额(?:[（(]单位[:：][^）)]{1,4}[）)])?|总计|合计|小计|次数|人数|个数")
_ROW_HEADER_WORDS = re.compile(r"^(?:信息内容|项目|指标|类别|名称|内容|序号)")
_CAPTION_UNIT = re.compile(r"单位[:：]\s*(?P<unit>万元|亿元|元|件|个|人|次|项|%|％)")
# A unit written in brackets at the end of a row label or a column name: 新收行政复议案件（件）, 金额(万元).
_BRACKET_UNIT = re.compile(r"[（(]\s*(?:单位[:：]\s*)?(?P<unit>万元|亿元|元|人次|件|个|人|次|项|家|起|宗|份|场|%|％)\s*[）)]$")
_PARENT_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_OPENNESS = re.compile(r"政府信息公开")
_MAX_LABEL = 40
# A line this long with sentence punctuation is running text: the table (if any) has ended.
_TEXT_LINE = re.compile(r"[。；！？]")

# The 行政复议 / 行政诉讼 table of the national 政府信息公开 format (15 cells in one row).
_REVIEW_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_REVIEW_COLUMNS: tuple[str, ...] = (
    *(f"行政复议{c}" for c in _REVIEW_RESULTS),
    *(f"行政诉讼未经复议直接起诉{c}" for c in _REVIEW_RESULTS),
    *(f"行政诉讼复议后起诉{c}" for c in _REVIEW_RESULTS),
)


@dataclass(slots=True)
class _Region:
    """What the lines above the current row said: column names, caption unit, the table's kind."""

    columns: list[str] = field(default_factory=list)
    unit: str = ""
    request_table: bool = False
    saw_total: bool = False
    review_table: bool = False
    parent: str = ""
    quiet: int = 0  # lines since the last header or row

    def reset(self) -> None:
        self.columns, self.unit, self.parent = [], "", ""
        self.request_table = self.saw_total = self.review_table = False
        self.quiet = 0


def _split_cells(line: str) -> list[str] | None:
    if line.count("|") >= 2 or line.count("｜") >= 2:
        return [c.strip() for c in re.split(r"[|｜]", line.strip().strip("|｜"))]
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return None


def _glued_columns(line: str) -> list[str]:
    """"信息内容本年制发件数本年废止件数现行有效件数" → ["本年制发件数", "本年废止件数", "现行有效件数"]."""
    body = _ROW_HEADER_WORDS.sub("", line.replace(" ", ""))
    columns: list[str] = []
    pos = 0
    for m in _HEADER_END.finditer(body):
        name = body[pos : m.end()]
        if name:
            columns.append(name)
        pos = m.end()
    return columns if columns and pos == len(body) else []


def _unit_of(column: str, region: _Region, openness: bool, label: str = "") -> str:
    """A cell's unit: its column's, the caption's, the kind of table's, else its row label's bracket."""
    if m := re.search(r"单位[:：]\s*([^）)]{1,4})", column):
        return m.group(1)
    if m := _BRACKET_UNIT.search(column):
        return m.group("unit")
    if column.endswith("件数") or region.request_table or region.review_table:
        return "件"
    if region.unit:
        return region.unit
    if openness and re.search(r"数量|总计|合计|数$", column):
        return "件"
    if m := _BRACKET_UNIT.search(label):
        return m.group("unit")
    return ""


def _number(raw: str) -> float | None:
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        return None


class _Reader:
    def __init__(self, text: str, dictionary: IndicatorDictionary) -> None:
        self.text = text
        self.dictionary = dictionary
        self.openness = bool(_OPENNESS.search(text[:5000]))
        self.facts: list[Fact] = []

    def run(self) -> list[Fact]:
        region = _Region()
        pos = 0
        for raw in self.text.split("\n"):
            self.line(raw, pos, region)
            pos += len(raw) + 1
        return self.facts

    def line(self, raw: str, offset: int, region: _Region) -> None:
        line = raw.strip()
        if not line:
            return
        lead = raw.index(line[0])
        cells = _split_cells(raw)
        if cells is not None and len(cells) >= 2:
            if _RULE_LINE.match(line):
                return
            numeric = [c for c in cells[1:] if _NUMBER_RE.match(c)]
            if not numeric and not _NUMBER_RE.match(cells[0]):
                self.header(cells, line, region)
                return
            self.cell_row(raw, offset, cells, region)
            return
        if (m := _NUMBERS_ONLY.match(line)) and (region.columns or region.review_table or region.request_table):
            self.spaced_row("", offset + lead, line, 0, region)
            return
        if len(line) > 160:  # running text; also keeps the row pattern's backtracking bounded per line
            self.other_line(line, region)
            return
        if (m := _SPACED_ROW.match(line)) and len(m.group("label")) <= _MAX_LABEL and (
            region.columns or region.request_table or len(m.group("nums").split()) >= 3
        ):
            label = m.group("label").strip()
            if not _TEXT_LINE.search(label):
                self.spaced_row(label, offset + lead, line, m.start("nums"), region)
                return
        self.other_line(line, region)

    # -- headers and captions --------------------------------------------------------------------
    def header(self, cells: list[str], line: str, region: _Region) -> None:
        # Cells keep their places (an empty header cell stands over a column too); the corner cell above
        # the row labels (empty, 项目, 信息内容 …) is no column.
        names = list(cells)
        while names and not names[-1]:
            names.pop()
        if names and (not names[0] or _ROW_HEADER_WORDS.match(names[0])):
            names = names[1:]
        self.note_words(line, region)
        if any(c.replace(" ", "") in ("总计", "合计") for c in cells):
            region.saw_total = True  # a 总计 header cell: the last column of the rows below is the total
        if any(names):
            region.columns, region.parent = names, ""
            region.quiet = 0

    def other_line(self, line: str, region: _Region) -> None:
        if len(line) > 60 or (_TEXT_LINE.search(line) and len(line) > 30):
            region.reset()
            return
        self.note_words(line, region)
        glued = _glued_columns(line)
        if glued:
            region.columns, region.parent = glued, ""
            region.quiet = 0
            return
        if _PARENT_LABEL.match(line) and len(line) <= 30:
            region.parent = line
        region.quiet += 1
        if region.quiet > 40:
            region.reset()

    def note_words(self, line: str, region: _Region) -> None:
        if m := _CAPTION_UNIT.search(line):
            region.unit = m.group("unit")
        if "申请人" in line or ("申请" in line and "勾稽" in line):
            region.request_table, region.review_table, region.columns, region.parent = True, False, [], ""
        if line.replace(" ", "") in ("总计", "合计"):
            region.saw_total = True
        if re.search(r"行政复议", line) and re.search(r"行政诉讼", line):
            region.review_table, region.request_table, region.columns, region.parent = True, False, [], ""

    # -- rows ------------------------------------------------------------------------------------
    def cell_row(self, raw: str, offset: int, cells: list[str], region: _Region) -> None:
        label = cells[0] if not _NUMBER_RE.match(cells[0]) else ""
        values = cells[1:] if label or not cells[0] else cells
        positions: list[tuple[int, int, str]] = []
        search_from = offset + (raw.index(label) + len(label) if label else 0)
        for value in values:
            if not _NUMBER_RE.match(value):
                positions.append((-1, -1, value))
                continue
            at = self.text.find(value, search_from, offset + len(raw))
            if at < 0:
                return
            positions.append((at, at + len(value), value))
            search_from = at + len(value)
        self.emit(label, positions, raw.strip(), region)

    def spaced_row(self, label: str, line_at: int, line: str, nums_at: int, region: _Region) -> None:
        positions: list[tuple[int, int, str]] = []
        for m in re.finditer(_NUMBER, line[nums_at:]):
            start = line_at + nums_at + m.start()
            positions.append((start, start + len(m.group(0)), m.group(0)))
        self.emit(label, positions, line, region)

    def emit(self, label: str, cells: list[tuple[int, int, str]], line: str, region: _Region) -> None:
        region.quiet = 0
        columns = self.columns_for(len(cells), region)
        if columns is None:
            return
        if _PARENT_LABEL.match(label) and not cells:
            region.parent = label
        full_label = label
        if region.parent and label and not _PARENT_LABEL.match(label):
            full_label = region.parent + label
        elif label and _PARENT_LABEL.match(label):
            region.parent = ""
        for (start, end, raw), column in zip(cells, columns, strict=True):
            if start < 0 or not column:
                continue
            value = _number(raw)
            unit = _unit_of(column, region, self.openness, label)
            if value is None or not unit:
                continue
            if unit.startswith("万") and not raw:
                continue
            name = f"{full_label}{column}" if full_label else column
            key = self.key_for(name, unit, region)
            self.facts.append(
                Fact(
                    value=value,
                    unit=unit,
                    start=start,
                    end=end,
                    sentence=line,
                    key=key,
                    name=self.dictionary.name(key) if key else None,
                    confidence=0.8 if key else 0.7,
                )
            )

    def columns_for(self, n: int, region: _Region) -> list[str | None] | None:
        """The column name of each of n cells (None for a cell that is not the agency's figure)."""
        if region.request_table:
            if n >= 2 and (region.saw_total or n == 7):
                return [None] * (n - 1) + ["总计"]  # only the 总计 column counts
            return None
        if region.review_table:
            return list(_REVIEW_COLUMNS) if n == len(_REVIEW_COLUMNS) else None
        if not region.columns:
            return None
        if len(region.columns) == n:
            return list(region.columns)
        if len(region.columns) > n:  # a row shorter than its header: cells align from the left
            return list(region.columns[:n])
        return None

    def key_for(self, name: str, unit: str, region: _Region) -> str | None:
        """The key a cell's full name (row + column) names with a specific synonym, the longest one; none for
        a figure carried over from the year before or for the 复议 / 诉讼 table (cases about 信息公开 only)."""
        if region.review_table or re.search(r"结转|上年|去年", name):
            return None
        # the 申请 table counts requests: its reasons (属于行政执法案卷 …) name no other area's figure
        only_area = "政务公开" if region.request_table else None
        best: tuple[int, str] | None = None
        for start, end, keys in self.dictionary.hits(name):
            synonym = name[start:end]
            if is_generic(synonym):
                continue
            fitting = [
                k
                for k in keys
                if self.dictionary.unit_fits(k, unit)
                and (only_area is None or self.dictionary.indicators[k].area == only_area)
            ]
            if fitting and (best is None or end - start > best[0]):
                best = (end - start, fitting[0])
        return best[1] if best else None


# A digit, spaces, a digit (\d[ \t]+\d in a text without tabs), written space-first so that re finds the spaces
# by a fast literal scan instead of testing every character for a digit (0.13 → 0.01 ms a report).
_SPACED_DIGITS = re.compile(r" (?<=\d )[ \t]*\d")


def table_facts(text: str, dictionary: IndicatorDictionary) -> list[Fact]:
    """Facts of the tables in `text` (see the module docstring); offsets index into `text`."""
    if "\t" not in text and "|" not in text and "｜" not in text and not _SPACED_DIGITS.search(text):
        return []
    return _Reader(text, dictionary).run()
