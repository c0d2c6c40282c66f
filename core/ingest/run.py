"""Running an import: walk → pipeline (in worker processes, a time limit each) → store, with dedup,
progress, cancel and a resumable run record."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from core import rejections as _rejections
from core.errors import ArchiveError
from core.ingest import (
    DEFAULT_TIME_LIMIT,
    OCR_PAGE,
    Job,
    JobResult,
    PoolUnavailable,
    Status,
    TimeLimit,
    WorkerPool,
)
from core.ingest import resume as _resume
from core.ingest.pipeline import Processed, _crashed_file, _process_path, sha256
from core.ingest.walk import MAX_FILE_BYTES, SkipReason, _mb, _os_reason, collect_files
from core.models import (
    OUTCOME_LABELS,
    ImportItem,
    ImportReport,
    Outcome,
)
from core.store.documents import _Batch, _existing, _unchanged, bulk_writes, store_in_savepoint

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

POOL_MIN_FILES = 40  # below this, one worker process (for the time limit); from here, one per core (≤ 4)


# --- what an outcome says ---------------------------------------------------------------------------


def _unchanged_reason(found: tuple[int, str, bool]) -> str:
    doc_id, title, deleted = found
    where = "回收站中的" if deleted else "档案中已有的"
    return f"文件自上次导入后未改动，即{where}文档 #{doc_id}《{title}》，已跳过"


def _duplicate_reason(found: tuple[int, str, bool], by_text: bool) -> str:
    doc_id, title, deleted = found
    where = "回收站中的" if deleted else "档案中已有的"
    what = "文字内容相同" if by_text else "文件完全相同"
    return f"与{where}文档 #{doc_id}《{title}》{what}，未重复导入"


def _pool_size(n_files: int, workers: int | None) -> int:
    if workers is None:
        env = os.environ.get("REPORT_ARCHIVE_IMPORT_WORKERS", "").strip()
        if env.isdigit():
            workers = int(env)
    if workers is not None:
        return max(0, workers)  # 0: in-process, without a time limit (tests, debugging)
    if n_files == 0:
        return 0
    if n_files < POOL_MIN_FILES:
        return 1  # a time limit needs a process that can be ended
    return max(1, min(4, (os.cpu_count() or 1)))


def run_import(
    conn: sqlite3.Connection,
    paths: Iterable[str | Path],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    workers: int | None = None,
    archive_path: Path | None = None,
    time_limit: TimeLimit | None = None,
) -> ImportReport:
    """Import files and folders into the archive behind `conn` (autocommit mode).

    Every file ends as imported, duplicate (of an archived document, by original bytes or cleaned
    text) or failed with a Chinese reason. Each document is written in one transaction together with
    its text, original, facts and index entry, so an interrupted import leaves no half document and
    re-running it completes the rest.

    Files are read and analysed in worker processes (core.ingest.WorkerPool): a file that overruns
    `time_limit` (default DEFAULT_TIME_LIMIT: 30 s + 10 s per MB, more per OCR page) fails with 处理超时
    and its worker is replaced; a worker that crashes fails only its own file; `cancel` stops the import
    within about a second, even in the middle of a file. `workers=0` analyses in-process (no limit).
    """
    limit = time_limit if time_limit is not None else DEFAULT_TIME_LIMIT
    report = ImportReport()
    files = list(collect_files(paths))
    total = len(files)
    done = 0
    # The file list goes into the archive first: if the app is killed, the next start offers the rest.
    run_id = _start_run(conn, [path for path, _reason in files])
    seq_of = {path: seq for seq, (path, _reason) in enumerate(files)}
    checked: list[tuple[int, str]] = []  # phase 1 outcomes, written with the first batch

    def finish(item: ImportItem, phase1: bool = False) -> None:
        nonlocal done
        report.items.append(item)
        done += 1
        if run_id is not None:
            if phase1:
                checked.append((seq_of[item.path], item.outcome.value))
            else:  # in the transaction that stored its document (if any)
                batch.begin()
                _resume.mark(conn, run_id, [(seq_of[item.path], item.outcome.value)])
        if progress is not None:
            label = OUTCOME_LABELS[item.outcome]
            progress(done, total, f"{Path(item.path).name}：{label}")

    def cancelled() -> bool:
        if cancel is not None and cancel.is_set():
            report.cancelled = True
            return True
        return False

    # Phase 1 (cheap): skip files imported before and unchanged since (same path, size and modification
    # time: no reading at all), hash the others and drop the ones already archived before any parsing.
    batch = _Batch(conn)
    todo: list[tuple[str, str]] = []
    sizes: dict[str, int] = {}
    mtimes: dict[str, int] = {}
    for index, (path, reason) in enumerate(files):
        if cancelled():
            _end_run(conn, run_id)
            return report
        if progress is not None and index % 200 == 199:
            progress(done, total, f"正在检查文件（{index + 1}/{total}）…")
        if reason is not None:
            finish(ImportItem(path, Outcome.SKIPPED if isinstance(reason, SkipReason) else Outcome.FAILED, reason), phase1=True)
            continue
        try:
            stat = os.stat(path)
            size = stat.st_size
            if size > MAX_FILE_BYTES:
                finish(ImportItem(path, Outcome.FAILED,
                                  f"文件过大（{_mb(size)}），单个文件上限 {_mb(MAX_FILE_BYTES)}"), phase1=True)
                continue
            unchanged = _unchanged(conn, path, size, stat.st_mtime_ns)
            if unchanged is not None:
                finish(ImportItem(path, Outcome.DUPLICATE, _unchanged_reason(unchanged), unchanged[0]), phase1=True)
                continue
            mtimes[path] = stat.st_mtime_ns
            digest = sha256(Path(path).read_bytes())
        except OSError as exc:
            finish(ImportItem(path, Outcome.FAILED, _os_reason(exc)), phase1=True)
            continue
        found = _existing(conn, "sha_original", digest)
        if found is not None:
            finish(ImportItem(path, Outcome.DUPLICATE, _duplicate_reason(found, by_text=False), found[0]),
                   phase1=True)
            continue
        todo.append((path, digest))
        sizes[path] = size

    if run_id is not None and checked:
        batch.begin()
        _resume.mark(conn, run_id, checked)
    # Phase 2: read → clean → analyse (in worker processes when worth it), store in the main thread.
    n_workers = _pool_size(len(todo), workers)
    results = (
        _pooled(todo, n_workers, limit, sizes, cancel) if n_workers > 0 else (_process_path(p, d) for p, d in todo)
    )
    learned = _rejections.rejected(conn)  # shapes 否决 in 待核对: stored rejected, in each document's transaction
    if learned:
        from core.review import LOW_CONFIDENCE
    try:
        with bulk_writes(conn):
            for item in results:
                if cancelled():
                    break
                item.mtime_ns = mtimes.get(item.path)
                outcome = _store_one(conn, batch, item, archive_path)
                if learned and outcome.outcome is Outcome.IMPORTED and outcome.doc_id is not None:
                    _rejections.apply(conn, [outcome.doc_id], LOW_CONFIDENCE)
                finish(outcome)
                batch.maybe_commit()
            cancelled()  # the pool stops at once on cancel: say so even when no file was left to break on
            batch.commit()
        _end_run(conn, run_id)  # done, or cancelled by the user: nothing to resume
    except BaseException:
        batch.rollback()
        raise
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the generator: shuts its worker processes down
    return report


def _start_run(conn: sqlite3.Connection, paths: list[str]) -> int | None:
    """Record the import's file list (core.ingest.resume); None when it cannot be (the import goes on)."""
    if not paths:
        return None
    try:
        return _resume.start_run(conn, paths)
    except sqlite3.Error:
        log.warning("could not record the import's file list; it cannot be resumed", exc_info=True)
        return None


def _end_run(conn: sqlite3.Connection, run_id: int | None) -> None:
    if run_id is None:
        return
    try:
        _resume.finish_run(conn, run_id)
    except sqlite3.Error:
        log.warning("could not forget the finished import's file list", exc_info=True)


def _worker_warm_up() -> None:
    """Pool initializer: load the analysis tables before the first file's time limit starts."""
    from core.extract import analyse

    analyse("")


_PRELOAD = ("core.ingest.pipeline", "core.extract", "core.store.documents")


def _pooled(
    todo: list[tuple[str, str]], n_workers: int, limit: TimeLimit, sizes: dict[str, int],
    cancel: threading.Event | None,
) -> Iterator[Processed]:
    """Process files in worker processes with a time limit each, yielding results in input order."""
    jobs = (
        Job(_process_path, (path, digest), limit.for_size(sizes.get(path, 0)), {OCR_PAGE: limit.ocr_page_s})
        for path, digest in todo
    )
    try:
        with WorkerPool(n_workers, initializer=_worker_warm_up, preload=_PRELOAD) as pool:
            for result in pool.run(jobs, cancel):
                yield _processed(result)
    except PoolUnavailable as exc:
        # A worker that cannot even start (no `__main__` guard, a broken frozen build): the import goes on
        # in-process instead of failing every file.
        log.warning("could not start analysis processes; analysing in-process")
        for job in exc.remaining:
            if cancel is not None and cancel.is_set():
                return
            yield _process_path(*job.args)


def _processed(result: JobResult) -> Processed:
    """A pool result as a Processed file: a timeout or a crash becomes the file's failure reason."""
    if result.status is Status.DONE:
        item: Processed = result.value
        return item
    path, digest = result.job.args
    if result.status is Status.TIMEOUT:
        seconds = result.time_limit or result.seconds
        error = f"处理超时（超过 {seconds:.0f} 秒仍未完成），已跳过此文件；文件可能过大或内容异常"
    elif result.status is Status.CRASHED:
        return _crashed_file(result.job.args)
    else:  # the job raised: a bug (its traceback is in the log)
        error = f"处理此文件时程序出错（{result.error.split(':', 1)[0]}），详情已记入日志"
    return Processed(path=path, name=Path(path).name, size=0, sha_original=digest, error=error)


def _job_limit(args: tuple[Any, ...]) -> float:
    """The default time limit of a job: DEFAULT_TIME_LIMIT for the size of its text and bytes arguments."""
    size = sum(len(a) * (3 if isinstance(a, str) else 1) for a in args if isinstance(a, str | bytes))
    return DEFAULT_TIME_LIMIT.for_size(size)


def ordered_map(
    fn: Callable[..., Any], jobs: Iterable[tuple[Any, ...]], n_workers: int,
    on_crash: Callable[[tuple[Any, ...]], Any], *,
    time_limit: Callable[[tuple[Any, ...]], float] = _job_limit,
    cancel: threading.Event | None = None,
) -> Iterator[Any]:
    """fn(*job) for every job in worker processes, results in input order, jobs pulled lazily.

    A job whose worker dies, overruns `time_limit(job)` or raises gets on_crash(job); the others go on.
    When processes cannot start at all, everything runs in-process. `fn` must be a module-level function.
    """
    pending = (Job(fn, tuple(job), time_limit(tuple(job))) for job in jobs)
    try:
        with WorkerPool(max(1, n_workers), preload=_PRELOAD) as pool:
            for result in pool.run(pending, cancel):
                yield result.value if result.status is Status.DONE else on_crash(result.job.args)
    except PoolUnavailable as exc:
        log.warning("could not start worker processes; running in-process")
        for job in exc.remaining:
            yield fn(*job.args)


def _store_one(conn: sqlite3.Connection, batch: _Batch, item: Processed, archive_path: Path | None) -> ImportItem:
    from core.schema import translate_error

    if item.error is not None:
        return ImportItem(item.path, Outcome.FAILED, item.error)
    if item.data:  # the bytes the worker analysed: the file must still be as phase 1 saw it
        try:
            stat = os.stat(item.path)
        except OSError as exc:
            return ImportItem(item.path, Outcome.FAILED, _os_reason(exc))
        if stat.st_size != len(item.data) or (item.mtime_ns is not None and stat.st_mtime_ns != item.mtime_ns):
            return ImportItem(item.path, Outcome.FAILED, "文件在导入过程中被修改了，请稍后重新导入")
    else:  # read again (a large file): the bytes must be those the worker analysed
        try:
            item.data = Path(item.path).read_bytes()
        except OSError as exc:
            return ImportItem(item.path, Outcome.FAILED, _os_reason(exc))
        if sha256(item.data) != item.sha_original:
            return ImportItem(item.path, Outcome.FAILED, "文件在导入过程中被修改了，请稍后重新导入")
    try:
        batch.begin()
        found = _existing(conn, "sha_original", item.sha_original)
        if found is not None:
            return ImportItem(item.path, Outcome.DUPLICATE, _duplicate_reason(found, by_text=False), found[0])
        found = _existing(conn, "sha_text", item.sha_text)
        if found is not None:
            return ImportItem(item.path, Outcome.DUPLICATE, _duplicate_reason(found, by_text=True), found[0])
        doc_id = store_in_savepoint(conn, item, batch.index)
        batch.count += 1
        item.data = b""
    except sqlite3.Error as exc:
        mapped = translate_error(exc, archive_path)
        if isinstance(mapped, ArchiveError) or not conn.in_transaction:
            # SQLite itself rolled the batch back (disk full, I/O error): the documents of this batch
            # are not stored, so stop here rather than report them as imported.
            batch.rollback()
            if isinstance(mapped, ArchiveError):
                raise mapped from exc
            raise
        log.exception("storing %s failed", item.path)
        return ImportItem(item.path, Outcome.FAILED, f"保存到档案时出错：{exc}")
    return ImportItem(item.path, Outcome.IMPORTED, "", doc_id)
