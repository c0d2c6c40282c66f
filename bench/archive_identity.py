"""Is what an import stores the same with two code trees? Imports one folder into two fresh archives, one per
tree (each in its own process, with that tree's code), then compares them:

  tables  every row of every table, in rowid order (timestamps left out: imported_at, analysed_at, …);
          the FTS5 shadow tables that hold the index's internal layout (segments, structure) are left out;
  index   the full-text index's content through fts5vocab: every (term, document, column, offset) of `fts`,
          every (term, documents, count) of `fts_runs` (detail=none keeps no positions);
  search  Archive.search results (ids, titles, snippets, scores, highlights) for a set of queries, each tree
          searching its own archive.

    .venv/bin/python bench/archive_identity.py /work/big/c1k --ref /work/ref --workers 2
    .venv/bin/python bench/archive_identity.py ../shared/samples ../shared/gold/dev --workers 0

Exit status 0 when everything is identical, 1 otherwise (the first differences are printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

# Columns that record when something happened, not what was stored.
TIME_COLUMNS = {"imported_at", "analysed_at", "created_at", "updated_at", "computed_at", "started_at",
                "finished_at", "deleted_at"}
# The FTS5 tables' internal layout (how the same postings are cut into segments) depends on when they were
# flushed; their content is compared through fts5vocab instead. fts_docsize (sizes per document) stays.
LAYOUT_TABLES = {"fts_data", "fts_idx", "fts_runs_data", "fts_runs_idx"}
VIRTUAL_TABLES = {"fts", "fts_runs"}

QUERIES = [
    "复议", "出庭", "行政复议", "出庭应诉", "政府建", "应诉工", "法治政府建设", "营商环境", "依法行政",
    "行政执法", "规范性文件", "民生", "2023年", "重大行政决策", "\"行政 诉讼\"", "复议 -出庭", "深圳 教育",
    "编号9999", "编号1005", "公共法律服务", "垃圾分类", "2022", "GDP", "100%", "第一", "一、", "（一）",
    "的", "法", "税", "治", "区", "矛", "港", "诉", "医", "水", "。", "1", "年",
]

_CHILD = r"""
import json, os, sys
tree, db, workers, home = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
folders, queries = json.loads(sys.argv[5]), json.loads(sys.argv[6])
sys.path.insert(0, tree)
os.environ["REPORT_ARCHIVE_HOME"] = home
import core
assert os.path.realpath(core.__file__).startswith(os.path.realpath(tree)), core.__file__
from core import Archive
if __name__ == "__main__":
    with Archive.open(__import__("pathlib").Path(db)) as archive:
        report = archive.import_paths(folders, workers=workers)
        outcomes = [[os.path.relpath(i.path), i.outcome.value, i.reason, i.doc_id] for i in report.items]
        hits = {q: [[h.doc_id, h.title, h.snippet, round(h.score, 9), [list(x) for x in h.highlights]]
                    for h in archive.search(q, limit=50)] for q in queries}
    print(json.dumps({"outcomes": outcomes, "search": hits}, ensure_ascii=False))
"""


def import_with(tree: Path, folders: list[str], db: Path, workers: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tree), str(db), str(workers), str(db.parent / "home"),
         json.dumps(folders), json.dumps(QUERIES)],
        cwd=db.parent, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)}, check=False,
    )
    if out.returncode != 0:
        sys.exit(f"import with {tree} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _rows(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] not in TIME_COLUMNS]
    names = ", ".join(f'"{c}"' for c in columns)
    without_rowid = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    order = names if "WITHOUT ROWID" in (without_rowid or "").upper() else "rowid"
    where = ""
    if table == "sqlite_stat1":  # planner statistics of the layout tables count their segments, those of
        # an index on a time column how many documents share a second
        where = (" WHERE tbl NOT IN (" + ", ".join(f"'{t}'" for t in sorted(LAYOUT_TABLES)) + ")"
                 + "".join(f" AND coalesce(idx, '') NOT LIKE '%{c}%'" for c in sorted(TIME_COLUMNS)))
    elif table == "meta":  # the archive's created_at
        where = " WHERE key NOT LIKE '%\\_at' ESCAPE '\\'"
    return columns, conn.execute(f'SELECT {names} FROM "{table}"{where} ORDER BY {order}').fetchall()


def _vocab(conn: sqlite3.Connection, table: str, kind: str) -> tuple[int, str]:
    """Count and digest of the fts5vocab rows of `table` (all of them, in the order fts5vocab gives)."""
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{table}_{kind} USING fts5vocab(main, {table}, {kind})")
    digest = hashlib.sha256()
    count = 0
    cursor = conn.execute(f"SELECT * FROM temp.v_{table}_{kind}")
    while batch := cursor.fetchmany(100_000):
        count += len(batch)
        digest.update(repr(batch).encode("utf-8"))
    return count, digest.hexdigest()


def compare(ref_db: Path, new_db: Path, limit: int = 5) -> list[str]:
    problems: list[str] = []
    a = sqlite3.connect(f"file:{ref_db}?mode=ro", uri=True)
    b = sqlite3.connect(f"file:{new_db}?mode=ro", uri=True)
    try:
        ta, tb = _tables(a), _tables(b)
        if ta != tb:
            problems.append(f"tables differ: {sorted(set(ta) ^ set(tb))}")
        for table in ta:
            if table not in tb or table in LAYOUT_TABLES or table in VIRTUAL_TABLES:
                continue
            ca, ra = _rows(a, table)
            cb, rb = _rows(b, table)
            if ca != cb:
                problems.append(f"{table}: columns differ {ca} / {cb}")
                continue
            if ra != rb:
                diffs = [(i, x, y) for i, (x, y) in enumerate(zip(ra, rb, strict=False)) if x != y][:limit]
                problems.append(f"{table}: {len(ra)} / {len(rb)} rows; first differences: "
                                + "; ".join(f"#{i}: {str(x)[:200]} / {str(y)[:200]}" for i, x, y in diffs))
            print(f"  {table}: {len(ra)} rows {'same' if ra == rb else 'DIFFER'}", file=sys.stderr)
        for table, kind in (("fts", "instance"), ("fts_runs", "row")):
            va, vb = _vocab(a, table, kind), _vocab(b, table, kind)
            print(f"  {table} ({kind}): {va[0]} entries {'same' if va == vb else 'DIFFER'}", file=sys.stderr)
            if va != vb:
                problems.append(f"{table} index content ({kind}) differs: {va} / {vb}")
    finally:
        a.close()
        b.close()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--ref", type=Path, default=Path("/work/ref"), help="the reference code tree")
    parser.add_argument("--new", type=Path, default=REPO, help="the code tree to check (default: this one)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the two archives in this folder")
    args = parser.parse_args()
    folders = [str(f.resolve()) for f in args.folders]
    with tempfile.TemporaryDirectory(prefix="identity-") as tmp:
        work = args.keep or Path(tmp)
        results = {}
        for label, tree in (("ref", args.ref), ("new", args.new)):
            (work / label).mkdir(parents=True, exist_ok=True)
            db = work / label / "archive.sqlite"
            for stale in db.parent.glob("archive.sqlite*"):
                stale.unlink()
            print(f"importing with {tree} …", file=sys.stderr, flush=True)
            results[label] = import_with(tree.resolve(), folders, db, args.workers)
        problems = []
        if results["ref"]["outcomes"] != results["new"]["outcomes"]:
            problems.append("import outcomes differ")
        counts: dict[str, int] = {}
        for _path, outcome, _reason, _id in results["new"]["outcomes"]:
            counts[outcome] = counts.get(outcome, 0) + 1
        print(f"  outcomes: {counts}", file=sys.stderr)
        for query in QUERIES:
            if results["ref"]["search"][query] != results["new"]["search"][query]:
                problems.append(f"search {query!r} differs")
        hits = sum(len(v) for v in results["new"]["search"].values())
        print(f"  search: {len(QUERIES)} queries, {hits} hits", file=sys.stderr)
        problems += compare(work / "ref" / "archive.sqlite", work / "new" / "archive.sqlite")
    if problems:
        print("DIFFERENT:\n" + "\n".join(problems))
        sys.exit(1)
    print(f"IDENTICAL: {', '.join(map(str, args.folders))} with {args.ref} and {args.new} (workers={args.workers})")


if __name__ == "__main__":
    main()
