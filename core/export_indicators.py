"""The Excel export's indicator columns (from resources/indicators.tsv and the user's dictionary) and how a
report's figures become one value per column (normalised units, the stated value, disagreements)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import domain
from core.models import Fact
from core.paths import resource


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
    value = float(value)
    if value - value != 0.0:  # NaN/inf (inf - inf is NaN) are not Excel numbers
        return 0
    if value.is_integer() and -1e15 < value < 1e15:
        return int(value)
    return round(value, 6)


def _fmt(value: float) -> str:
    n = _number(value)
    return f"{n:g}" if isinstance(n, float) else str(n)


_MONEY_UNITS: dict[str, bool] = {}


def _is_money_unit(unit: str) -> bool:
    hit = _MONEY_UNITS.get(unit)
    if hit is None:
        hit = domain.is_money(unit)
        if len(_MONEY_UNITS) > 10_000:
            _MONEY_UNITS.clear()
        _MONEY_UNITS[unit] = hit
    return hit


# (unit, indicator kind) → how a value in that unit becomes the column's: ("money", fa, fb) for value * fa / fb
# (domain.convert to 万元), ("scale", factor, 1.0) for value * factor, None to keep it as it is
_Conversion = tuple[str, float, float] | None
_CONVERSIONS: dict[tuple[str, str | None], _Conversion] = {}


def _conversion(unit: str, kind: str | None) -> _Conversion:
    key = (unit, kind)
    try:
        return _CONVERSIONS[key]
    except KeyError:
        pass
    found: _Conversion
    if kind == "money":
        base_a, fa = domain.unit_scale(unit)
        base_b, fb = domain.unit_scale("万元")
        found = ("money", fa, fb) if base_a == base_b else None
    elif kind == "rate":
        found = None
    else:
        found = ("scale", domain.unit_scale(unit)[1], 1.0)
    if len(_CONVERSIONS) > 10_000:
        _CONVERSIONS.clear()
    _CONVERSIONS[key] = found
    return found


def normalise(fact: Fact, ind: IndicatorColumn | None) -> float:
    """The fact's value in its 报告 column's unit (money in 万元, 万/亿 prefixes expanded; a 下降 change negative)."""
    value = float(fact.value)
    how = _conversion(fact.unit or "", ind.kind if ind is not None else None)
    if how is not None:
        if how[0] == "money":
            value = value * how[1] / how[2]  # the same operations as domain.convert
        else:
            value *= how[1]
    if fact.direction == "down" and fact.key and fact.key.endswith(".change"):
        value = -value
    return float(_number(value))


@dataclass(slots=True)
class Summary:
    """One indicator's value in one document, as the 报告 sheet shows it."""

    value: float
    note: str | None  # set when the document's statements disagree
    fact: Fact | None = None  # the statement the value comes from
    verified: bool = False  # a person confirmed, corrected or added it (人工确认)


def summarise(facts: Sequence[Fact], indicators: dict[str, IndicatorColumn], report_year: int | None = None,
              text: str | domain.TextSource | None = None) -> dict[str, Summary]:
    """Per indicator key, the figure the report states (core.domain.stated_fact: a person's word first,
    never a start value, another year's figure or a target; the stated total, else the first statement).
    When the report's own statements differ, the note lists them."""
    return _summaries(domain.stated_facts(facts, report_year, text), indicators)


def _summaries(statements: dict[str, domain.Statement], indicators: dict[str, IndicatorColumn]) -> dict[str, Summary]:
    out: dict[str, Summary] = {}
    for key, statement in statements.items():
        ind = indicators.get(key)
        chosen = statement.fact
        values: list[float] = []
        for f in statement.eligible:
            v = normalise(f, ind)
            if v not in values:
                values.append(v)
        note = None
        if len(values) > 1:
            note = "多处数值不一致: " + "; ".join(_fmt(v) for v in values)
            note += f"\n采用: {_fmt(normalise(chosen, ind))}（{chosen.sentence[:80]}）"
        out[key] = Summary(normalise(chosen, ind), note, chosen, statement.verified)
    return out
