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
from dataclasses import fields
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


def insert_facts(conn: sqlite3.Connection, doc_id: int, facts: Iterable[Fact], status: str = "auto") -> int:
    stamp = None if status == "auto" else _now()  # updated_at records user edits only
    rows = [
        (doc_id, f.key, f.name, float(f.value), f.unit or "", f.qualifier or "", f.direction, f.start, f.end,
         f.sentence or "", status, stamp, f.confidence, f.pattern or None)
        for f in facts
    ]
    conn.executemany(
        "INSERT INTO facts(doc_id, key, name, value, unit, qualifier, direction, start, end, sentence,"
        " status, updated_at, confidence, pattern) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    return len(rows)


def store_document(conn: sqlite3.Connection, item: Processed) -> int:
    """Write one processed document (row, text, original, facts, index); caller holds the transaction."""
    analysis = item.analysis or Analysis()
    cols = analysis_columns(analysis, {}, item.name)
    title = str(cols["title"])
    indexed_title = search.index_form(title)
    cur = conn.execute(
        "INSERT INTO documents(title, source_name, source_path, fmt, encoding, size, char_count,"
        " sha_original, sha_text, agency, region, report_year, period, publish_date, doc_type,"
        " overrides, missing_parts, late, fact_count, warnings, indexed_title,"
        " imported_at, analysed_at, source_mtime_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'{}',?,?,?,?,?,?,?,?)",
        (
            title, item.name, os.path.abspath(item.path) if item.path else "", item.fmt, item.encoding, item.size, len(item.text),
            item.sha_original, item.sha_text, cols["agency"], cols["region"], cols["report_year"],
            cols["period"], cols["publish_date"], cols["doc_type"], cols["missing_parts"], cols["late"],
            len(analysis.facts), json.dumps(item.warnings, ensure_ascii=False), indexed_title, _now(),
            cols["analysed_at"], item.mtime_ns,
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
    insert_facts(conn, doc_id, analysis.facts)
    index.index_document(conn, doc_id, indexed_title, item.index_body or search.index_form(item.text))
    reuse.index_document(conn, doc_id, item.text, encoded=item.reuse_signature, keys=item.reuse_keys)
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
    """One write transaction spanning several documents, each inside its own savepoint."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.open = False
        self.count = 0
        self.started = 0.0

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
            self.conn.execute("COMMIT")
            self.open = False

    def rollback(self) -> None:
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


def store_in_savepoint(conn: sqlite3.Connection, item: Processed) -> int:
    """store_document inside a savepoint of its own: a failure leaves the batch's other documents as they were."""
    conn.execute("SAVEPOINT doc")
    try:
        doc_id = store_document(conn, item)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK TO doc")
            conn.execute("RELEASE doc")
        raise
    conn.execute("RELEASE doc")
    return doc_id
