"""Typed settings over QSettings (organisation "ReportArchive"): last archive, geometry, layouts, and the
options of the 设置 dialog (OCR, per-file time limit, backups, watched folder, default export template).

The options are read through `Settings` properties or the module functions of the same names
(`ocr_enabled()`, `ocr_page_limit()`, `time_limit_base_s()`, `time_limit_per_mb_s()`, `time_limit_s(size)`,
`backup_dir()`, `backup_keep()`, `watched_folder()`, `export_template()`), each with its default below;
a value stored out of range reads as the nearest allowed one.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from core.ingest import TimeLimit

log = logging.getLogger(__name__)

ORGANISATION = "ReportArchive"
APPLICATION = "ReportArchive"


@dataclass(frozen=True)
class IntOption:
    key: str
    default: int
    minimum: int
    maximum: int


OCR_ENABLED_KEY = "import/ocr"
OCR_ENABLED_DEFAULT = True
OCR_PAGES = IntOption("import/ocrPageLimit", 50, 1, 2000)  # core.readers.ocr.DEFAULT_MAX_PAGES  # pages recognised per scanned file
TIME_BASE = IntOption("import/timeLimitBase", 30, 5, 3600)  # seconds every file gets (core.ingest.TimeLimit)
TIME_PER_MB = IntOption("import/timeLimitPerMb", 10, 0, 600)  # seconds more per MB of the file
BACKUP_DIR_KEY = "backup/folder"
BACKUP_KEEP = IntOption("backup/keep", 7, 1, 365)
WATCHED_FOLDER_KEY = "import/watchedFolder"


def default_backup_dir() -> Path:
    from core.paths import user_data_dir

    return user_data_dir() / "backups"


def _qsettings() -> QSettings:
    # With REPORT_ARCHIVE_HOME set (tests, portable use) keep everything inside that folder.
    home = os.environ.get("REPORT_ARCHIVE_HOME")
    if home:
        return QSettings(str(Path(home) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


class Settings:
    """One typed accessor per stored value; values written immediately (QSettings syncs on exit)."""

    def __init__(self) -> None:
        self._s = _qsettings()

    # -- generic typed helpers -------------------------------------------------
    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, (bytes, bytearray)) and value:
            return QByteArray(bytes(value))
        return None

    def _str(self, key: str, default: str = "") -> str:
        value = self._s.value(key, default)
        return value if isinstance(value, str) else default

    def _bool(self, key: str, default: bool) -> bool:
        value = self._s.value(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.lower() in {"1", "true", "yes"}
        return default

    def _int(self, option: IntOption) -> int:
        value: object = self._s.value(option.key, option.default)
        try:
            number = int(str(value))
        except (TypeError, ValueError):
            return option.default
        return min(max(number, option.minimum), option.maximum)

    def _set_int(self, option: IntOption, value: int) -> None:
        self._s.setValue(option.key, min(max(int(value), option.minimum), option.maximum))

    # -- the options of the 设置 dialog ---------------------------------------------
    @property
    def ocr_enabled(self) -> bool:
        """Recognise the text of scanned PDFs/images (slow: minutes for a long scan)."""
        return self._bool(OCR_ENABLED_KEY, OCR_ENABLED_DEFAULT)

    @ocr_enabled.setter
    def ocr_enabled(self, value: bool) -> None:
        self._s.setValue(OCR_ENABLED_KEY, bool(value))

    @property
    def ocr_page_limit(self) -> int:
        """At most this many pages of one scanned file are recognised."""
        return self._int(OCR_PAGES)

    @ocr_page_limit.setter
    def ocr_page_limit(self, value: int) -> None:
        self._set_int(OCR_PAGES, value)

    @property
    def time_limit_base_s(self) -> int:
        return self._int(TIME_BASE)

    @time_limit_base_s.setter
    def time_limit_base_s(self, value: int) -> None:
        self._set_int(TIME_BASE, value)

    @property
    def time_limit_per_mb_s(self) -> int:
        return self._int(TIME_PER_MB)

    @time_limit_per_mb_s.setter
    def time_limit_per_mb_s(self, value: int) -> None:
        self._set_int(TIME_PER_MB, value)

    def time_limit(self) -> TimeLimit:
        """The per-file limit for `Archive.import_paths(..., time_limit=...)`."""
        from core.ingest import TimeLimit

        return TimeLimit(base_s=float(self.time_limit_base_s), per_mb_s=float(self.time_limit_per_mb_s))

    def apply_to_environment(self) -> None:
        """OCR on/off and its page limit reach the readers (core.readers.ocr), the backup folder and the
        days kept reach core.backups, through the environment (the import's worker processes inherit it)."""
        os.environ["REPORT_ARCHIVE_OCR"] = "1" if self.ocr_enabled else "0"
        os.environ["REPORT_ARCHIVE_OCR_MAX_PAGES"] = str(self.ocr_page_limit)
        # the automatic backups (core.backups.backups_dir / keep_daily)
        chosen = self._str(BACKUP_DIR_KEY)
        if chosen:
            os.environ["REPORT_ARCHIVE_BACKUP_DIR"] = chosen
        else:
            os.environ.pop("REPORT_ARCHIVE_BACKUP_DIR", None)
        os.environ["REPORT_ARCHIVE_BACKUP_DAYS"] = str(self.backup_keep)

    def time_limit_s(self, size_bytes: int) -> float:
        """Seconds one file of this size may take to read and analyse: base + per MB × size."""
        return float(self.time_limit_base_s + self.time_limit_per_mb_s * max(0, size_bytes) / 1_000_000)

    @property
    def backup_dir(self) -> Path:
        """Where the automatic backups go (default: the user data folder's backups/)."""
        value = self._str(BACKUP_DIR_KEY)
        return Path(value) if value else default_backup_dir()

    @backup_dir.setter
    def backup_dir(self, value: Path | str | None) -> None:
        text = str(value) if value else ""
        self._s.setValue(BACKUP_DIR_KEY, "" if text and Path(text) == default_backup_dir() else text)

    @property
    def backup_keep(self) -> int:
        """How many days keep their newest automatic backup (core.backups.keep_daily)."""
        return self._int(BACKUP_KEEP)

    @backup_keep.setter
    def backup_keep(self, value: int) -> None:
        self._set_int(BACKUP_KEEP, value)

    @property
    def watched_folder(self) -> Path | None:
        """自动导入文件夹: reports put there are imported automatically (None: off)."""
        value = self._str(WATCHED_FOLDER_KEY)
        return Path(value) if value else None

    @watched_folder.setter
    def watched_folder(self, value: Path | str | None) -> None:
        self._s.setValue(WATCHED_FOLDER_KEY, str(value) if value else "")

    @property
    def export_template(self) -> str:
        """Name of the export template chosen by default ("" = every indicator of the dictionary).

        Kept by core.export_templates (the export dialog and the CLI read the same default), not in QSettings."""
        from core import export_templates

        name = export_templates.default_template()
        return "" if name == export_templates.ALL_INDICATORS else name

    @export_template.setter
    def export_template(self, value: str) -> None:
        from core import export_templates
        from core.errors import ArchiveError

        try:
            export_templates.set_default_template(value or export_templates.ALL_INDICATORS)
        except (ArchiveError, OSError):
            log.warning("could not set the default export template to %r", value, exc_info=True)

    # -- values -------------------------------------------------------------------
    @property
    def last_archive(self) -> Path | None:
        value = self._str("archive/last")
        return Path(value) if value else None

    @last_archive.setter
    def last_archive(self, path: Path | None) -> None:
        self._s.setValue("archive/last", str(path) if path else "")

    @property
    def recent_archives(self) -> list[str]:
        value = self._s.value("archive/recent", [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value] if isinstance(value, list) else []

    def add_recent_archive(self, path: Path) -> None:
        items = [p for p in self.recent_archives if p != str(path)]
        self._s.setValue("archive/recent", [str(path), *items][:8])

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._s.setValue("window/state", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitter/{name}")

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self._s.setValue(f"splitter/{name}", value)

    def header_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"header/{name}")

    def set_header_state(self, name: str, value: QByteArray) -> None:
        self._s.setValue(f"header/{name}", value)

    @property
    def last_import_dir(self) -> str:
        return self._str("paths/import")

    @last_import_dir.setter
    def last_import_dir(self, value: str) -> None:
        self._s.setValue("paths/import", value)

    @property
    def last_export_dir(self) -> str:
        return self._str("paths/export")

    @last_export_dir.setter
    def last_export_dir(self, value: str) -> None:
        self._s.setValue("paths/export", value)

    @property
    def tag_bar_visible(self) -> bool:
        return self._bool("view/tagBar", True)

    @tag_bar_visible.setter
    def tag_bar_visible(self, value: bool) -> None:
        self._s.setValue("view/tagBar", value)

    @property
    def tag_mode_any(self) -> bool:
        return self._bool("tags/modeAny", False)

    @tag_mode_any.setter
    def tag_mode_any(self, value: bool) -> None:
        self._s.setValue("tags/modeAny", value)

    def sync(self) -> None:
        self._s.sync()


# Module-level getters for the mechanisms that read an option (each call reads the stored value).
def ocr_enabled() -> bool:
    return Settings().ocr_enabled


def ocr_page_limit() -> int:
    return Settings().ocr_page_limit


def time_limit_base_s() -> int:
    return Settings().time_limit_base_s


def time_limit_per_mb_s() -> int:
    return Settings().time_limit_per_mb_s


def time_limit_s(size_bytes: int) -> float:
    return Settings().time_limit_s(size_bytes)


def backup_dir() -> Path:
    return Settings().backup_dir


def backup_keep() -> int:
    return Settings().backup_keep


def watched_folder() -> Path | None:
    return Settings().watched_folder


def export_template() -> str:
    return Settings().export_template
