"""The watched folder (设置: 自动导入文件夹): which files in it are new or changed since they were imported.

The window (or any caller) polls: every few seconds, or when QFileSystemWatcher reports a change, it calls
`FolderWatch.poll(archive.known_sources(folder))` and imports the paths it returns. A file is returned only
once it has kept the same size and modification time over two polls, so a file still being copied in is
not imported half-written; a file the archive already holds with that size and time is never returned.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from core.ingest.pipeline import supported_suffixes
from core.ingest.walk import _is_junk

# (size in bytes, st_mtime_ns) of a file, as documents.size / documents.source_mtime_ns keep them.
Signature = tuple[int, int]


def scan(folder: str | Path) -> Iterator[tuple[str, Signature]]:
    """(absolute path, signature) of every importable file under `folder`; unreadable parts are skipped."""
    suffixes = supported_suffixes()
    root = os.path.abspath(folder)
    for dirpath, dirs, files in os.walk(root, onerror=lambda _error: None):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if _is_junk(name) or Path(name).suffix.lower() not in suffixes:
                continue
            path = os.path.join(dirpath, name)
            try:
                stat = os.stat(path)
            except OSError:  # removed or locked meanwhile: the next poll sees it again
                continue
            yield path, (stat.st_size, stat.st_mtime_ns)


def changed_files(folder: str | Path, known: Mapping[str, Signature]) -> list[str]:
    """Importable files under `folder` that `known` (path → signature of the archived copy) lacks or differs from."""
    return [path for path, signature in scan(folder) if known.get(path) != signature]


class FolderWatch:
    """Polls one folder; `poll` returns the new or changed files that have stopped changing.

    A file is returned once per signature: if its import fails, it is tried again only after it changes.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = os.path.abspath(folder)
        self._pending: dict[str, Signature] = {}  # seen changed at the last poll, with that signature
        self._given: dict[str, Signature] = {}  # returned before: not again until the file changes

    def poll(self, known: Mapping[str, Signature]) -> list[str]:
        """Files to import now; a missing or unreadable folder gives none (and no error)."""
        if not os.path.isdir(self.folder):
            self._pending.clear()
            return []
        ready: list[str] = []
        pending: dict[str, Signature] = {}
        for path, signature in scan(self.folder):
            if known.get(path) == signature or self._given.get(path) == signature:
                continue
            if self._pending.get(path) == signature:
                ready.append(path)
                self._given[path] = signature
            else:
                pending[path] = signature
        self._pending = pending
        return ready
