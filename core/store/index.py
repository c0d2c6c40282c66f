"""The full-text index's rows: a document's title and text into (and out of) the FTS5 table `fts`
(in their index form, core.search.index_form) and the run index `fts_runs` (core.search.runs_form)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from core import search

# What fts_runs holds (core.search._runs_tokens), in meta 'runs_version': the run index is used only when it
# says RUNS_VERSION, so an archive filled by an earlier form of it searches through the phrase query alone
# (same results, slower) until its index is rebuilt (maintenance.rebuild_index, 重建索引).
RUNS_VERSION = "2"  # 2: runs, neighbour-tagged runs and whitespace junctions


def mark_runs_current(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('runs_version', ?)", (RUNS_VERSION,))


def index_document(conn: sqlite3.Connection, doc_id: int, indexed_title: str, indexed_body: str, *,
                   runs: bool = True, runs_row: str | None = None) -> None:
    """Add a document to the contentless `fts` table (title and body already in index_form) and, unless
    runs=False (the schema-3 migration, before the run index exists), to the run index (`runs_row`: its
    search.runs_form when computed already, by an import worker)."""
    conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (doc_id, indexed_title, indexed_body))
    if runs:
        form = search.runs_form(indexed_title, indexed_body) if runs_row is None else runs_row
        if form:
            conn.execute("INSERT INTO fts_runs(rowid, body) VALUES (?, ?)", (doc_id, form))


def unindex_document(conn: sqlite3.Connection, doc_id: int, indexed_title: str, indexed_body: str) -> None:
    """Remove a document from the contentless `fts` table and the run index.

    A contentless FTS5 table forgets a row only when given exactly the values that were indexed, so callers
    pass the stored `documents.indexed_title` and the index_form of the stored text.
    """
    conn.execute(
        "INSERT INTO fts(fts, rowid, title, body) VALUES ('delete', ?, ?, ?)", (doc_id, indexed_title, indexed_body)
    )
    form = search.runs_form(indexed_title, indexed_body)
    if form:
        conn.execute("INSERT INTO fts_runs(fts_runs, rowid, body) VALUES ('delete', ?, ?)", (doc_id, form))


def clear(conn: sqlite3.Connection) -> None:
    """Empty both indexes (before a rebuild)."""
    conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
    conn.execute("INSERT INTO fts_runs(fts_runs) VALUES ('delete-all')")


def stored_texts(conn: sqlite3.Connection, chunk_size: int = 200) -> Iterator[tuple[int, str, str]]:
    """(id, title, text) of every document in id order, `chunk_size` texts in memory at a time (for the
    migrations and rebuilds that index stored texts again)."""
    ids = [int(row[0]) for row in conn.execute("SELECT id FROM documents ORDER BY id")]
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        rows = conn.execute(
            "SELECT d.id, d.title, t.text FROM documents d LEFT JOIN texts t ON t.doc_id = d.id"
            f" WHERE d.id IN ({','.join('?' * len(chunk))})", chunk,
        ).fetchall()
        for doc_id, title, text in rows:
            yield int(doc_id), title or "", text or ""


def fill_runs(conn: sqlite3.Connection) -> int:
    """Fill the run index from the stored titles and texts (schema 7's migration); the number of documents."""
    count = 0
    for doc_id, title, text in stored_texts(conn):
        count += 1
        form = search.runs_form_of_text(title, text)
        if form:
            conn.execute("INSERT INTO fts_runs(rowid, body) VALUES (?, ?)", (doc_id, form))
    mark_runs_current(conn)
    return count
