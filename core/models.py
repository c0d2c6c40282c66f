"""Plain dataclasses that cross the core/gui border (no rows, no cursors, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# The document types of DESIGN.md's `extract --json` contract (其他 when unsure).
DOC_TYPES: tuple[str, ...] = (
    "法治政府建设年度报告",
    "法治政府建设工作报告",
    "会议纪要",
    "政府工作报告",
    "政府信息公开工作年度报告",
    "公文",
    "预算决算",
    "其他",
)

# Metadata fields a user may override; overrides survive re-analysis.
META_FIELDS: tuple[str, ...] = (
    "title",
    "agency",
    "region",
    "report_year",
    "period",
    "publish_date",
    "doc_type",
)


@dataclass(slots=True)
class ReadResult:
    """What a reader made of a file's bytes: text plus what was lost on the way."""

    text: str
    warnings: list[str] = field(default_factory=list)
    fmt: str = ""  # "txt", "docx", "pdf", "html", "doc", "ofd", "xlsx", "xls", "image"
    encoding: str | None = None
    ocr_pages: int = 0  # pages (pictures) whose text came from OCR; the warnings then carry the OCR flag
    ocr_confidence: list[float] = field(default_factory=list)  # per OCR'd line, 0..1, in text order


@dataclass(slots=True)
class Section:
    level: int  # 1 = 一、  2 = （一）  3 = 1.  4 = （1）
    number: str  # as written: "一", "（一）", "1", "（1）"
    heading: str
    part: int | None  # 1..5 for the required parts (top level only), else None
    start: int
    end: int  # end of the section's body (exclusive), offsets into the cleaned text
    reason: str = ""  # why `part` was (or was not) given: the heading words or body sentence that decided it


@dataclass(slots=True)
class StructureCheck:
    present: list[int] = field(default_factory=list)  # required parts found, 1..5
    missing: list[int] = field(default_factory=list)  # required parts 1..4 not found
    late: bool | None = None
    why: dict[int, str] = field(default_factory=dict)  # part → the heading words or sentence that showed it


@dataclass(slots=True)
class Fact:
    """One numeric statement in a document; offsets index into the cleaned text."""

    value: float
    unit: str
    start: int
    end: int
    sentence: str
    key: str | None = None  # indicator key from resources/indicators.tsv
    name: str | None = None  # indicator name (Chinese) when key is set
    qualifier: str = ""  # 余 近 约 以上 超 多 左右 …
    direction: str | None = None  # "up" / "down" / None
    id: int | None = None  # row id once stored
    status: str = "auto"  # auto / confirmed / corrected / rejected / manual
    confidence: float = 1.0  # 0–1: how sure the extractor is of the value and its key (a rule's own figure)
    pattern: str = ""  # the phrase around the number with the number as N ("印发规范性文件N件"), for review

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "direction": self.direction,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "confidence": round(self.confidence, 2),
        }


@dataclass(slots=True)
class Analysis:
    """Everything the extractor finds in one cleaned text (DESIGN.md `extract --json`)."""

    title: str | None = None
    agency: str | None = None
    region: str | None = None
    report_year: int | None = None
    period: str | None = None  # "2016-2020" for multi-year reports
    publish_date: str | None = None  # YYYY-MM-DD
    doc_type: str = "其他"
    evidence: dict[str, tuple[int, int]] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    structure: StructureCheck = field(default_factory=StructureCheck)
    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # Chinese notes for the import report (facts cut short)
    confidence: dict[str, float] = field(default_factory=dict)  # metadata field → 0–1

    def metadata(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in META_FIELDS}


@dataclass(slots=True)
class Document:
    """A stored document as the archive table and viewer see it (text loaded on demand)."""

    id: int
    title: str
    source_name: str
    agency: str | None = None
    region: str | None = None
    report_year: int | None = None
    period: str | None = None
    publish_date: str | None = None
    doc_type: str = "其他"
    tags: list[str] = field(default_factory=list)
    fact_count: int = 0
    missing_parts: list[int] = field(default_factory=list)
    late: bool | None = None
    imported_at: str = ""
    size: int = 0
    fmt: str = ""
    deleted: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SearchHit:
    doc_id: int
    title: str
    snippet: str  # original text around the best match, no markup
    score: float  # higher is better
    highlights: list[tuple[int, int]] = field(default_factory=list)  # offsets into `snippet`


@dataclass(slots=True)
class Tag:
    id: int
    name: str
    color: str = ""  # "#rrggbb" or ""
    count: int = 0


class Outcome(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    SKIPPED = "skipped"  # found in a folder but not a report (README, .tsv, scripts …): not a failure


# One word per outcome, for the window, the CLI and progress messages alike.
OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.IMPORTED: "已导入",
    Outcome.DUPLICATE: "重复",
    Outcome.FAILED: "失败",
    Outcome.SKIPPED: "跳过",
}


@dataclass(slots=True)
class ImportItem:
    path: str
    outcome: Outcome
    reason: str = ""  # Chinese, for a clerk; empty when imported
    doc_id: int | None = None  # the new document, or the one it duplicates


@dataclass(slots=True)
class ImportReport:
    items: list[ImportItem] = field(default_factory=list)
    cancelled: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)
