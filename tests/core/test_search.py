"""Search: Ctrl+F semantics against substring truth, AND, phrases, exclusion, snippets, filters, hostile input."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import Archive
from core.search import (
    find_in_text,
    fts_expression,
    index_form,
    make_snippet,
    normalise,
    parse_query,
    term_pattern,
)
from tests.conftest import CORPUS, SAMPLES

_SPACES = re.compile(r"\s+")


@pytest.fixture(scope="module")
def arch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    if not SAMPLES.is_dir() or not CORPUS.is_dir():
        pytest.skip("../shared is not present")
    folder = tmp_path_factory.mktemp("extra")
    (folder / "编号甲.txt").write_text("关于档案编号的说明\n本件编号9999，另附材料。\n", encoding="utf-8")
    (folder / "编号乙.txt").write_text("关于另一份档案的说明\n本件编号99999，另有附件。\n", encoding="utf-8")
    (folder / "英文.txt").write_text("会议纪要\nThe Legal Aid Center handled 4711 cases.\n", encoding="utf-8")
    archive = Archive.open(tmp_path_factory.mktemp("search") / "a.sqlite")
    files = sorted(SAMPLES.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))[:25] + sorted(folder.glob("*.txt"))
    report = archive.import_paths(files, workers=0)
    assert report.count("imported") == len(files)
    yield archive
    archive.close()


def _squash(text: str) -> str:
    return _SPACES.sub(" ", normalise(text).lower())


def _truth(arch: Archive, needle: str) -> set[int]:
    """Documents whose title or text contains the needle (case and full-width folded, any whitespace run)."""
    squashed = _squash(needle)
    return {
        doc.id for doc in arch.get_documents(arch.list_ids())
        if squashed in _squash(doc.title) or squashed in _squash(arch.get_text(doc.id))
    }


@pytest.mark.parametrize("needle", ["复议", "出庭", "政府建", "应诉工", "法", "诉", "行政复议", "出庭应诉", "深圳", "营商环境"])
def test_ctrl_f_is_exact(arch: Archive, needle: str) -> None:
    found = set(arch.search_ids(needle))
    exact = _truth(arch, needle)
    assert exact, f"test corpus has no {needle}"
    assert found == exact, f"missed {len(exact - found)}, {len(found - exact)} without {needle}"


def test_the_design_examples(arch: Archive) -> None:
    fuyi = set(arch.search_ids("复议"))
    assert set(arch.search_ids("行政复议")) <= fuyi
    assert set(arch.search_ids("出庭应诉率")) <= set(arch.search_ids("出庭"))


def test_digits_and_latin_match_inside_longer_runs(arch: Archive) -> None:
    def names(query: str) -> set[str]:
        return {arch.get_document(h.doc_id).source_name for h in arch.search(query)}

    assert names("编号9999") == {"编号甲.txt", "编号乙.txt"}  # 9999 is inside 99999 (Ctrl+F finds it)
    assert names("99999") == {"编号乙.txt"}
    assert names("编号9999，") == {"编号甲.txt"}  # punctuation counts
    assert names("egal ai") == {"英文.txt"} and names("4711") == {"英文.txt"} and names("andled 47") == {"英文.txt"}
    assert names("legal aid") == {"英文.txt"}
    assert names("LEGAL") == {"英文.txt"}  # case-insensitive
    assert names("４７１１") == {"英文.txt"}  # full-width digits


def test_and_phrase_and_exclusion(arch: Archive) -> None:
    a, b = set(arch.search_ids("复议")), set(arch.search_ids("出庭"))
    assert set(arch.search_ids("复议 出庭")) == a & b
    assert set(arch.search_ids("复议 -出庭")) == a - b
    assert set(arch.search_ids("复议　－出庭")) == a - b  # full-width space and minus
    assert set(arch.search_ids("-出庭")) == set(arch.list_ids()) - b
    assert set(arch.search_ids('"行政 复议"')) == _truth(arch, "行政 复议")  # the space is part of it
    assert set(arch.search_ids("“行政复议”")) == set(arch.search_ids("行政复议"))
    aid = set(arch.search_ids('"legal aid"'))
    assert aid and set(arch.search_ids('"aid legal"')) == set()


def test_ranked_best_first_with_original_snippets(arch: Archive) -> None:
    hits = arch.search("行政复议", limit=10)
    assert 0 < len(hits) <= 10
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert [h.doc_id for h in hits] == arch.search_ids("行政复议")[: len(hits)]
    for hit in hits:
        assert hit.highlights
        for start, end in hit.highlights:
            assert hit.snippet[start:end] == "行政复议"
        body = hit.snippet.strip("…")
        text = arch.get_text(hit.doc_id)
        flat = re.sub(r"[\r\n\t]", " ", text)
        assert body in flat, "snippet is not the original text"
        assert "\x1f" not in hit.snippet and len(hit.snippet) <= 130


def test_snippet_prefers_a_window_with_all_terms() -> None:
    text = "甲" * 300 + "复议" + "乙" * 300 + "复议出庭" + "丙" * 50
    snippet, marks = make_snippet(text, "复议 出庭")
    assert {snippet[s:e] for s, e in marks} == {"复议", "出庭"}


def test_find_in_text_spans() -> None:
    text = "办理行政复议案件12件，行政 复议纠错率5%，编号99999与9999。"
    spans = find_in_text(text, "复议")
    assert [text[s:e] for s, e in spans] == ["复议", "复议"]
    spans = find_in_text(text, "行政复议")
    assert [text[s:e] for s, e in spans] == ["行政复议"]
    assert [text[s:e] for s, e in find_in_text(text, '"行政 复议"')] == ["行政 复议"]
    assert [(s, text[s:e]) for s, e in find_in_text(text, "9999")] == [(25, "9999"), (31, "9999")]
    assert [text[s:e] for s, e in find_in_text(text, "率5%")] == ["率5%"]
    assert find_in_text(text, "-复议") == [] and find_in_text("", "复议") == []


def _reference_spans(text: str, query: str) -> list[tuple[int, int]]:
    """find_in_text's meaning, spelled out with term_pattern (the slow but obvious regex per term)."""
    norm = normalise(text)
    spans = sorted(
        m.span() for term in parse_query(query).terms if (p := term_pattern(term)) for m in p.finditer(norm)
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if not merged or start >= merged[-1][1]:
            merged.append((start, end))
    return merged


def test_find_in_text_words_and_case() -> None:
    text = "GDP增长5.2%，gdp总量；ＧＤＰ与GDPX、XGDP、GDP_2、Σύνολο ΑΣ、2023年 2023-2024年，编号2023。"
    assert [text[s:e] for s, e in find_in_text(text, "gdp")] == ["GDP", "gdp", "ＧＤＰ"] + ["GDP"] * 3
    assert [text[s:e] for s, e in find_in_text(text, "2023")] == ["2023", "2023", "2023"]
    assert find_in_text(text, '"2023 2024"') == []  # the text has 2023-2024
    assert [text[s:e] for s, e in find_in_text(text, "2023-2024")] == ["2023-2024"]
    assert [text[s:e] for s, e in find_in_text(text, "ας")] == ["ΑΣ"]
    for query in ("gdp", "2023", '"2023 2024"', "GDP 增长 总量", "5 2", "gdpx", "ΣΎΝΟΛΟ"):
        assert find_in_text(text, query) == _reference_spans(text, query), query


def test_find_in_text_pasted_paragraph_is_fast_and_right(corpus_dir: Path) -> None:
    import time

    from core import search

    path = corpus_dir / "国务院政府工作报告_2023年.txt"
    text = path.read_text(encoding="utf-8")
    start = text.index("2022", 3000)
    pasted = text[start : start + 300]  # digits, CJK and punctuation, a couple of line breaks
    many = " ".join(["政府", "发展", "经济", "改革", "建设", "创新", "就业", "教育", "医疗", "住房", "GDP",
                     "科技", "环境", "安全", "开放", "消费", "投资", "民生", "法治", "2022"])
    # (a paragraph with digits once cost 100+ ms: a case-insensitive regex with word-edge lookarounds per term)
    for query in (pasted, text[5000:5300], many, pasted.replace("\n", " ")[:120]):
        search._term.cache_clear()
        re.purge()
        started = time.process_time()  # CPU time: a shared machine's load does not count
        spans = find_in_text(text, query)
        elapsed = time.process_time() - started
        assert elapsed < 0.5, f"{elapsed * 1000:.0f} ms of CPU for a {len(query)}-character query"
        assert spans == _reference_spans(text, query)
    spans = find_in_text(text, pasted)
    # every piece of the pasted passage is highlighted where it was copied from
    pieces = parse_query(pasted).terms
    assert len(pieces) >= 2 and sum(map(len, pieces)) > 200
    starts = {s: e for s, e in spans}
    for piece in pieces:
        at = text.index(piece, start)
        assert starts.get(at) == at + len(piece), piece
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_filters_combine_with_search(arch: Archive) -> None:
    ids = arch.search_ids("复议")
    some = ids[:3]
    arch.tag_documents(some, ["检索测试"])
    try:
        assert set(arch.search_ids("复议", tags_all=["检索测试"])) == set(some)
        assert set(arch.search_ids("复议", tags_none=["检索测试"])) == set(ids) - set(some)
        year = arch.get_document(ids[0]).report_year
        assert year is not None
        expected = {i for i in ids if arch.get_document(i).report_year == year}
        assert set(arch.search_ids("复议", year=year)) == expected
        assert {h.doc_id for h in arch.search("复议", limit=100, year=year)} == expected
    finally:
        arch.untag_documents(some, ["检索测试"])


HOSTILE = [
    "", " ", "\u3000", '"', '""', '"复议', '复议"', "'", "*", "复议*", "^复议", "NEAR(复议 出庭)", "复议 OR 出庭",
    "复议 AND", "AND", "NOT", "-", "--", "- -", "-复议", "---复议", "(", ")", "(复议", "title:复议", "body : 复议",
    "'; DROP TABLE documents; --", "\x00", "\x1f", "😀", "🇨🇳复议", "复议" * 600, "a" * 10000, "{col1 col2}: x",
    "+复议", "复议 ^", "\\", "%", "_", "[复议]", "\"\"\"", "' OR 1=1 --", "0\x00", "复议\x00出庭", "\u200b复议",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(arch: Archive, query: str) -> None:
    hits = arch.search(query)
    ids = arch.search_ids(query)
    arch.list_ids(query=query, tags_any=["不存在"], year=2020)
    assert len(hits) <= 20
    assert all(isinstance(i, int) for i in ids)
    assert arch.count() > 0  # nothing was dropped


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_valid_query(arch: Archive, query: str) -> None:
    arch.search(query, limit=5)
    arch.search_ids(query)
    expr = parse_query(query)
    if expr.terms:
        fts_expression(expr.terms)


@given(st.text(alphabet=st.sampled_from("复议出庭政府建设行 ab1-\"　"), max_size=20))
@settings(max_examples=200, deadline=None)
def test_parse_query_is_total(query: str) -> None:
    parsed = parse_query(query)
    for term in parsed.terms + parsed.excluded:
        assert term and term == term.strip()


def test_index_form() -> None:
    assert index_form("行政复议2023年ABC") == "行 政 复 议 2 0 2 3 年 a b c"
    assert index_form("ａｂｃ１２") == "a b c 1 2"
    percent, space, quote = (chr(0xF0000 + ord(c)) for c in "% “")
    assert index_form("100%") == f"1 0 0 {percent}"
    assert index_form("“政府\n\n 建") == f"{quote} 政 府 {space} 建"  # a whitespace run is one token


def test_search_cache_follows_changes(arch: Archive) -> None:
    ids = arch.search_ids("复议")
    assert arch.search_ids("复议") == ids  # served from the cache
    assert arch.search_ids("复议", tags_any=iter(["不存在"])) == []  # one-shot iterables are fine
    arch.trash(ids[:1])  # a change on this connection
    assert arch.search_ids("复议") == ids[1:]
    arch.restore(ids[:1])
    assert arch.search_ids("复议") == ids
    other = Archive.open(arch.path)  # a change committed by another connection
    try:
        other.trash(ids[:2])
    finally:
        other.close()
    assert arch.search_ids("复议") == ids[2:]
    arch.restore(ids[:2])
    assert arch.search_ids("复议") == ids


def test_top_ranked_shortcut_matches_the_general_query(arch: Archive) -> None:
    # archive.search ranks an unfiltered query inside FTS5 and cuts there; it must agree with the
    # general query (search_ids: join, filter, sort all), also when trashed documents rank first
    queries = ["复议", "行政 复议", "政府", "法", "出庭应诉", "9999"]
    for query in queries:
        assert [h.doc_id for h in arch.search(query, limit=5)] == arch.search_ids(query)[:5], query
    best = arch.search_ids("政府")[:3]
    assert len(best) == 3
    arch.trash(best[:2])
    try:
        top = [h.doc_id for h in arch.search("政府", limit=5)]
        assert top == arch.search_ids("政府")[:5] and not set(best[:2]) & set(top) and top[0] == best[2]
        for query in queries:
            assert [h.doc_id for h in arch.search(query, limit=5)] == arch.search_ids(query)[:5], query
    finally:
        arch.restore(best[:2])
    assert [h.doc_id for h in arch.search("政府", limit=3)] == best


# --- exactness on 1,000 real reports ------------------------------------------------------------------

REAL_REPORTS = CORPUS.parent / "real-reports"
_QUOTES = set('"“”「」＂')


def _fold_squash(text: str) -> str:
    from core.search import _fold

    return _SPACES.sub(" ", _fold(normalise(text)))


@pytest.fixture(scope="module")
def thousand(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, dict[int, tuple[str, str]]]]:
    """1,000 documents: every real report of ../shared/corpus, then variants of them (paragraphs recombined)."""
    import random

    from core import importer

    sources = sorted(CORPUS.glob("*.txt")) + sorted(REAL_REPORTS.glob("*.txt"))
    if len(sources) < 50:
        pytest.skip("../shared/corpus is not present")
    texts = [p.read_text(encoding="utf-8") for p in sources]
    rng = random.Random(12)
    while len(texts) < 1000:
        a, b = rng.sample(texts[: len(sources)], 2)
        paras = [p for p in a.split("\n") if p.strip()]
        other = [p for p in b.split("\n") if p.strip()]
        rng.shuffle(paras)
        mixed = paras[: rng.randrange(5, 40)] + other[: rng.randrange(0, 10)]
        rng.shuffle(mixed)
        texts.append("\n".join(mixed) + f"\n编号{rng.randrange(10**9)}\n")
    archive = Archive.open(tmp_path_factory.mktemp("thousand") / "a.sqlite")
    conn = archive.connection
    conn.execute("BEGIN")
    for n, text in enumerate(texts):
        item = importer.Processed(path=f"报告{n}.txt", name=f"报告{n}.txt", size=len(text), sha_original=f"o{n}",
                                  text=text, sha_text=f"t{n}")
        importer.store_document(conn, item)
    conn.execute("COMMIT")
    stored = {d.id: (d.title, archive.get_text(d.id)) for d in archive.get_documents(archive.list_ids())}
    assert len(stored) == 1000
    yield archive, stored
    archive.close()


def _queries(stored: dict[int, tuple[str, str]], rng: object) -> list[str]:
    """Fixed hard cases plus substrings of the texts: around digits, Latin letters, punctuation, line breaks."""
    import random

    assert isinstance(rng, random.Random)
    queries = ["12345", "政府建", "100%", "。", "，", "%", "2023年", "GDP", "5%", "府。", "）", "“放管服”改革",
               "2.5", "0.5%", "一是", "第一", "区", "的", "、", "深圳市", "1", "9", "a", "E", "“", "《"]
    texts = [text for _title, text in stored.values()]
    patterns = {
        "digits": re.compile(r"\d{2,}"), "latin": re.compile(r"[A-Za-z]{2,}"),
        "punct": re.compile(r"[^\w\s]"), "cjk": re.compile(r"[\u4e00-\u9fff]{3}"), "break": re.compile(r"\n"),
    }
    for pattern in patterns.values():
        for _ in range(12):
            text = rng.choice(texts)
            found = list(pattern.finditer(text))
            if not found:
                continue
            m = rng.choice(found)
            start = max(0, m.start() - rng.randrange(0, 3))
            queries.append(text[start : m.end() + rng.randrange(0, 3)])
    for _ in range(20):  # any substring of 1–6 characters
        text = rng.choice(texts)
        start = rng.randrange(len(text) - 6)
        queries.append(text[start : start + rng.randrange(1, 7)])
    out = []
    for raw in queries:
        q = "".join(" " if ch in _QUOTES else ch for ch in raw).strip()
        if q:
            out.append(f'"{q}"')  # quoted: the whole string is one term, a leading - included
    return out


def test_search_sets_equal_brute_force_on_1000_reports(thousand: tuple[Archive, dict[int, tuple[str, str]]]) -> None:
    """Every query's documents are exactly those whose title or text contains it (any whitespace run alike)."""
    import random

    archive, stored = thousand
    squashed = {i: (_fold_squash(t), _fold_squash(b)) for i, (t, b) in stored.items()}

    def brute(term: str) -> set[int]:
        needle = _fold_squash(term)
        return {i for i, (t, b) in squashed.items() if needle in t or needle in b}

    rng = random.Random(5)
    queries = _queries(stored, rng)
    assert len(queries) > 80
    checked = 0
    for query in queries:
        terms = parse_query(query).terms
        assert len(terms) == 1, query
        expected = brute(terms[0])
        found = archive.search_ids(query)
        assert set(found) == expected, (query, len(found), len(expected))
        assert len(found) == len(set(found))
        hits = archive.search(query, limit=20)
        assert [h.doc_id for h in hits] == found[:20], query
        for hit in hits:  # the highlights mark the term itself
            assert all(_fold_squash(hit.snippet[s:e]) == _fold_squash(terms[0]) for s, e in hit.highlights), query
        checked += bool(expected)
    assert checked > 60
    # several terms are ANDed, -term excludes
    for a, b in (("复议", "出庭"), ("2023年", "%"), ("深圳", "GDP")):
        assert set(archive.search_ids(f"{a} {b}")) == brute(a) & brute(b)
        assert set(archive.search_ids(f"{a} -{b}")) == brute(a) - brute(b)
    # the three cases the per-word index got wrong
    assert set(archive.search_ids("12345")) == brute("12345")
    assert set(archive.search_ids("政府建")) == brute("政府建")
    assert set(archive.search_ids("100%")) == brute("100%") != brute("100")


def test_version_2_archive_gets_the_exact_index(tmp_path: Path, samples_dir: Path) -> None:
    import sqlite3

    from core import schema

    path = tmp_path / "v2.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([samples_dir], workers=0)
        docs = {d.id: (d.title, archive.get_text(d.id)) for d in archive.get_documents(archive.list_ids())}
    conn = sqlite3.connect(path, isolation_level=None)
    try:  # what version 2 held: CJK characters spaced apart, digit and letter runs whole, punctuation dropped
        conn.execute("ALTER TABLE documents DROP COLUMN source_mtime_ns")
        conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
        spread = re.compile(r"([\u4e00-\u9fff])")
        for doc_id, (title, text) in docs.items():
            old_title = spread.sub(r" \1 ", title)
            conn.execute("UPDATE documents SET indexed_title = ? WHERE id = ?", (old_title, doc_id))
            conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (doc_id, old_title, spread.sub(r" \1 ", text)))
        conn.execute("PRAGMA user_version = 2")
    finally:
        conn.close()
    with Archive.open(path) as archive:
        assert archive.migration_backup is not None
        for needle in ("%", "。", "0%", "政府", "1"):
            expected = {i for i, (t, b) in docs.items() if needle in t.lower() or needle in b.lower()}
            assert set(archive.search_ids(needle)) == expected, needle
        assert archive.check() == []
        archive.set_metadata([next(iter(docs))], title="改过的标题（2024）")  # unindexing uses the new form
        assert archive.search_ids("标题（2024") == [next(iter(docs))]
        assert archive.check() == []
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert "source_mtime_ns" in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    finally:
        conn.close()


def test_interrupt_cancels_a_running_search(arch: Archive) -> None:
    from core.errors import SearchCancelledError

    conn = arch.connection
    conn.set_progress_handler(lambda: arch.interrupt() or 0, 50)  # interrupt from inside the statement
    try:
        with pytest.raises(SearchCancelledError):
            arch.search_ids("政府 -复议", year=2020)
        with pytest.raises(SearchCancelledError):
            arch.search("的")
    finally:
        conn.set_progress_handler(None, 0)
    assert arch.search("的") and arch.search_ids("政府")  # the next search runs normally


def test_run_index_path_equals_the_phrase_path(thousand: tuple[Archive, dict[int, tuple[str, str]]],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Terms with 3+ ASCII digits/letters go through the run index when it narrows them to few candidates
    (checked on the stored text); the sets stay the brute-force ones, and the same as without it."""
    import random

    from core import search
    from core.store import queries

    archive, stored = thousand
    squashed = {i: (_fold_squash(t), _fold_squash(b)) for i, (t, b) in stored.items()}
    queries_with_runs = [q for q in _queries(stored, random.Random(5)) if search.runs_query(parse_query(q).terms)]
    queries_with_runs += ["\"行政 诉讼\"", "\"政府 工作\" 2023年", "编号9999999999", "GDP 2023年", "2023年 -GDP", "12345 -政府", "gdp", "ＧＤＰ"]
    assert len(queries_with_runs) > 20
    narrowed = 0
    for query in queries_with_runs:
        parsed = parse_query(query)
        expected = {i for i, (t, b) in squashed.items()
                    if all(_fold_squash(x) in t or _fold_squash(x) in b for x in parsed.terms)
                    and not any(_fold_squash(x) in t or _fold_squash(x) in b for x in parsed.excluded)}
        archive._cache.clear()
        monkeypatch.setattr(queries, "RUN_CANDIDATES", 10**6)  # always through the run index
        through_runs = archive.search_ids(query)
        top = [h.doc_id for h in archive.search(query, limit=20)]
        narrowed += queries.run_index_matches(archive._rows, parsed, deleted=False) is not None
        archive._cache.clear()
        monkeypatch.setattr(queries, "RUN_CANDIDATES", -1)  # never
        through_phrases = archive.search_ids(query)
        assert set(through_runs) == set(through_phrases) == expected, (query, len(through_runs), len(expected))
        assert through_runs == through_phrases and top == through_runs[:20], query  # same ranking too
    assert narrowed == len(queries_with_runs)
    assert search.runs_query(["编号99"]) is None  # two digits: no run token, the phrase path


def test_run_index_follows_trash_purge_and_retitle(arch: Archive) -> None:
    (doc_id,) = arch.search_ids("99999")
    arch.set_metadata([doc_id], title="编号说明 ABC7788")
    arch._cache.clear()
    assert arch.search_ids("abc778") == [doc_id] and arch.search_ids("99999") == [doc_id]
    arch.trash([doc_id])
    assert arch.search_ids("99999") == [] and arch.search_ids("99999", deleted=True) == [doc_id]
    arch.restore([doc_id])
    assert arch.search_ids("abc7788") == [doc_id]
    assert arch.connection.execute("SELECT count(*) FROM fts_runs WHERE fts_runs MATCH '\"7788\"'").fetchone()[0] == 1


def test_version_6_archive_gets_the_run_index(tmp_path: Path, samples_dir: Path) -> None:
    import sqlite3

    from core import schema

    path = tmp_path / "v6.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([samples_dir], workers=0)
        expected = {n: set(archive.search_ids(n)) for n in ("2023", "gdp", "12345", "2023年 -GDP")}
    assert expected["2023"]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TABLE fts_runs")  # what version 6 had: neither the table nor its meta row
        conn.execute("DELETE FROM meta WHERE key = 'runs_version'")
        conn.execute("PRAGMA user_version = 6")
    finally:
        conn.close()
    with Archive.open(path, read_only=True) as archive:  # a reader without the run index: the phrase path
        assert {n: set(archive.search_ids(n)) for n in expected} == expected
    with Archive.open(path) as archive:
        assert archive.connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert archive.connection.execute("SELECT count(*) FROM fts_runs WHERE fts_runs MATCH '\"2023\"'").fetchone()[0]
        assert {n: set(archive.search_ids(n)) for n in expected} == expected
        assert archive.check() == []


def test_snippets_from_the_ranking_prefix_equal_whole_text_snippets(
        thousand: tuple[Archive, dict[int, tuple[str, str]]]) -> None:
    """Archive.search cuts most snippets from the text prefix it read for the ranking: always the snippet
    and highlights make_snippet gives on the whole text."""
    import random

    from core.search import snippet_from_prefix

    archive, stored = thousand
    queries = [*_queries(stored, random.Random(7))[:60], "复议 出庭", "政府 2023年 %", "深圳 教育 -GDP", "的 法"]
    from_prefix = 0
    for query in queries:
        archive._cache.clear()
        for hit in archive.search(query, limit=20):
            assert (hit.snippet, hit.highlights) == make_snippet(stored[hit.doc_id][1], query), query
            from_prefix += snippet_from_prefix(stored[hit.doc_id][1][:2000], query) is not None
    assert from_prefix > 300
    text = "甲" * 3000 + "复议出庭"  # the only window with both terms lies past the prefix
    assert snippet_from_prefix(text[:2000], "复议 出庭") is None and snippet_from_prefix(text[:2000], "甲") is not None


def test_an_earlier_run_index_is_not_used(arch: Archive) -> None:
    """An archive whose fts_runs holds an earlier token form (meta runs_version differs) searches through the
    phrase query alone, with the same results, until its index is rebuilt."""
    from core.store import index, queries

    conn = arch.connection
    parsed = parse_query("编号9999")
    expected = arch.search_ids("编号9999")
    assert queries.run_index_matches(arch._rows, parsed, deleted=False) == expected
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'runs_version'")
    try:
        arch._cache.clear()
        assert queries.run_index_matches(arch._rows, parsed, deleted=False) is None
        assert arch.search_ids("编号9999") == expected
    finally:
        index.mark_runs_current(conn)
    assert queries.run_index_matches(arch._rows, parsed, deleted=False) == expected
