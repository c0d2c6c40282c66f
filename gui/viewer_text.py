"""The viewer's small text helpers: Python ↔ Qt offsets, how a value is shown, how a typed value is read."""

from __future__ import annotations

import bisect
import re


def format_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class OffsetMap:
    """Python str offsets ↔ Qt (UTF-16) positions; identity unless the text has non-BMP characters."""

    def __init__(self, text: str) -> None:
        self.astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def to_qt(self, offset: int) -> int:
        return offset + bisect.bisect_left(self.astral, offset) if self.astral else offset

    def to_py(self, pos: int) -> int:
        if not self.astral:
            return pos
        # each astral char before the position takes two Qt units
        offset = pos
        for i, a in enumerate(self.astral):
            if a + i < pos:
                offset -= 1
            else:
                break
        return offset


def parse_value_unit(text: str) -> tuple[float, str] | None:
    """'12.5 %' / '300件' / '1,200 万元' → (value, unit)."""
    m = re.match(r"\s*([+-]?\d[\d,，]*(?:\.\d+)?)\s*(.*?)\s*$", text)
    if not m:
        return None
    try:
        value = float(m.group(1).replace(",", "").replace("，", ""))
    except ValueError:
        return None
    return value, m.group(2)
