"""Linear analysis: pathological text shapes (runs of numerals, digits, units, punctuation, brackets, headings,
list markers) never raise and cost work in proportion to their length.

Work is CPU time (process_time, best of three), never wall time, and the bounds are generous: a linear step
takes about 4× as long on 4× the input; the bar here is 8× (a quadratic path takes 16×, the 50,000-一 path
took minutes). bench/bench_linearity.py prints the per-doubling ratios (≤ 2.5) for BENCHMARKS.md.
"""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import search
from core.clean import clean_text
from core.extract import analyse
from core.facts import MAX_FACTS
from tests.robustness.pathological import GENERATORS

SMALL = 20_000
FACTOR = 4
MAX_RATIO = 8.0  # 4 for linear work, 16 for quadratic
TOO_FAST_TO_JUDGE = 0.3  # CPU seconds on the large input below which any ratio is noise


def _pipeline(text: str) -> int:
    """What an import does to one file's text; returns a count of the things it found (for sanity checks)."""
    cleaned = clean_text(text)
    result = analyse(cleaned, "文件.txt")
    search.index_form(cleaned)
    if cleaned:
        search.find_in_text(cleaned, cleaned[:40])
    for fact in result.facts:
        assert math.isfinite(fact.value) and fact.value >= 0
        assert 0 <= fact.start < fact.end <= len(cleaned)
    for section in result.sections:
        assert 0 <= section.start <= section.end <= len(cleaned)
    assert len(result.facts) <= 2 * MAX_FACTS
    assert len(result.sections) <= cleaned.count("\n") + 1 + cleaned.count("。") + cleaned.count("：") + 1
    return len(result.facts) + len(result.sections)


def _cpu(text: str) -> float:
    best = math.inf
    for _ in range(3):
        started = time.process_time()
        _pipeline(text)
        best = min(best, time.process_time() - started)
    return best


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    _pipeline("某某市司法局2023年法治政府建设年度报告\n一、主要举措\n办理行政复议案件3件。")


@pytest.mark.slow
@pytest.mark.parametrize("shape", sorted(GENERATORS))
def test_each_shape_grows_linearly(shape: str) -> None:
    small = _cpu(GENERATORS[shape](SMALL))
    large = _cpu(GENERATORS[shape](SMALL * FACTOR))
    if large < TOO_FAST_TO_JUDGE:
        return
    ratio = large / max(small, 1e-3)
    assert ratio <= MAX_RATIO, f"{shape}: {small:.3f} s → {large:.3f} s of CPU for {FACTOR}× the text ({ratio:.1f}×)"


def test_the_reported_hangs_are_gone() -> None:
    """50,000 一 then 件 (minutes before), 20,000–40,000 一 (OverflowError), 50,000 headings (9 s, 125 MB)."""
    for text in ("一" * 50_000 + "件", "一" * 20_000 + "件", "一" * 40_000, "（一）标题标题标题\n" * 50_000):
        started = time.process_time()
        _pipeline(text)
        assert time.process_time() - started < 60, "generous: each takes well under two seconds of CPU"


_SHAPES = sorted(GENERATORS)
_NOISE = "0123456789一二两三十百千万亿零点第件人次%、。，；：（）()《》“”\n 率为未发生年月日"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(
        st.tuples(st.sampled_from(_SHAPES), st.integers(min_value=1, max_value=6_000)), min_size=1, max_size=6
    ),
    noise=st.text(alphabet=_NOISE, max_size=200),
)
def test_mixtures_of_shapes_never_raise_and_stay_bounded(pieces: list[tuple[str, int]], noise: str) -> None:
    text = noise.join(GENERATORS[shape](size) for shape, size in pieces)
    started = time.process_time()
    _pipeline(text)
    spent = time.process_time() - started
    # ≤ 36,000 characters: a linear pipeline needs a fraction of a second; a quadratic one, minutes.
    assert spent < 30, f"{spent:.1f} s of CPU on {len(text)} characters: {[p[0] for p in pieces]}"

