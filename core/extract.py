"""analyse(): metadata, sections, structure check and facts of one cleaned text; extract_file() for the CLI."""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from core.clean import clean_text
from core.facts import extract_facts_bounded
from core.indicators import default_dictionary
from core.metadata import extract_metadata
from core.models import DOC_TYPES, Analysis, Fact
from core.readers import read_file
from core.sections import check_structure, parse_sections
from core.tables import table_facts


def analyse(text: str, source_name: str = "") -> Analysis:
    """Everything the extractor finds in `text` (already cleaned; offsets index into it)."""
    meta = extract_metadata(text, source_name)
    report_year = _int_or_none(meta.get("report_year"))
    publish_date = meta.get("publish_date") or None
    doc_type = meta.get("doc_type") or "其他"
    if doc_type not in DOC_TYPES:
        doc_type = "其他"
    evidence = {
        str(name): (int(span[0]), int(span[1]))
        for name, span in (meta.get("evidence") or {}).items()
        if span is not None and len(span) == 2
    }
    sections = parse_sections(text)
    structure = check_structure(sections, text, report_year, publish_date)
    facts = extract_facts_bounded(text)
    cells = table_facts(text[: facts.read_chars] if facts.truncated else text, default_dictionary())
    found = _merge_table_facts(facts.facts, cells)
    return Analysis(
        title=meta.get("title") or None,
        agency=meta.get("agency") or None,
        region=meta.get("region") or None,
        report_year=report_year,
        period=meta.get("period") or None,
        publish_date=publish_date,
        doc_type=doc_type,
        evidence=evidence,
        sections=sections,
        structure=structure,
        facts=found,
        warnings=[facts.warning] if facts.warning else [],
        confidence={str(k): float(v) for k, v in (meta.get("confidence") or {}).items()},
    )


def _merge_table_facts(text_facts: list[Fact], cells: list[Fact]) -> list[Fact]:
    """Text facts plus table cells; a cell's reading (row × column) wins over a text fact on the same digits."""
    if not cells:
        return text_facts
    taken = sorted((f.start, f.end) for f in cells)
    starts = [a for a, _ in taken]
    kept = []
    for fact in text_facts:
        i = bisect.bisect_right(starts, fact.start) - 1
        overlaps = (i >= 0 and taken[i][1] > fact.start) or (i + 1 < len(taken) and taken[i + 1][0] < fact.end)
        if not overlaps:
            kept.append(fact)
    return sorted(kept + cells, key=lambda f: (f.start, f.end))


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def read_clean(path: str | Path) -> str:
    """The cleaned text of a file, as the archive stores it (ReadError when unreadable)."""
    return clean_text(read_file(path).text)


def analysis_to_json(analysis: Analysis, text: str) -> dict[str, Any]:
    """The `extract --json` dictionary of DESIGN.md."""
    return {
        "title": analysis.title,
        "agency": analysis.agency,
        "region": analysis.region,
        "report_year": analysis.report_year,
        "period": analysis.period,
        "publish_date": analysis.publish_date,
        "doc_type": analysis.doc_type,
        "evidence": {name: [start, end] for name, (start, end) in analysis.evidence.items()},
        "confidence": {name: round(value, 2) for name, value in analysis.confidence.items()},
        "sections": [
            {
                "level": s.level,
                "number": s.number,
                "heading": s.heading,
                "part": s.part,
                "start": s.start,
                "end": s.end,
                "reason": s.reason,
            }
            for s in analysis.sections
        ],
        "structure": {
            "present": list(analysis.structure.present),
            "missing": list(analysis.structure.missing),
            "late": analysis.structure.late,
            "why": {str(part): reason for part, reason in analysis.structure.why.items()},
        },
        "indicators": [fact.to_json() for fact in analysis.facts],
        "text": text,
    }


def extract_file(path: str | Path) -> dict[str, Any]:
    """Read + clean + analyse one file, as the `extract FILE --json` dictionary (ReadError if unreadable)."""
    path = Path(path)
    text = read_clean(path)
    return analysis_to_json(analyse(text, path.name), text)
