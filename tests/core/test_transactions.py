"""core.store.connection.immediate: the one write transaction of the modules that work on a raw connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.store.connection import immediate


def _conn(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    conn.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
    return conn


def test_commits_at_the_end_and_rolls_back_what_a_failing_block_wrote(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.sqlite")
    with immediate(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        assert conn.in_transaction
    assert not conn.in_transaction
    with pytest.raises(ZeroDivisionError), immediate(conn):
        conn.execute("INSERT INTO t VALUES (2)")
        _ = 1 / 0
    assert not conn.in_transaction
    other = sqlite3.connect(tmp_path / "a.sqlite")
    assert [r[0] for r in other.execute("SELECT x FROM t")] == [1]  # committed for everyone; 2 is gone
    other.close()


def test_inside_a_transaction_the_caller_decides(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.sqlite")
    conn.execute("BEGIN")
    with immediate(conn):
        conn.execute("INSERT INTO t VALUES (1)")
    assert conn.in_transaction  # not committed by the inner block
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_takes_the_write_lock_at_once(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer is refused before the block runs, not at its first write."""
    first, second = _conn(tmp_path / "a.sqlite"), _conn(tmp_path / "a.sqlite")
    ran = []
    with immediate(first):
        with pytest.raises(sqlite3.OperationalError), immediate(second):
            ran.append(True)
    assert ran == [] and not second.in_transaction
