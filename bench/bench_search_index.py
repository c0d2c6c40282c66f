"""Index candidates for exact Ctrl+F search, measured side by side in one run (numbers → docs/search.md).

    .venv/bin/python bench/bench_search_index.py --n 10000
    .venv/bin/python bench/bench_search_index.py --n 1000 --repeats 1   # a quick one

Builds N report-like texts in memory (bench_archive's generator) and, for each candidate index, times the
build (CPU of the inserts; the Python work that makes the index form is timed apart: it runs in the import's
worker processes), the size, and queries over distinct terms: the top 20 ranked by bm25 over every match
("rank all") or over the newest R matches ("rank newest R"), and the full set of matching ids. Each
candidate's document sets are compared with a brute-force substring search over the same texts.

  today     per-character tokens (unicode61 over CJK characters spaced apart; digit/Latin runs whole words)
  char      every character one token, punctuation and digits included, whitespace runs one token (exact)
  bigram    overlapping bigram tokens (phrases for 2+ characters) + distinct single characters (detail=none)
  trigram   FTS5's trigram tokenizer (3+ characters) + distinct single characters and bigrams (detail=none)

    .venv/bin/python bench/bench_search_index.py --planner A.sqlite B.sqlite   # the run index on archives

--planner times rare numbers (编号9999 …) on existing archives through Archive.search with the run index
(core.store.queries.RUN_CANDIDATES) off and on, in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import bench_archive  # noqa: E402

from core import search  # noqa: E402

QUERIES_MULTI = [
    "复议", "出庭", "行政复议", "出庭应诉", "政府建", "应诉工", "法治政府建设", "营商环境", "依法行政",
    "行政执法", "规范性文件", "民生", "2023年", "重大行政决策", "编号9999", "公共法律服务", "垃圾分类",
    "12345", "100%", "机制", "改革创新", "“放管服”", "2.5", "GDP",
]
QUERIES_SINGLE = ["的", "法", "税", "治", "区", "矛", "港", "诉", "医", "水", "%", "5"]


def make_texts(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    texts = bench_archive.sources()
    paragraphs = [[p for p in t.split("\n") if p.strip()] for t in texts]
    docs = []
    for i in range(n):
        out = bench_archive.report_lines(rng, paragraphs, i)
        docs.append((out[0][:60], "\n".join(out)))
    return docs


def _folded(text: str) -> str:
    return search._fold(search.normalise(text))


class Candidate:
    """One index design: its tables, its index form, and the table + MATCH expression for a term."""

    name = ""
    ddl: tuple[str, ...] = ()

    def forms(self, title: str, body: str) -> tuple[str, ...]:
        raise NotImplementedError

    def insert(self, conn: sqlite3.Connection, rowid: int, forms: tuple[str, ...]) -> None:
        conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (rowid, forms[0], forms[1]))
        if len(forms) > 2:
            conn.execute("INSERT INTO short(rowid, body) VALUES (?, ?)", (rowid, forms[2]))

    def match(self, term: str) -> tuple[str, str]:
        raise NotImplementedError

    def ranked(self, term: str) -> bool:  # noqa: ARG002 - overridden
        """Whether bm25() means something for this term (a detail=none table has no term frequencies)."""
        return True


UNICODE61 = "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')"
SHORT = "CREATE VIRTUAL TABLE short USING fts5(body, content='', detail=none, tokenize='unicode61 remove_diacritics 0')"

# The index form before schema 3, kept here to measure against: CJK characters spaced apart, other runs of
# letters and digits whole words (unicode61 drops punctuation).
_CJK = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")


def legacy_form(text: str) -> str:
    return _CJK_RUN.sub(lambda m: " " + " ".join(m.group()) + " ", search.normalise(text))


class Today(Candidate):
    name = "today (per-CJK-character, words whole)"
    ddl = (UNICODE61,)

    def forms(self, title: str, body: str) -> tuple[str, ...]:
        return (legacy_form(title), legacy_form(body))

    def match(self, term: str) -> tuple[str, str]:
        return "fts", '"' + legacy_form(term).replace('"', '""') + '"'


class Char(Candidate):
    name = "char (every character a token) — chosen"
    ddl = (UNICODE61,)

    def forms(self, title: str, body: str) -> tuple[str, ...]:
        return (search.char_form(title), search.char_form(body))

    def match(self, term: str) -> tuple[str, str]:
        return "fts", '"' + search.char_form(term) + '"'


def _bigrams(text: str) -> list[str]:
    t = search.escaped(text)
    return [t[i : i + 2] for i in range(len(t) - 1)] or [t]


class Bigram(Candidate):
    name = "bigram + distinct characters"
    ddl = (UNICODE61, SHORT)

    def forms(self, title: str, body: str) -> tuple[str, ...]:
        uni = set(search.escaped(title)) | set(search.escaped(body))
        return (" ".join(_bigrams(title)), " ".join(_bigrams(body)), " ".join(uni))

    def match(self, term: str) -> tuple[str, str]:
        if len(search.escaped(term)) == 1:
            return "short", '"' + search.escaped(term) + '"'
        return "fts", '"' + " ".join(_bigrams(term)) + '"'

    def ranked(self, term: str) -> bool:
        return len(search.escaped(term)) > 1


class Trigram(Candidate):
    name = "trigram + distinct characters and bigrams"
    ddl = ("CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='trigram')", SHORT)

    def forms(self, title: str, body: str) -> tuple[str, ...]:
        toks: set[str] = set()
        for part in (title, body):
            t = search.escaped(part)
            toks.update(t)
            toks.update(t[i : i + 2] for i in range(len(t) - 1))
        return (search.normalise(title), search.normalise(body), " ".join(toks))

    def match(self, term: str) -> tuple[str, str]:
        folded = _folded(term)
        if len(folded) < 3:
            return "short", '"' + search.escaped(term) + '"'
        return "fts", '"' + folded.replace('"', '""') + '"'

    def ranked(self, term: str) -> bool:
        return len(_folded(term)) >= 3


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def timed(fn: Callable[[str], object], queries: list[str], repeats: int) -> str:
    """p50 / p95 of the CPU time of this thread (SQLite runs in it): wall time on a shared machine under
    load is mostly waiting for a core."""
    times = []
    for _ in range(repeats):
        for q in queries:
            t = time.thread_time()
            fn(q)
            times.append((time.thread_time() - t) * 1000)
    return f"{statistics.median(times):.1f} / {percentile(times, 0.95):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--newest", type=int, default=1000, help="R of the bm25-over-the-newest-R pass")
    parser.add_argument("--only", default="today,char,bigram,trigram")
    parser.add_argument("--planner", type=Path, nargs="*", metavar="ARCHIVE",
                        help="instead: rare-number queries with and without the run index on these archives")
    args = parser.parse_args()
    if args.planner:
        for path in args.planner:
            planner(path, args.repeats)
        return
    docs = make_texts(args.n)
    chars = sum(len(b) for _t, b in docs)
    print(f"{args.n} texts, {chars / 1e6:.1f} M characters; load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    folded = [(_folded(t), _folded(b)) for t, b in docs]

    def brute(term: str) -> set[int]:
        f = _folded(term)
        return {i for i, (t, b) in enumerate(folded, 1) if f in t or f in b}

    truth = {q: brute(q) for q in QUERIES_MULTI + QUERIES_SINGLE}

    rows = []
    work = Path(tempfile.mkdtemp(prefix="bench_search_index_"))
    candidates = {"today": Today, "char": Char, "bigram": Bigram, "trigram": Trigram}
    for key in args.only.split(","):
        cand = candidates[key]()
        t = time.process_time()
        forms = [cand.forms(title, body) for title, body in docs]
        form_ms = (time.process_time() - t) / len(docs) * 1000
        path = work / f"{key}.sqlite"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE texts(doc_id INTEGER PRIMARY KEY, title TEXT, text TEXT)")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO texts VALUES (?, ?, ?)", ((i, t, b) for i, (t, b) in enumerate(docs, 1)))
        conn.execute("COMMIT")
        for ddl in cand.ddl:
            conn.execute(ddl)
        t = time.process_time()
        conn.execute("BEGIN")
        for i, f in enumerate(forms, 1):
            cand.insert(conn, i, f)
            if i % 50 == 0:  # the import commits every 50 documents
                conn.execute("COMMIT")
                conn.execute("BEGIN")
        conn.execute("COMMIT")
        build_ms = (time.process_time() - t) / len(docs) * 1000
        del forms
        index_mb = sum(
            r[0] for r in conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'fts%' OR name LIKE 'short%'")
        ) / 1e6 if _has_dbstat(conn) else 0.0

        def ids(q: str, cand: Candidate = cand, conn: sqlite3.Connection = conn) -> set[int]:
            table, expr = cand.match(q)
            return {r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (expr,))}

        def bm25_all(q: str, cand: Candidate = cand, conn: sqlite3.Connection = conn) -> list[int]:
            table, expr = cand.match(q)
            order = f"bm25({table}, 10.0, 1.0)" if cand.ranked(q) else "rowid DESC"
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY {order} LIMIT 20"
            return [r[0] for r in conn.execute(sql, (expr,))]

        def bm25_newest(q: str, cand: Candidate = cand, conn: sqlite3.Connection = conn) -> list[int]:
            table, expr = cand.match(q)
            if not cand.ranked(q):
                return bm25_all(q)
            sql = (f"SELECT rowid FROM (SELECT rowid, bm25({table}, 10.0, 1.0) AS r FROM {table} WHERE {table}"
                   f" MATCH ? ORDER BY rowid DESC LIMIT {args.newest}) ORDER BY r LIMIT 20")
            return [r[0] for r in conn.execute(sql, (expr,))]

        def python_pass(q: str, cand: Candidate = cand, conn: sqlite3.Connection = conn) -> list[int]:
            """What Archive.search does: the newest RANK_WINDOW matches ranked in Python, snippets for 20."""
            table, expr = cand.match(q)
            window = [r[0] for r in conn.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT {search.RANK_WINDOW}",
                (expr,))]
            marks = ",".join("?" * len(window))
            texts = [(int(r[0]), r[1], r[2]) for r in conn.execute(
                f"SELECT doc_id, title, substr(text, 1, {search.RANK_PREFIX}) FROM texts WHERE doc_id IN ({marks})",
                window)]
            full = {int(r[0]): r[1] for r in conn.execute(
                f"SELECT doc_id, text FROM texts WHERE doc_id IN ({marks})", window)}
            scores = search.rank_scores(texts, q)
            best = sorted(texts, key=lambda d: -scores[d[0]])[:20]
            for doc_id, _title, _prefix in best:
                search.make_snippet(full[doc_id], q)
            return [d[0] for d in best]

        wrong = [q for q in truth if ids(q) != truth[q]]
        rows.append((
            cand.name, f"{form_ms:.2f}", f"{build_ms:.2f}", f"{index_mb:.0f}",
            timed(bm25_all, QUERIES_MULTI, args.repeats), timed(bm25_all, QUERIES_SINGLE, args.repeats),
            timed(bm25_newest, QUERIES_MULTI, args.repeats), timed(bm25_newest, QUERIES_SINGLE, args.repeats),
            timed(python_pass, QUERIES_MULTI, args.repeats), timed(python_pass, QUERIES_SINGLE, args.repeats),
            timed(ids, QUERIES_MULTI, args.repeats), timed(ids, QUERIES_SINGLE, args.repeats),
            f"{len(truth) - len(wrong)}/{len(truth)}" + (f" (wrong: {' '.join(wrong[:8])})" if wrong else ""),
        ))
        conn.close()
        print(rows[-1], file=sys.stderr)
        for p in work.glob(f"{key}.sqlite*"):
            p.unlink()
    work.rmdir()
    print(f"\n{args.n:,} texts ({chars / 1e6:.1f} M characters), load {os.getloadavg()[0]:.1f}; "
          f"CPU ms p50 / p95 over {len(QUERIES_MULTI)} 2+-character and {len(QUERIES_SINGLE)} 1-character queries"
          f" × {args.repeats}; R = {args.newest}, window = {search.RANK_WINDOW}\n")
    print("| index | form ms/doc (worker) | build ms/doc (CPU) | index MB | bm25 all, 2+ | bm25 all, 1 |"
          " bm25 newest R, 2+ | bm25 newest R, 1 | Python pass + snippets, 2+ | Python pass + snippets, 1 |"
          " all ids, 2+ | all ids, 1 | sets equal brute force |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


RARE_QUERIES = ["编号9999", "编号99999", "编号1234", "1234", "编号123", "12345", "2023年", "GDP", "编号999999", "10.5%", "第1001号",
                "2023年 GDP", "编号1999 -政府"]


def planner(archive_path: Path, repeats: int) -> None:
    """On an existing archive: each query of RARE_QUERIES through Archive.search_ids and .search (top 20 with
    snippets) with the run index off (the phrase query alone) and on (core.store.queries), CPU ms best of
    `repeats`, and the number of run-index candidates; the sets must be equal."""
    from core.archive import Archive
    from core.store import queries

    default = queries.RUN_CANDIDATES
    with Archive.open(archive_path, read_only=True) as archive:
        docs = archive.count()
        archive.search("的")
        print(f"\n{docs:,} reports ({archive_path.name}); load {os.getloadavg()[0]:.1f};"
              f" CPU ms best of {repeats} (phrase query alone → with the run index)\n")
        print("| query | matches | run-index candidates | all ids: phrase → runs | top 20 + snippets: phrase → runs |")
        print("|---|---|---|---|---|")
        for q in RARE_QUERIES:
            expression = search.runs_query(search.parse_query(q).terms)
            candidates = "—" if expression is None else str(archive.connection.execute(
                "SELECT count(*) FROM fts_runs WHERE fts_runs MATCH ?", (expression,)).fetchone()[0])
            cells, sets = [], []
            for fn in (lambda q=q: archive.search_ids(q), lambda q=q: archive.search(q, limit=20)):
                pair = []
                for limit in (-1, default):
                    queries.RUN_CANDIDATES = limit
                    best = 1e9
                    for _ in range(repeats):
                        archive._cache.clear()
                        c = time.thread_time()
                        result = fn()
                        best = min(best, (time.thread_time() - c) * 1000)
                    sets.append(result)
                    pair.append(best)
                cells.append(f"{pair[0]:.1f} → {pair[1]:.1f}")
            queries.RUN_CANDIDATES = default
            assert sets[0] == sets[1], q
            print(f"| `{q}` | {len(sets[0])} | {candidates} | {cells[0]} | {cells[1]} |")


def _has_dbstat(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1").fetchall()
    except sqlite3.Error:
        return False
    return True


if __name__ == "__main__":
    main()
