"""The full-text index's rows: a document's title and text into (and out of) the FTS5 table `fts`
(in their index form, core.search.index_form)."""

from __future__ import annotations

import sqlite3


def index_document(conn: sqlite3.Connection, doc_id: int, indexed_title: str, indexed_body: str) -> None:
    """Add a document to the contentless `fts` table (title and body already in index_form)."""
    conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (doc_id, indexed_title, indexed_body))


def unindex_document(conn: sqlite3.Connection, doc_id: int, indexed_title: str, indexed_body: str) -> None:
    """Remove a document from the contentless `fts` table.

    A contentless FTS5 table forgets a row only when given exactly the values that were indexed, so callers
    pass the stored `documents.indexed_title` and the index_form of the stored text.
    """
    conn.execute(
        "INSERT INTO fts(fts, rowid, title, body) VALUES ('delete', ?, ?, ?)", (doc_id, indexed_title, indexed_body)
    )
