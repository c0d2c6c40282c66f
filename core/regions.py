"""Administrative regions: find and normalise 省/市/县 names with the official division table (12-digit adcodes).

The table is `resources/regions/adcodes.csv` (shipped with the app; provenance and licence in
`resources/regions/README.md`) (province, prefecture and county rows; the hierarchy is
the code prefix: 2 digits province, 4 digits prefecture, 6 digits county). It is read lazily, once.

Normal form: "province + prefecture + county" as far as known, e.g. "江苏省南京市秦淮区", "广东省深圳市",
"江西省南昌市南昌县". A name that repeats its parent is written once, so a municipality gives
"上海市浦东新区" and "北京市" (not "北京市北京市"), and a county that hangs directly under its province
(省直辖县级行政区, e.g. 仙桃市) gives "湖北省仙桃市".
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from core.paths import resource

# Administrative suffixes, longest first, stripped to get a short name (南京市 → 南京).
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "联合旗", "地区", "林区", "新区",
             "省", "市", "区", "县", "盟", "旗")
# Characters a full name ends with; used to find names in running text.
_END_CHARS = frozenset("省市区县州旗盟")
_PROVINCE, _CITY, _COUNTY = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Unit:
    code: str  # 6 digits: "320104"
    name: str
    level: int  # 1 province, 2 prefecture, 3 county

    @property
    def province(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city(self) -> str:
        return self.code[:4] + "00"


@dataclass(frozen=True, slots=True)
class RegionMention:
    """A full region name found in a text."""

    start: int
    end: int
    codes: tuple[str, ...]


class _Table:
    def __init__(self, rows: list[tuple[str, str]], nations: list[str]) -> None:
        self.units: dict[str, Unit] = {}
        for code12, name in rows:
            code = code12[:6]
            if code12[6:].strip("0") or not name:
                continue  # below county level (not in the shipped table, but be safe)
            level = _PROVINCE if code[2:] == "0000" else _CITY if code[4:] == "00" else _COUNTY
            self.units[code] = Unit(code, name, level)
        self.by_name: dict[str, list[str]] = {}
        self.by_short: dict[str, list[str]] = {}
        ethnic = sorted({n for n in nations if n} | {n[:-1] for n in nations if len(n) >= 4}, key=len,
                        reverse=True)
        for unit in self.units.values():
            self.by_name.setdefault(unit.name, []).append(unit.code)
            short = _short_name(unit.name, ethnic)
            if short and short != unit.name:
                self.by_short.setdefault(short, []).append(unit.code)
        self.max_len = max(len(n) for n in self.by_name)
        # the last three characters of every name of three or more (a cheap filter for find_regions), with
        # the lengths of the names ending in them, longest first (the only lengths worth a look-up)
        lengths: dict[str, set[int]] = {}
        for n in self.by_name:
            if len(n) >= 3:
                lengths.setdefault(n[-3:], set()).add(len(n))
        self.tail_lengths = {tail: tuple(sorted(found, reverse=True)) for tail, found in lengths.items()}
        # A name's end character preceded by characters that can stand two and one before the end of a
        # name of three or more: the only ends find_regions looks up (the others have no name ending there).
        third = "".join(sorted({re.escape(tail[0]) for tail in lengths}))
        second = "".join(sorted({re.escape(tail[1]) for tail in lengths}))
        ends = "[" + "".join(sorted(_END_CHARS)) + "]"
        self.name_ends = re.compile(f"{ends}(?<=[{third}][{second}]{ends})" if lengths else "(?!)")
        self.max_short = max(len(n) for n in self.by_short)

    def parent(self, code: str) -> str | None:
        unit = self.units[code]
        if unit.level == _COUNTY and unit.city in self.units:
            return unit.city
        if unit.level >= _CITY and unit.province in self.units and unit.province != code:
            return unit.province
        return None

    def chain(self, code: str) -> list[Unit]:
        out: list[Unit] = []
        current: str | None = code
        while current is not None:
            out.append(self.units[current])
            current = self.parent(current)
        out.reverse()
        return out

    def is_ancestor(self, anc: str, code: str) -> bool:
        return anc != code and any(u.code == anc for u in self.chain(code))


def _short_name(name: str, ethnic: list[str]) -> str | None:
    base = name
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 2:
            base = base[: -len(suffix)]
            break
    changed = "自治" in name
    while changed:
        changed = False
        for eth in ethnic:
            if base.endswith(eth) and len(base) - len(eth) >= 2:
                base = base[: -len(eth)]
                changed = True
                break
    return base if len(base) >= 2 else None


def _resource_dir() -> Path | None:
    """The division table shipped in `resources/regions/` (provenance and licence in its README)."""
    folder = resource("regions")
    return folder if (folder / "adcodes.csv").is_file() else None


@cache
def _table() -> _Table:
    folder = _resource_dir()
    rows: list[tuple[str, str]] = []
    nations: list[str] = []
    if folder is not None:
        with (folder / "adcodes.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            rows = [(r[0], r[1].strip()) for r in reader if len(r) >= 2 and r[0].isdigit()]
        supplement = folder / "supplement.csv"  # official units the shipped table lacks (README there)
        if supplement.is_file():
            known = {code for code, _ in rows}
            with supplement.open(encoding="utf-8", newline="") as fh:
                extra = [(r[0], r[1].strip()) for r in csv.reader(fh) if len(r) >= 2 and r[0].isdigit()]
            rows.extend(row for row in extra if row[0] not in known)
        nations_file = folder / "56_nations.csv"
        if nations_file.is_file():
            nations = [line.strip() for line in nations_file.read_text(encoding="utf-8").splitlines()]
    if not rows:  # the division table is missing: no region can be named, nothing breaks
        rows = [("000000000000", "")]
    return _Table(rows, nations)


def up_to_prefecture(code: str) -> str:
    """The prefecture of a county (the code itself for a prefecture or province)."""
    t = _table()
    u = t.units.get(code)
    if u is not None and u.level == _COUNTY and u.city in t.units:
        return u.city
    return code


def counties_of(code: str) -> list[Unit]:
    """The county-level units of a prefecture (none for a county or a province)."""
    t = _table()
    u = t.units.get(code)
    if u is None or u.level != _CITY:
        return []
    return [c for c in t.units.values() if c.level == _COUNTY and c.city == code]


def short_name(name: str) -> str | None:
    """A unit's name without its level word ("余杭区" → "余杭", "南京市" → "南京"); None when too short."""
    return _short_name(name, [])


def table_ready() -> bool:
    """True when the division table was found (the app still runs without it, with no regions)."""
    return len(_table().units) > 1


def full_name(code: str) -> str:
    """The normal form of a unit: "江苏省南京市秦淮区"; a name equal to its parent's is written once."""
    parts: list[str] = []
    for unit in _table().chain(code):
        if not parts or parts[-1] != unit.name:
            parts.append(unit.name)
    return "".join(parts)


def unit(code: str) -> Unit | None:
    return _table().units.get(code)


class _LazyContext:
    """context_codes(text), worked out the first time an ambiguous name needs it (most names are unique,
    and then the text's region names are never read)."""

    __slots__ = ("_codes", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._codes: set[str] | None = None

    def codes(self) -> set[str]:
        if self._codes is None:
            self._codes = context_codes(self._text)
        return self._codes


def _codes_of(context: set[str] | _LazyContext) -> set[str]:
    return context.codes() if isinstance(context, _LazyContext) else context


def _choose(codes: list[str], context: set[str] | _LazyContext, text: str = "") -> str | None:
    """One code out of several units of the same name: an ancestor of all the others (北京市 the
    province over 北京市 the prefecture), else the one the context places (a city or province named
    in the text), else None."""
    if len(codes) == 1:
        return codes[0]
    t = _table()
    for code in codes:
        if all(other == code or t.is_ancestor(code, other) for other in codes):
            return code
    context = _codes_of(context)
    placed = [c for c in codes if {u.code for u in t.chain(c)} & context]
    if len(placed) == 1:
        return placed[0]
    if placed:
        return None
    if text:  # the text names one candidate's prefecture or province (even by its short name) most
        scores = [_ancestor_mentions(c, text) for c in codes]
        best = max(scores)
        if best > 0 and scores.count(best) == 1:
            return codes[scores.index(best)]
    # Unplaced: a short name shared by a province and a district (河北 → 河北省, not 天津的河北区).
    top = min(t.units[c].level for c in codes)
    highest = [c for c in codes if t.units[c].level == top]
    if len(highest) == 1 and top < _COUNTY:
        return highest[0]
    return None


def _ancestor_mentions(code: str, text: str) -> int:
    t = _table()
    total = 0
    for u in t.chain(code)[:-1]:
        short = _short_name(u.name, [])
        total += text.count(short) if short else text.count(u.name)
    return total


def parse_prefix(
    s: str, context: str | set[str] = "", *, allow_short: bool = True, text: str = ""
) -> tuple[str, int] | None:
    """The deepest region named at the start of `s` ("南京市秦淮区某某局" → 秦淮区 and its end).

    Names are chained while each is inside the previous one ("江苏南京秦淮区"); a short name (南京, 秦淮)
    counts when `allow_short`. An ambiguous name (朝阳区) is placed with the regions named in `context`.
    Returns (6-digit code, end offset) or None.
    """
    if isinstance(context, set):
        return _prefix(s, context, allow_short=allow_short, text=text)
    return _prefix(s, _LazyContext(context), allow_short=allow_short, text=text or context)


def _prefix(s: str, ctx: set[str] | _LazyContext, *, allow_short: bool, text: str) -> tuple[str, int] | None:
    t = _table()
    pos = 0
    found: str | None = None
    while pos < len(s):
        match = _match_at(s, pos, found, ctx, allow_short=allow_short, text=text)
        if match is None:
            break
        code, end = match
        found, pos = code, end
        if t.units[code].level == _COUNTY:
            break
    return (found, pos) if found is not None else None


def _match_at(
    s: str, pos: int, parent: str | None, ctx: set[str] | _LazyContext, *, allow_short: bool, text: str = ""
) -> tuple[str, int] | None:
    t = _table()
    indexes = [t.by_name, t.by_short] if allow_short else [t.by_name]
    for index in indexes:
        top = t.max_len if index is t.by_name else t.max_short
        for length in range(min(top, len(s) - pos), 1, -1):
            codes = index.get(s[pos : pos + length])
            if not codes:
                continue
            if index is t.by_short and _NOT_AFTER_SHORT.match(s, pos + length):
                continue  # "君山片区", "城关镇": a short name that is part of a smaller place's name
            if parent is not None:
                codes = [c for c in codes if t.is_ancestor(parent, c)]
                if not codes:
                    continue
                code = codes[0] if len(codes) == 1 else _choose(codes, {parent} | _codes_of(ctx))
            else:
                code = _choose(codes, ctx, text)
            if code is None:
                return None  # a name that cannot be placed: do not read a shorter one into it
            return code, pos + length
    return None


# What follows a short name when it names a smaller place, not the county (君山片区 is no 君山区).
_NOT_AFTER_SHORT = re.compile(r"片区|镇|乡|村|街道|社区|园区|大道|路|街(?!道)")


def find_regions(text: str) -> list[RegionMention]:
    """Full region names (with their 省/市/区/县… suffix) in running text, longest match at each end.

    Two-character names (城区, 东区, 和县, 新县) are skipped: in running text they are mostly ordinary words.
    """
    return list(_find_regions(text))


_END_RE = re.compile("[" + "".join(sorted(_END_CHARS)) + "]")


@lru_cache(maxsize=8)
def _find_regions(text: str) -> tuple[RegionMention, ...]:
    return tuple(_mentions(text))


def first_mention(text: str, code: str) -> RegionMention | None:
    """The first of find_regions(text) that can be `code`, the text read only as far as that one."""
    return next((mention for mention in _mentions(text) if code in mention.codes), None)


def _mentions(text: str) -> Iterator[RegionMention]:
    """find_regions, one mention at a time, in order."""
    t = _table()
    last_end = 0
    tail_lengths = t.tail_lengths
    by_name = t.by_name
    for m in t.name_ends.finditer(text):  # the _END_RE matches that can end a name
        end = m.end()
        if (lengths := tail_lengths.get(text[end - 3 : end])) is None:
            continue
        for length in lengths:  # the longest name first, as far back as the last name found
            if length > end - last_end:
                continue
            start = end - length
            codes = by_name.get(text[start:end])
            if codes:
                placed = _not_contradicted(codes, text, start)
                if placed:
                    yield RegionMention(start, end, tuple(placed))
                last_end = end
                break


# A city-level name written right before a county ("青禾市云溪区"): 2–4 characters ending in 市/州/盟.
_CITY_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,4}[市州盟]$")


def _not_contradicted(codes: list[str], text: str, start: int) -> list[str]:
    """The candidate counties whose own city agrees with a city name written right before them.

    "深圳市罗湖区" keeps 罗湖区; "青禾市云溪区" (a city that is not 云溪区's 岳阳市) drops it, so a county of
    the same name elsewhere is never read into a text about another place. No city before: all kept.
    """
    t = _table()
    before = _CITY_BEFORE.search(text, max(0, start - 5), start)
    if before is None:
        return codes
    written = before.group(0)
    kept = []
    for code in codes:
        if t.units[code].level != _COUNTY:
            kept.append(code)
            continue
        names = set()
        for u in t.chain(code)[:-1]:
            names.add(u.name)
            short = _short_name(u.name, [])
            if short:
                names.add(short + written[-1])
        if any(written.endswith(n) for n in names):
            kept.append(code)
    return kept


def context_codes(text: str) -> set[str]:
    """Codes of the provinces and prefectures named unambiguously in `text` (for placing 朝阳区)."""
    t = _table()
    out: set[str] = set()
    for mention in find_regions(text):
        codes = list(mention.codes)
        code = _choose(codes, set())
        if code is not None and t.units[code].level < _COUNTY:
            out.add(code)
            out.update(u.code for u in t.chain(code))
    return out


def dominant_region(text: str) -> str | None:
    """The region a text is about, from the full names it mentions.

    The prefecture with the most support (its own mentions plus its counties') is chosen when it clearly
    leads; inside it, a county only when it clearly dominates the other counties and is named at least
    half as often as the prefecture itself (a city report names many districts a few times each).
    Without a leading prefecture, the leading province. None when nothing leads.
    """
    t = _table()
    mentions = find_regions(text)
    if not mentions:
        return None
    ctx = context_codes(text)
    direct: Counter[str] = Counter()
    for mention in mentions:
        code = _choose(list(mention.codes), ctx)
        if code is not None:
            direct[code] += 1
    support: Counter[str] = Counter()
    for code, n in direct.items():
        for u in t.chain(code):
            support[u.code] += n
    cities = Counter({c: n for c, n in support.items() if t.units[c].level == _CITY})
    city = _leader(cities)
    if city is None:
        counties_alone = Counter({c: n for c, n in direct.items()
                                  if t.units[c].level == _COUNTY and t.parent(c) == t.units[c].province})
        lone = _leader(counties_alone)
        if lone is not None:
            return lone
        province = _leader(Counter({c: n for c, n in support.items() if t.units[c].level == _PROVINCE}))
        if province is None:
            return None
        # Reports often write their own city without 市 ("深圳经济特区"): count the short names of the
        # province's prefectures, and take one that clearly leads.
        shorts: Counter[str] = Counter()
        found = _short_counts(text, _CITY)
        for code, city_province, short in _short_names(_CITY):  # (_short_name gives 2+ characters or None)
            if city_province == province:
                shorts[code] = found.get(short, 0)  # text.count(short)
        city = _leader(shorts)
        if city is None or shorts[city] < 3:
            return province
        return city
    counties = Counter({c: n for c, n in direct.items() if t.units[c].level == _COUNTY and c.startswith(city[:4])})
    county = _leader(counties)
    if county is not None and 2 * counties[county] >= direct.get(city, 0):
        return county
    return city


@cache
def _short_names(level: int) -> tuple[tuple[str, str, str], ...]:
    """(code, province, short name of 2+ characters) of the units of one level, in table order."""
    return tuple(
        (u.code, u.province, short)
        for u in _table().units.values()
        if u.level == level and (short := _short_name(u.name, [])) and len(short) >= 2
    )


@cache
def _short_finder(level: int) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """A pattern that stops at every place where a short name of the level may start (its first character,
    followed by a possible second one; a match is one character long, so no start is passed over), and the
    short names by their first character."""
    names = sorted({short for _code, _province, short in _short_names(level)})
    by_first: dict[str, list[str]] = {}
    for name in names:
        by_first.setdefault(name[0], []).append(name)
    firsts = "".join(re.escape(c) for c in sorted(by_first))
    seconds = "".join(re.escape(c) for c in sorted({name[1] for name in names}))
    pattern = re.compile(f"[{firsts}](?=[{seconds}])" if names else "(?!)")
    return pattern, {first: tuple(group) for first, group in by_first.items()}


@lru_cache(maxsize=4)
def _short_counts(text: str, level: int) -> dict[str, int]:
    """{short name: text.count(short name)} for the short names (2+ characters) of one level that occur in
    `text`, in one scan instead of one count per name: each name's occurrences taken left to right, one
    starting only where the last one taken ended, as str.count does. (Read only: the dict is cached.)"""
    pattern, by_first = _short_finder(level)
    counts: dict[str, int] = {}
    free_from: dict[str, int] = {}
    for m in pattern.finditer(text):
        at = m.start()
        for name in by_first[text[at]]:
            if at >= free_from.get(name, 0) and text.startswith(name, at):
                counts[name] = counts.get(name, 0) + 1
                free_from[name] = at + len(name)
    return counts


def city_by_short_name(text: str, within: str | None = None, min_count: int = 1) -> str | None:
    """The prefecture a text names most by its short name ("绍兴", "武汉"), optionally inside one province;
    None when none is named (at least `min_count` times) or two lead equally. For a text that says only
    市X局, or that never writes its city's full name."""
    counts: Counter[str] = Counter()
    units = _units_by_short(_CITY)
    for short, n in _short_counts(text, _CITY).items():  # (the leader does not depend on the order)
        for code, province in units[short]:
            if not within or province == within:
                counts[code] = n
    return _clear_leader(counts, min_count)


@cache
def _units_by_short(level: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """{short name: ((code, province), …)} of the units of one level, from _short_names."""
    out: dict[str, list[tuple[str, str]]] = {}
    for code, province, short in _short_names(level):
        out.setdefault(short, []).append((code, province))
    return {short: tuple(units) for short, units in out.items()}


def _clear_leader(counts: Counter[str], min_count: int) -> str | None:
    """The code named most, at least `min_count` times and at least twice as often as the next one."""
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < min_count or (len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]):
        return None
    return ranked[0][0]


def province_by_short_name(text: str, min_count: int = 2) -> str | None:
    """The province a text names most by its short name ("湖南", "河北"), at least `min_count` times and
    clearly ahead of any other; None otherwise. For a text that says only 省人民政府 / 省X厅."""
    counts: Counter[str] = Counter()
    units = _units_by_short(_PROVINCE)
    for short, n in _short_counts(text, _PROVINCE).items():  # (the leader does not depend on the order)
        for code, _province in units[short]:
            counts[code] = n
    return _clear_leader(counts, min_count)


def _leader(counts: Counter[str]) -> str | None:
    ranked = counts.most_common(2)
    if not ranked:
        return None
    best, count = ranked[0]
    runner = ranked[1][1] if len(ranked) > 1 else 0
    return best if count >= 2 and count >= 2 * runner else None


def region_of(agency_or_text: str, context: str = "") -> str | None:
    """The normal-form region of an agency name or a title ("秦淮区政府" → "江苏省南京市秦淮区"),
    placing an ambiguous name with `context`; for a longer text with no region at its start, the region
    the text mostly talks about. None when no region is named."""
    code = region_code(agency_or_text, context)
    return full_name(code) if code else None


def region_code(agency_or_text: str, context: str = "") -> str | None:
    """Like region_of, the 6-digit code instead of the name."""
    s = agency_or_text.strip()
    if not s:
        return None
    ctx: set[str] | _LazyContext = _LazyContext(context) if context else set()
    hit = _prefix(s, ctx, allow_short=True, text=context)
    if hit is not None:
        return hit[0]
    if len(s) <= 60:  # a title: "关于秦淮区政府…", "在深圳市罗湖区第七届人民代表大会…"
        for m in _LEAD_WORD.finditer(s):
            hit = _prefix(s[m.end() :], ctx, allow_short=False, text=context)
            if hit is not None:
                return hit[0]
        return _deepest_named(s, ctx, context)
    return dominant_region(s)


def _deepest_named(s: str, ctx: set[str] | _LazyContext, text: str) -> str | None:
    """In a short string ("中共南京市秦淮区委员会"), the deepest region named, if all it names agree."""
    t = _table()
    codes = [c for c in (_choose(list(m.codes), ctx, text) for m in find_regions(s)) if c is not None]
    if not codes:
        return None
    deepest = max(codes, key=lambda c: t.units[c].level)
    chain = {u.code for u in t.chain(deepest)}
    return deepest if all(c in chain for c in codes) else None


_LEAD_WORD = re.compile(r"关于|在|[（(]|\d{4}年度?")


def normalise_region(name: str, context: str = "") -> str | None:
    """A region as written ("南京秦淮", "秦淮区", "上海浦东新区") in normal form; None when unknown."""
    return region_of(name, context)


def missing_prefix(code: str) -> str:
    """The prefecture name to put before an agency written from its county ("南山区人民政府" → "深圳市",
    "浦东新区…" → "上海市"); empty for a prefecture or province, or a county directly under its province."""
    t = _table()
    unit_ = t.units.get(code)
    if unit_ is None or unit_.level != _COUNTY or unit_.city not in t.units:
        return ""
    return t.units[unit_.city].name


def prefix_of(code: str) -> str:
    """The prefecture + county part of a normal form, as agencies write it ("南京市秦淮区"); for a
    province-level unit its own name."""
    t = _table()
    chain = t.chain(code)
    names: list[str] = []
    for u in chain:
        if u.level == _PROVINCE and len(chain) > 1:
            continue
        if not names or names[-1] != u.name:
            names.append(u.name)
    return "".join(names)
