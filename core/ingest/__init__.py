"""Ingest: getting files into the archive. `pool` runs per-file work in worker processes with time limits.

The rest of the import (core/importer.py) will move here; the pool is self-contained and knows nothing
of files or archives: it runs Jobs (a module-level function + arguments + a time limit).
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
