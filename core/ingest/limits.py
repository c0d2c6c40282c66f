"""The time limit of one file in an import: a base plus so much per megabyte, more per OCR page."""

from __future__ import annotations

import math
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TimeLimit:
    """Wall seconds one file may take to be read and analysed: `base_s + per_mb_s × size in MB`, plus
    `ocr_page_s` for every page a reader recognises by OCR. A setting: the GUI lets the user change it.

    Real reports take well under a second each; the default (30 s + 10 s per MB) only stops files that
    would otherwise keep an import busy for minutes. `TimeLimit.unlimited()` switches it off.
    """

    base_s: float = 30.0
    per_mb_s: float = 10.0
    ocr_page_s: float = 90.0

    def for_size(self, size_bytes: int) -> float:
        """The limit in seconds for a file of `size_bytes` (math.inf when unlimited)."""
        if not self.enabled:
            return math.inf
        return max(1.0, self.base_s + self.per_mb_s * max(0, size_bytes) / MB)

    @property
    def enabled(self) -> bool:
        return math.isfinite(self.base_s) and math.isfinite(self.per_mb_s) and self.base_s > 0

    @classmethod
    def unlimited(cls) -> TimeLimit:
        return cls(math.inf, 0.0, 0.0)


DEFAULT_TIME_LIMIT = TimeLimit()
