"""The only code that touches an archive file: connecting, copying (SQLite backup API) and moving it aside.

Why this module exists: on POSIX, closing *any* descriptor of a file drops every advisory lock the process
holds on it — so a Python `open()` of a live archive (to read its header, copy or hash it) silently unlocks
the SQLite connections this process still has, and the next program to open the archive deletes their
`-wal`/`-shm` files (SQLite's "How To Corrupt An SQLite Database File", §2.2). Therefore nothing here (or
anywhere else) opens an archive, its `-wal`/`-shm`/`-journal` or a backup with anything but SQLite:
the header is read through a connection, copies go through the backup API, and moving a file aside is a
rename (which opens nothing). On Windows, where locks are mandatory, the same code holds: a rename of a file
another program has open fails (and is reported as "in use") instead of corrupting anything.

Where the file lies decides how it is written: on a network share (is_network_path) the journal stays DELETE,
elsewhere WAL (prepare_for_writing).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

# Files SQLite keeps next to an archive; they belong to it and move together with it.
COMPANIONS = ("-wal", "-shm", "-journal")
PARTIAL = ".partial"  # suffix of a copy being written
_NETWORK_FS = ("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "9p", "fuse.sshfs", "ncpfs", "coda")


def uri(path: Path, **params: str) -> str:
    """A `file:` URI (as_uri() percent-encodes spaces, '#', '?' and Chinese characters)."""
    text = path.resolve().as_uri()
    if params:
        text += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return text


def connect(path: Path, *, timeout: float = 5.0, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode with the archive's connection settings (nothing written to the file).

    read_only: `mode=ro`; when that cannot read (a WAL file in a read-only folder), `immutable=1`.
    """
    if read_only:
        conn = sqlite3.connect(uri(path, mode="ro"), uri=True, timeout=timeout, isolation_level=None,
                               check_same_thread=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = sqlite3.connect(uri(path, immutable="1"), uri=True, timeout=timeout, isolation_level=None)
        except BaseException:
            conn.close()
            raise
    else:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32768")  # 32 MB: the index pages of common characters stay hot
    except BaseException:
        conn.close()
        raise
    return conn


def prepare_for_writing(conn: sqlite3.Connection, *, network: bool) -> None:
    """Switch the journal mode (this writes the file header): only once the file is known to be ours."""
    mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    # WAL needs shared memory, which network file systems do not provide reliably.
    wanted = "delete" if network else "wal"
    if mode != wanted:
        conn.execute(f"PRAGMA journal_mode = {wanted}")


def is_network_path(path: Path, mounts: str | None = None) -> bool:
    """True for a Windows UNC path or network drive, or a Linux nfs/cifs/smb mount.

    `mounts` is the text of /proc/mounts (read when None; given in tests).
    """
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32" and mounts is None:
        try:
            import ctypes

            drive = os.path.splitdrive(os.path.abspath(text))[0]
            if drive:
                get_drive_type = ctypes.windll.kernel32.GetDriveTypeW
                return int(get_drive_type(drive + "\\")) == 4  # DRIVE_REMOTE
        except (AttributeError, OSError):
            return False
        return False
    if mounts is None:
        try:
            with open("/proc/mounts", encoding="utf-8", errors="replace") as handle:
                mounts = handle.read()
        except OSError:
            return False
    table = [line.split()[:3] for line in mounts.splitlines() if len(line.split()) >= 3]
    target = os.path.abspath(text)
    best, best_type = "", ""
    for _dev, mount_point, fs_type in table:
        point = mount_point.replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
            best, best_type = point, fs_type
    return best_type.lower() in _NETWORK_FS or best_type.lower().startswith("fuse.smb")


def read_header(conn: sqlite3.Connection) -> None:
    """Make SQLite read the file header (page 1) through `conn`: raises sqlite3.DatabaseError ("file is not a
    database") for a file that is not SQLite. This replaces reading the first bytes with open()."""
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def copy_database(source: sqlite3.Connection, dest: Path) -> Path:
    """THE database copy: a consistent snapshot of `source` (WAL content included) into a new file `dest`.

    SQLite backup API in one step (WAL lets writers go on meanwhile), written to `dest.partial` and renamed
    into place once complete, as one self-contained file (journal_mode DELETE). `dest` never appears half
    written; on any error the partial file is removed and the error (sqlite3.Error / OSError) propagates.
    Used by Archive.backup, schema.backup_before_migration and core.backups.
    """
    dest = Path(dest)
    # Per process: two programs backing up the same archive in the same second must not share it.
    partial = dest.with_name(f"{dest.name}.{os.getpid()}{PARTIAL}")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)  # a leftover of a crashed process with our pid: nobody's open file
        out = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(out)
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
        os.replace(partial, dest)
    except BaseException:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
        raise
    return dest


def quick_check(path: Path) -> bool:
    """True when `path` is an SQLite file whose quick_check passes (read-only, through SQLite: a read-only
    connection never checkpoints into the file). A file another program holds locked is not "damaged":
    that sqlite3.OperationalError ("database is locked") propagates."""
    try:
        conn = sqlite3.connect(uri(path, mode="ro"), uri=True, timeout=5)
        try:
            row = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as error:
        if is_locked(error):
            raise
        return False
    return row is not None and row[0] == "ok"


def is_locked(error: BaseException) -> bool:
    """SQLite says another connection holds the file (SQLITE_BUSY / SQLITE_LOCKED, by error name)."""
    from core.errors import ArchiveLockedError, sqlite_kind

    return sqlite_kind(error) is ArchiveLockedError


@contextmanager
def exclusive(path: Path, timeout: float = 2.0) -> Iterator[sqlite3.Connection]:
    """A connection that alone holds the archive: EXCLUSIVE locking mode plus a write lock, kept until exit.

    Raises sqlite3.OperationalError ("database is locked") while any other connection — another window, the
    CLI, another user's program, or one of this process — has the archive open, even idle (in WAL mode every
    open connection holds a shared lock). While inside, nobody else can open it: they wait.
    """
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")  # exclusive locking mode keeps the lock after the transaction
        yield conn
    finally:
        conn.close()


def companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in COMPANIONS]


def aside_name(path: Path, label: str, when: datetime | None = None) -> Path:
    """`<stem>.<label>-YYYYMMDD-HHMMSS<suffix>` beside `path`, numbered when taken."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    suffix = path.suffix or ".sqlite"
    candidate = path.with_name(f"{path.stem}.{label}-{stamp}{suffix}")
    n = 1
    while candidate.exists() or any(c.exists() for c in companions(candidate)):
        candidate = path.with_name(f"{path.stem}.{label}-{stamp}-{n}{suffix}")
        n += 1
    return candidate


def move_aside(path: Path, label: str) -> Path:
    """Rename `path` and its -wal/-shm/-journal (a rename opens no descriptor) to aside_name(); never deletes.

    On Windows a file another program holds cannot be renamed: the OSError (winerror 32) propagates.
    """
    target = aside_name(path, label)
    os.replace(path, target)
    for extra, moved in zip(companions(path), companions(target), strict=True):
        if extra.exists():
            os.replace(extra, moved)
    return target


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction on a raw connection in autocommit mode: BEGIN IMMEDIATE, COMMIT when the block
    ends, ROLLBACK (and the error goes on) when it raises. Inside a transaction already, it only runs the block:
    the caller's transaction decides. For modules that work on a bare connection (core.Archive's own writes go
    through Archive._write, which also maps errors and waits for other programs)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
