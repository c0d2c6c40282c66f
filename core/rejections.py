"""What 否决 in 待核对 teaches: a phrase pattern (core.review) that names no indicator, remembered in the archive
(table `rejected_patterns`, schema version 9), so the same shape in reports imported or re-analysed later is
not queued again: their facts of that pattern — those the queue would list, unkeyed or below
LOW_CONFIDENCE — get status `rejected` in the same transaction that stores them (not exported; the viewer
still shows them and a clerk can confirm one). A rejection made for one report type (the queue's 类型 box)
applies to documents of that type only. Undoing the 否决 forgets it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS rejected_patterns (pattern TEXT NOT NULL, doc_type TEXT NOT NULL DEFAULT '',"
    " created_at TEXT, PRIMARY KEY (pattern, doc_type)) WITHOUT ROWID"
)
ANY_TYPE = ""  # doc_type of a rejection that holds for every report type


def _has_table(conn: sqlite3.Connection) -> bool:
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rejected_patterns'"
    ).fetchone() is not None


def learn(conn: sqlite3.Connection, pattern: str, doc_type: str | None) -> bool:
    """Remember that `pattern` names no indicator (in documents of `doc_type`; None: of any type). True when it
    is new (caller holds the write transaction)."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO rejected_patterns(pattern, doc_type, created_at) VALUES (?, ?, ?)",
        (pattern, doc_type or ANY_TYPE, datetime.now(UTC).isoformat(timespec="seconds")),
    )
    return cur.rowcount > 0


def forget(conn: sqlite3.Connection, pattern: str, doc_type: str | None) -> None:
    conn.execute("DELETE FROM rejected_patterns WHERE pattern = ? AND doc_type = ?", (pattern, doc_type or ANY_TYPE))


def rejected(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(pattern, doc_type) of every rejection, doc_type "" for any type."""
    if not _has_table(conn):
        return []
    return [(str(p), str(t)) for p, t in conn.execute("SELECT pattern, doc_type FROM rejected_patterns ORDER BY 1, 2")]


def apply(conn: sqlite3.Connection, doc_ids: Sequence[int], threshold: float) -> int:
    """Mark the queue-bound facts (status auto, no key or confidence below `threshold`) of `doc_ids` whose
    pattern was rejected as `rejected`; the number of facts (caller holds the write transaction)."""
    if not doc_ids or not _has_table(conn) or conn.execute("SELECT 1 FROM rejected_patterns LIMIT 1").fetchone() is None:
        return 0
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    changed = 0
    for start in range(0, len(doc_ids), 500):
        chunk = list(doc_ids[start : start + 500])
        cur = conn.execute(
            "UPDATE facts SET status = 'rejected', updated_at = ?"
            f" WHERE doc_id IN ({','.join('?' * len(chunk))}) AND status = 'auto'"
            " AND (key IS NULL OR confidence < ?)"
            " AND EXISTS (SELECT 1 FROM rejected_patterns r WHERE r.pattern = facts.pattern"
            "  AND (r.doc_type = '' OR r.doc_type = (SELECT d.doc_type FROM documents d WHERE d.id = facts.doc_id)))",
            (stamp, *chunk, threshold),
        )
        changed += max(0, cur.rowcount)
    return changed
