"""One window per archive (per user): a second start on the same archive brings the first window forward.

A window that has an archive open holds a QLockFile `<user data>/locks/<hash of the path>.lock` (QtCore only:
no socket, no QtNetwork; Qt notices a lock left by a crashed copy from its process id). Another copy of the
app that wants the same archive drops a `<hash>.raise` file beside it; the first window watches that folder,
removes the file and comes forward. The second copy then exits (a second double-click) or opens the archive
read-only. SQLite's locking keeps the archive safe either way; this is about not having two windows that
each think they own it. The lock files are ours, never the archive's.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QLockFile

log = logging.getLogger(__name__)

ANSWER_S = 2.0  # how long a second copy waits for the first window to come forward

# This process's claims: key -> (lock, what to do when another copy asks us to come forward).
_claims: dict[str, tuple[QLockFile, Callable[[], None]]] = {}
_watcher: QFileSystemWatcher | None = None


def tr(text: str) -> str:
    return QCoreApplication.translate("instance", text)


def locks_dir() -> Path:
    from core.paths import user_data_dir

    path = user_data_dir() / "locks"
    path.mkdir(parents=True, exist_ok=True)
    return path


def key(archive: Path) -> str:
    full = str(Path(archive).expanduser().resolve())
    if os.name == "nt":
        full = full.lower()
    return hashlib.sha1(full.encode("utf-8")).hexdigest()[:20]


def _raise_file(name: str) -> Path:
    return locks_dir() / f"{name}.raise"


def held_elsewhere(archive: Path) -> bool:
    """True when another running copy of the app has `archive` open in a window."""
    name = key(archive)
    if name in _claims:
        return False
    probe = QLockFile(str(locks_dir() / f"{name}.lock"))
    probe.setStaleLockTime(0)  # only a dead process's lock is stale, however old a live one is
    if probe.tryLock(0):
        probe.unlock()
        return False
    return probe.error() == QLockFile.LockError.LockFailedError


def ask_to_come_forward(archive: Path, wait_s: float = ANSWER_S) -> bool:
    """Ask the window that has `archive` open to come forward; True when it answered within wait_s."""
    if not held_elsewhere(archive):
        return False
    signal_file = _raise_file(key(archive))
    try:
        signal_file.write_bytes(str(os.getpid()).encode())
    except OSError:
        return False
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if not signal_file.exists():
            return True
        time.sleep(0.05)
    try:
        signal_file.unlink()  # nobody answered (that window is busy or hung)
    except OSError:
        pass
    return False


def claim(archive: Path, come_forward: Callable[[], None]) -> str | None:
    """Announce that a window of this process has `archive` open. None when it is ours now; otherwise a
    Chinese note: another window has it (and was asked to come forward), so open it read-only here."""
    name = key(archive)
    if name in _claims:
        _claims[name] = (_claims[name][0], come_forward)
        return None
    lock = QLockFile(str(locks_dir() / f"{name}.lock"))
    lock.setStaleLockTime(0)
    if not lock.tryLock(0):
        if lock.error() == QLockFile.LockError.LockFailedError:
            answered = ask_to_come_forward(archive)
            note = tr("此档案已在另一个报告档案窗口中打开") + (tr("，已把那个窗口切换到前面") if answered else "")
            return note + tr("。本窗口以只读方式打开，修改请在那个窗口中进行。")
        log.warning("cannot lock %s for %s (error %s)", lock.fileName(), archive, lock.error())
        return None
    _claims[name] = (lock, come_forward)
    _raise_file(name).unlink(missing_ok=True)
    _watch()
    return None


def release(archive: Path) -> None:
    entry = _claims.pop(key(archive), None)
    if entry is not None:
        entry[0].unlock()


def _watch() -> None:
    global _watcher
    if _watcher is None:
        _watcher = QFileSystemWatcher()
        _watcher.directoryChanged.connect(lambda _path: _answer())
    folder = str(locks_dir())
    if folder not in _watcher.directories():
        _watcher.addPath(folder)


def _answer() -> None:
    for name, (_lock, come_forward) in list(_claims.items()):
        signal_file = _raise_file(name)
        if signal_file.exists():
            try:
                signal_file.unlink()
            except OSError:
                continue
            try:
                come_forward()
            except Exception:
                log.exception("bringing the window forward failed")
