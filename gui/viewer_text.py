"""The viewer's small text helpers: Python ↔ Qt offsets, how a value is shown, how a typed value is read."""

from __future__ import annotations

import bisect
import re

from PySide6.QtGui import QTextOption


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


# Qt's word wrap is quadratic on a line with no break opportunity (200,000 digits: 2 s; with the
# viewer's highlights, half a minute). A document with a line this long wraps anywhere instead
# (Chinese text wraps between any two characters anyway); real reports' paragraphs are far shorter.
HUGE_LINE = 5_000


def wrap_mode_for(text: str) -> QTextOption.WrapMode:
    """WrapAnywhere for a text with a line of HUGE_LINE characters or more, else the usual word wrap."""
    if len(text) >= HUGE_LINE and any(len(line) >= HUGE_LINE for line in text.split("\n")):
        return QTextOption.WrapMode.WrapAnywhere
    return QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
