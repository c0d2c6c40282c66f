"""重复率 in the Excel export: two columns of 报告 and the sheet 重复段落 (one row per reused passage)."""

from __future__ import annotations

import sqlite3
from typing import Any

from openpyxl.cell import WriteOnlyCell

from core import reuse
from core.errors import ArchiveError
from core.models import Document
from core.xlsx_util import FastSheet, safe_text

SHEET_REUSE = "重复段落"
PERCENT_FORMAT = "0.0%"
# (header, explanation for 说明) of the two 报告 columns and of the 重复段落 sheet.
REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("重复率", "正文中也出现在档案里更早文档（更早的报告年度，同年度则先导入的）中的文字所占比例；"
               "同一机关往年的报告优先；数字、年份或个别字改动的段落也算；通用套话（10 份以上、3 个以上机关共有）不计"),
    ("主要来源", "重复文字最多的来源文档：编号、年度、标题和它所占的比例"),
)
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
_SHEET_WIDTHS = (8, 30, 60, 12, 10, 30, 12, 8, 24)
_TEXT_LIMIT = 300


class ReuseRows:
    """Reuse results of the exported documents: stored ones, the missing ones computed (not stored)."""

    def __init__(self, archive: Any) -> None:
        self.archive = archive
        conn = getattr(archive, "connection", None)
        self.conn: sqlite3.Connection | None = conn if isinstance(conn, sqlite3.Connection) else None
        self.sheet: FastSheet | None = None
        self._percent = 0
        self._titles: dict[int, str] = {}
        self._current: tuple[int, reuse.ReuseResult | None] = (-1, None)
        self._with_passages: list[tuple[int, str]] = []

    # -- 报告 ------------------------------------------------------------------------------------
    def percent_style(self, ws: Any) -> None:
        cell = WriteOnlyCell(ws, None)
        cell.number_format = PERCENT_FORMAT
        self._percent = int(cell.style_id)

    def result(self, doc: Document) -> reuse.ReuseResult | None:
        if self._current[0] == doc.id:
            return self._current[1]
        found: reuse.ReuseResult | None = None
        if self.conn is not None:
            try:
                found = reuse.stored(self.conn, doc.id) or reuse.check(self.conn, doc.id)
            except (sqlite3.Error, ArchiveError):
                found = None
        self._current = (doc.id, found)
        return found

    def _title(self, doc_id: int) -> str:
        if doc_id not in self._titles:
            docs = self.archive.get_documents([doc_id]) if self.archive is not None else []
            if docs:
                d = docs[0]
                self._titles[doc_id] = (f"{d.report_year}年 " if d.report_year else "") + (d.title or d.source_name)
            else:
                self._titles[doc_id] = "（已删除）"
            if len(self._titles) > 5000:
                self._titles.clear()
        return self._titles.get(doc_id, "")

    def cells(self, doc: Document) -> list[Any]:
        """[重复率, 主要来源] of one document for its 报告 row."""
        found = self.result(doc)
        if found is None:
            return [None, ""]
        share = round(found.reused_share, 4)
        main = found.main_source
        label = "" if main is None else f"#{main.doc_id} {self._title(main.doc_id)}（{reuse.percent(main.share)}）"
        return [(share, self._percent) if self._percent else share, label]

    # -- 重复段落 ---------------------------------------------------------------------------------
    def add(self, doc: Document) -> None:
        """Note a document (export order) whose passages go to 重复段落 (written after the loop)."""
        found = self.result(doc)
        if found is not None and found.sources:
            self._with_passages.append((doc.id, doc.title or doc.source_name or ""))

    def write_sheet(self, ws: Any, cancel: Any = None) -> None:
        """The 重复段落 sheet: one row per reused passage of the noted documents."""
        self.sheet = FastSheet(ws, [h for h, _ in SHEET_COLUMNS], list(_SHEET_WIDTHS))
        self._sheet_percent = self.sheet.style(number_format=PERCENT_FORMAT)
        for n, (doc_id, title) in enumerate(self._with_passages):
            if cancel is not None and n % 200 == 0 and cancel.is_set():
                from core.xlsx_util import ExportCancelled

                raise ExportCancelled()
            self._rows(doc_id, title)
        self.sheet.finish()

    def _rows(self, doc_id: int, raw_title: str) -> None:
        assert self.sheet is not None
        found = None
        if self.conn is not None:
            try:
                found = reuse.stored(self.conn, doc_id) or reuse.check(self.conn, doc_id)
            except (sqlite3.Error, ArchiveError):
                return
        if found is None:
            return
        try:
            text = self.archive.get_text(doc_id)
        except Exception:
            return
        title = safe_text(raw_title)
        doc_id_ = doc_id
        for passage, source_id in found.passages():
            body = text[passage.start : passage.end]
            if len(body) > _TEXT_LIMIT:
                body = body[:_TEXT_LIMIT] + "…"
            self.sheet.append([
                doc_id_, title, body, f"{passage.start}-{passage.end}", source_id, self._title(source_id),
                f"{passage.source_start}-{passage.source_end}",
                (round(passage.similarity, 3), self._sheet_percent),
                "；".join(f"{a} → {b}" for a, b in passage.figures),
            ])

    def discard(self) -> None:
        if self.sheet is not None:
            self.sheet.discard()
