"""Schema creation, migrations on user_version (backup first, one transaction each), refusing newer archives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from core import schema
from core.archive import Archive
from core.errors import ArchiveCorruptError, ArchiveReadOnlyError, ArchiveVersionError


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def test_new_archive_has_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as archive:
        assert archive.migration_backup is None
        journal = archive.connection.execute("PRAGMA journal_mode").fetchone()[0]
        assert journal == "wal"
        assert archive.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert _user_version(path) == schema.SCHEMA_VERSION
    assert {"documents", "texts", "originals", "facts", "tags", "document_tags", "fts", "meta"} <= _tables(path)
    assert list(tmp_path.glob("*backup*")) == []


def test_newer_archive_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ArchiveVersionError, match="更新版本"):
        Archive.open(path)
    with pytest.raises(ArchiveVersionError):
        Archive.open(path, read_only=True)
    assert path.read_bytes() == before
    assert _user_version(path) == schema.SCHEMA_VERSION + 1


def _add_note_column(db: sqlite_utils.Database) -> None:
    db.table("documents").add_column("note", str)


def test_migration_backs_up_first_and_bumps_version(
    tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([samples_dir], workers=0)
        count = archive.count()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION, _add_note_column)
    with Archive.open(path) as archive:
        backup = archive.migration_backup
        assert backup is not None and backup.exists()
        assert archive.count() == count
        columns = {r[1] for r in archive.connection.execute("PRAGMA table_info(documents)")}
        assert "note" in columns
    assert _user_version(path) == schema.SCHEMA_VERSION
    # The backup is the archive as it was: old version, same documents, no new column.
    assert backup is not None
    assert _user_version(backup) == schema.SCHEMA_VERSION - 1
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == count
        assert "note" not in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    finally:
        conn.close()


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    old = schema.SCHEMA_VERSION

    def half_then_fail(db: sqlite_utils.Database) -> None:
        db.table("documents").add_column("half", str)
        raise RuntimeError("migration bug")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", old + 1)
    monkeypatch.setitem(schema.MIGRATIONS, old + 1, half_then_fail)
    with pytest.raises(RuntimeError):
        Archive.open(path)
    assert _user_version(path) == old
    conn = sqlite3.connect(path)
    assert "half" not in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    conn.close()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old)
    with Archive.open(path) as archive:
        assert archive.check() == []


def test_foreign_sqlite_file_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveCorruptError, match="不是报告档案"):
        Archive.open(path)
    assert _tables(path) == {"customers"}


def test_non_database_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(ArchiveCorruptError):
        Archive.open(path)


def test_translate_error_maps_sqlite_messages(tmp_path: Path) -> None:
    from core.errors import ArchiveLockedError, ArchiveReadOnlyError, DiskFullError
    from tests.core import sqlite_errors

    assert isinstance(schema.translate_error(sqlite_errors.locked(tmp_path)), ArchiveLockedError)
    assert isinstance(schema.translate_error(sqlite_errors.disk_full()), DiskFullError)
    assert isinstance(schema.translate_error(sqlite_errors.read_only(tmp_path)), ArchiveReadOnlyError)
    other = sqlite3.OperationalError("no such column: x")
    assert schema.translate_error(other) is other


def test_concurrent_creation_of_a_new_archive(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "new.sqlite"
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            barrier.wait()
            with Archive.open(path, timeout=10) as arch:
                arch.count()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _user_version(path) == schema.SCHEMA_VERSION
    with Archive.open(path) as arch:
        assert arch.check() == []


def _make_v1_archive(path: Path, samples_dir: Path, *, with_alias_table: bool) -> int:
    """A version-1 archive as shipped before version 2: no agency_aliases (unless made lazily), no application_id."""
    with Archive.open(path) as archive:
        archive.import_paths([samples_dir], workers=0)
        count = archive.count()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TABLE agency_aliases")
        if with_alias_table:  # what core.agencies used to create lazily on the first merge
            conn.execute("CREATE TABLE agency_aliases (alias TEXT PRIMARY KEY, canonical TEXT NOT NULL)")
            conn.execute("INSERT INTO agency_aliases VALUES ('南山区政府', '南山区人民政府')")
        conn.execute("PRAGMA application_id = 0")
        conn.execute("PRAGMA user_version = 1")
    finally:
        conn.close()
    return count


def test_new_archive_has_alias_table_and_application_id(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    assert "agency_aliases" in _tables(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    finally:
        conn.close()


@pytest.mark.parametrize("with_alias_table", [False, True])
def test_version_1_archive_migrates_to_2(tmp_path: Path, samples_dir: Path, with_alias_table: bool) -> None:
    from core import agencies

    path = tmp_path / "v1.sqlite"
    count = _make_v1_archive(path, samples_dir, with_alias_table=with_alias_table)
    assert _user_version(path) == 1
    assert ("agency_aliases" in _tables(path)) is with_alias_table
    with Archive.open(path) as archive:
        backup = archive.migration_backup
        assert backup is not None and backup.exists() and backup != path
        assert archive.count() == count
        aliases = agencies.load_aliases(archive)
        assert aliases == ({"南山区政府": "南山区人民政府"} if with_alias_table else {})
        agencies.merge_agencies(archive, ["南山区人民政府办公室"], "南山区人民政府")
        assert archive.check() == []
    assert _user_version(path) == schema.SCHEMA_VERSION
    assert "agency_aliases" in _tables(path)
    assert {"import_runs", "import_files"} <= _tables(path)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    finally:
        conn.close()
    assert backup is not None
    assert _user_version(backup) == 1
    assert ("agency_aliases" in _tables(backup)) is with_alias_table
    with Archive.open(path) as archive:  # opened again: no second migration, no second backup
        assert archive.migration_backup is None
    assert len(list(tmp_path.glob("*backup*"))) == 1


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_foreign_files_are_refused_byte_for_byte(tmp_path: Path) -> None:
    # a file with a user_version of its own, and one with another program's application_id (even with
    # table names like ours): both refused before any write (journal mode, schema), file unchanged
    versioned = tmp_path / "versioned.db"
    conn = sqlite3.connect(versioned)
    conn.execute("CREATE TABLE items(id INTEGER PRIMARY KEY)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    other_app = tmp_path / "other_app.db"
    conn = sqlite3.connect(other_app)
    for table in ("meta", "documents", "texts", "fts"):
        conn.execute(f"CREATE TABLE {table}(id INTEGER PRIMARY KEY)")
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    for path in (versioned, other_app):
        before = _sha(path)
        for read_only in (False, True):
            with pytest.raises(ArchiveCorruptError, match="不是报告档案"):
                Archive.open(path, read_only=read_only)
        assert _sha(path) == before
        assert not Path(str(path) + "-wal").exists()


def test_old_archive_is_refused_read_only_and_left_as_it_is(tmp_path: Path, samples_dir: Path) -> None:
    # version 3 changed what the search index holds: an older one would answer the new queries wrongly,
    # and a read-only open cannot rebuild it
    path = tmp_path / "v1.sqlite"
    _make_v1_archive(path, samples_dir, with_alias_table=False)
    before = _sha(path)
    with pytest.raises(ArchiveReadOnlyError, match="版本较旧"):
        Archive.open(path, read_only=True)
    assert _sha(path) == before and _user_version(path) == 1


def test_version_2_archive_gets_the_import_file_list(tmp_path: Path, samples_dir: Path) -> None:
    path = tmp_path / "v2.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths(sorted(samples_dir.glob("*.txt"))[:2], workers=0)
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TABLE import_files")
        conn.execute("DROP TABLE import_runs")
        conn.execute("PRAGMA user_version = 2")
        conn.commit()
    finally:
        conn.close()
    with Archive.open(path) as archive:
        assert archive.migration_backup is not None and archive.migration_backup.exists()
        assert archive.count() == 2 and archive.check() == []
        assert archive.interrupted_import() is None
    assert _user_version(path) == schema.SCHEMA_VERSION
    assert {"import_runs", "import_files"} <= _tables(path)


def _as_version_7(path: Path) -> None:
    """Turn a current archive back into what version 7 wrote: the single-column deleted_at index, no live one."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP INDEX idx_documents_live")
        conn.execute('CREATE INDEX "idx_documents_deleted_at" ON "documents" ("deleted_at")')
        conn.execute("PRAGMA user_version = 7")
        conn.commit()
    finally:
        conn.close()


def test_version_7_gets_the_listing_index_without_a_copy_of_the_archive(tmp_path: Path, samples_dir: Path) -> None:
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([samples_dir], workers=0)
        archive.trash([archive.list_ids()[0]])
        live, trash = archive.list_ids(), archive.list_ids(deleted=True)
    _as_version_7(path)
    with Archive.open(path, read_only=True) as archive:  # a read-only open lists the same without the index
        assert (archive.list_ids(), archive.list_ids(deleted=True)) == (live, trash)
    with Archive.open(path) as archive:
        assert archive.migration_backup is None  # an index-only step: nothing to lose, no 6 GB copy
        assert (archive.list_ids(), archive.list_ids(deleted=True)) == (live, trash)
        assert archive.count() == len(live)
        conn = archive.connection
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "idx_documents_live" in names and "idx_documents_deleted_at" not in names
        plan = " ".join(str(r[3]) for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT d.id FROM documents d WHERE d.deleted_at IS NULL"
            " ORDER BY d.imported_at DESC, d.id DESC"))
        assert "COVERING INDEX idx_documents_live" in plan and "TEMP B-TREE" not in plan
        assert archive.check() == []
    assert _user_version(path) == schema.SCHEMA_VERSION
    assert not list(tmp_path.glob("*backup*"))
