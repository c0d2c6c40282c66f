"""Per-user folders (data, logs, jieba cache) and the resources folder, also when frozen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "ReportArchive"
APP_AUTHOR = "ReportArchive"


def user_data_dir() -> Path:
    """Where archives, settings and the user's dictionary additions live (override: REPORT_ARCHIVE_HOME)."""
    override = os.environ.get("REPORT_ARCHIVE_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_archive_path() -> Path:
    return user_data_dir() / "archive.sqlite"


def log_dir() -> Path:
    path = user_data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    override = os.environ.get("REPORT_ARCHIVE_HOME")
    path = Path(override) / "cache" if override else Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The shipped `resources/` folder: next to the package in a checkout, in _MEIPASS when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
