"""The whole archive schema in one place, plus numbered migrations keyed on PRAGMA user_version."""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

# sqlite_utils imports numpy whenever it is installed (for numpy values we never insert); numpy is
# there for OCR and costs 0.1–0.25 s of start-up, so it stays out until a scan needs it.
_NUMPY_BLOCKED = "numpy" not in sys.modules
if _NUMPY_BLOCKED:
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` raise ImportError
try:
    import sqlite_utils
    from sqlite_utils.db import ForeignKey
finally:
    if _NUMPY_BLOCKED:
        del sys.modules["numpy"]

from core.errors import ArchiveCorruptError, ArchiveVersionError  # noqa: E402 - after the numpy guard
from core.ingest import resume as _resume  # noqa: E402

log = logging.getLogger(__name__)

# The schema version this app writes. Bump it together with a new entry in MIGRATIONS.
SCHEMA_VERSION = 9

# The oldest version a read-only open can use as it is (nothing can be migrated there): version 2 only
# added agency_aliases, which readers treat as empty when it is missing; version 3 changed what the
# full-text index holds (every character a token), so an older index would answer the new queries wrongly;
# version 4 added the text-reuse tables the window and the export read, version 5 the import runs, version 6
# the facts' confidence and phrase pattern (the review queue). Version 7's run index (fts_runs) is only a
# shortcut: a reader without it runs the phrase query alone (core.store.queries), with the same results.
# Version 8 only added an index (LIVE_INDEX_SQL): a reader without it lists the same rows, slower. Version 9's
# rejected_patterns (core.rejections) only matters when facts are written.
OLDEST_READABLE_VERSION = 6

# PRAGMA application_id of our archives (the ASCII bytes "RpAr"), set on creation and by migrate_1_to_2.
# Archives made before it existed (version 1) carry 0 and are recognised by their tables instead.
APPLICATION_ID = 0x52704172

# The user's agency merges (core.agencies): normal form of a name → the name it is filed under.
AGENCY_ALIASES_SQL = (
    "CREATE TABLE IF NOT EXISTS agency_aliases (alias TEXT PRIMARY KEY, canonical TEXT NOT NULL)"
)

# The file list of a running import (version 5): what is left when an import was killed.
IMPORT_RUNS_SQL = _resume.SCHEMA_SQL

# The full-text index: contentless FTS5 over an "index form" of title and text in which every character
# is its own token (core.search.index_form: punctuation and whitespace as private-use stand-ins), so a
# phrase query is an exact substring search; snippets and ranking are done in Python from the stored text.
FTS_SQL = (
    "CREATE VIRTUAL TABLE fts USING fts5("
    "title, body, content='', tokenize='unicode61 remove_diacritics 0')"
)


# The run index (version 7): ASCII digit/letter substrings of each document, no positions (core.store.index).
RUNS_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts_runs USING fts5("
    "body, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 0')"
)


SOURCE_INDEX_SQL = "CREATE INDEX IF NOT EXISTS idx_documents_source_path ON documents(source_path)"

# The window's default listing (version 8): the documents in or out of the trash, newest first, read from
# this index alone — no table rows, no sort (100,000 reports: 0.25–0.4 s → 0.05–0.1 s). It also serves every
# `deleted_at IS NULL` filter and count, so it replaces the single-column deleted_at index.
LIVE_INDEX_SQL = "CREATE INDEX IF NOT EXISTS idx_documents_live ON documents(deleted_at, imported_at)"


def _fk(table: str, column: str, other: str, other_column: str = "id") -> ForeignKey:
    return ForeignKey(table, column, other, other_column, on_delete="CASCADE")


def create_current_schema(db: sqlite_utils.Database) -> None:
    """Create every table of the current version in an empty database (caller holds the transaction)."""
    db.table("meta").create({"key": str, "value": str}, pk="key", not_null={"key"})
    db.table("documents").create(
        {
            "id": int,
            "title": str,  # effective value: auto overlaid with overrides
            "source_name": str,  # the original file's name
            "source_path": str,  # where it was imported from (absolute; re-import skips unchanged files)
            "source_mtime_ns": int,  # the file's modification time then (with size: unchanged-file check)
            "fmt": str,
            "encoding": str,
            "size": int,  # bytes of the original
            "char_count": int,  # characters of the cleaned text
            "sha_original": str,
            "sha_text": str,
            "agency": str,
            "region": str,
            "report_year": int,
            "period": str,
            "publish_date": str,
            "doc_type": str,
            "overrides": str,  # JSON: user edits (set_metadata); they win and survive reanalyse
            "missing_parts": str,  # JSON list of ints (copy of structure.missing for the table)
            "late": int,
            "fact_count": int,
            "warnings": str,  # JSON list of reader/pipeline warnings (Chinese)
            "indexed_title": str,  # exactly what went into fts.title (needed to delete from a contentless index)
            "imported_at": str,
            "analysed_at": str,
            "deleted_at": str,  # NULL unless in the trash
        },
        pk="id",
        not_null={
            "title", "source_name", "fmt", "size", "char_count", "sha_original", "sha_text",
            "doc_type", "overrides", "missing_parts",
            "fact_count", "warnings", "indexed_title", "imported_at",
        },
        defaults={
            "title": "", "source_name": "", "fmt": "", "size": 0, "char_count": 0, "doc_type": "其他",
            "overrides": "{}", "missing_parts": "[]", "fact_count": 0, "warnings": "[]", "indexed_title": "",
        },
    )
    # The bulky analysis JSON lives apart so that `documents` rows stay small: filtering and sorting
    # 10,000 rows must not wade through overflow pages.
    db.table("analyses").create(
        {
            "doc_id": int,
            "auto_meta": str,  # JSON: what analyse() found (metadata), plus "evidence"
            "sections": str,  # JSON list of Section
            "structure": str,  # JSON StructureCheck
        },
        pk="doc_id",
        not_null={"auto_meta", "sections", "structure"},
        foreign_keys=[_fk("analyses", "doc_id", "documents")],
    )
    db.table("texts").create(
        {"doc_id": int, "text": str},
        pk="doc_id",
        not_null={"text"},
        foreign_keys=[_fk("texts", "doc_id", "documents")],
    )
    db.table("originals").create(
        {"doc_id": int, "name": str, "data": bytes},
        pk="doc_id",
        not_null={"name", "data"},
        foreign_keys=[_fk("originals", "doc_id", "documents")],
    )
    db.table("facts").create(
        {
            "id": int,
            "doc_id": int,
            "key": str,
            "name": str,
            "value": float,
            "unit": str,
            "qualifier": str,
            "direction": str,
            "start": int,
            "end": int,
            "sentence": str,
            "status": str,  # auto / confirmed / corrected / rejected / manual
            "updated_at": str,
            "confidence": float,  # 0–1, the extractor's (version 6)
            "pattern": str,  # phrase pattern for the review queue, "印发规范性文件N件" (version 6)
        },
        pk="id",
        not_null={"doc_id", "value", "unit", "qualifier", "start", "end", "sentence", "status"},
        defaults={"unit": "", "qualifier": "", "sentence": "", "status": "auto"},
        foreign_keys=[_fk("facts", "doc_id", "documents")],
    )
    db.table("tags").create(
        {"id": int, "name": str, "color": str, "created_at": str},
        pk="id",
        not_null={"name", "color"},
        defaults={"color": ""},
    )
    db.table("document_tags").create(
        {"doc_id": int, "tag_id": int},
        pk=("doc_id", "tag_id"),
        not_null={"doc_id", "tag_id"},
        foreign_keys=[_fk("document_tags", "doc_id", "documents"), _fk("document_tags", "tag_id", "tags")],
    )
    # Per-document keyword candidates (jieba), the basis of the archive's own IDF for tag suggestions.
    db.table("keywords").create(
        {"doc_id": int, "words": str},
        pk="doc_id",
        not_null={"words"},
        foreign_keys=[_fk("keywords", "doc_id", "documents")],
    )
    db.table("documents").create_index(["sha_original"], unique=True)
    db.table("documents").create_index(["sha_text"], unique=True)
    for column in ("imported_at", "report_year", "agency", "doc_type", "title"):
        db.table("documents").create_index([column])
    db.execute(SOURCE_INDEX_SQL)
    db.execute(LIVE_INDEX_SQL)
    db.table("facts").create_index(["doc_id"])
    db.execute(FACT_PATTERN_INDEX_SQL)
    db.table("document_tags").create_index(["tag_id"])
    db.execute("CREATE UNIQUE INDEX idx_tags_name ON tags(name COLLATE NOCASE)")
    db.execute(FTS_SQL)
    db.execute(RUNS_SQL)
    db.execute("INSERT INTO meta(key, value) VALUES ('runs_version', ?)", (_runs_version(),))
    db.execute(AGENCY_ALIASES_SQL)
    from core import rejections

    db.execute(rejections.TABLE_SQL)
    _create_reuse_tables(db)
    for sql in IMPORT_RUNS_SQL:
        db.execute(sql)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _create_reuse_tables(db: sqlite_utils.Database) -> None:
    from core.reuse import SCHEMA_SQL

    for sql in SCHEMA_SQL:
        db.execute(sql)


def migrate_1_to_2(db: sqlite_utils.Database) -> None:
    """Version 2: the agency alias table (version 1 archives got it lazily, if at all) and our application_id."""
    db.execute(AGENCY_ALIASES_SQL)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def migrate_2_to_3(db: sqlite_utils.Database) -> None:
    """Version 3: exact search (the index rebuilt in the new form) and the source file's mtime for re-import."""
    from core import search
    from core.store import index

    conn = db.conn
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(documents)")}
    if "source_mtime_ns" not in columns:
        conn.execute("ALTER TABLE documents ADD COLUMN source_mtime_ns INTEGER")
    conn.execute(SOURCE_INDEX_SQL)
    conn.execute("INSERT INTO fts(fts) VALUES ('delete-all')")
    for doc_id, title, text in index.stored_texts(conn):
        indexed = search.index_form(title)
        conn.execute("UPDATE documents SET indexed_title = ? WHERE id = ?", (indexed, doc_id))
        index.index_document(conn, doc_id, indexed, search.index_form(text), runs=False)


def migrate_3_to_4(db: sqlite_utils.Database) -> None:
    """Version 4: the text-reuse index (core.reuse), built from the stored texts; results come later."""
    from core import reuse

    reuse.rebuild(db.conn)


# Covers the review queue's GROUP BY (core.review): pattern first, then what its WHERE and counts read.
FACT_PATTERN_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS idx_facts_pattern ON facts(pattern, status, key, confidence, doc_id, unit)"
)


def migrate_5_to_6(db: sqlite_utils.Database) -> None:
    """Version 6: a fact's confidence and phrase pattern (the review queue groups by it). Old rows get NULL;
    core.review fills their pattern on first use and reanalyse() rewrites both."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(facts)").fetchall()}
    if "confidence" not in columns:
        db.execute("ALTER TABLE facts ADD COLUMN confidence FLOAT")
    if "pattern" not in columns:
        db.execute("ALTER TABLE facts ADD COLUMN pattern TEXT")
    db.execute(FACT_PATTERN_INDEX_SQL)


# MIGRATIONS[n] turns a version n-1 archive into version n (inside one exclusive transaction that also
# sets user_version). An empty file (user_version 0) is created directly with create_current_schema.
def migrate_4_to_5(db: sqlite_utils.Database) -> None:
    """Version 5: the running import's file list (core.ingest.resume), so a killed import can be resumed."""
    for sql in IMPORT_RUNS_SQL:
        db.execute(sql)


def _runs_version() -> str:
    from core.store import index

    return index.RUNS_VERSION


def migrate_6_to_7(db: sqlite_utils.Database) -> None:
    """Version 7: the run index (RUNS_SQL, core.store.index), filled from the stored texts (about 0.3 ms a
    report), so a rare number or Latin word is found without checking every report (docs/search.md)."""
    from core.store import index

    db.execute(RUNS_SQL)
    index.fill_runs(db.conn)


def migrate_7_to_8(db: sqlite_utils.Database) -> None:
    """Version 8: the listing index (LIVE_INDEX_SQL) in place of the single-column deleted_at index."""
    db.execute(LIVE_INDEX_SQL)
    db.execute("DROP INDEX IF EXISTS idx_documents_deleted_at")


def migrate_8_to_9(db: sqlite_utils.Database) -> None:
    """Version 9: the phrase patterns 否决 in 待核对 (core.rejections), empty to begin with."""
    from core import rejections

    db.execute(rejections.TABLE_SQL)


Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: dict[int, Migration] = {
    2: migrate_1_to_2, 3: migrate_2_to_3, 4: migrate_3_to_4, 5: migrate_4_to_5, 6: migrate_5_to_6, 7: migrate_6_to_7,
    8: migrate_7_to_8, 9: migrate_8_to_9,
}
# Migrations that only add indexes or empty tables: nothing stored is rewritten, and a crash inside one leaves
# the previous version as it was (one transaction), so they need no copy of the archive first — at 100,000
# reports that copy would be 6 GB and a minute of the user's start.
INDEX_ONLY_MIGRATIONS = frozenset({8, 9})


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _is_empty(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM sqlite_master WHERE type IN ('table','view')").fetchone()
    return int(row[0]) == 0


# Tables every version of our archive has had; a file with user_version > 0 but without them is not ours.
_OUR_TABLES = frozenset({"meta", "documents", "texts", "fts"})
FOREIGN_MESSAGE = _FOREIGN = "此文件不是报告档案（其中已有其他程序的数据），为避免破坏未打开。"


def inspect_file(conn: sqlite3.Connection) -> int:
    """Decide, reading only, whether `conn` holds one of our archives (or an empty file); return its version.

    Call it before anything that may change the file (journal_mode, schema creation, migration): it raises
    ArchiveCorruptError for another program's SQLite file and ArchiveVersionError for a newer archive,
    leaving the file byte-for-byte as it was.
    """
    version = user_version(conn)
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    tables = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")
    }
    if app_id not in (0, APPLICATION_ID):
        raise ArchiveCorruptError(_FOREIGN)
    if version == 0:
        if tables:
            raise ArchiveCorruptError(_FOREIGN)
        return 0
    if app_id == 0 and not _OUR_TABLES <= tables:
        raise ArchiveCorruptError(_FOREIGN)
    if version > SCHEMA_VERSION:
        raise ArchiveVersionError(
            f"此档案由更新版本的程序创建（档案版本 {version}，本程序支持到 {SCHEMA_VERSION}），"
            "请升级程序后再打开。"
        )
    return version


def backup_before_migration(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the archive next to itself before migrating it (core.store.connection.copy_database: backup API)."""
    from core.store import connection as archive_file

    return archive_file.copy_database(conn, archive_file.aside_name(path, f"v{version}-backup"))


def ensure_schema(conn: sqlite3.Connection, path: Path | None) -> Path | None:
    """Create or migrate the schema; return the backup made before a migration, if any.

    `conn` must be in autocommit mode (isolation_level=None). Each step runs in one exclusive
    transaction that also sets user_version, so a crash leaves the previous version intact.
    """
    version = inspect_file(conn)
    if version == SCHEMA_VERSION:
        return None
    db = sqlite_utils.Database(conn)
    if version == 0:
        conn.execute("BEGIN EXCLUSIVE")
        try:
            if user_version(conn) == SCHEMA_VERSION:  # another process created it while we waited
                conn.execute("COMMIT")
                return None
            if not _is_empty(conn):  # another process wrote something else meanwhile
                raise ArchiveCorruptError(_FOREIGN)
            create_current_schema(db)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('created_at', ?)",
                (datetime.now().isoformat(timespec="seconds"),),
            )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return None
    steps = range(version + 1, SCHEMA_VERSION + 1)
    needs_copy = path is not None and not set(steps) <= INDEX_ONLY_MIGRATIONS
    backup = backup_before_migration(conn, path, version) if needs_copy and path is not None else None
    for target in steps:
        step = MIGRATIONS[target]
        started = time.perf_counter()
        conn.execute("BEGIN EXCLUSIVE")
        try:
            if user_version(conn) >= target:  # another process migrated it while we waited
                conn.execute("COMMIT")
                continue
            step(db)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info("migrated archive to version %d in %.2f s", target, time.perf_counter() - started)
    return backup


def translate_error(exc: sqlite3.Error, path: Path | str | None = None) -> Exception:
    """Map an sqlite3 error to the typed, Chinese ArchiveError a clerk can act on (core.errors.from_sqlite)."""
    from core.errors import from_sqlite

    return from_sqlite(exc, path)
