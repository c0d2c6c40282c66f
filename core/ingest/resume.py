"""The list of an import's files, kept in the archive while it runs, so a killed import can be resumed.

An import writes its files to `import_files` (one `import_runs` row) before it reads any; each file's
outcome is written in the same transaction as its document, so after a kill the rows without an outcome
are exactly the files still to do. A run that ends (completed or cancelled by the user) is deleted; one
that was interrupted (the app killed, the machine switched off, the disk full) stays for the next start:
`interrupted()` reports how many of its files landed and `pending_paths()` lists the rest.

All functions take the archive's connection (autocommit mode); callers hold the write rules.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from core.store.connection import immediate

RUNS_SQL = (
    "CREATE TABLE IF NOT EXISTS import_runs ("
    "id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, pid INTEGER NOT NULL, total INTEGER NOT NULL)"
)
FILES_SQL = (
    "CREATE TABLE IF NOT EXISTS import_files ("
    "run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE, seq INTEGER NOT NULL, "
    "path TEXT NOT NULL, outcome TEXT, PRIMARY KEY (run_id, seq)) WITHOUT ROWID"
)
SCHEMA_SQL = (RUNS_SQL, FILES_SQL)


@dataclass(frozen=True, slots=True)
class InterruptedImport:
    """An import that did not finish: `total` files given, `landed` of them imported into the archive,
    `done` with any outcome (imported, duplicate, failed), `pending` not yet done."""

    run_id: int
    started_at: str
    total: int
    landed: int
    done: int

    @property
    def pending(self) -> int:
        return self.total - self.done


def create_tables(conn: sqlite3.Connection) -> None:
    for sql in SCHEMA_SQL:
        conn.execute(sql)


def start_run(conn: sqlite3.Connection, paths: Sequence[str]) -> int:
    """Record a new import of `paths` (in order; seq = position); returns its run id."""
    stamp = datetime.now().isoformat(timespec="seconds")
    with immediate(conn):
        cur = conn.execute("INSERT INTO import_runs(started_at, pid, total) VALUES (?, ?, ?)",
                           (stamp, os.getpid(), len(paths)))
        run_id = int(cur.lastrowid or 0)
        conn.executemany("INSERT INTO import_files(run_id, seq, path) VALUES (?, ?, ?)",
                         ((run_id, seq, path) for seq, path in enumerate(paths)))
    return run_id


def mark(conn: sqlite3.Connection, run_id: int, outcomes: Iterable[tuple[int, str]]) -> None:
    """Write (seq, outcome) pairs; call inside the transaction that stores those files' documents."""
    conn.executemany("UPDATE import_files SET outcome = ? WHERE run_id = ? AND seq = ?",
                     ((outcome, run_id, seq) for seq, outcome in outcomes))


def finish_run(conn: sqlite3.Connection, run_id: int) -> None:
    """The import ended (done or cancelled by the user): forget its list."""
    conn.execute("DELETE FROM import_runs WHERE id = ?", (run_id,))  # import_files rows cascade
    conn.execute("DELETE FROM import_files WHERE run_id = ?", (run_id,))  # foreign keys may be off


def interrupted(conn: sqlite3.Connection) -> InterruptedImport | None:
    """The latest import that was interrupted (its process is gone) and still has files to do, else None.

    An import running right now in another program (its process alive) is not interrupted. Archives
    without the tables (older, opened read-only) have none.
    """
    try:
        runs = conn.execute("SELECT id, started_at, pid, total FROM import_runs ORDER BY id DESC").fetchall()
        for run_id, started_at, pid, total in runs:
            if int(pid) == os.getpid() or _process_alive(int(pid)):
                continue
            landed, done = conn.execute(
                "SELECT count(*) FILTER (WHERE outcome = 'imported'), count(outcome) FROM import_files"
                " WHERE run_id = ?", (run_id,)
            ).fetchone()
            if int(done) < int(total):
                return InterruptedImport(int(run_id), str(started_at), int(total), int(landed), int(done))
    except sqlite3.OperationalError:  # no such table: an archive from before resumable imports
        return None
    return None


def pending_paths(conn: sqlite3.Connection, run_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT path FROM import_files WHERE run_id = ? AND outcome IS NULL ORDER BY seq", (run_id,)
    ).fetchall()
    return [str(row[0]) for row in rows]


def discard(conn: sqlite3.Connection, run_id: int) -> None:
    """Forget an interrupted import (the user does not want the rest)."""
    with immediate(conn):
        finish_run(conn, run_id)


def _process_alive(pid: int) -> bool:
    """Whether a process with this id runs now (a reused id counts as alive: then we ask later)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return bool(ok) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return _not_a_zombie(pid)


def _not_a_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
