"""Module-level job functions for the pool tests (a spawned worker imports them by name)."""

from __future__ import annotations

import logging
import os
import time

from core.ingest import ocr_page_started

log = logging.getLogger("tests.core.ingest.jobs")


def square(x: int) -> int:
    return x * x


def pid() -> int:
    return os.getpid()


def niceness() -> int:
    return os.nice(0)


def sleep_forever() -> None:
    while True:
        time.sleep(1)


def crash() -> None:
    os._exit(3)


def fail() -> None:
    raise ValueError("这个任务出错了")


def log_an_error() -> str:
    try:
        raise KeyError("缺少的键")
    except KeyError:
        log.exception("worker-side failure for the log")
    return "logged"


def ocr_pages(pages: int, seconds_each: float) -> int:
    for _ in range(pages):
        ocr_page_started()
        time.sleep(seconds_each)
    return pages


def broken_init() -> None:
    raise RuntimeError("this worker cannot start")


def mark_started(folder: str, i: int) -> int:
    """Leave a file named i in folder when the job starts (the test sees which jobs a worker began)."""
    with open(os.path.join(folder, str(i)), "w", encoding="utf-8"):
        pass
    return i


def mark_then_sleep(folder: str) -> None:
    mark_started(folder, os.getpid())
    sleep_forever()
