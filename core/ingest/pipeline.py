"""The per-file pipeline of plain functions, read → clean → analyse (runs in a worker process too):
`process_bytes` / `_process_path` give a Processed file, `analyse_job` re-analyses a stored text."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import reuse, search
from core.errors import ReadError
from core.ingest.walk import _os_reason
from core.models import (
    Analysis,
    ReadResult,
)

if TYPE_CHECKING:
    from core.store.documents import Prepared

log = logging.getLogger(__name__)

# A file up to this size travels back from the worker with its result (the bytes it analysed, stored as the
# original); a larger one the writing process reads again (no big pickles: the window holds a dozen results).
RETURN_BYTES = 1024 * 1024


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
    runs_body: str | None = None  # search.runs_form_of_text(text), from the same pass (search.index_forms)
    mtime_ns: int | None = None  # the file's modification time when it was checked (stored for re-import)
    reuse_signature: bytes = b""  # reuse.prepare(text), likewise: the encoded signature …
    reuse_keys: list[int] | None = None  # … and its index keys
    # The rows store_document writes (metadata columns, facts, run index row: core.store.documents.prepare),
    # set by _process_path, which then drops `analysis` (smaller to pickle back from a worker).
    prepared: Prepared | None = None


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
    item.index_body, item.runs_body = search.index_forms(text)
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
    if len(data) > RETURN_BYTES or item.error is not None:
        item.data = b""  # the main process re-reads the bytes when storing
    if item.error is None:
        from core.store.documents import prepare

        item.prepared = prepare(item)
        item.analysis = None
    return item


def multiprocessing_child() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


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
