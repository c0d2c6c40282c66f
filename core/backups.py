"""Automatic rotating daily backups of an archive (SQLite backup API) and restoring one."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import sqlite3
from pathlib import Path

from core import paths
from core.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    DiskFullError,
)

BACKUP_SUFFIX = ".sqlite"
_DATE_RE = re.compile(r"-(\d{8})\.sqlite$")
# Companion files SQLite keeps next to an archive in WAL mode; they move together with it.
_COMPANIONS = ("-wal", "-shm", "-journal")


def backups_dir() -> Path:
    """`<user data>/backups`, created on demand."""
    path = paths.user_data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _prefix(archive_path: str | Path) -> str:
    """The archive's name plus a short hash of its full path: two `archive.sqlite` in different folders
    never share (or prune) each other's backups."""
    full = str(Path(archive_path).resolve())
    if os.name == "nt":
        full = full.lower()  # Windows paths are case-insensitive
    digest = hashlib.sha1(full.encode("utf-8")).hexdigest()[:8]
    return f"{Path(archive_path).stem}-{digest}"


def _backup_name(archive_path: Path, day: dt.date) -> str:
    return f"{_prefix(archive_path)}-{day:%Y%m%d}{BACKUP_SUFFIX}"


def list_backups(archive_path: str | Path) -> list[Path]:
    """The backups of this archive, newest first."""
    stem = _prefix(archive_path)
    folder = backups_dir()
    found: list[tuple[str, Path]] = []
    for candidate in folder.glob(f"*{BACKUP_SUFFIX}"):
        match = _DATE_RE.search(candidate.name)
        if match and candidate.name[: match.start()] == stem and candidate.is_file():
            found.append((match.group(1), candidate))
    found.sort(reverse=True)
    return [path for _, path in found]


def _ro_uri(path: Path) -> str:
    # as_uri() percent-encodes spaces, '#', '?' and Chinese characters, which a raw "file:" URI would not.
    return path.resolve().as_uri() + "?mode=ro"


def _translate(error: sqlite3.Error | OSError, what: str) -> ArchiveError:
    text = str(error).lower()
    if (isinstance(error, OSError) and error.errno == 28) or "disk is full" in text or "no space" in text:
        return DiskFullError(f"{what}失败：磁盘空间不足，请清理磁盘后重试。原档案未受影响。")
    # winerror 32/33: the file is open in another program (Windows refuses to move it).
    if "locked" in text or "busy" in text or getattr(error, "winerror", None) in (32, 33):
        return ArchiveLockedError(f"{what}失败：档案正被其他程序使用，请稍后再试。")
    if isinstance(error, PermissionError) or "readonly" in text or "read-only" in text:
        return ArchiveReadOnlyError(f"{what}失败：没有写入权限（{error}）。")
    if "not a database" in text or "malformed" in text:
        return ArchiveCorruptError(f"{what}失败：文件不是有效的档案或已损坏。")
    return ArchiveError(f"{what}失败：{error}")


def _quick_check(path: Path) -> bool:
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
        try:
            row = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "ok"


def _copy_database(source: Path, dest: Path) -> None:
    """Consistent copy of `source` (WAL content included) into a fresh file `dest`."""
    src = sqlite3.connect(_ro_uri(source), uri=True, timeout=10)
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)  # one step: a consistent snapshot; WAL lets writers go on meanwhile
            dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def rotate_backups(
    archive_path: str | Path, keep: int = 7, *, today: dt.date | None = None
) -> Path | None:
    """Make today's backup copy if there is none yet, then keep only the newest `keep` copies.

    Returns the new backup, or None when the archive does not exist or today's copy already exists.
    Safe to call from a worker thread while the GUI reads the archive (it opens its own read-only
    connection). A copy that fails SQLite's quick_check is discarded and no older copy is pruned.
    """
    archive = Path(archive_path)
    if not archive.is_file():
        return None
    day = today or dt.date.today()
    folder = backups_dir()
    target = folder / _backup_name(archive, day)
    if target.exists():
        return None
    partial = target.with_name(target.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        _copy_database(archive, partial)
        if not _quick_check(partial):
            partial.unlink(missing_ok=True)
            raise ArchiveCorruptError("自动备份失败：档案检查未通过（可能已损坏），已保留原有备份。")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise _translate(error, "自动备份") from error
    for old in list_backups(archive)[max(keep, 1) :]:
        old.unlink(missing_ok=True)
    return target


def _check_not_in_use(archive: Path) -> None:
    """Raise ArchiveLockedError when another connection holds a lock on the archive."""
    try:
        conn = sqlite3.connect(str(archive), timeout=0.5, isolation_level=None)
        try:
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise _translate(error, "从备份恢复") from error


def restore_backup(backup: str | Path, archive_path: str | Path) -> Path | None:
    """Put `backup` in place of the archive; the current file is moved aside first, never deleted.

    Close every connection to the archive before calling. Returns where the previous archive was
    moved (`<name>.before-restore-YYYYMMDD-HHMMSS.sqlite`), or None when there was none.
    """
    source = Path(backup)
    archive = Path(archive_path)
    if not source.is_file():
        raise ArchiveError(f"从备份恢复失败：找不到备份文件 {source.name}。")
    if not _quick_check(source):
        raise ArchiveCorruptError(f"从备份恢复失败：备份文件 {source.name} 已损坏，未做任何改动。")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside: Path | None = None
    staged = archive.with_name(archive.name + ".restoring")
    try:
        staged.unlink(missing_ok=True)
        shutil.copyfile(source, staged)
        if archive.exists():
            _check_not_in_use(archive)
            aside = archive.with_name(f"{archive.stem}.before-restore-{stamp}{archive.suffix or '.sqlite'}")
            counter = 1
            while aside.exists():
                aside = aside.with_name(f"{archive.stem}.before-restore-{stamp}-{counter}{archive.suffix}")
                counter += 1
            os.replace(archive, aside)
            for companion in _COMPANIONS:
                extra = archive.with_name(archive.name + companion)
                if extra.exists():
                    os.replace(extra, aside.with_name(aside.name + companion))
        os.replace(staged, archive)
    except OSError as error:
        staged.unlink(missing_ok=True)
        raise _translate(error, "从备份恢复") from error
    return aside
