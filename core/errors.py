"""Expected trouble, as typed errors whose message a clerk understands (Chinese)."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of all expected errors; str(error) is a Chinese message fit for a dialog."""


class ReadError(ArchiveError):
    """A file could not be read into text (corrupt, encrypted, scanned, unsupported, too large)."""


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
