"""Stored reuse results: a result as JSON in reuse_results (and its sources in reuse_links), read back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from core.reuse_model import ALGORITHM_VERSION, Passage, ReuseResult, Source


def _has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='reuse_postings'").fetchone()
    return row is not None


def _to_data(result: ReuseResult) -> str:
    return json.dumps({
        "sources": [
            {"doc_id": s.doc_id, "share": s.share, "same_agency": s.same_agency,
             "passages": [[p.start, p.end, p.source_start, p.source_end, p.kind, p.similarity, p.figures]
                          for p in s.passages]}
            for s in result.sources
        ],
        "boilerplate": result.boilerplate,
    }, ensure_ascii=False, separators=(",", ":"))


def _from_data(doc_id: int, share: float, data: str) -> ReuseResult:
    raw = json.loads(data)
    sources = [
        Source(int(s["doc_id"]), float(s["share"]),
               [Passage(int(p[0]), int(p[1]), int(p[2]), int(p[3]), str(p[4]), float(p[5]),
                        [(str(a), str(b)) for a, b in p[6]]) for p in s["passages"]],
               bool(s.get("same_agency")))
        for s in raw.get("sources", [])
    ]
    return ReuseResult(doc_id, share, sources, [(int(a), int(b)) for a, b in raw.get("boilerplate", [])])


def store(conn: sqlite3.Connection, result: ReuseResult) -> None:
    main = result.main_source
    conn.execute(
        "INSERT OR REPLACE INTO reuse_results(doc_id, share, main_source, main_share, version, data, computed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, datetime('now'))",
        (result.doc_id, result.reused_share, main.doc_id if main else None, main.share if main else 0.0,
         ALGORITHM_VERSION, _to_data(result)),
    )
    conn.execute("DELETE FROM reuse_links WHERE doc_id = ?", (result.doc_id,))
    conn.executemany("INSERT OR IGNORE INTO reuse_links(source_id, doc_id) VALUES (?, ?)",
                     [(s.doc_id, result.doc_id) for s in result.sources])


def stored(conn: sqlite3.Connection, doc_id: int) -> ReuseResult | None:
    if not _has_tables(conn):
        return None
    row = conn.execute("SELECT share, data, version FROM reuse_results WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None or int(row[2]) != ALGORITHM_VERSION:
        return None
    return _from_data(doc_id, float(row[0]), str(row[1]))


def shares(conn: sqlite3.Connection, doc_ids: Sequence[int]) -> dict[int, tuple[float, int | None]]:
    """Stored (share, main source) of the documents that have a current result (missing ones: not yet)."""
    out: dict[int, tuple[float, int | None]] = {}
    if not doc_ids or not _has_tables(conn):
        return out
    ids = list(doc_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for doc_id, share, main in conn.execute(
            f"SELECT doc_id, share, main_source FROM reuse_results WHERE version = ? AND doc_id IN ({marks})",
            [ALGORITHM_VERSION, *chunk],
        ):
            out[int(doc_id)] = (float(share), None if main is None else int(main))
    return out


def pending(conn: sqlite3.Connection, limit: int | None = None) -> list[int]:
    """Documents (not in the trash) whose reuse is not computed yet, oldest first."""
    if not _has_tables(conn):
        return []
    sql = (
        "SELECT d.id FROM documents d LEFT JOIN reuse_results r ON r.doc_id = d.id AND r.version = ?"
        " WHERE d.deleted_at IS NULL AND r.doc_id IS NULL ORDER BY d.id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [int(r[0]) for r in conn.execute(sql, (ALGORITHM_VERSION,))]


def _save(conn: sqlite3.Connection, results: Sequence[ReuseResult]) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:
        return  # another writer holds the archive: the result is simply not cached this time
    try:
        for result in results:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (result.doc_id,)).fetchone():
                store(conn, result)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
