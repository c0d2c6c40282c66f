"""Walking the paths an import is given: folders recursively, junk and non-reports skipped with a reason,
the per-file size limit."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)


MAX_FILE_BYTES = 150 * 1024 * 1024


# Office lock files, OS droppings: never documents, skipped silently.
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size < 10 * 1048576 else f"{size / 1048576:.0f} MB"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "文件不存在（可能已被移动或删除）"
    if isinstance(exc, PermissionError):
        return "没有读取此文件的权限（文件可能正被其他程序占用）"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    return f"无法读取文件：{exc.strerror or exc}"


def _is_junk(name: str) -> bool:
    return name.startswith(("~$", ".~")) or name.lower() in _JUNK_NAMES or name.startswith(".")


class SkipReason(str):
    """A reason from collect_files meaning "not a report, skipped" (Outcome.SKIPPED), not a failure."""

    __slots__ = ()


def collect_files(paths: Iterable[str | Path]) -> Iterator[tuple[str, str | None]]:
    """Yield (file path, reason it cannot be imported or None); folders are walked recursively.

    Files in a folder that are not reports (core.readers.candidates) come with a SkipReason.
    """
    from core.readers.candidates import is_report_candidate
    from core.readers.ocr import settings as ocr_settings

    images = ocr_settings().enabled  # with OCR off, a folder's pictures are skipped, not failed
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            unreadable: list[OSError] = []
            for root, dirs, files in os.walk(path, onerror=unreadable.append):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if _is_junk(name):
                        continue
                    full = os.path.join(root, name)
                    key = os.path.normcase(os.path.abspath(full))
                    if key in seen:
                        continue
                    seen.add(key)
                    skip = is_report_candidate(full, images=images)
                    yield full, (SkipReason(skip) if skip else None)
            for error in unreadable:  # a subfolder os.walk could not list: say so instead of skipping it
                yield str(error.filename or path), "无法打开此文件夹（没有权限或已被移走），其中的文件未导入"
            continue
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            continue
        seen.add(key)
        if not path.exists():
            yield str(path), "文件不存在（可能已被移动或删除）"
        elif not path.is_file():
            yield str(path), "不是普通文件"
        else:
            yield str(path), None
