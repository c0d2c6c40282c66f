"""The figures of two reports side by side: pairing their statements by indicator (or by label), the
signed values and differences, and the 指标对比 table as cells and text (window, Excel, clipboard)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core import domain
from core.models import Fact

_DIGITS = re.compile(r"\d+")
_UNIT_CHARS = "天个年月日次项家人件元万亿余多名所条座场户倍"
_LABEL_STOP = re.compile(r"[，。；、：:,;（）()“”\"'《》\s]")
# Words right before a number that say nothing about what is counted.
_LABEL_FILLERS = (
    "累计", "共计", "合计", "总计", "达到", "同比", "增长", "下降", "提高", "减少", "增加", "超过", "突破",
    "分别", "全年", "其中", "以上", "不少于", "约", "近", "共", "达", "为", "了", "超", "逾", "的", "至", "占",
)

@dataclass(slots=True)
class FigureRow:
    """One indicator as stated in either report; values are signed (下降 → negative)."""

    group: str
    key: str | None
    label: str
    unit: str
    fact_a: Fact | None
    fact_b: Fact | None
    value_a: float | None
    value_b: float | None
    diff: float | None  # value_b - value_a in fact_a's unit
    pct: float | None  # diff / |value_a| * 100
    more_a: int = 0  # further statements of the same indicator in A
    more_b: int = 0
    note: str = ""

    @property
    def one_sided(self) -> bool:
        return self.fact_a is None or self.fact_b is None


def split_unit(unit: str) -> tuple[float, str]:
    """'万元' → (10000, '元'); '%' → (1, '%'); '宗' → (1, '件'); a bare '万' stays as it is (core.domain.unit_scale)."""
    base, factor = domain.unit_scale(unit)
    return factor, base


def signed_value(fact: Fact) -> float:
    return -fact.value if fact.direction == "down" else fact.value


def _strip_fillers(words: str) -> str:
    changed = True
    while words and changed:
        changed = False
        for filler in _LABEL_FILLERS:
            if words.endswith(filler):
                words = words[: -len(filler)]
                changed = True
    return words


def fact_label(fact: Fact, text: str) -> str:
    """What a fact counts: its indicator name, else the words right before the number in the text.

    When the clause holding the number has no subject of its own ("…总值7000亿元，增长9.1%"), the
    subject of the clause before it is put in front ("实现地区生产总值增长").
    """
    if fact.name:
        return fact.name
    before = text[max(0, fact.start - 48) : fact.start] if text else fact.sentence[:48]
    clauses = _LABEL_STOP.split(before)
    clause = clauses[-1] if clauses else ""
    # Only what follows the clause's last number ("14天建成超…" → "建成").
    tail = re.split(r"[\d.]+", clause.split("%")[-1])[-1] if _DIGITS.search(clause) else clause
    if tail != clause:
        tail = tail.lstrip(_UNIT_CHARS)
    own = _strip_fillers(tail.strip())
    for lead in ("其中", "全年", "累计", "共"):
        if own.startswith(lead) and len(own) > len(lead) + 1:
            own = own[len(lead) :]
    if len(own) >= 3 or len(clauses) < 2:
        return own[-10:]
    previous = clauses[-2]
    subject = _DIGITS.split(previous)[0].strip()[-8:]
    verb = _DIGITS.sub("", clause).strip()
    return (subject + verb)[-12:] if subject else own[-10:]


def fact_group(fact: Fact, label: str) -> str:
    """Facts of two reports with the same group are the same indicator."""
    if fact.key:
        return "key:" + fact.key
    if not label:
        return f"pos:{fact.start}"
    return f"label:{label}|{split_unit(fact.unit)[1]}"


def _first_statement(facts: list[tuple[Fact, str]], report_year: int | None, text: str) -> tuple[Fact, str] | None:
    """The statement of a group a report stands by: for an indicator (keyed), the figure it states
    (core.domain.stated_fact: never a start value, another year's figure or a target); else the first."""
    if not facts:
        return None
    first = facts[0][0]
    if not first.key:
        return facts[0]
    statement = domain.stated_fact([f for f, _ in facts], report_year, text)
    if statement is None:
        return None
    return next(pair for pair in facts if pair[0] is statement.fact)


def compare_figures(  # noqa: PLR0917 - two reports, each: facts, text, year
    facts_a: Sequence[Fact], text_a: str, facts_b: Sequence[Fact], text_b: str,
    year_a: int | None = None, year_b: int | None = None,
) -> list[FigureRow]:
    """One row per indicator found in either report (the figure each report states), A's order then B-only.

    A difference and a change rate are computed only between the same indicator (same key, or for unkeyed
    figures the same words before the number) in the same unit (万/亿 prefixes converted, 件/宗/起 alike);
    otherwise the row shows both values and says why there is no difference.
    """
    def grouped(facts: Sequence[Fact], text: str) -> dict[str, list[tuple[Fact, str]]]:
        groups: dict[str, list[tuple[Fact, str]]] = {}
        for fact in sorted(facts, key=lambda f: f.start):
            if fact.status == "rejected":
                continue
            label = fact_label(fact, text)
            groups.setdefault(fact_group(fact, label), []).append((fact, label))
        return groups

    ga, gb = grouped(facts_a, text_a), grouped(facts_b, text_b)
    rows: list[FigureRow] = []
    for group in list(ga) + [g for g in gb if g not in ga]:
        in_a, in_b = ga.get(group, []), gb.get(group, [])
        pick_a = _first_statement(in_a, year_a, text_a)
        pick_b = _first_statement(in_b, year_b, text_b)
        if pick_a is None and pick_b is None:
            continue
        fa = pick_a[0] if pick_a else None
        fb = pick_b[0] if pick_b else None
        first = fa or fb
        assert first is not None
        label = (pick_a or pick_b or ("", ""))[1] or first.sentence[:16]
        row = FigureRow(
            group, first.key, label, first.unit, fa, fb,
            signed_value(fa) if fa else None, signed_value(fb) if fb else None, None, None,
            max(0, len(in_a) - 1), max(0, len(in_b) - 1),
        )
        if fa is not None and fb is not None:
            same_indicator = fa.key == fb.key
            scale_a, base_a = split_unit(fa.unit)
            scale_b, base_b = split_unit(fb.unit)
            if same_indicator and base_a == base_b:
                assert row.value_a is not None and row.value_b is not None
                vb = row.value_b * scale_b / scale_a
                row.diff = round(vb - row.value_a, 6)
                if row.value_a:
                    row.pct = round(row.diff / abs(row.value_a) * 100, 2)
            else:
                row.note = f"单位不同（{fa.unit or '无'} / {fb.unit or '无'}），未计算差值"
        rows.append(row)
    # Indicators both reports state first (keyed ones ahead), then A-only, then B-only; stable otherwise.
    rows.sort(key=lambda r: (r.one_sided, r.fact_a is None, r.key is None))
    return rows


# ---------------------------------------------------------------------------------------------- tables


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def format_diff(row: FigureRow) -> str:
    """'+3件', '-1.5个百分点', '' when not comparable."""
    if row.diff is None:
        return ""
    sign = "+" if row.diff > 0 else ""
    unit = "个百分点" if row.unit == "%" else row.unit
    return f"{sign}{format_number(row.diff)}{unit}"


def format_pct(row: FigureRow) -> str:
    if row.pct is None or row.unit == "%":
        return ""
    sign = "+" if row.pct > 0 else ""
    return f"{sign}{format_number(round(row.pct, 1))}%"


def format_fact(fact: Fact | None) -> str:
    """A fact's value as a clerk reads it: 下降 shown as ↓, qualifier kept (余, 近 …)."""
    if fact is None:
        return ""
    arrow = {"down": "↓", "up": "↑"}.get(fact.direction or "", "")
    return f"{arrow}{format_number(fact.value)}{fact.unit}{fact.qualifier if fact.qualifier in {'余', '多'} else ''}"


FIGURE_HEADERS = ("指标", "指标代码", "单位", "左侧数值", "右侧数值", "差值", "变化率", "说明", "左侧原句", "右侧原句")


def figure_matrix(rows: Sequence[FigureRow]) -> list[list[Any]]:
    """Header row then one row per indicator, numbers as numbers (for TSV, Excel and printing)."""
    out: list[list[Any]] = [list(FIGURE_HEADERS)]
    for row in rows:
        note = row.note or ("仅左侧" if row.fact_b is None else "仅右侧" if row.fact_a is None else "")
        out.append([
            row.label, row.key or "", row.unit, row.value_a, row.value_b, row.diff,
            None if row.pct is None or row.unit == "%" else row.pct / 100, note,
            row.fact_a.sentence if row.fact_a else "", row.fact_b.sentence if row.fact_b else "",
        ])
    return out


def figure_tsv(rows: Sequence[FigureRow]) -> str:
    lines = []
    for n, values in enumerate(figure_matrix(rows)):
        cells = []
        for col, v in enumerate(values):
            if n and col == 6 and v is not None:
                cells.append(f"{format_number(round(v * 100, 2))}%")
            elif isinstance(v, float):
                cells.append(format_number(v))
            else:
                cells.append("" if v is None else str(v).replace("\t", " ").replace("\n", " "))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"
