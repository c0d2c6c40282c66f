"""Old import path of the import (kept for tests and scripts): walking is core/ingest/walk.py, the
read → clean → analyse pipeline core/ingest/pipeline.py, running an import core/ingest/run.py, and its
writes core/store/documents.py."""

from __future__ import annotations

from core.ingest.pipeline import Processed, _process_path, analyse_text, process_bytes, sha256, text_hash
from core.ingest.run import Progress, _pool_size, run_import
from core.ingest.walk import MAX_FILE_BYTES, SkipReason, collect_files
from core.store.documents import BATCH_DOCS, insert_facts, store_document

__all__ = [
    "BATCH_DOCS",
    "MAX_FILE_BYTES",
    "Processed",
    "Progress",
    "SkipReason",
    "_pool_size",
    "_process_path",
    "analyse_text",
    "collect_files",
    "insert_facts",
    "process_bytes",
    "run_import",
    "sha256",
    "store_document",
    "text_hash",
]
