"""Typed settings over QSettings (organisation "ReportArchive"): last archive, geometry, layouts."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "ReportArchive"
APPLICATION = "ReportArchive"


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
