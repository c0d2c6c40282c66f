"""The import pipeline: walk files and folders, read → clean → analyse → store, dedup, progress, cancel."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core import reuse, search
from core.errors import ArchiveError, ReadError
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
from core.models import (
    DOC_TYPES,
    META_FIELDS,
    OUTCOME_LABELS,
    Analysis,
    Fact,
    ImportItem,
    ImportReport,
    Outcome,
    ReadResult,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]

MAX_FILE_BYTES = 150 * 1024 * 1024
BATCH_DOCS = 50  # documents per commit
BATCH_SECONDS = 2.0  # or this long since the last commit, whichever comes first
POOL_MIN_FILES = 40  # below this, one worker process (for the time limit); from here, one per core (≤ 4)
# Office lock files, OS droppings: never documents, skipped silently.
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


# --- the pipeline stages (imported lazily: the readers pull in pypdfium2, lxml …) ---------------------


def supported_suffixes() -> frozenset[str]:
    from core.readers import SUPPORTED_SUFFIXES

    return frozenset(SUPPORTED_SUFFIXES)


def _read_bytes(data: bytes, name: str) -> ReadResult:
    from core.readers import read_bytes

    return read_bytes(data, name)


def _clean(text: str) -> str:
    from core.clean import clean_text

    return clean_text(text)


def analyse_text(text: str, name: str) -> Analysis:
    from core.extract import analyse

    return analyse(text, name)


# --- processing one file (pure: runs in a worker process too) --------------------------------------


@dataclass(slots=True)
class Processed:
    path: str
    name: str
    size: int
    sha_original: str
    text: str = ""
    sha_text: str = ""
    fmt: str = ""
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    analysis: Analysis | None = None
    error: str | None = None  # Chinese reason when the file cannot be imported
    data: bytes = b""  # the original bytes (stored as a BLOB)
    index_body: str = ""  # search.index_form(text), computed where the CPU work happens (a worker)
    mtime_ns: int | None = None  # the file's modification time when it was checked (stored for re-import)
    reuse_signature: bytes = b""  # reuse.prepare(text), likewise: the encoded signature …
    reuse_keys: list[int] | None = None  # … and its index keys


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_hash(text: str) -> str:
    return sha256(text.encode("utf-8"))


def process_bytes(path: str, data: bytes, sha_original: str | None = None) -> Processed:
    """read → clean → analyse one file's bytes; never raises (failures become `error`)."""
    name = Path(path).name
    item = Processed(path=path, name=name, size=len(data), sha_original=sha_original or sha256(data), data=data)
    try:
        result = _read_bytes(data, name)
    except ReadError as exc:
        item.error = str(exc) or "无法读取文件"
        return item
    except Exception as exc:  # a reader bug must not stop the other files
        log.exception("reader failed on %s", path)
        item.error = f"读取文件时出错（{type(exc).__name__}）"
        return item
    try:
        text = _clean(result.text)
    except Exception as exc:
        log.exception("clean_text failed on %s", path)
        item.error = f"整理文字时出错（{type(exc).__name__}）"
        return item
    if not text.strip():
        item.error = "文件中没有可提取的文字（可能是扫描件或空文件）"
        return item
    item.text = text
    item.sha_text = text_hash(text)
    item.index_body = search.index_form(text)
    item.reuse_signature, item.reuse_keys = reuse.prepare(text)
    item.fmt = result.fmt
    item.encoding = result.encoding
    item.warnings = list(result.warnings)
    try:
        item.analysis = analyse_text(text, name)
        item.warnings.extend(item.analysis.warnings)  # e.g. too many figures: extraction was bounded
    except Exception as exc:  # keep the document; its metadata can be filled in by hand
        log.exception("analyse failed on %s", path)
        item.analysis = Analysis()
        item.warnings.append(f"自动分析失败（{type(exc).__name__}），元数据需手工填写")
    return item


def _process_path(path: str, sha_original: str) -> Processed:
    """Worker-process entry: read the file again there (cheaper than pickling the bytes both ways)."""
    crash_on = os.environ.get("REPORT_ARCHIVE_TEST_CRASH_ON")  # test hook: simulate a crashing reader
    if crash_on and Path(path).name == crash_on and multiprocessing_child():
        os._exit(70)
    hang_on = os.environ.get("REPORT_ARCHIVE_TEST_HANG_ON")  # test hook: simulate a reader that never ends
    if hang_on and Path(path).name == hang_on and multiprocessing_child():
        Path(path + ".hanging").touch()  # tells the test the worker is inside the file now
        while True:
            time.sleep(1)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return Processed(path=path, name=Path(path).name, size=0, sha_original=sha_original,
                         error=_os_reason(exc))
    item = process_bytes(path, data)  # hashed again: the file may have changed since phase 1
    item.data = b""  # the main process re-reads the bytes when storing: no 100 MB pickles
    return item


def multiprocessing_child() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


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


# --- collecting the files ---------------------------------------------------------------------------


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


# --- storing ----------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def effective_metadata(auto: dict[str, Any], overrides: dict[str, Any], source_name: str) -> dict[str, Any]:
    meta = {name: auto.get(name) for name in META_FIELDS}
    for name, value in overrides.items():
        if name in META_FIELDS:
            meta[name] = value
    if not meta.get("title"):
        meta["title"] = Path(source_name).stem or source_name or "（无标题）"
    if meta.get("doc_type") not in DOC_TYPES:
        meta["doc_type"] = "其他"
    return meta


def analysis_to_auto(analysis: Analysis) -> dict[str, Any]:
    auto: dict[str, Any] = dict(analysis.metadata())
    auto["evidence"] = {k: list(v) for k, v in analysis.evidence.items()}
    return auto


def analysis_columns(analysis: Analysis, overrides: dict[str, Any], source_name: str) -> dict[str, Any]:
    """Column values of `documents` derived from an Analysis (effective metadata = auto ⊕ overrides)."""
    auto = analysis_to_auto(analysis)
    meta = effective_metadata(auto, overrides, source_name)
    return {
        **meta,
        "auto_meta": json.dumps(auto, ensure_ascii=False),
        "sections": json.dumps([asdict(s) for s in analysis.sections], ensure_ascii=False),
        "structure": json.dumps(asdict(analysis.structure), ensure_ascii=False),
        "missing_parts": json.dumps(list(analysis.structure.missing)),
        "late": None if analysis.structure.late is None else int(analysis.structure.late),
        "analysed_at": _now(),
    }


def insert_facts(conn: sqlite3.Connection, doc_id: int, facts: Iterable[Fact], status: str = "auto") -> int:
    stamp = None if status == "auto" else _now()  # updated_at records user edits only
    rows = [
        (doc_id, f.key, f.name, float(f.value), f.unit or "", f.qualifier or "", f.direction, f.start, f.end,
         f.sentence or "", status, stamp, f.confidence, f.pattern or None)
        for f in facts
    ]
    conn.executemany(
        "INSERT INTO facts(doc_id, key, name, value, unit, qualifier, direction, start, end, sentence,"
        " status, updated_at, confidence, pattern) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    return len(rows)


def store_document(conn: sqlite3.Connection, item: Processed) -> int:
    """Write one processed document (row, text, original, facts, index); caller holds the transaction."""
    analysis = item.analysis or Analysis()
    cols = analysis_columns(analysis, {}, item.name)
    title = str(cols["title"])
    indexed_title = search.index_form(title)
    cur = conn.execute(
        "INSERT INTO documents(title, source_name, source_path, fmt, encoding, size, char_count,"
        " sha_original, sha_text, agency, region, report_year, period, publish_date, doc_type,"
        " overrides, missing_parts, late, fact_count, warnings, indexed_title,"
        " imported_at, analysed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'{}',?,?,?,?,?,?,?)",
        (
            title, item.name, os.path.abspath(item.path) if item.path else "", item.fmt, item.encoding, item.size, len(item.text),
            item.sha_original, item.sha_text, cols["agency"], cols["region"], cols["report_year"],
            cols["period"], cols["publish_date"], cols["doc_type"], cols["missing_parts"], cols["late"],
            len(analysis.facts), json.dumps(item.warnings, ensure_ascii=False), indexed_title, _now(),
            cols["analysed_at"],
        ),
    )
    doc_id = int(cur.lastrowid or 0)
    if item.mtime_ns is not None:
        conn.execute("UPDATE documents SET source_mtime_ns = ? WHERE id = ?", (item.mtime_ns, doc_id))
    conn.execute(
        "INSERT INTO analyses(doc_id, auto_meta, sections, structure) VALUES (?, ?, ?, ?)",
        (doc_id, cols["auto_meta"], cols["sections"], cols["structure"]),
    )
    conn.execute("INSERT INTO texts(doc_id, text) VALUES (?, ?)", (doc_id, item.text))
    conn.execute(
        "INSERT INTO originals(doc_id, name, data) VALUES (?, ?, ?)",
        (doc_id, item.name, item.data),
    )
    insert_facts(conn, doc_id, analysis.facts)
    search.index_document(conn, doc_id, indexed_title, item.index_body or search.index_form(item.text))
    reuse.index_document(conn, doc_id, item.text, encoded=item.reuse_signature, keys=item.reuse_keys)
    return doc_id



def _existing(conn: sqlite3.Connection, column: str, digest: str) -> tuple[int, str, bool] | None:
    row = conn.execute(
        f"SELECT id, title, deleted_at IS NOT NULL FROM documents WHERE {column} = ?", (digest,)
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), bool(row[2]))


def _unchanged(conn: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> tuple[int, str, bool] | None:
    """The archived document imported from this very file, if the file's size and mtime are as they were."""
    row = conn.execute(
        "SELECT id, title, deleted_at IS NOT NULL FROM documents"
        " WHERE source_path = ? AND size = ? AND source_mtime_ns = ? LIMIT 1",
        (os.path.abspath(path), size, mtime_ns),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), bool(row[2]))


def _unchanged_reason(found: tuple[int, str, bool]) -> str:
    doc_id, title, deleted = found
    where = "回收站中的" if deleted else "档案中已有的"
    return f"文件自上次导入后未改动，即{where}文档 #{doc_id}《{title}》，已跳过"


def _duplicate_reason(found: tuple[int, str, bool], by_text: bool) -> str:
    doc_id, title, deleted = found
    where = "回收站中的" if deleted else "档案中已有的"
    what = "文字内容相同" if by_text else "文件完全相同"
    return f"与{where}文档 #{doc_id}《{title}》{what}，未重复导入"


class _Batch:
    """One write transaction spanning several documents, each inside its own savepoint."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.open = False
        self.count = 0
        self.started = 0.0

    def begin(self) -> None:
        if not self.open:
            self.conn.execute("BEGIN IMMEDIATE")
            self.open = True
            self.count = 0
            self.started = time.monotonic()

    def maybe_commit(self) -> None:
        if self.open and (self.count >= BATCH_DOCS or time.monotonic() - self.started >= BATCH_SECONDS):
            self.commit()

    def commit(self) -> None:
        if self.open:
            self.conn.execute("COMMIT")
            self.open = False

    def rollback(self) -> None:
        if self.open:
            self.open = False
            if not self.conn.in_transaction:
                return
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                log.exception("rollback failed")


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
    try:
        for item in results:
            if cancelled():
                break
            item.mtime_ns = mtimes.get(item.path)
            outcome = _store_one(conn, batch, item, archive_path)
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


_PRELOAD = ("core.importer", "core.extract")


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


def lower_priority() -> None:
    """Kept for callers of the old name: see core.ingest.pool.lower_priority."""
    from core.ingest.pool import lower_priority as lower

    lower()


def analyse_job(doc_id: int, text: str, name: str) -> tuple[int, str, Analysis | None]:
    """Re-analysis of a stored text (worker entry); None when the analyser fails."""
    try:
        return doc_id, name, analyse_text(text, name)
    except Exception:
        log.exception("analyse failed for document %s", doc_id)
        return doc_id, name, None


def crashed_analysis(args: tuple[Any, ...]) -> tuple[int, str, Analysis | None]:
    return int(args[0]), str(args[2]), None


def _crashed_file(args: tuple[Any, ...]) -> Processed:
    path, digest = args
    return Processed(path=path, name=Path(path).name, size=0, sha_original=digest,
                     error="读取此文件时程序意外退出（文件可能已损坏或格式异常）")


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
    if not item.data:
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
        conn.execute("SAVEPOINT doc")
        try:
            doc_id = store_document(conn, item)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO doc")
                conn.execute("RELEASE doc")
            raise
        conn.execute("RELEASE doc")
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
