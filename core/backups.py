"""Automatic backups of an archive (after changes, at close, daily), their rotation, and restoring one.

Every copy goes through core.store.connection.copy_database (the SQLite backup API) and every look into a backup
through SQLite, so a backup may be taken while other windows and programs use the archive.

Rotation keeps: the newest KEEP_RECENT backups, the newest backup of each of the last KEEP_DAILY days that
have one, the newest backup holding more documents than the archive holds now (a mass deletion or a damaged
archive never rotates away the last good state), and the newest backup that is not empty. An archive with
no documents at all is never backed up (there is nothing to save, and such copies must not push out
the ones that hold reports). The copies of one archive together stay within BUDGET_SHARE of their disk:
beyond it the oldest kept ones go first, never the newest, the last larger or the newest non-empty one (a
100,000-report archive is several GB; ten copies of it would fill an office PC's disk).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import sqlite3
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import paths
from core.errors import (
    ArchiveCorruptError,
    ArchiveDamagedError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    DiskFullError,
    sqlite_error_name,
    sqlite_kind,
)
from core.store import connection as archive_file

if TYPE_CHECKING:
    from core.archive import Archive

log = logging.getLogger(__name__)

BACKUP_SUFFIX = ".sqlite"
KEEP_RECENT = 3
KEEP_DAILY = 7
BUDGET_SHARE = 0.25  # the backups of one archive use at most this share of their disk's size
# <prefix>-YYYYMMDD-HHMMSS.sqlite; <prefix>-YYYYMMDD.sqlite is the daily name of earlier versions.
_STAMP_RE = re.compile(r"-(\d{8})(?:-(\d{6}))?\.sqlite$")
# total_changes of an Archive's connection when it was last backed up (see backup_if_changed).
_backed_up: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class BackupInfo:
    """One backup: where, when it was made (local time), how many documents it holds (None: unreadable)."""

    path: Path
    created: dt.datetime
    documents: int | None
    size: int

    @property
    def usable(self) -> bool:
        return self.documents is not None

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "created": self.created.strftime("%Y-%m-%dT%H:%M:%S"),
                "documents": self.documents if self.documents is not None else 0}

    def describe(self) -> str:
        """"2025-03-01 21:30 的备份（54 份文档）"."""
        if self.documents is None:
            return f"{self.created:%Y-%m-%d %H:%M} 的备份（已损坏，无法读取）"
        return f"{self.created:%Y-%m-%d %H:%M} 的备份（{self.documents} 份文档）"


BACKUP_DIR_ENV = "REPORT_ARCHIVE_BACKUP_DIR"  # 设置 → 备份文件夹 (the window sets it)
BACKUP_DAYS_ENV = "REPORT_ARCHIVE_BACKUP_DAYS"  # 设置 → 保留最近 N 天 (KEEP_DAILY otherwise)


def backups_dir() -> Path:
    """`<user data>/backups` (or the folder chosen in 设置), created on demand."""
    chosen = os.environ.get(BACKUP_DIR_ENV, "").strip()
    path = Path(chosen) if chosen else paths.user_data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_daily() -> int:
    """How many days keep their newest backup: 设置's value, else KEEP_DAILY."""
    raw = os.environ.get(BACKUP_DAYS_ENV, "").strip()
    return max(1, int(raw)) if raw.isdigit() else KEEP_DAILY


def _prefix(archive_path: str | Path) -> str:
    """The archive's name plus a short hash of its full path: two `archive.sqlite` in different folders
    never share (or prune) each other's backups."""
    full = str(Path(archive_path).resolve())
    if os.name == "nt":
        full = full.lower()  # Windows paths are case-insensitive
    digest = hashlib.sha1(full.encode("utf-8")).hexdigest()[:8]
    return f"{Path(archive_path).stem}-{digest}"


def backup_name(archive_path: str | Path, when: dt.datetime) -> str:
    return f"{_prefix(archive_path)}-{when:%Y%m%d-%H%M%S}{BACKUP_SUFFIX}"


def _created(path: Path, prefix: str) -> dt.datetime | None:
    match = _STAMP_RE.search(path.name)
    if not match or path.name[: match.start()] != prefix:
        return None
    try:
        day = dt.datetime.strptime(match.group(1), "%Y%m%d")
        if match.group(2):
            return dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    try:  # a daily name of an earlier version: the time of day from when the file was written
        written = dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return day
    return written.replace(microsecond=0) if written.date() == day.date() else day


def list_backups(archive_path: str | Path) -> list[Path]:
    """The backups of this archive, newest first."""
    prefix = _prefix(archive_path)
    found: list[tuple[dt.datetime, str, Path]] = []
    for candidate in backups_dir().glob(f"*{BACKUP_SUFFIX}"):
        created = _created(candidate, prefix)
        if created is not None and candidate.is_file():
            found.append((created, candidate.name, candidate))
    found.sort(reverse=True)
    return [path for _, _, path in found]


def documents_in(path: Path) -> int | None:
    """Documents (not in the trash) a backup holds; None when SQLite cannot read it as an archive."""
    try:
        conn = archive_file.connect(path, read_only=True)
        try:
            row = conn.execute("SELECT count(*) FROM documents WHERE deleted_at IS NULL").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return int(row[0])


def info(path: Path, archive_path: str | Path | None = None) -> BackupInfo:
    prefix = _prefix(archive_path) if archive_path is not None else None
    created = _created(path, prefix) if prefix is not None else None
    if created is None:
        match = _STAMP_RE.search(path.name)
        created = _created(path, path.name[: match.start()]) if match else None
    if created is None:
        try:
            created = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        except OSError:
            created = dt.datetime.fromtimestamp(0)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return BackupInfo(path, created, documents_in(path), size)


def backup_infos(archive_path: str | Path) -> list[BackupInfo]:
    """The backups of this archive with their date and document count, newest first."""
    return [info(path, archive_path) for path in list_backups(archive_path)]


def newest_usable(archive_path: str | Path) -> BackupInfo | None:
    """The newest backup that passes SQLite's quick_check, preferring one that holds documents."""
    empty: BackupInfo | None = None
    for item in backup_infos(archive_path):
        if item.documents is None or not archive_file.quick_check(item.path):
            continue
        if item.documents > 0:
            return item
        empty = empty or item
    return empty


def advice(newest: BackupInfo | None) -> str:
    """What a clerk with a damaged archive can do, naming the newest usable backup and what it holds."""
    if newest is None:
        return "没有找到这个档案的可用备份。"
    return f"最新的可用备份是 {newest.describe()}，可以用“文件 → 从备份恢复…”恢复（损坏的文件会改名保留，不会删除）。"


def _translate(error: sqlite3.Error | OSError, what: str) -> ArchiveError:
    kind = sqlite_kind(error)
    if kind is DiskFullError:
        return DiskFullError(f"{what}失败：磁盘空间不足，请清理磁盘后重试。原档案未受影响。")
    # winerror 32/33: the file is open in another program (Windows refuses to move it).
    if kind is ArchiveLockedError or getattr(error, "winerror", None) in (32, 33):
        return ArchiveLockedError(
            f"{what}失败：档案正被其他程序或窗口使用（另一个报告档案窗口、命令行或其他程序），请关闭它们后再试。")
    if kind is ArchiveReadOnlyError and (isinstance(error, OSError) or sqlite_error_name(error) in ("READONLY", "PERM")):
        return ArchiveReadOnlyError(f"{what}失败：没有写入权限（{error}）。")
    if kind is ArchiveCorruptError:
        return ArchiveCorruptError(f"{what}失败：文件不是有效的档案或已损坏。")
    return ArchiveError(f"{what}失败：{error}")


# --- making backups ------------------------------------------------------------------------------------


def _live_documents(archive: Archive) -> tuple[int, int]:
    return archive.count(), archive.count(deleted=True)


# Free space an automatic backup must leave on the backup folder's disk: a copy that filled the disk would make
# the archive's own next write fail (and at 100,000 reports a copy is several GB).
MIN_FREE_AFTER_BACKUP = 512 * 1024 * 1024


def _gb(size: int) -> str:
    return f"{size / 1024 ** 3:.1f} GB" if size >= 1024 ** 3 else f"{max(1, round(size / 1024 ** 2))} MB"


def ensure_room(archive: Archive, folder: Path) -> None:
    """Raise DiskFullError, before anything is written, when a copy of `archive` would leave less than
    MIN_FREE_AFTER_BACKUP free on `folder`'s disk (the copy is about the archive's page count × page size)."""
    conn = archive.connection
    need = int(conn.execute("PRAGMA page_count").fetchone()[0]) * int(conn.execute("PRAGMA page_size").fetchone()[0])
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return  # unknown: let the copy itself report a full disk
    if free - need < MIN_FREE_AFTER_BACKUP:
        raise DiskFullError(
            f"备份文件夹所在磁盘空间不足（备份约需 {_gb(need)}，剩余 {_gb(free)}，备份后至少要留 "
            f"{_gb(MIN_FREE_AFTER_BACKUP)}），本次未备份。原档案未受影响；请清理磁盘，"
            "或在 文件 → 设置 中把备份文件夹改到空间较大的磁盘。")


def make_backup(archive: Archive, *, now: dt.datetime | None = None) -> Path | None:
    """Back up `archive` now (through its own connection: call it on the thread that owns it, in the window
    the writer), then rotate. None when the archive holds no documents (nothing to save). A copy that fails quick_check is discarded and nothing is pruned."""
    live, trashed = _live_documents(archive)
    if live == 0 and trashed == 0:
        return None
    when = (now or dt.datetime.now()).replace(microsecond=0)
    target = backups_dir() / backup_name(archive.path, when)
    while target.exists():  # two backups within a second: the name (its time) moves on by a second
        when += dt.timedelta(seconds=1)
        target = backups_dir() / backup_name(archive.path, when)
    mark = archive.connection.total_changes
    ensure_room(archive, target.parent)
    try:
        archive_file.copy_database(archive.connection, target)
        if not archive_file.quick_check(target):
            target.unlink(missing_ok=True)
            newest = newest_usable(archive.path)
            raise ArchiveDamagedError(
                f"档案“{archive.path.name}”未通过完整性检查，可能已损坏（自动备份时发现；原有的备份都已保留）。"
                f"{advice(newest)}",
                newest)
    except (sqlite3.Error, OSError) as error:
        translated = _translate(error, "自动备份")
        if isinstance(translated, ArchiveCorruptError):
            newest = newest_usable(archive.path)
            raise ArchiveDamagedError(f"{translated}{advice(newest)}", newest) from error
        raise translated from error
    _backed_up[archive] = mark
    prune(archive.path, live)
    log.info("backup of %s (%d documents): %s", archive.path, live, target)
    return target


def mark_backed_up(archive: Archive, mark: int) -> None:
    """Note that a copy made elsewhere (another connection) holds this connection's changes up to `mark`
    (its total_changes then): backup_if_changed copies only what came after."""
    _backed_up[archive] = mark


def backup_if_changed(archive: Archive, *, now: dt.datetime | None = None) -> Path | None:
    """make_backup when this Archive object changed the archive since its last backup (or since it opened)."""
    if archive.read_only or archive.connection.total_changes == _backed_up.get(archive, 0):
        return None
    return make_backup(archive, now=now)


def daily_backup(archive: Archive, *, now: dt.datetime | None = None) -> Path | None:
    """make_backup unless a backup was already made today."""
    when = now or dt.datetime.now()
    newest = list_backups(archive.path)
    if newest:
        created = _created(newest[0], _prefix(archive.path))
        if created is not None and created.date() == when.date():
            _backed_up.setdefault(archive, archive.connection.total_changes)
            return None
    return make_backup(archive, now=when)


def rotate_backups(archive_path: str | Path, *, today: dt.date | None = None) -> Path | None:
    """Today's backup of the archive at `archive_path` if there is none yet (opens its own read-only
    connection; safe while others use the archive). None when the file is missing or empty, or today's exists."""
    from core.archive import Archive

    path = Path(archive_path)
    if not path.is_file():
        return None
    now = dt.datetime.now() if today is None else dt.datetime.combine(today, dt.datetime.now().time())
    try:
        with Archive.open(path, read_only=True) as archive:
            return daily_backup(archive, now=now)
    except ArchiveCorruptError as error:
        raise ArchiveCorruptError("自动备份失败：档案检查未通过（档案可能已损坏），已保留原有的备份。") from error


def _budget(folder: Path) -> int | None:
    """How many bytes the backups of one archive may use on `folder`'s disk (None: unknown)."""
    try:
        return int(shutil.disk_usage(folder).total * BUDGET_SHARE)
    except OSError:
        return None


def prune(archive_path: str | Path, current_documents: int | None) -> list[Path]:
    """Delete the backups the rotation does not keep (see the module docstring); returns the deleted ones."""
    infos = backup_infos(archive_path)
    keep: set[Path] = {item.path for item in infos[:KEEP_RECENT]}
    days: list[dt.date] = []
    for item in infos:
        day = item.created.date()
        if day not in days:
            days.append(day)
            if len(days) <= keep_daily():
                keep.add(item.path)
    protected = {infos[0].path} if infos else set()
    if current_documents is not None:
        larger = next((i for i in infos if i.documents is not None and i.documents > current_documents), None)
        if larger is not None:
            keep.add(larger.path)
            protected.add(larger.path)
    non_empty = next((i for i in infos if i.documents), None)
    if non_empty is not None:
        keep.add(non_empty.path)
        protected.add(non_empty.path)
    budget = _budget(backups_dir())
    if budget is not None:
        used = sum(i.size for i in infos if i.path in keep)
        for item in reversed(infos):  # oldest first
            if used <= budget:
                break
            if item.path in keep and item.path not in protected:
                keep.discard(item.path)
                used -= item.size
    removed = []
    cutoff = dt.datetime.now().timestamp() - 6 * 3600
    for partial in backups_dir().glob(f"{_prefix(archive_path)}-*{archive_file.PARTIAL}"):
        try:  # a copy a killed program left behind (any program still writing it is done in minutes)
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
        except OSError:
            pass
    for item in infos:
        if item.path not in keep:
            try:
                item.path.unlink()
                removed.append(item.path)
            except OSError as error:  # e.g. open in another program on Windows: try again next time
                log.warning("could not remove old backup %s: %s", item.path, error)
    return removed


# --- restoring -----------------------------------------------------------------------------------------

RESTORED_ASIDE = "恢复前"  # label of the copy of a healthy archive kept when a backup replaces it
DAMAGED_ASIDE = "已损坏"  # label of a damaged archive moved aside by a restore


def restore_backup(backup: str | Path, archive_path: str | Path) -> Path | None:
    """Put `backup`'s contents in place of the archive; what was there is kept beside it, never deleted.

    A healthy archive is copied aside (`<stem>.恢复前-YYYYMMDD-HHMMSS.sqlite`) and then overwritten in place
    through the backup API while this holds it exclusively. A damaged one is renamed aside with its
    -wal/-shm (`<stem>.已损坏-….sqlite`) and a fresh copy of the backup takes its name. Close every connection
    to the archive first: ArchiveLockedError while any other window or program has it open.
    Returns the aside path, or None when there was no archive.
    """
    source = Path(backup)
    archive = Path(archive_path)
    if not source.is_file():
        raise ArchiveError(f"从备份恢复失败：找不到备份文件 {source.name}。")
    if archive.exists() and source.resolve() == archive.resolve():
        raise ArchiveError("从备份恢复失败：所选文件就是档案本身。")
    try:
        usable = archive_file.quick_check(source) and documents_in(source) is not None
        if usable:
            src = archive_file.connect(source, read_only=True)
    except sqlite3.Error as error:
        raise _translate(error, "从备份恢复") from error
    if not usable:
        raise ArchiveCorruptError(f"从备份恢复失败：备份文件 {source.name} 已损坏，未做任何改动。")
    try:
        if not archive.exists():
            archive_file.copy_database(src, archive)
            return None
        # Damaged or not is decided read-only first: nothing writes into a damaged file before it is aside.
        if archive_file.quick_check(archive):
            with archive_file.exclusive(archive) as conn:
                aside = archive_file.copy_database(conn, archive_file.aside_name(archive, RESTORED_ASIDE))
                src.backup(conn)  # in place, under our exclusive lock: nobody sees half of it
                return aside
        aside = archive_file.move_aside(archive, DAMAGED_ASIDE)
        archive_file.copy_database(src, archive)
        return aside
    except (sqlite3.Error, OSError) as error:
        raise _translate(error, "从备份恢复") from error
    finally:
        src.close()
