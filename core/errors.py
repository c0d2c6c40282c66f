"""Expected trouble, as typed errors whose message a clerk understands (Chinese), and the one mapping of
SQLite's errors onto them (by SQLite's error name, never by its English message)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class ArchiveError(Exception):
    """Base of all expected errors; str(error) is a Chinese message fit for a dialog."""


class ReadError(ArchiveError):
    """A file could not be read into text (corrupt, encrypted, scanned, unsupported, too large)."""


class OcrCancelled(ReadError):
    """The import was cancelled while a scan was being read (between two pages)."""


class ArchiveLockedError(ArchiveError):
    """Another program holds the archive; try again later."""


class ArchiveVersionError(ArchiveError):
    """The archive was written by a newer version of the app."""


class ArchiveCorruptError(ArchiveError):
    """The file is not an archive, or it is damaged."""


class ArchiveReadOnlyError(ArchiveError):
    """The archive file or its folder cannot be written."""


class DiskFullError(ArchiveError):
    """The disk is full; nothing was changed."""


class QueryError(ArchiveError):
    """A search query could not be understood (never raised for ordinary input)."""


class ArchiveDamagedError(ArchiveCorruptError):
    """SQLite reports the archive damaged; the message names the newest usable backup (`backup`, or None)."""

    def __init__(self, message: str, backup: object = None) -> None:
        super().__init__(message)
        self.backup = backup  # core.backups.BackupInfo of the newest usable backup, or None


class SearchCancelledError(ArchiveError):
    """A search or listing was stopped by Archive.interrupt() (a newer query replaced it)."""


class ExportError(ArchiveError):
    """The workbook could not be written (folder missing, file open in Excel, bad selection)."""


class ExportCancelled(ArchiveError):
    """The user cancelled an export; no file was written."""

    def __init__(self, message: str = "导出已取消，未生成文件。") -> None:
        super().__init__(message)


class AliasError(ArchiveError):
    """An agency merge that cannot be stored (empty name, or the archive cannot be written)."""


# --- SQLite's errors ------------------------------------------------------------------------------------

# SQLite's primary result codes (the part of sqlite_errorname after "SQLITE_", before any extension such as
# _SNAPSHOT or _DBMOVED) → the kind of trouble a clerk can act on.
_KINDS: dict[str, type[ArchiveError]] = {
    "BUSY": ArchiveLockedError,
    "LOCKED": ArchiveLockedError,
    "FULL": DiskFullError,
    "READONLY": ArchiveReadOnlyError,
    "PERM": ArchiveReadOnlyError,
    "CANTOPEN": ArchiveReadOnlyError,
    "IOERR": ArchiveReadOnlyError,
    "CORRUPT": ArchiveCorruptError,
    "NOTADB": ArchiveCorruptError,
    "INTERRUPT": SearchCancelledError,
}


def sqlite_kind(exc: BaseException) -> type[ArchiveError] | None:
    """The ArchiveError class an sqlite3 error (or a full-disk/permission OSError) stands for; None for any
    other error (a bug, a constraint, an error raised without an SQLite code)."""
    if isinstance(exc, OSError):
        if exc.errno == 28:  # ENOSPC
            return DiskFullError
        if isinstance(exc, PermissionError):
            return ArchiveReadOnlyError
        return None
    name = getattr(exc, "sqlite_errorname", None) if isinstance(exc, sqlite3.Error) else None
    if not name:
        return None
    primary = name.removeprefix("SQLITE_").split("_", 1)[0]
    return _KINDS.get(primary)


def sqlite_error_name(exc: BaseException) -> str:
    """The primary SQLite result name of `exc` without the prefix ("BUSY", "FULL" …), or ""."""
    name = getattr(exc, "sqlite_errorname", None) if isinstance(exc, sqlite3.Error) else None
    return name.removeprefix("SQLITE_").split("_", 1)[0] if name else ""


def from_sqlite(exc: sqlite3.Error, path: Path | str | None = None) -> Exception:
    """Map an sqlite3 error to the typed, Chinese ArchiveError a clerk can act on (or return it as is)."""
    kind = sqlite_kind(exc)
    where = f"（{path}）" if path else ""
    if kind is ArchiveLockedError:
        return ArchiveLockedError(f"档案正被其他程序或窗口使用{where}，请稍后再试。")
    if kind is DiskFullError:
        return DiskFullError(f"磁盘已满，未能保存{where}。已保存的内容没有丢失，请清理磁盘空间后重试。")
    if kind is SearchCancelledError:
        return SearchCancelledError("检索已取消")
    if kind is ArchiveCorruptError:
        return ArchiveCorruptError(f"档案文件已损坏或不是报告档案{where}。")
    if kind is ArchiveReadOnlyError:
        if sqlite_error_name(exc) in ("READONLY", "PERM"):
            return ArchiveReadOnlyError(f"档案文件是只读的，无法修改{where}。请检查文件属性或文件夹权限。")
        return ArchiveReadOnlyError(f"无法打开或写入档案文件{where}，请检查路径和权限。")
    return exc
