"""Fuzzed queries through archive.search / search_ids / list_ids and find_in_text: no input raises."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import Archive
from core.errors import QueryError
from core.search import find_in_text
from tests.robustness.conftest import BUNDLED_SAMPLES

# Pieces that mean something to FTS5, SQL or our own query syntax, mixed with report vocabulary.
SYNTAX = ['"', "'", "-", "+", "*", "^", "(", ")", ":", ";", "NEAR", "NEAR(", "AND", "OR", "NOT", "AND NOT",
          "\\", "%", "_", "[", "]", "{", "}", "\x00", "\t", "\n", "　", "“", "”", "‘", "（", "）", "—", "…",
          "'; DROP TABLE documents; --", "title:", "text:", "-行政", '"行政复议', "复议\"", "*复议", "2024年"]
WORDS = ["行政复议", "复议", "法治", "政府", "云溪区", "司法局", "纠错率", "100%", "13.1", "一", "的", "年度报告",
         "ａｂｃ", "１２３", "🙂", "\u200b", "\ufeff", "𠀀"]

queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=8).map(" ".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=8).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=60, max_size=120),
)



@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    path = tmp_path_factory.mktemp("fuzz") / "档案.sqlite"
    with Archive.open(path) as opened:
        report = opened.import_paths([BUNDLED_SAMPLES])
        assert opened.count() >= 5, report
        yield opened


def _tolerated(call: object) -> None:
    try:
        call()  # type: ignore[operator]
    except QueryError as error:  # allowed by the contract for hopeless input, with a Chinese message
        assert str(error)


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_no_query_raises(archive: Archive, query: str) -> None:
    def search() -> None:
        hits = archive.search(query, limit=5)
        assert len(hits) <= 5
        for hit in hits:
            for start, end in hit.highlights:
                assert 0 <= start <= end <= len(hit.snippet)

    _tolerated(search)
    _tolerated(lambda: archive.search_ids(query))
    _tolerated(lambda: archive.list_ids(query=query, order_by=None))
    spans = find_in_text("全年收到行政复议申请236件，直接纠错率13.1%。", query)
    assert all(0 <= a <= b for a, b in spans)


@pytest.mark.parametrize("query", ["0\x00", "\x00", '"\x00"', "复议\x00纠错", "\x1f", "\ud7ff", "ab\x00\x00"])
def test_control_characters_in_a_query(archive: Archive, query: str) -> None:
    """Pasted text can carry NUL and other control characters (found by the fuzzer: '0\\x00')."""
    _tolerated(lambda: archive.search(query, limit=5))
    _tolerated(lambda: archive.search_ids(query))


def test_ordinary_queries_still_work_after_fuzzing(archive: Archive) -> None:
    assert archive.search("行政复议", limit=10)
    assert not archive.search("完全不存在的词语组合", limit=10)


def test_archive_is_intact_after_hostile_queries(archive: Archive, tmp_path: Path) -> None:
    for query in ("'; DROP TABLE documents; --", 'x" OR 1=1 --', "documents MATCH '*'"):
        _tolerated(lambda q=query: archive.search(q))
    assert archive.count() >= 5
    assert archive.check() == []
