"""core.errors maps SQLite's own errors (by their error name) to the typed, Chinese errors."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from core import errors
from core.errors import (
    ArchiveCorruptError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    DiskFullError,
    SearchCancelledError,
    from_sqlite,
    sqlite_kind,
)
from tests.core import sqlite_errors


def test_full_disk_is_disk_full() -> None:
    exc = sqlite_errors.disk_full()
    assert exc.sqlite_errorname == "SQLITE_FULL"
    mapped = from_sqlite(exc, "a.sqlite")
    assert isinstance(mapped, DiskFullError) and "磁盘已满" in str(mapped) and "a.sqlite" in str(mapped)


def test_read_only_connection_is_read_only(tmp_path: Path) -> None:
    mapped = from_sqlite(sqlite_errors.read_only(tmp_path))
    assert isinstance(mapped, ArchiveReadOnlyError) and "只读" in str(mapped)


def test_garbage_and_damaged_files_are_corrupt(tmp_path: Path) -> None:
    for exc in (sqlite_errors.not_a_database(tmp_path), sqlite_errors.malformed(tmp_path)):
        assert exc.sqlite_errorname in ("SQLITE_NOTADB", "SQLITE_CORRUPT")
        assert isinstance(from_sqlite(exc), ArchiveCorruptError)


def test_exclusive_lock_of_another_connection_is_locked(tmp_path: Path) -> None:
    mapped = from_sqlite(sqlite_errors.locked(tmp_path))
    assert isinstance(mapped, ArchiveLockedError) and "其他程序" in str(mapped)


def test_interrupted_statement_is_a_cancelled_search() -> None:
    assert isinstance(from_sqlite(sqlite_errors.interrupted()), SearchCancelledError)


def test_other_errors_are_returned_as_they_are() -> None:
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("SELECT x FROM nowhere")
    assert from_sqlite(info.value) is info.value
    # An error built in Python carries no SQLite code, whatever its English text says.
    fake = sqlite3.OperationalError("database is locked")
    assert from_sqlite(fake) is fake


def test_os_errors_of_a_full_disk_or_a_denied_write() -> None:
    assert sqlite_kind(OSError(errno.ENOSPC, "No space left on device")) is DiskFullError
    assert sqlite_kind(PermissionError(errno.EACCES, "denied")) is ArchiveReadOnlyError
    assert sqlite_kind(OSError(errno.ENOENT, "missing")) is None


def test_every_error_class_is_an_archive_error() -> None:
    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert len(classes) >= 14
    assert all(issubclass(c, errors.ArchiveError) for c in classes)
