"""A small process pool for the import: one job per worker, a time limit per job, cancel, crash isolation.

Why our own pool (about 300 lines on multiprocessing, spawn start method) rather than a library:
- concurrent.futures.ProcessPoolExecutor cannot stop a running job: a file that makes the analyser loop
  keeps its worker (and the import) busy for ever, and Cancel has to wait for it. A dying worker breaks
  the whole executor, so every job in flight has to be retried to find the culprit.
- loky (a reusable ProcessPoolExecutor) has the same future API: no per-job time limit.
- pebble's ProcessPool has per-job timeouts, but the timeout is fixed when the job is scheduled; the
  import must lengthen it while a job runs (a reader that OCRs a scanned page reports it and gets more
  time), which pebble has no channel for. It is also LGPL and one more thing to bundle in the frozen app.
Here every worker runs one job at a time over its own pipe, so the parent always knows which job a
worker holds: a worker that overruns its deadline is killed and replaced (that job is TIMEOUT), a worker
that dies fails only its own job (CRASHED), cancel kills the workers within POLL_SECONDS, a job can send
"give me more time" messages, and the workers' log records (tracebacks included) reach the parent's log.

Workers run below normal priority (the GUI stays responsive) and end themselves when the parent dies,
even by kill -9. Jobs are module-level functions (pickled by reference). Entry points must guard with
`if __name__ == "__main__":`; a frozen app calls multiprocessing.freeze_support() first.
"""

from __future__ import annotations

import enum
import importlib
import logging
import math
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2  # how often the parent looks at cancel and deadlines while it waits
START_TIMEOUT = 120.0  # a worker must be ready by then (imports on a loaded machine, a frozen app)
_MAX_START_FAILURES = 3  # consecutive workers that die before they are ready: the pool is unusable

OCR_PAGE = "ocr_page"  # the slow step a reader reports per page it recognises by OCR


class Status(enum.Enum):
    DONE = "done"  # fn returned; `value` holds its result
    FAILED = "failed"  # fn raised; `error` holds "Type: message", the traceback went to the log
    TIMEOUT = "timeout"  # the job overran its time limit; its worker was killed and replaced
    CRASHED = "crashed"  # the worker process died while it ran the job (`error` holds the exit code)


@dataclass(frozen=True, slots=True)
class Job:
    """fn(*args) in a worker. `time_limit` is wall seconds from when a worker starts it (None or inf =
    no limit); `extensions` maps a slow step a job may report (OCR_PAGE) to the seconds each one adds."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    time_limit: float | None = None
    extensions: Mapping[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class JobResult:
    job: Job
    status: Status
    value: Any = None
    error: str = ""
    seconds: float = 0.0  # wall time in the worker
    time_limit: float | None = None  # the limit in force at the end (with extensions)


class PoolUnavailable(RuntimeError):
    """Worker processes cannot start (no __main__ guard, a broken frozen build, no resources).

    `remaining` lists the jobs without a result, in order: the caller may run them in-process.
    """

    def __init__(self, message: str, remaining: list[Job]) -> None:
        super().__init__(message)
        self.remaining = remaining


# --- inside a worker ---------------------------------------------------------------------------------

_channel: _Channel | None = None  # set in a worker process while it runs a job


class _Channel:
    """The worker's end of its pipe; several threads of a job (and logging) may send."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def send(self, message: tuple[Any, ...]) -> None:
        with self.lock:
            self.conn.send(message)


def report_slow_step(kind: str, count: int = 1) -> None:
    """Tell the parent that the running job entered a slow step (e.g. OCR_PAGE): its time limit grows by
    the seconds its Job.extensions give that kind, `count` times. A no-op outside a pool worker."""
    channel = _channel
    if channel is None or count <= 0:
        return
    try:
        channel.send(("extend", kind, int(count), 0.0))
    except (OSError, ValueError):
        pass


def extend_time_limit(seconds: float) -> None:
    """Give the running job `seconds` more; a no-op outside a pool worker."""
    channel = _channel
    if channel is None or not seconds > 0:
        return
    try:
        channel.send(("extend", "", 0, float(seconds)))
    except (OSError, ValueError):
        pass


def ocr_page_started(count: int = 1) -> None:
    """For readers: call before recognising each page by OCR (more time per page, see OCR_PAGE)."""
    report_slow_step(OCR_PAGE, count)


class _PipeLogHandler(logging.Handler):
    """Ships a worker's log records to the parent, which re-emits them (tracebacks as text)."""

    def __init__(self, channel: _Channel) -> None:
        super().__init__()
        self.channel = channel
        self.formatter_ = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            state = dict(record.__dict__)
            state["msg"] = record.getMessage()
            state["args"] = None
            if record.exc_info:
                state["exc_text"] = self.formatter_.formatException(record.exc_info)
            state["exc_info"] = None
            state.pop("message", None)
            self.channel.send(("log", state))
        except Exception:  # logging must never break the job
            self.handleError(record)


def lower_priority() -> None:
    """Run this process below normal CPU priority so the GUI thread stays responsive; failures ignored."""
    try:
        if sys.platform == "win32":
            import ctypes
            from ctypes import wintypes

            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
            kernel32.GetCurrentProcess.restype = wintypes.HANDLE  # the pseudo-handle -1, pointer-sized
            kernel32.SetPriorityClass.argtypes = [wintypes.HANDLE, wintypes.DWORD]
            kernel32.SetPriorityClass.restype = wintypes.BOOL
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), 0x4000)  # BELOW_NORMAL_PRIORITY_CLASS
        elif hasattr(os, "nice"):
            os.nice(10)
    except Exception:  # a worker at normal priority still works
        log.debug("could not lower the worker priority", exc_info=True)


def exit_with_parent() -> None:
    """Start a daemon thread that ends this process at once when its parent dies (even by kill -9)."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch(sentinel: int) -> None:
        wait([sentinel])
        os._exit(0)

    threading.Thread(target=watch, args=(parent.sentinel,), name="parent-watchdog", daemon=True).start()


def _worker_main(  # noqa: PLR0917 (a Process target takes positional args)
    inbox: Connection, outbox: Connection, initializer: Callable[[], None] | None, preload: tuple[str, ...],
    log_level: int, low_priority: bool,
) -> None:
    """A worker's life: set up, say "ready", then run jobs one at a time until told to stop."""
    global _channel
    channel = _Channel(outbox)
    exit_with_parent()
    if low_priority:
        lower_priority()
    root = logging.getLogger()
    root.handlers[:] = [_PipeLogHandler(channel)]
    root.setLevel(log_level)
    for name in preload:
        importlib.import_module(name)
    if initializer is not None:
        initializer()
    channel.send(("ready", os.getpid()))
    while True:
        try:
            message = inbox.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args = message
        _channel = channel
        reply: tuple[Any, ...]
        try:
            reply = ("done", fn(*args))
        except BaseException as exc:
            logging.getLogger(getattr(fn, "__module__", __name__)).error(
                "job %s failed", getattr(fn, "__qualname__", fn), exc_info=True
            )
            reply = ("failed", f"{type(exc).__name__}: {exc}", traceback.format_exc())
        finally:
            _channel = None
        try:
            channel.send(reply)
        except Exception as exc:  # the result does not pickle, or is too big for the pipe
            log.error("could not send a job's result back", exc_info=True)
            channel.send(("failed", f"{type(exc).__name__}: {exc}", traceback.format_exc()))


# --- the parent's side -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Feed:
    """What the caller's thread and the pool's thread share during run() (under `lock`)."""

    lock: threading.Condition = field(default_factory=threading.Condition)
    inbox: deque[tuple[int, Job]] = field(default_factory=deque)  # pulled by the caller, not yet taken
    outbox: deque[JobResult] = field(default_factory=deque)  # results in input order, for the caller
    exhausted: bool = False  # the caller pulled the last job
    hungry: bool = False  # the pool's thread waits with an idle worker and no job: nudge it
    stop: bool = False  # the caller is gone (closed the generator early, raised, close())
    finished: bool = False  # the pool's thread has ended
    error: BaseException | None = None  # what it ended with (PoolUnavailable, or a bug), raised to the caller


@dataclass(slots=True)
class _ActiveRun:
    thread: threading.Thread
    feed: _Feed
    wake_reader: Connection  # the pool's thread waits on this too: a nudge wakes it at once
    wake_writer: Connection
    stopped: bool = False


def _nudge(writer: Connection) -> None:
    try:
        writer.send_bytes(b"!")
    except (OSError, ValueError):
        pass  # closed: the run is over


@dataclass(slots=True)
class _Worker:
    process: Any  # multiprocessing.context.SpawnProcess
    conn: Connection  # what the worker sends (results, logs, "ready", "extend")
    inbox: Connection  # what we send it (jobs, None to stop)
    started_at: float
    ready: bool = False
    index: int | None = None  # the job it runs (position in the input), None when idle
    job: Job | None = None
    job_started: float = 0.0
    deadline: float = math.inf


class WorkerPool:
    """`workers` spawned processes running Jobs; see the module docstring. One caller thread uses it (the
    import's worker thread); during run() the pool's own thread drives the workers. Use as a context
    manager, or call close()."""

    def __init__(
        self,
        workers: int,
        *,
        initializer: Callable[[], None] | None = None,
        preload: tuple[str, ...] = (),
        low_priority: bool = True,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.size = max(1, workers)
        self.initializer = initializer
        self.preload = preload
        self.low_priority = low_priority
        self.start_timeout = start_timeout
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._start_failures = 0
        self.restarts = 0  # workers replaced after a timeout or a crash (for tests and benchmarks)
        self._active: _ActiveRun | None = None  # the run() in progress

    # -- life cycle --
    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop a run in progress (its thread), then every worker: idle ones are asked to exit, busy or stuck
        ones are killed."""
        self._stop_run(self._active)
        workers, self._workers = self._workers, []
        for worker in workers:
            if worker.index is None and worker.ready:
                try:
                    worker.inbox.send(None)
                except (OSError, ValueError):
                    pass
        until = time.monotonic() + 2.0
        for worker in workers:
            if worker.index is None and worker.ready:
                worker.process.join(max(0.0, until - time.monotonic()))
            self._kill(worker)

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def _spawn(self) -> _Worker:
        # Two one-way pipes, not one duplex pipe: on POSIX a duplex Pipe is a socketpair, and the app
        # opens no socket of any kind (the no-network tests refuse them); one-way pipes are os.pipe().
        job_reader, job_writer = self._context.Pipe(duplex=False)
        result_reader, result_writer = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_worker_main,
            args=(job_reader, result_writer, self.initializer, self.preload,
                  logging.getLogger().getEffectiveLevel(), self.low_priority),
            name="report-archive-worker",
            daemon=True,
        )
        process.start()
        job_reader.close()
        result_writer.close()
        worker = _Worker(process, result_reader, job_writer, time.monotonic())
        self._workers.append(worker)
        return worker

    def _kill(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
        try:
            if worker.process.is_alive():
                worker.process.kill()
            worker.process.join(5)
        except (OSError, ValueError, AssertionError):
            log.debug("could not end worker %s", worker.process.pid, exc_info=True)
        for end in (worker.conn, worker.inbox):
            try:
                end.close()
            except OSError:
                pass
        try:
            worker.process.close()
        except ValueError:
            pass  # still running: left to the OS (it ends itself when we do)

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        self.restarts += 1
        self._spawn()

    # -- running jobs --
    def run(self, jobs: Iterable[Job], cancel: threading.Event | None = None, *,
            window: int | None = None) -> Iterator[JobResult]:
        """Run every job; yield one JobResult per job, in input order. At most `window` (default
        4 × workers + 4) jobs are pulled and not yet taken by the caller: the results a slow caller has not
        come back for, and those held waiting for an earlier slow job, are bounded.

        The workers do not wait for the caller: a thread of the pool drives them (hands out jobs, reads
        results, enforces the time limits, replaces dead workers) while the caller does something else with
        a result, up to `window` results ahead. The jobs iterable is pulled in the caller's thread (it may
        read the caller's SQLite connection). Stops (the generator ends) within POLL_SECONDS of `cancel`
        being set, killing busy workers; closing the generator early stops the thread and the busy workers
        (as do close() and a new run(): the generator of the run they end ends too). Raises PoolUnavailable
        when workers cannot start (with the jobs not yet done, those not pulled yet included).
        """
        limit = max(1, window if window is not None else 4 * self.size + 4)
        pending = iter(jobs)
        self._stop_run(self._active)  # one run at a time: a new one ends one left unfinished
        feed = _Feed()
        wake_reader, wake_writer = self._context.Pipe(duplex=False)  # os.pipe: the app opens no socket
        pulled = taken = 0

        def top_up() -> None:
            """Pull jobs up to the window (in this thread) and hand them to the pool's thread."""
            nonlocal pulled
            added: list[tuple[int, Job]] = []
            exhausted = feed.exhausted
            while not exhausted and pulled - taken < limit:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                else:
                    added.append((pulled, job))
                    pulled += 1
            if not added and exhausted == feed.exhausted:
                return
            with feed.lock:
                feed.inbox.extend(added)
                feed.exhausted = exhausted
                wake, feed.hungry = feed.hungry, False
            if wake:
                _nudge(wake_writer)

        thread = threading.Thread(target=self._drive, args=(feed, wake_reader, cancel), name="worker-pool",
                                  daemon=True)
        active = self._active = _ActiveRun(thread, feed, wake_reader, wake_writer)
        try:
            top_up()
            thread.start()
            while True:
                with feed.lock:
                    while not feed.outbox and not feed.finished:
                        if cancel is not None and cancel.is_set():
                            break
                        feed.lock.wait(POLL_SECONDS)
                    result = feed.outbox.popleft() if feed.outbox else None
                if (cancel is not None and cancel.is_set()) or feed.stop:
                    return
                if result is None:
                    if feed.finished:
                        break
                    continue
                taken += 1
                if not feed.finished:
                    top_up()
                yield result
            error = feed.error
            if isinstance(error, PoolUnavailable):  # + what was pulled after the pool's thread gave up
                with feed.lock:
                    error.remaining.extend(job for _index, job in feed.inbox)
                    feed.inbox.clear()
                error.remaining.extend(pending)
                raise error
            if error is not None:
                raise error
        finally:
            self._stop_run(active)

    def _stop_run(self, active: _ActiveRun | None) -> None:
        """End a run's thread (it kills the busy workers), from the caller's side; then close its pipe."""
        if active is None or active.stopped:
            return
        active.stopped = True
        with active.feed.lock:
            active.feed.stop = True
        _nudge(active.wake_writer)
        if active.thread.is_alive() or active.thread.ident is not None:
            active.thread.join()  # within POLL_SECONDS of the nudge (longer only while it kills a worker)
        for end in (active.wake_reader, active.wake_writer):
            try:
                end.close()
            except OSError:
                pass
        if self._active is active:
            self._active = None

    def _drive(self, feed: _Feed, wake: Connection, cancel: threading.Event | None) -> None:
        """The pool's thread during run(): _loop, any error of it passed on to the caller."""
        try:
            self._loop(feed, wake, cancel)
        except BaseException as exc:  # PoolUnavailable, or a bug: the caller raises it
            with feed.lock:
                feed.error = exc
        finally:
            with feed.lock:
                feed.finished = True
                feed.lock.notify_all()

    def _loop(self, feed: _Feed, wake: Connection, cancel: threading.Event | None) -> None:
        queue: deque[tuple[int, Job]] = deque()  # taken from the feed, not yet sent to a worker (retries first)
        held: dict[int, JobResult] = {}  # results waiting for an earlier job's
        in_flight: dict[int, Job] = {}
        unyielded: dict[int, Job] = {}  # every job taken from the feed and not yet passed to the caller
        next_out = 0  # index of the next result to pass on
        while len(self._workers) < self.size:
            self._spawn()
        while True:
            if feed.stop or (cancel is not None and cancel.is_set()):
                self._kill_busy()
                return
            if next_out in held:
                ready: list[JobResult] = []
                while next_out in held:
                    ready.append(held.pop(next_out))
                    unyielded.pop(next_out, None)
                    next_out += 1
                with feed.lock:
                    feed.outbox.extend(ready)
                    feed.lock.notify_all()
            # hand out work to idle ready workers
            idle = [w for w in self._workers if w.ready and w.index is None]
            with feed.lock:
                while len(queue) < len(idle) and feed.inbox:
                    index, job = feed.inbox.popleft()
                    queue.append((index, job))
                    unyielded[index] = job
                exhausted = feed.exhausted and not feed.inbox
                feed.hungry = len(queue) < len(idle) and not exhausted
            for worker in idle:
                if not queue:
                    break
                index, job = queue.popleft()
                if not self._send(worker, index, job):
                    queue.appendleft((index, job))
                    continue
                in_flight[index] = job
            if exhausted and not queue and not in_flight and not unyielded:
                return
            if not self._workers:
                with feed.lock:
                    taken = sorted(unyielded.items()) + list(feed.inbox)
                    feed.inbox.clear()
                raise PoolUnavailable("worker processes cannot start", [job for _index, job in taken])
            for index, result in self._poll(cancel, wake):
                in_flight.pop(index, None)
                held[index] = result
            if self._start_failures >= _MAX_START_FAILURES and not any(w.ready for w in self._workers):
                for worker in list(self._workers):
                    self._kill(worker)

    def _send(self, worker: _Worker, index: int, job: Job) -> bool:
        try:
            worker.inbox.send((job.fn, job.args))
        except (OSError, ValueError):  # the worker died since it said ready: replace it, retry the job
            log.warning("worker %s is gone before its job; replacing it", worker.process.pid)
            self._replace(worker)
            return False
        now = time.monotonic()
        worker.index, worker.job, worker.job_started = index, job, now
        limit = job.time_limit
        worker.deadline = now + limit if limit is not None and math.isfinite(limit) else math.inf
        return True

    def _kill_busy(self) -> None:
        for worker in [w for w in self._workers if w.index is not None or not w.ready]:
            self._kill(worker)

    def _poll(self, cancel: threading.Event | None, wake: Connection) -> list[tuple[int, JobResult]]:
        """Wait up to POLL_SECONDS for messages, exits and a nudge; act on them and on deadlines."""
        now = time.monotonic()
        until = now + POLL_SECONDS
        for worker in self._workers:
            if worker.index is not None:
                until = min(until, worker.deadline)
            elif not worker.ready:
                until = min(until, worker.started_at + self.start_timeout)
        waitables: list[Any] = [wake]
        owner: dict[Any, _Worker] = {}
        for worker in self._workers:
            waitables += [worker.conn, worker.process.sentinel]
            owner[worker.conn] = owner[worker.process.sentinel] = worker
        ready = wait(waitables, timeout=max(0.0, until - now))
        results: list[tuple[int, JobResult]] = []
        if wake in ready:
            ready.remove(wake)
            try:
                while wake.poll():
                    wake.recv_bytes()
            except (EOFError, OSError):
                pass
        # Messages first: a job that finished just before its worker exited is done, not crashed.
        for worker in {id(owner[item]): owner[item] for item in ready}.values():
            results += self._drain(worker)
        for item in ready:
            worker = owner[item]
            if item is worker.process.sentinel and worker in self._workers:
                results += self._died(worker)
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.index is not None and now >= worker.deadline:
                results.append(self._timed_out(worker, now))
            elif not worker.ready and now - worker.started_at > self.start_timeout:
                log.warning("a worker process did not start within %.0f s", self.start_timeout)
                self._start_failures += 1
                self._kill(worker)
                if self._start_failures < _MAX_START_FAILURES:
                    self._spawn()
        if cancel is not None and cancel.is_set():
            self._kill_busy()
        return results

    def _drain(self, worker: _Worker) -> list[tuple[int, JobResult]]:
        """Read every message a worker has sent; the finished job's (index, result) if one finished."""
        results: list[tuple[int, JobResult]] = []
        while True:
            try:
                if not worker.conn.poll():
                    return results
                message = worker.conn.recv()
            except (EOFError, OSError):
                return results  # it died: its sentinel tells
            except Exception as exc:  # a result that does not unpickle here
                log.exception("a worker's result could not be read")
                outcome = self._finish(worker, Status.FAILED, error=f"{type(exc).__name__}: {exc}")
                results += [outcome] if outcome is not None else []
                continue
            kind = message[0]
            outcome = None
            if kind == "ready":
                worker.ready = True
                self._start_failures = 0
            elif kind == "log":
                record = logging.makeLogRecord(message[1])
                logging.getLogger(record.name).handle(record)
            elif kind == "extend" and worker.job is not None:
                _, step, count, seconds = message
                worker.deadline += seconds + count * float(worker.job.extensions.get(step, 0.0))
            elif kind == "done":
                outcome = self._finish(worker, Status.DONE, value=message[1])
            elif kind == "failed":
                outcome = self._finish(worker, Status.FAILED, error=message[1])
            if outcome is not None:
                results.append(outcome)

    def _finish(self, worker: _Worker, status: Status, *, value: Any = None, error: str = "") -> tuple[int, JobResult] | None:
        if worker.index is None or worker.job is None:
            return None
        index, job = worker.index, worker.job
        now = time.monotonic()
        limit = None if math.isinf(worker.deadline) else worker.deadline - worker.job_started
        worker.index, worker.job, worker.deadline = None, None, math.inf
        return index, JobResult(job, status, value, error, now - worker.job_started, limit)

    def _died(self, worker: _Worker) -> list[tuple[int, JobResult]]:
        worker.process.join(1)  # its sentinel fired: reap it to learn the exit code
        code = worker.process.exitcode
        results: list[tuple[int, JobResult]] = []
        if not worker.ready:
            log.warning("a worker process exited before it was ready (exit code %s)", code)
            self._start_failures += 1
            self._kill(worker)
            if self._start_failures < _MAX_START_FAILURES:
                self._spawn()
            return results
        if worker.index is not None:
            log.warning("a worker process died (exit code %s) while running %s", code, worker.job)
            outcome = self._finish(worker, Status.CRASHED, error=f"exit code {code}")
            if outcome is not None:
                results.append(outcome)
        self._replace(worker)
        return results

    def _timed_out(self, worker: _Worker, now: float) -> tuple[int, JobResult]:
        assert worker.index is not None and worker.job is not None
        limit = worker.deadline - worker.job_started
        log.warning("a job overran its time limit of %.0f s; killing worker %s", limit, worker.process.pid)
        result = JobResult(worker.job, Status.TIMEOUT, None, f"time limit {limit:.0f} s",
                           now - worker.job_started, limit)
        index = worker.index
        worker.index, worker.job = None, None
        self._replace(worker)
        return index, result
