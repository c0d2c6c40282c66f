"""The domain's words and rules in one place: required parts, fact statuses, the publication deadline, the
收报情况 states, unit equivalences, where the structure rules apply, and which figure a report states.

Export, compare, trend, the reporting grid and the window all read these; a word shown to the user for one
of these things is defined here once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from core.models import Fact

# ---------------------------------------------------------------------------------------------- parts

# The required parts of a 法治政府建设年度报告 (domain/report-structure.md; part 5 is optional), one name each.
PART_NAMES: dict[int, str] = {
    1: "主要举措和成效",
    2: "存在的不足和原因",
    3: "主要负责人履行第一责任人职责情况",
    4: "下一年度主要安排",
    5: "其他需要报告的情况",
}
REQUIRED_PARTS: tuple[int, ...] = (1, 2, 3, 4)


def part_name(part: int) -> str:
    return PART_NAMES.get(part, f"第{part}部分")


# The structure check and the publication deadline are rules for the annual 法治政府建设 report only
# (《法治政府建设与责任落实督察工作规定》); for other documents the window, Excel and CLI say 不适用.
ANNUAL_REPORT = "法治政府建设年度报告"
STRUCTURE_RULE_TYPES: frozenset[str] = frozenset({ANNUAL_REPORT})
NOT_APPLICABLE = "不适用"
COMPLETE = "完整"


def structure_applies(doc_type: str | None) -> bool:
    """Whether the five-part check and the deadline apply to a document of this type."""
    return doc_type in STRUCTURE_RULE_TYPES


# ---------------------------------------------------------------------------------------------- deadline

DEADLINE_MONTH_DAY = "04-01"  # made public by 1 April of the next year (Art. 24)
LATE_RULE = "发布日期晚于报告年度次年 4 月 1 日"


def is_late(report_year: int | None, publish_date: str | None) -> bool | None:
    """Published after 1 April of the year after the report year; None when either is unknown."""
    if report_year is None or not publish_date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", publish_date[:10]):
        return None
    return publish_date[:10] > f"{report_year + 1:04d}-{DEADLINE_MONTH_DAY}"


# ---------------------------------------------------------------------------------------------- facts

FACT_STATUSES: tuple[str, ...] = ("auto", "confirmed", "corrected", "rejected", "manual")
STATUS_NAMES: dict[str, str] = {
    "auto": "自动识别",
    "confirmed": "已确认",
    "corrected": "已更正",
    "rejected": "已否决",
    "manual": "手工添加",
}
VERIFIED_STATUSES: frozenset[str] = frozenset({"confirmed", "corrected", "manual"})
VERIFIED = "人工确认"  # a value a person confirmed, corrected or added
UNVERIFIED = "待核对"  # a value nobody confirmed yet
DIRECTION_NAMES: dict[str, str] = {"up": "上升", "down": "下降"}


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)


def is_verified(fact: Fact) -> bool:
    return fact.status in VERIFIED_STATUSES


# ---------------------------------------------------------------------------------------------- grid

GRID_IN, GRID_MISSING, GRID_LATE, GRID_PARTS = "in", "missing", "late", "parts"


@dataclass(frozen=True, slots=True)
class GridState:
    code: str
    label: str
    color: str  # "#rrggbb" background
    meaning: str


# Worst first: the colour of a combined cell (逾期、缺项) is that of its worst state.
GRID_STATES: tuple[GridState, ...] = (
    GridState(GRID_MISSING, "未报送", "#ffc7ce", "该年度没有这个单位的报告"),
    GridState(GRID_PARTS, "缺项", "#f8cbad", "缺少法定部分（第1–4部分）之一"),
    GridState(GRID_LATE, "逾期", "#ffeb9c", LATE_RULE),
    GridState(GRID_IN, "已报送", "#c6efce", "按时报送，结构完整"),
)
GRID_BY_CODE: dict[str, GridState] = {s.code: s for s in GRID_STATES}


def grid_state(code_or_label: str) -> GridState | None:
    """The state a code (in/missing/late/parts) or a label (已报送, 逾期、缺项 …) stands for (worst part wins)."""
    text = (code_or_label or "").strip()
    for state in GRID_STATES:
        if text in (state.code, state.label):
            return state
    for state in GRID_STATES:  # worst first
        if state.label in text or state.label[:2] in text:
            return state
    return None


# ---------------------------------------------------------------------------------------------- units

# Counters that mean the same thing in these reports (a case is 一件/一宗/一起; a person 一人/一名/一位).
SAME_COUNTERS: dict[str, str] = {"宗": "件", "起": "件", "名": "人", "位": "人"}
_PREFIXES: tuple[tuple[str, float], ...] = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4), ("千", 1e3), ("百", 1e2))
_NO_PREFIX = frozenset({"百分点", "千米", "千克", "百分比"})  # words that start like a prefix but are units
MONEY_BASE = "元"
PERCENT = "%"


def unit_scale(unit: str | None) -> tuple[str, float]:
    """(base unit, factor): 亿元 → (元, 1e8), 万件 → (件, 1e4), 宗 → (件, 1); 件/宗/起 are one counter."""
    text = (unit or "").strip().replace("％", "%")
    factor = 1.0
    changed = True
    while changed and len(text) > 1 and text not in _NO_PREFIX:
        changed = False
        for prefix, scale in _PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                factor *= scale
                text = text[len(prefix):]
                changed = True
                break
    return SAME_COUNTERS.get(text, text), factor


def same_unit(a: str | None, b: str | None) -> bool:
    """Two units measure the same thing (a 万/亿 prefix apart, or 件/宗/起)."""
    return unit_scale(a)[0] == unit_scale(b)[0]


def convert(value: float, unit: str | None, target: str | None) -> float | None:
    """`value` in `unit` expressed in `target`; None when the units do not measure the same thing."""
    base_a, fa = unit_scale(unit)
    base_b, fb = unit_scale(target)
    if base_a != base_b:
        return None
    return value * fa / fb


def is_money(unit: str | None) -> bool:
    return unit_scale(unit)[0] == MONEY_BASE


# ---------------------------------------------------------------------------------------------- stated value

# Roles a figure plays in its sentence. Only OWN figures are the report's statement of an indicator.
OWN = "own"
START = "start"  # A of 从A升至B / 由A提高到B
OTHER_YEAR = "other_year"  # a year other than the report year (2023年为13.1% in a 2024 report, 上年同期)
TARGET = "target"  # a plan or threshold (力争、目标、不低于 …; a later year)
OTHER_BODY = "other_body"  # an average or another body's figure (全市平均)
CHANGE = "change"  # a change (同比增长3%) where the indicator is a level
ROLE_NAMES: dict[str, str] = {
    OWN: "本年度数值",
    START: "变化前的数值（从…升至…）",
    OTHER_YEAR: "其他年度的数值",
    TARGET: "目标或要求",
    OTHER_BODY: "其他单位或平均数",
    CHANGE: "变化量",
}

TOTAL_MARKERS: tuple[str, ...] = ("共", "合计", "全年", "累计", "总")
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n\t]")
_FROM_BEFORE = re.compile(r"(?:从|由)(?:\d{4}年(?:底|末)?的?)?(?:不足|近|约|超过)?$")
_TO_AFTER = re.compile(
    r"^[余多]?(?:的)?(?:大幅|稳步|逐步|逐年|持续|进一步)?"
    r"(?:上升|提高|提升|增加|增长|下降|降低|减少|跃升|攀升|缩短|压缩|扩大|优化|调整|回落|降|升|增|减)?"
    r"(?:至|到)"
)
_YEAR = re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)(以来|至今|起|来)?")
_LAST_YEAR_WORDS = re.compile(r"(?:上年|去年|上一年|上年度|上一年度|前年|同期)(?:同期)?(?:的|为|是)?\s*(?:为|是)?$")
_TARGET_WORDS = re.compile(r"力争|争取|目标|计划|预计|预期|拟|确保|不低于|不少于|不超过|控制在|以内")
_OTHER_BODY_WORDS = re.compile(r"平均|均值")
_CHANGE_BEFORE = re.compile(
    r"(?:同比|比上年|较上年|比去年|较去年|环比|比|较)?(?:增长|下降|提高|减少|上升|降低|增加|下滑|回落|增幅|降幅)(?:了)?$"
)
_HEADER_OTHER = re.compile(r"上年|去年|上一年|同期|往年")
_HEADER_OWN = re.compile(r"本年|今年|本期|本年度")
_HEADER_TARGET = re.compile(r"目标|计划|任务")
_HEADER_CHANGE = re.compile(r"增减|同比|增长|变化|增幅|降幅|比上年")
_CONTEXT = 40


_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*[余多]?\s*")


# per sentence seen more than once, the matches of its numbers: a sentence with several figures is scanned
# once (a sentence seen once is scanned up to the number sought, and only remembered as seen)
_SENTENCE_NUMBERS: dict[str, tuple[re.Match[str], ...]] = {}
_SEEN_ONCE: set[str] = set()
_MAX_SENTENCES = 4096


def _find_number(sentence: str, value: float, unit: str) -> tuple[int, int] | None:
    """(start, end) of the first `value` + `unit` written in the sentence (one compiled pattern for all)."""
    found = _SENTENCE_NUMBERS.get(sentence)
    if found is None:
        if sentence not in _SEEN_ONCE:
            if len(_SEEN_ONCE) >= _MAX_SENTENCES:
                _SEEN_ONCE.clear()
            _SEEN_ONCE.add(sentence)
            for m in _NUMBER.finditer(sentence):
                end = m.end()
                if sentence.startswith(unit, end) and float(m.group(1)) == value:
                    return m.start(), end + len(unit)
            return None
        found = tuple(_NUMBER.finditer(sentence))
        if len(_SENTENCE_NUMBERS) >= _MAX_SENTENCES:
            _SENTENCE_NUMBERS.clear()
        _SENTENCE_NUMBERS[sentence] = found
    for m in found:
        end = m.end()
        if sentence.startswith(unit, end) and float(m.group(1)) == value:
            return m.start(), end + len(unit)
    return None


def fact_context(fact: Fact, text: str | None = None) -> tuple[str, str]:
    """(the clause before the number, the text right after the fact's span); ("", "") when the number
    cannot be found in the fact's sentence (see _context)."""
    return _context(fact, text) or ("", "")


def _context(fact: Fact, text: str | None = None) -> tuple[str, str] | None:
    """(the clause before the number, the text right after the fact's span).

    From the document's text when given (exact offsets); else from the fact's sentence, where the number
    is found by its value and unit (the first occurrence).
    """
    if text is not None and 0 <= fact.start <= fact.end <= len(text):
        before = text[max(0, fact.start - _CONTEXT) : fact.start]
        after = text[fact.end : fact.end + 16]
    else:
        sentence = fact.sentence or ""
        hit = _find_number(sentence, fact.value, fact.unit or "")
        if hit is None:
            return None
        before, after = sentence[max(0, hit[0] - _CONTEXT) : hit[0]], sentence[hit[1] : hit[1] + 16]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    clause = before[breaks[-1] :] if breaks else before
    cut = _CLAUSE_BREAK.search(after)
    return clause, after[: cut.start()] if cut else after


def _year_role(clause: str, report_year: int | None) -> str | None:
    years = [(int(m.group(1)), m.group(2)) for m in _YEAR.finditer(clause)]
    years = [(y, since) for y, since in years if 1949 <= y <= 2100]
    if not years or report_year is None:
        return None
    year, since = years[-1]
    if since:  # 2016年以来累计…: a figure up to now
        return None
    if year > report_year:
        return TARGET
    if year < report_year:
        return OTHER_YEAR
    return None


def _table_row(fact: Fact, text: str) -> tuple[list[str], int] | None:
    """(header cells, the fact's cell index) when the fact sits in a tab-separated table row."""
    line_start = text.rfind("\n", 0, fact.start) + 1
    line_end = text.find("\n", fact.start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if "\t" not in line:
        return None
    index = text[line_start : fact.start].count("\t")
    n_cells = line.count("\t") + 1
    # walk up the block of table lines; the header is the nearest line naming years, else the block's top
    header: str | None = None
    top: str | None = None
    pos = line_start - 1
    for _ in range(60):
        if pos <= 0:
            break
        prev_start = text.rfind("\n", 0, pos) + 1
        prev = text[prev_start:pos]
        if "\t" not in prev:
            break
        top = prev
        if header is None and (_YEAR.search(prev) or _HEADER_OWN.search(prev) or _HEADER_OTHER.search(prev)):
            header = prev
        pos = prev_start - 1
    chosen = header or top
    if chosen is None:
        return None
    cells = chosen.split("\t")
    if len(cells) < n_cells:  # a header without the row-label cell: align from the right
        cells = [""] * (n_cells - len(cells)) + cells
    return cells, index


def _header_role(cell: str, report_year: int | None) -> str | None:
    if _HEADER_TARGET.search(cell):
        return TARGET
    if _HEADER_CHANGE.search(cell):
        return CHANGE
    if _HEADER_OWN.search(cell):
        return OWN
    if _HEADER_OTHER.search(cell):
        return OTHER_YEAR
    years = [int(y) for y in re.findall(r"(\d{4})\s*年?", cell) if 1949 <= int(y) <= 2100]
    if years and report_year is not None:
        if years[-1] == report_year:
            return OWN
        return TARGET if years[-1] > report_year else OTHER_YEAR
    return None


def fact_role(fact: Fact, report_year: int | None = None, text: str | None = None) -> str:
    """What a figure is in its sentence (OWN, START, OTHER_YEAR, TARGET, OTHER_BODY or CHANGE).

    - 从A升至B / 由A提高到B / 从2015年的A增加到2020年的B: A is START, B is the report's figure;
    - a table cell under a year, 上年 or 目标 column, or a clause naming another year (纠错率12.7%，2023年为
      13.1% in a 2024 report; 上年同期为…), is not the report year's figure; a later year is a plan;
    - 力争/目标/确保/不低于 … make a target; 平均/均值 a figure about others;
    - 同比增长3% is a CHANGE (it is the value only of a `.change` indicator).
    """
    if text is not None and "\t" in (fact.sentence or ""):
        row = _table_row(fact, text)
        if row is not None:
            cells, index = row
            if index < len(cells):
                role = _header_role(cells[index], report_year)
                if role is not None:
                    return OWN if role == CHANGE and (fact.key or "").endswith(".change") else role
    return _clause_role(fact, report_year, _context(fact, text))


_NO_CONTEXT = ("", "")


def _clause_role(fact: Fact, report_year: int | None, context: tuple[str, str] | None) -> str:
    """fact_role's rules on the words around the number (`context` = _context(fact, text))."""
    clause, after = context or _NO_CONTEXT
    if not clause:  # every rule below looks for words before the number, but START and CHANGE need some
        return OWN
    if _FROM_BEFORE.search(clause) and _TO_AFTER.match(after):
        return START
    if _LAST_YEAR_WORDS.search(clause):
        return OTHER_YEAR
    year_role = _year_role(clause, report_year)
    if year_role is not None:
        return year_role
    if _TARGET_WORDS.search(clause):
        return TARGET
    if _OTHER_BODY_WORDS.search(clause):
        return OTHER_BODY
    if not (fact.key or "").endswith(".change") and _CHANGE_BEFORE.search(clause) and not _TO_AFTER.match(after):
        return CHANGE
    return OWN


def states_total(fact: Fact, text: str | None = None) -> bool:
    """The figure is stated as a total: 共/合计/全年/累计/总 in its own clause, before the number.

    "全年主持召开常务会议4次，…，带头出庭应诉案件1件" names 全年 for the meetings, not for the 1 case.
    Where the number cannot be found in the sentence, the sentence decides.
    """
    return _states_total(fact, _context(fact, text))


def _states_total(fact: Fact, context: tuple[str, str] | None) -> bool:
    if context is None:
        return _TOTAL.search(fact.sentence or "") is not None
    return _TOTAL.search(context[0]) is not None


_TOTAL = re.compile("|".join(map(re.escape, TOTAL_MARKERS)))  # any of TOTAL_MARKERS


@dataclass(slots=True)
class Statement:
    """The figure a report states for one indicator, and the other figures it gives for it."""

    fact: Fact  # the chosen statement
    eligible: list[Fact]  # every statement of the report's own figure (the chosen one included)
    excluded: list[tuple[Fact, str]]  # statements that are not the report's figure, with their role

    @property
    def verified(self) -> bool:
        return is_verified(self.fact)


TextSource = Callable[[], str | None]


def stated_fact(facts: Sequence[Fact], report_year: int | None = None,
                text: str | TextSource | None = None) -> Statement | None:
    """The figure a report states for one indicator, from the statements `facts` (one key, text order).

    A person's word first (confirmed, corrected or added facts); else among the report's own figures
    (see fact_role: never a start value, another year's or a target) the stated total, else the first.
    None when the report states no figure of its own (only last year's or a target). Rejected facts and
    non-finite values are ignored. `text` (the cleaned text, or a function giving it) is read only for
    table rows, to find their column headers.
    """
    live = [f for f in facts if f.status != "rejected" and math.isfinite(f.value)]
    if not live:
        return None
    if len(live) > 1:
        live.sort(key=_span)
    loaded: str | None = text if isinstance(text, str) else None
    read = isinstance(text, str)
    # the words around each number are found once per fact (fact_role and states_total both read them)
    contexts: dict[int, tuple[str, str] | None] = {}
    eligible: list[Fact] = []
    excluded: list[tuple[Fact, str]] = []
    for fact in live:
        if text is not None and "\t" in (fact.sentence or ""):  # a table row: its header may decide
            if not read:
                loaded = text() if callable(text) else None
                read = True
            role = fact_role(fact, report_year, loaded)
        else:
            context = contexts[id(fact)] = _context(fact)
            role = _clause_role(fact, report_year, context)
        if role == OWN:
            eligible.append(fact)
        else:
            excluded.append((fact, role))
    verified = [f for f in live if f.status in VERIFIED_STATUSES]
    candidates = verified or eligible
    if not candidates:
        return None
    chosen = candidates[0]
    for f in candidates:
        context = contexts[id(f)] if id(f) in contexts else _context(f)
        if _states_total(f, context):
            chosen = f
            break
    if verified:
        others = [f for f in eligible if f is not chosen]
        return Statement(chosen, [chosen, *others], [(f, r) for f, r in excluded if f is not chosen])
    return Statement(chosen, eligible, excluded)


def _span(fact: Fact) -> tuple[int, int]:
    return fact.start, fact.end


def stated_facts(facts: Iterable[Fact], report_year: int | None = None,
                 text: str | TextSource | None = None) -> dict[str, Statement]:
    """Per indicator key, the figure the report states (see stated_fact); unkeyed facts are left out."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.key:
            groups.setdefault(fact.key, []).append(fact)
    out: dict[str, Statement] = {}
    for key, group in groups.items():
        statement = stated_fact(group, report_year, text)
        if statement is not None:
            out[key] = statement
    return out

