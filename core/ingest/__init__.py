"""Ingest: getting files into the archive — walk (which files), pipeline (read → clean → analyse, plain
functions), pool (worker processes with a time limit each), run (an import from start to end), resume.

The pool is self-contained and knows nothing of files or archives: it runs Jobs (a module-level function +
arguments + a time limit). The import's SQL writes are core/store/documents.py.
"""

from __future__ import annotations

from core.ingest.limits import DEFAULT_TIME_LIMIT, TimeLimit
from core.ingest.pool import (
    OCR_PAGE,
    Job,
    JobResult,
    PoolUnavailable,
    Status,
    WorkerPool,
    extend_time_limit,
    ocr_page_started,
    report_slow_step,
)

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "OCR_PAGE",
    "Job",
    "JobResult",
    "PoolUnavailable",
    "Status",
    "TimeLimit",
    "WorkerPool",
    "extend_time_limit",
    "ocr_page_started",
    "report_slow_step",
]
