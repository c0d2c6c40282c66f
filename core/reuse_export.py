"""重复率 in the Excel export: two columns of 报告 and the sheet 重复段落 (one row per reused passage).

Plain functions over a report row (`row.doc`, `row.source` = the archive being exported); core.export adds
them to its REPORT_COLUMNS and EXTRA_SHEETS. A document's stored result is used, a missing one computed
(not stored); the last document's result is kept, since its two cells and its sheet rows ask in turn.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from core import reuse
from core.errors import ArchiveError
from core.protocols import ArchiveReader
from core.reuse_model import ReuseResult
from core.xlsx_util import safe_text

SHEET_REUSE = "重复段落"
PERCENT_FORMAT = "0.0%"
# (header, explanation for 说明) of the two 报告 columns and of the 重复段落 sheet.
SHARE_COLUMN = ("重复率", "正文中也出现在档案里更早文档（更早的报告年度，同年度则先导入的）中的文字所占比例；"
                "同一机关往年的报告优先；数字、年份或个别字改动的段落也算；通用套话（10 份以上、3 个以上机关共有）不计")
SOURCE_COLUMN = ("主要来源", "重复文字最多的来源文档：编号、年度、标题和它所占的比例")
SHEET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("文档ID", "重复文字所在的文档"),
    ("报告", "该文档的标题"),
    ("段落", "重复的段落（或其中重复的部分），最多 300 字"),
    ("位置", "段落在该文档清洗后正文中的字符位置，起-止"),
    ("来源文档ID", "更早文档中相同或相近段落所在的文档"),
    ("来源报告", "来源文档的年度和标题"),
    ("来源位置", "来源段落在来源文档正文中的字符位置，起-止"),
    ("相似度", "两段文字（去掉标点）的相似程度，100% 为完全相同"),
    ("改动的数字", "来源段落 → 本段落中不同的数字，如 95% → 100%"),
)
SHEET_WIDTHS = (8, 30, 60, 12, 10, 30, 12, 8, 24)
_TEXT_LIMIT = 300

_last: tuple[int, int, ReuseResult | None] = (0, -1, None)  # (id of the connection, doc id, result)


def _result(row: Any) -> ReuseResult | None:
    global _last
    conn = getattr(row.source, "connection", None)
    if not isinstance(conn, sqlite3.Connection):
        return None
    doc_id = int(row.doc.id)
    if _last[0] == id(conn) and _last[1] == doc_id:
        return _last[2]
    try:
        found: ReuseResult | None = reuse.stored(conn, doc_id) or reuse.check(conn, doc_id)
    except (sqlite3.Error, ArchiveError):
        found = None
    _last = (id(conn), doc_id, found)
    return found


def _title(archive: ArchiveReader, doc_id: int) -> str:
    docs = archive.get_documents([doc_id]) if archive is not None else []
    if not docs:
        return "（已删除）"
    d = docs[0]
    return (f"{d.report_year}年 " if d.report_year else "") + str(d.title or d.source_name)


def share(row: Any) -> float | None:
    """重复率 of one report row: a share between 0 and 1 (formatted as a percentage), None when unknown."""
    found = _result(row)
    return None if found is None else round(found.reused_share, 4)


def main_source(row: Any) -> str:
    """主要来源 of one report row: #id, year and title of the source with most reused text, and its share."""
    found = _result(row)
    main = None if found is None else found.main_source
    if main is None:
        return ""
    return f"#{main.doc_id} {_title(row.source, main.doc_id)}（{reuse.percent(main.share)}）"


def sheet_rows(row: Any) -> Iterator[Sequence[Any]]:
    """The 重复段落 rows of one exported document: one per reused passage."""
    found = _result(row)
    if found is None or not found.sources:
        return
    try:
        text = row.source.get_text(row.doc.id)
    except Exception:
        return
    title = safe_text(row.doc.title or row.doc.source_name or "")
    titles: dict[int, str] = {}
    for passage, source_id in found.passages():
        body = text[passage.start : passage.end]
        if len(body) > _TEXT_LIMIT:
            body = body[:_TEXT_LIMIT] + "…"
        if source_id not in titles:
            titles[source_id] = _title(row.source, source_id)
        yield [
            row.doc.id, title, body, f"{passage.start}-{passage.end}", source_id, titles[source_id],
            f"{passage.source_start}-{passage.source_end}", round(passage.similarity, 3),
            "；".join(f"{a} → {b}" for a, b in passage.figures),
        ]
