"""Date parsing for report metadata: 2023-09-12, 2023年8月24日, 二〇二三年十一月二十一日 and damaged "2023824"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MIN_YEAR = 1980
MAX_YEAR = 2060

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零OＯ一二三四五六七八九十"

# 2023-09-12 / 2023.9.12 / 2023/9/12 / 2023年9月12日 (spaces tolerated around the parts).
_ARABIC = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?|[-./](\d{1,2})[-./](\d{1,2}))(?!\d)"
)
# 二〇二三年十一月二十一日
_CHINESE = re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*日")
# Scraping damage: the 年/月/日 were dropped, "2023824" or "20230824" or "2020925".
_DIGITS = re.compile(r"(?<![\d.%])((?:19|20)\d{2})(\d{2,4})(?![\d.%])")


@dataclass(frozen=True, slots=True)
class DateHit:
    """One date found in a text: its span and the ISO form."""

    start: int
    end: int
    iso: str
    damaged: bool = False  # read from a digits-only run whose separators were lost


def _valid(year: int, month: int, day: int) -> bool:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and day >= 1):
        return False
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return day <= (29 if leap else 28)
    return day <= (30 if month in (4, 6, 9, 11) else 31)


def iso(year: int, month: int, day: int) -> str | None:
    """The ISO date, or None when the parts do not form a real date."""
    return f"{year:04d}-{month:02d}-{day:02d}" if _valid(year, month, day) else None


def _cn_small(s: str) -> int | None:
    """一 … 三十一 (months and days)."""
    if not s:
        return None
    if "十" in s:
        left, _, right = s.partition("十")
        tens = _CN_DIGITS.get(left, -1) if left else 1
        ones = _CN_DIGITS.get(right, -1) if right else 0
        if tens < 0 or ones < 0 or len(left) > 1 or len(right) > 1:
            return None
        return tens * 10 + ones
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    return None


def split_digits(year: int, rest: str) -> tuple[int, int] | None:
    """Month and day from the digits that followed a year whose separators were lost.

    "824" → (8, 24); "925" → (9, 25); "1121" → (11, 21); "111" is (1, 11) or (11, 1): ambiguous → None.
    """
    readings: set[tuple[int, int]] = set()
    for cut in range(1, len(rest)):
        month_s, day_s = rest[:cut], rest[cut:]
        if len(month_s) > 2 or len(day_s) > 2:
            continue
        month, day = int(month_s), int(day_s)
        if _valid(year, month, day):
            readings.add((month, day))
    if len(readings) == 1:
        return readings.pop()
    return None


def find_dates(text: str, *, damaged: bool = True) -> Iterator[DateHit]:
    """Every date in `text` in order of position (damaged digit runs only when `damaged`)."""
    hits: list[DateHit] = []
    for m in _ARABIC.finditer(text):
        year = int(m.group(1))
        month = int(m.group(2) or m.group(4))
        day = int(m.group(3) or m.group(5))
        value = iso(year, month, day)
        if value:
            hits.append(DateHit(m.start(), m.end(), value))
    for m in _CHINESE.finditer(text):
        digits = [_CN_DIGITS.get(c) for c in m.group(1)]
        if any(d is None for d in digits):
            continue
        year = int("".join(str(d) for d in digits))
        cn_month, cn_day = _cn_small(m.group(2)), _cn_small(m.group(3))
        if cn_month is None or cn_day is None:
            continue
        value = iso(year, cn_month, cn_day)
        if value:
            hits.append(DateHit(m.start(), m.end(), value))
    if damaged:
        for m in _DIGITS.finditer(text):
            if any(h.start <= m.start() < h.end for h in hits):
                continue
            year = int(m.group(1))
            parts = split_digits(year, m.group(2))
            if parts:
                value = iso(year, *parts)
                if value:
                    hits.append(DateHit(m.start(), m.end(), value, damaged=True))
    hits.sort(key=lambda h: h.start)
    return iter(hits)


def parse_date(text: str) -> str | None:
    """The first date in a short string, as YYYY-MM-DD; None when there is none."""
    for hit in find_dates(text):
        return hit.iso
    return None
