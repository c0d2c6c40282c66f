"""One background thread that owns its own core.Archive and runs jobs in order; results come back by Signal.

Thread rule (docs/interfaces.md): all writes go through the window's single writer `Worker`; a second
`Worker` instance serves searches and other slow reads so they never wait behind an import.
A job is `fn(archive, progress, cancel)`: `progress(done, total, message)` is throttled to ~10 updates a
second before it crosses to the GUI thread; `cancel` is a threading.Event the core function checks.
Callbacks (`on_done`, `on_error`, `on_progress`) always run on the GUI thread.

This module owns all of the window's background work; nothing else in gui/ starts a thread:
- `Worker`: a queue of jobs on one thread with its own Archive (the writer, the reader, the viewer's tag
  suggester);
- `read_in_background(path, compute, deliver, name)`: one read on a thread of its own with its own
  connection (compare, trend, grid, warm-up);
- `run_in_background(fn, deliver, name)`: one computation without an archive connection (the alignment of
  two reports, a restore that replaces the file).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from core.archive import Archive

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
JobFn = Callable[["Archive", ProgressFn, threading.Event], Any]

PROGRESS_INTERVAL = 0.1  # seconds between progress signals (≈10 a second)

_ids = itertools.count(1)


@dataclass(eq=False)
class Job:
    """A unit of work for a Worker; keep it to cancel or to recognise its result."""

    fn: JobFn
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[int, int, str], None] | None = None
    name: str = ""
    id: int = field(default_factory=lambda: next(_ids))
    cancel_event: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    superseded: bool = False  # a newer job of the same name replaced it before it started: it is not run

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()


class Worker(QObject):
    """A single thread with its own Archive on `archive_path`; jobs run one at a time, in order."""

    jobFinished = Signal(object, object)  # Job, result
    jobFailed = Signal(object, object)  # Job, exception
    jobProgress = Signal(object, int, int, str)  # Job, done, total, message
    busyChanged = Signal(bool)
    waiting = Signal(str)  # a write waits for another program's lock (Chinese sentence for the status bar)

    def __init__(
        self, archive_path: Path, name: str = "writer", parent: QObject | None = None, *, read_only: bool = False
    ) -> None:
        super().__init__(parent)
        self.archive_path = Path(archive_path)
        self.read_only = read_only
        self.name = name
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._pending = 0
        self._lock = threading.Lock()
        self._current: Job | None = None
        self._archive: Archive | None = None
        self._thread = threading.Thread(target=self._run, name=f"archive-{name}", daemon=True)
        self._stopped = False
        self.jobFinished.connect(self._deliver_done)
        self.jobFailed.connect(self._deliver_error)
        self.jobProgress.connect(self._deliver_progress)
        self._thread.start()

    # -- GUI thread API ----------------------------------------------------------------
    def submit(
        self,
        fn: JobFn,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        name: str = "",
    ) -> Job:
        """Queue `fn(archive, progress, cancel)`; returns the Job (call job.cancel() to ask it to stop)."""
        if self._stopped:
            raise RuntimeError("worker stopped")
        job = Job(fn, on_done, on_error, on_progress, name)
        with self._lock:
            self._pending += 1
            first = self._pending == 1
        if first:
            self.busyChanged.emit(True)
        self._queue.put(job)
        return job

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def cancel_all(self) -> None:
        with self._lock:
            current = self._current
        if current is not None:
            current.cancel()
        for job in list(self._queue.queue):
            if job is not None:
                job.cancel()

    def interrupt(self, name: str) -> bool:
        """Stop the running job if it is called `name` (a listing a newer keystroke replaces): it is cancelled and
        its SQL statement interrupted (core.Archive.interrupt), so it ends with SearchCancelledError at once.
        Queued jobs of that name are not run at all (they fail with SearchCancelledError when their turn comes)."""
        with self._lock:
            current, archive = self._current, self._archive
        for job in list(self._queue.queue):  # listings still queued (behind a snippet job) are of no use either
            if job is not None and job.name == name:
                job.superseded = True
        if current is None or current.name != name or current.finished or archive is None:
            return False
        current.cancel()
        archive.interrupt()
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel what is queued, let the running job notice, close the thread's archive."""
        if self._stopped:
            return
        self._stopped = True
        self.cancel_all()
        self._queue.put(None)
        self._thread.join(timeout)

    # -- worker thread -----------------------------------------------------------------
    def _open(self) -> Archive:
        if self._archive is None:
            from core.archive import Archive

            self._archive = Archive.open(self.archive_path, read_only=self.read_only)
            self._archive.on_wait = lambda message: self._emit("waiting", message)
        return self._archive

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                break
            with self._lock:
                self._current = job
            last = 0.0

            def progress(done: int, total: int, message: str, job: Job = job) -> None:
                nonlocal last
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL or done >= total:
                    last = now
                    self._emit("jobProgress", job, done, total, message)

            try:
                if job.superseded:
                    from core.errors import SearchCancelledError

                    raise SearchCancelledError("搜索已被新的搜索取代。")
                result = job.fn(self._open(), progress, job.cancel_event)
            except BaseException as exc:  # delivered to the GUI thread, which decides how to show it
                if not isinstance(exc, Exception):
                    log.exception("worker %s: fatal error in job %s", self.name, job.name)
                self._emit("jobFailed", job, exc)
            else:
                self._emit("jobFinished", job, result)
            finally:
                with self._lock:
                    self._current = None
        if self._archive is not None:
            try:
                self._archive.close()
            except Exception:
                log.exception("worker %s: closing the archive failed", self.name)
            self._archive = None

    def _emit(self, signal: str, *args: Any) -> None:
        """Emit unless the window already went away (a long job may outlive a stopped worker)."""
        if self._stopped:
            return
        try:
            getattr(self, signal).emit(*args)
        except RuntimeError:  # the QObject was deleted while the job ran
            self._stopped = True

    # -- delivery on the GUI thread -----------------------------------------------------
    def _finish(self, job: Job) -> None:
        job.finished = True
        with self._lock:
            self._pending -= 1
            idle = self._pending == 0
        if idle:
            self.busyChanged.emit(False)

    def _deliver_done(self, job: Job, result: Any) -> None:
        self._finish(job)
        if job.on_done is not None:
            job.on_done(result)

    def _deliver_error(self, job: Job, exc: BaseException) -> None:
        self._finish(job)
        if job.on_error is not None:
            job.on_error(exc)
        else:
            from gui.errors import show_error

            show_error(None, exc)

    def _deliver_progress(self, job: Job, done: int, total: int, message: str) -> None:
        if job.on_progress is not None and not job.finished:
            job.on_progress(done, total, message)


def lower_thread_priority() -> None:
    """Let the calling thread yield the CPU to the GUI (Linux: nice 10 for this thread; elsewhere nothing)."""
    import os

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        pass


class _Courier(QObject):
    """Carries a background thread's result to the GUI thread, where `deliver` is called.

    The thread emits this one long-lived object's signal, never a signal of the window, dialog or viewer that
    asked (that object may be closed and deleted while the thread runs: emitting on it from another thread
    as it is destroyed crashed the process). On the GUI thread a deleted receiver raises RuntimeError, which
    is ignored: nobody is left to show the result to."""

    carry = Signal(object, object)  # deliver, result

    def __init__(self) -> None:
        super().__init__()
        self.carry.connect(self._deliver)

    @staticmethod
    def _deliver(deliver: Callable[[Any], None], result: Any) -> None:
        try:
            deliver(result)
        except RuntimeError as exc:  # the receiver was closed meanwhile
            log.debug("result of a background job not delivered: %s", exc)


_courier: _Courier | None = None


def _the_courier() -> _Courier:
    """The courier, created on the GUI thread (run_in_background is called there) so it delivers there."""
    global _courier
    if _courier is None:
        _courier = _Courier()
    return _courier


def run_in_background(fn: Callable[[], Any], deliver: Callable[[Any], None], name: str) -> threading.Thread:
    """Run `fn()` on a new daemon thread, for work that must not hold an archive connection (a restore
    replaces the file); `deliver` gets the result or the exception, called on the GUI thread (call from the
    GUI thread)."""
    courier = _the_courier()

    def work() -> None:
        result: Any
        try:
            result = fn()
        except BaseException as exc:  # delivered to the GUI thread, which decides how to show it
            result = exc
        try:
            courier.carry.emit(deliver, result)
        except RuntimeError:  # the application is shutting down
            pass

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return thread


def read_in_background(
    path: Path, compute: Callable[[Archive], Any], deliver: Callable[[Any], None], name: str
) -> threading.Thread:
    """Run `compute(archive)` on a new daemon thread with its own archive connection (reads only).

    `deliver` gets the result, or the exception: an ArchiveError as is (its message is for the user), any
    other exception logged first (a bug). It is called on the GUI thread (see `_Courier`); a receiver closed
    meanwhile is ignored.
    """

    def read() -> Any:
        from core import Archive
        from core.errors import ArchiveError

        try:
            with Archive.open(path) as archive:
                return compute(archive)
        except ArchiveError:
            raise
        except Exception:  # a bug: logged; the window says so
            log.exception("%s failed", name)
            raise

    return run_in_background(read, deliver, name)
