"""Real sqlite3 errors, raised by SQLite itself (not built from a message), for the tests of their mapping."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def _raised(conn: sqlite3.Connection, *statements: str) -> sqlite3.Error:
    try:
        for statement in statements:
            conn.execute(statement)
    except sqlite3.Error as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("SQLite raised nothing")


def disk_full() -> sqlite3.Error:
    """SQLITE_FULL: the database may not grow past its page limit (what a full disk looks like to SQLite)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (b BLOB)")
    conn.execute("PRAGMA max_page_count = 2")
    return _raised(conn, "INSERT INTO t VALUES (zeroblob(100000))")


def read_only(tmp_path: Path) -> sqlite3.Error:
    """SQLITE_READONLY: a write through a read-only connection."""
    path = tmp_path / "ro.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    return _raised(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True), "INSERT INTO t VALUES (1)")


def not_a_database(tmp_path: Path) -> sqlite3.Error:
    """SQLITE_NOTADB: garbage bytes where a database should be."""
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(bytes(range(256)) * 64)
    return _raised(sqlite3.connect(path), "SELECT count(*) FROM sqlite_master")


def malformed(tmp_path: Path) -> sqlite3.Error:
    """SQLITE_CORRUPT: a database whose table pages were overwritten."""
    path = tmp_path / "damaged.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("行" * 200,) for _ in range(200)])
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[2048 : len(data)] = b"\xff" * (len(data) - 2048)
    path.write_bytes(bytes(data))
    return _raised(sqlite3.connect(path), "SELECT sum(length(x)) FROM t")


def locked(tmp_path: Path) -> sqlite3.Error:
    """SQLITE_BUSY: a second connection holds an exclusive lock."""
    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        return _raised(sqlite3.connect(path, timeout=0), "SELECT count(*) FROM t")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def interrupted() -> sqlite3.Error:
    """SQLITE_INTERRUPT: a statement stopped by its progress handler (as Archive.interrupt() does)."""
    conn = sqlite3.connect(":memory:")
    conn.set_progress_handler(lambda: 1, 1)
    return _raised(conn, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n")
