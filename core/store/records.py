"""Rows of the archive's tables as the models (Document, Fact), and the small shared pieces of its SQL."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.models import Document, Fact

DOC_COLUMNS = (
    "id, title, source_name, agency, region, report_year, period, publish_date, doc_type, fact_count,"
    " missing_parts, late, imported_at, size, fmt, deleted_at, overrides"
)


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def document(row: Sequence[Any]) -> Document:
    return Document(
        id=int(row[0]), title=row[1], source_name=row[2], agency=row[3], region=row[4], report_year=row[5],
        period=row[6], publish_date=row[7], doc_type=row[8], fact_count=int(row[9] or 0),
        missing_parts=list(json.loads(row[10] or "[]")), late=None if row[11] is None else bool(row[11]),
        imported_at=row[12], size=int(row[13] or 0), fmt=row[14] or "", deleted=row[15] is not None,
        overrides=dict(json.loads(row[16] or "{}")),
    )


def fact(row: Sequence[Any]) -> Fact:
    return Fact(
        id=int(row[0]), key=row[1], name=row[2], value=float(row[3]), unit=row[4], qualifier=row[5],
        direction=row[6], start=int(row[7]), end=int(row[8]), sentence=row[9], status=row[10],
        confidence=1.0 if len(row) < 12 or row[11] is None else float(row[11]),  # NULL: stored before version 6
    )


def refresh_fact_count(conn: sqlite3.Connection, doc_id: int) -> None:
    conn.execute(
        "UPDATE documents SET fact_count = (SELECT count(*) FROM facts WHERE doc_id = ? AND status != 'rejected')"
        " WHERE id = ?",
        (doc_id, doc_id),
    )


_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def sentence_around(text: str, start: int, end: int) -> str:
    lo = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 300), start)), default=max(0, start - 300))
    m = _SENTENCE_END.search(text, end, min(len(text), end + 300))
    hi = m.end() if m else min(len(text), end + 300)
    return text[lo:hi].strip()
