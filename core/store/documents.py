"""Document writes: a processed file becomes its rows (document, original, text, analysis, facts, index,
reuse signature) inside the import's batched write transaction; the metadata columns of an analysis."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from core import reuse, search
from core.ingest.pipeline import Processed
from core.models import (
    DOC_TYPES,
    META_FIELDS,
    Analysis,
    Fact,
)
from core.store import index

log = logging.getLogger(__name__)


BATCH_DOCS = 500  # documents per commit: the pages of the random-key indexes (hashes, reuse keys) a
# batch dirties are written to the WAL once per commit, so fewer, larger commits write far less at scale


BATCH_SECONDS = 2.0  # or this long since the last commit, whichever comes first (other writers wait ≤ this)

# While an import writes: a larger page cache (a 500-document batch dirties tens of MB of index pages, which
# must not spill) and a larger WAL before an automatic checkpoint (a page rewritten by several batches is
# copied into the database once). Restored when the import ends (core.store.connection's defaults).
BULK_CACHE_KIB = 131_072
BULK_WAL_PAGES = 8_000
NORMAL_CACHE_KIB = 32_768
NORMAL_WAL_PAGES = 1_000


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def effective_metadata(auto: dict[str, Any], overrides: dict[str, Any], source_name: str) -> dict[str, Any]:
    meta = {name: auto.get(name) for name in META_FIELDS}
    for name, value in overrides.items():
        if name in META_FIELDS:
            meta[name] = value
    if not meta.get("title"):
        meta["title"] = Path(source_name).stem or source_name or "（无标题）"
    if meta.get("doc_type") not in DOC_TYPES:
        meta["doc_type"] = "其他"
    return meta


def analysis_to_auto(analysis: Analysis) -> dict[str, Any]:
    auto: dict[str, Any] = dict(analysis.metadata())
    auto["evidence"] = {k: list(v) for k, v in analysis.evidence.items()}
    return auto


def _fields_of(obj: Any) -> dict[str, Any]:
    """dataclasses.asdict for a dataclass of plain values, lists and dicts (Section, StructureCheck): the same
    JSON without asdict's recursive deep copy (0.13 → 0.06 ms a document with the JSON encoding)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def analysis_columns(analysis: Analysis, overrides: dict[str, Any], source_name: str) -> dict[str, Any]:
    """Column values of `documents` derived from an Analysis (effective metadata = auto ⊕ overrides)."""
    auto = analysis_to_auto(analysis)
    meta = effective_metadata(auto, overrides, source_name)
    return {
        **meta,
        "auto_meta": json.dumps(auto, ensure_ascii=False),
        "sections": json.dumps([_fields_of(s) for s in analysis.sections], ensure_ascii=False),
        "structure": json.dumps(_fields_of(analysis.structure), ensure_ascii=False),
        "missing_parts": json.dumps(list(analysis.structure.missing)),
        "late": None if analysis.structure.late is None else int(analysis.structure.late),
        "analysed_at": _now(),
    }


def fact_rows(facts: Iterable[Fact]) -> list[tuple[Any, ...]]:
    """The facts as rows of insert_fact_rows (plain tuples: cheap to pickle from a worker)."""
    return [
        (f.key, f.name, float(f.value), f.unit or "", f.qualifier or "", f.direction, f.start, f.end,
         f.sentence or "", f.confidence, f.pattern or None)
        for f in facts
    ]


def insert_fact_rows(conn: sqlite3.Connection, doc_id: int, rows: list[tuple[Any, ...]], status: str = "auto") -> int:
    stamp = None if status == "auto" else _now()  # updated_at records user edits only
    head = (doc_id, status, stamp)
    conn.executemany(
        "INSERT INTO facts(doc_id, status, updated_at, key, name, value, unit, qualifier, direction, start, end,"
        " sentence, confidence, pattern) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [head + row for row in rows],
    )
    return len(rows)


def insert_facts(conn: sqlite3.Connection, doc_id: int, facts: Iterable[Fact], status: str = "auto") -> int:
    return insert_fact_rows(conn, doc_id, fact_rows(facts), status)


@dataclass(slots=True)
class Prepared:
    """What store_document writes that depends on the file alone, not on the archive: computed by `prepare`
    where the CPU work happens (an import worker), so that the writing process only inserts it."""

    title: str
    indexed_title: str  # search.index_form(title)
    columns: dict[str, Any]  # analysis_columns(analysis, {}, name) without analysed_at (set when stored)
    fact_rows: list[tuple[Any, ...]]  # fact_rows(analysis.facts)
    runs: str  # search.runs_form(indexed_title, index_body): the run index's row
    warnings: str  # the warnings as JSON


def prepare(item: Processed) -> Prepared:
    """The Prepared rows of a processed file (fills item.index_body when empty)."""
    analysis = item.analysis or Analysis()
    cols = analysis_columns(analysis, {}, item.name)
    del cols["analysed_at"]
    title = str(cols["title"])
    indexed_title = search.index_form(title)
    if not item.index_body:
        item.index_body = search.index_form(item.text)
        item.runs_body = None
    if item.runs_body is not None:  # the body's run tokens came with its index form: only the title's are new
        runs = search.merge_runs_forms(search.runs_form_of_text(title), item.runs_body)
    else:
        runs = search.runs_form(indexed_title, item.index_body)
    return Prepared(title, indexed_title, cols, fact_rows(analysis.facts), runs,
                    json.dumps(item.warnings, ensure_ascii=False))


class PendingIndex:
    """Full-text index rows of a batch's documents, inserted together just before it commits (`flush`).

    FTS5 writes the terms it holds in memory to a new segment whenever a savepoint or a statement journal
    opens while it is part of the transaction — with a savepoint per document, one small segment per
    document, merged again and again. Inserted together, a batch's terms go out in a few large segments
    (same rows, same search results; the index's internal layout differs).
    """

    FLUSH_CHARS = 16_000_000  # also flush when this much text waits (bounds the memory of huge documents)

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str, str]] = []
        self.chars = 0

    def add(self, conn: sqlite3.Connection, doc_id: int, indexed_title: str, indexed_body: str, runs: str) -> None:
        self.rows.append((doc_id, indexed_title, indexed_body, runs))
        self.chars += len(indexed_body)
        if self.chars >= self.FLUSH_CHARS:
            self.flush(conn)

    def flush(self, conn: sqlite3.Connection) -> None:
        rows, self.rows, self.chars = self.rows, [], 0
        for doc_id, indexed_title, indexed_body, runs in rows:
            index.index_document(conn, doc_id, indexed_title, indexed_body, runs_row=runs)

    def clear(self) -> None:
        self.rows, self.chars = [], 0


def store_document(conn: sqlite3.Connection, item: Processed, pending: PendingIndex | None = None) -> int:
    """Write one processed document (row, text, original, facts, index); caller holds the transaction.

    Its rows are item.prepared (from the worker) or prepare(item). With `pending`, the full-text index rows
    wait there until the batch flushes them (before it commits)."""
    prepared = item.prepared if item.prepared is not None else prepare(item)
    cols = prepared.columns
    title, indexed_title = prepared.title, prepared.indexed_title
    now = _now()
    cur = conn.execute(
        "INSERT INTO documents(title, source_name, source_path, fmt, encoding, size, char_count,"
        " sha_original, sha_text, agency, region, report_year, period, publish_date, doc_type,"
        " overrides, missing_parts, late, fact_count, warnings, indexed_title,"
        " imported_at, analysed_at, source_mtime_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'{}',?,?,?,?,?,?,?,?)",
        (
            title, item.name, os.path.abspath(item.path) if item.path else "", item.fmt, item.encoding, item.size, len(item.text),
            item.sha_original, item.sha_text, cols["agency"], cols["region"], cols["report_year"],
            cols["period"], cols["publish_date"], cols["doc_type"], cols["missing_parts"], cols["late"],
            len(prepared.fact_rows), prepared.warnings, indexed_title, now, now, item.mtime_ns,
        ),
    )
    doc_id = int(cur.lastrowid or 0)
    conn.execute(
        "INSERT INTO analyses(doc_id, auto_meta, sections, structure) VALUES (?, ?, ?, ?)",
        (doc_id, cols["auto_meta"], cols["sections"], cols["structure"]),
    )
    conn.execute("INSERT INTO texts(doc_id, text) VALUES (?, ?)", (doc_id, item.text))
    conn.execute(
        "INSERT INTO originals(doc_id, name, data) VALUES (?, ?, ?)",
        (doc_id, item.name, item.data),
    )
    insert_fact_rows(conn, doc_id, prepared.fact_rows)
    reuse.index_document(conn, doc_id, item.text, encoded=item.reuse_signature, keys=item.reuse_keys)
    if pending is not None:
        pending.add(conn, doc_id, indexed_title, item.index_body, prepared.runs)
    else:
        index.index_document(conn, doc_id, indexed_title, item.index_body, runs_row=prepared.runs)
    return doc_id


def _existing(conn: sqlite3.Connection, column: str, digest: str) -> tuple[int, str, bool] | None:
    row = conn.execute(
        f"SELECT id, title, deleted_at IS NOT NULL FROM documents WHERE {column} = ?", (digest,)
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), bool(row[2]))


def _unchanged(conn: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> tuple[int, str, bool] | None:
    """The archived document imported from this very file, if the file's size and mtime are as they were."""
    row = conn.execute(
        "SELECT id, title, deleted_at IS NOT NULL FROM documents"
        " WHERE source_path = ? AND size = ? AND source_mtime_ns = ? LIMIT 1",
        (os.path.abspath(path), size, mtime_ns),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), bool(row[2]))


class _Batch:
    """One write transaction spanning several documents, each inside its own savepoint; their full-text
    index rows are inserted together when it commits (PendingIndex)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.open = False
        self.count = 0
        self.started = 0.0
        self.index = PendingIndex()

    def begin(self) -> None:
        if not self.open:
            self.conn.execute("BEGIN IMMEDIATE")
            self.open = True
            self.count = 0
            self.started = time.monotonic()

    def maybe_commit(self) -> None:
        if self.open and (self.count >= BATCH_DOCS or time.monotonic() - self.started >= BATCH_SECONDS):
            self.commit()

    def commit(self) -> None:
        if self.open:
            self.index.flush(self.conn)
            self.conn.execute("COMMIT")
            self.open = False

    def rollback(self) -> None:
        self.index.clear()
        if self.open:
            self.open = False
            if not self.conn.in_transaction:
                return
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rollback failed")


@contextmanager
def bulk_writes(conn: sqlite3.Connection) -> Iterator[None]:
    """The import's write settings (BULK_CACHE_KIB, BULK_WAL_PAGES) for the duration of the block."""
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_WAL_PAGES}")
    try:
        yield
    finally:
        try:
            conn.execute(f"PRAGMA cache_size = -{NORMAL_CACHE_KIB}")
            conn.execute(f"PRAGMA wal_autocheckpoint = {NORMAL_WAL_PAGES}")
        except sqlite3.Error:
            log.warning("could not restore the connection's settings after an import", exc_info=True)


def store_in_savepoint(conn: sqlite3.Connection, item: Processed, pending: PendingIndex | None = None) -> int:
    """store_document inside a savepoint of its own: a failure leaves the batch's other documents as they were."""
    conn.execute("SAVEPOINT doc")
    try:
        doc_id = store_document(conn, item, pending)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK TO doc")
            conn.execute("RELEASE doc")
        raise
    conn.execute("RELEASE doc")
    return doc_id
