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
"""

from __future__ import annotations

import argparse
import os
import random
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
        paras = paragraphs[rng.randrange(len(texts))]
        body = paras[1:]
        rng.shuffle(body)
        out, size = [paras[0], f"编号{i + 1000}"], 0
        for p in body:
            out.append(p)
            size += len(p.encode())
            if size >= bench_archive.TARGET_BYTES:
                break
        docs.append((paras[0][:60], "\n".join(out)))
    return docs


def _folded(text: str) -> str:
    return search._fold(search.normalise(text))


class Candidate:
    name = ""
    ddl: list[str] = []

    def forms(self, title: str, body: str) -> tuple[str, ...]:
        raise NotImplementedError

    def insert(self, conn: sqlite3.Connection, rowid: int, forms: tuple[str, ...]) -> None:
        raise NotImplementedError

    def ids_sql(self, term: str) -> tuple[str, str]:
        """(table, MATCH expression) for one term."""
        raise NotImplementedError

    def ranked(self, term: str) -> bool:
        return True


class Today(Candidate):
    name = "today"
    ddl = ["CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')"]

    def forms(self, title, body):  # type: ignore[no-untyped-def]
        return (search.index_form(title), search.index_form(body))

    def insert(self, conn, rowid, forms):  # type: ignore[no-untyped-def]
        conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (rowid, *forms))

    def ids_sql(self, term):  # type: ignore[no-untyped-def]
        return "fts", search.fts_expression([term])


class Char(Candidate):
    name = "char"
    ddl = Today.ddl

    def forms(self, title, body):  # type: ignore[no-untyped-def]
        return (search.char_form(title), search.char_form(body))

    insert = Today.insert

    def ids_sql(self, term):  # type: ignore[no-untyped-def]
        return "fts", '"' + search.char_form(term) + '"'


def _bigrams(text: str) -> list[str]:
    t = search.escaped(text)
    return [t[i : i + 2] for i in range(len(t) - 1)] or [t]


class Bigram(Candidate):
    name = "bigram"
    ddl = [
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')",
        "CREATE VIRTUAL TABLE short USING fts5(body, content='', detail=none, tokenize='unicode61 remove_diacritics 0')",
    ]

    def forms(self, title, body):  # type: ignore[no-untyped-def]
        uni = set(search.escaped(title)) | set(search.escaped(body))
        return (" ".join(_bigrams(title)), " ".join(_bigrams(body)), " ".join(uni))

    def insert(self, conn, rowid, forms):  # type: ignore[no-untyped-def]
        conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (rowid, forms[0], forms[1]))
        conn.execute("INSERT INTO short(rowid, body) VALUES (?, ?)", (rowid, forms[2]))

    def ids_sql(self, term):  # type: ignore[no-untyped-def]
        if len(search.escaped(term)) == 1:
            return "short", '"' + search.escaped(term) + '"'
        return "fts", '"' + " ".join(_bigrams(term)) + '"'

    def ranked(self, term):  # type: ignore[no-untyped-def]
        return len(search.escaped(term)) > 1


class Trigram(Candidate):
    name = "trigram"
    ddl = [
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='', tokenize='trigram')",
        "CREATE VIRTUAL TABLE short USING fts5(body, content='', detail=none, tokenize='unicode61 remove_diacritics 0')",
    ]

    def forms(self, title, body):  # type: ignore[no-untyped-def]
        toks: set[str] = set()
        for part in (title, body):
            t = search.escaped(part)
            toks.update(t)
            toks.update(t[i : i + 2] for i in range(len(t) - 1))
        return (search.normalise(title), search.normalise(body), " ".join(toks))

    insert = Bigram.insert

    def ids_sql(self, term):  # type: ignore[no-untyped-def]
        f = _folded(term)
        if len(f) < 3:
            return "short", '"' + search.escaped(term) + '"'
        return "fts", '"' + f.replace('"', '""') + '"'

    def ranked(self, term):  # type: ignore[no-untyped-def]
        return len(_folded(term)) >= 3


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def timed(fn: Callable[[str], object], queries: list[str], repeats: int) -> str:
    times = []
    for _ in range(repeats):
        for q in queries:
            t = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t) * 1000)
    return f"{statistics.median(times):.1f} / {percentile(times, 0.95):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--newest", type=int, default=1000, help="R for the bounded ranking pass")
    parser.add_argument("--only", default="today,char,bigram,trigram")
    args = parser.parse_args()
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
    for cand in [c() for c in (Today, Char, Bigram, Trigram) if c.name in args.only.split(",")]:
        t = time.process_time()
        forms = [cand.forms(title, body) for title, body in docs]
        form_ms = (time.process_time() - t) / len(docs) * 1000
        path = work / f"{cand.name}.sqlite"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
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
        size = sum(p.stat().st_size for p in work.glob(f"{cand.name}.sqlite*")) / 1e6

        def ids(q: str, cand: Candidate = cand, conn: sqlite3.Connection = conn) -> set[int]:
            table, expr = cand.ids_sql(q)
            return {r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (expr,))}

        def rank_all(q: str, cand: Candidate = cand, conn: sqlite3.Connection = conn) -> list[int]:
            table, expr = cand.ids_sql(q)
            if not cand.ranked(q):
                sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 20"
            else:
                sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY bm25({table}, 10.0, 1.0) LIMIT 20"
            return [r[0] for r in conn.execute(sql, (expr,))]

        def rank_newest(q: str, cand: Candidate = cand, conn: sqlite3.Connection = conn) -> list[int]:
            table, expr = cand.ids_sql(q)
            if not cand.ranked(q):
                sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT 20"
                return [r[0] for r in conn.execute(sql, (expr,))]
            sql = (f"SELECT rowid FROM (SELECT rowid, bm25({table}, 10.0, 1.0) AS r FROM {table} WHERE {table}"
                   f" MATCH ? ORDER BY rowid DESC LIMIT {args.newest}) ORDER BY r LIMIT 20")
            return [r[0] for r in conn.execute(sql, (expr,))]

        wrong = [q for q in truth if ids(q) != truth[q]]
        rows.append((
            cand.name, f"{form_ms:.2f}", f"{build_ms:.2f}", f"{size:.0f}",
            timed(rank_all, QUERIES_MULTI, args.repeats), timed(rank_all, QUERIES_SINGLE, args.repeats),
            timed(rank_newest, QUERIES_MULTI, args.repeats), timed(rank_newest, QUERIES_SINGLE, args.repeats),
            timed(ids, QUERIES_MULTI, args.repeats), timed(ids, QUERIES_SINGLE, args.repeats),
            f"{len(truth) - len(wrong)}/{len(truth)}" + (f" (wrong: {' '.join(wrong[:6])})" if wrong else ""),
        ))
        conn.close()
        print(rows[-1], file=sys.stderr)
    for p in work.iterdir():
        p.unlink()
    work.rmdir()
    print(f"\n{args.n:,} texts ({chars / 1e6:.1f} M characters), load {os.getloadavg()[0]:.1f}; "
          f"times in ms (p50 / p95), R = {args.newest}\n")
    print("| index | form ms/doc (worker) | build ms/doc | MB | rank all 2+ | rank all 1 | rank newest R 2+ |"
          " rank newest R 1 | all ids 2+ | all ids 1 | exact sets |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
