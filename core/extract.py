"""analyse(): metadata, sections, structure check and facts of one cleaned text; extract_file() for the CLI."""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from core.clean import clean_text
from core.facts import extract_facts_bounded
from core.indicators import default_dictionary
from core.metadata import extract_metadata
from core.models import DOC_TYPES, Analysis, Fact
from core.readers import read_file
from core.review import phrase_pattern
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
    found = _merge_table_facts(_drop_others(facts.facts, text, meta.get("agency") or ""), cells)
    _rate_facts(found, text)
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


# A court or procuratorate acting in the sentence (某法院审结刑事案件N件), or criminal justice figures
# (犯罪案件达10件12人，判处…): theirs, not the agency's. Not when the court is the object (答复检察院建议书).
# (The lookahead of the first characters lets re skip to them before it tries the lookbehinds.)
_OTHER_ACTOR = re.compile(r"(?=[法检审])(?<!答复)(?<!回复)(?<!配合)(?<!协助)(?<!会同)(?<!联合)(?<![向与和及对])(?:法院|法庭|检察院|检察机关|审判机关)")
_JUSTICE_WORDS = re.compile(r"刑事案件|犯罪案件|判处|刑期|重刑率|审结[^，。；]{0,6}刑事")
_JUSTICE_AGENCY = re.compile(r"法院|检察|公安|司法")
_OWN_WORDS = re.compile(
    r"我局|本局|我委|本委|我厅|本厅|我办|本办|我区|我市|我县|我镇|本单位|我单位|区政府|市政府|县政府|被告(?!人)|应诉|败诉|出庭"
    r"|行政诉讼|行政复议|行政机关|行政争议"  # a court figure about the administration is the agency's concern
)


_ISSUER_BEFORE = re.compile(r"(?:国家|中央|国务院|省|市|上级)$")
_POLICY_AFTER = re.compile(r"[^，,。；;]{0,8}?(?:政策|措施|举措|意见|条例)")


def _drop_others(facts: list[Fact], text: str, agency: str) -> list[Fact]:
    """Facts of sentences about others' work: a court or procuratorate acting, or criminal justice figures,
    where the agency is not named (a report by a court, procuratorate, police or justice bureau keeps
    them; a sentence about the agency's own cases, 被告 / 应诉 / 败诉, too)."""
    if not facts or _JUSTICE_AGENCY.search(agency):
        return facts
    own_re = re.compile(_OWN_WORDS.pattern + ("|" + re.escape(agency[-6:]) if len(agency) >= 4 else ""))
    kept = []
    cache: dict[str, int | None] = {}
    for fact in facts:
        sentence = fact.sentence
        if sentence not in cache:
            # (the others' words first: most sentences have none, and then the agency's own words do not matter)
            hit = _OTHER_ACTOR.search(sentence) or _JUSTICE_WORDS.search(sentence)
            cache[sentence] = hit.start() if hit and not own_re.search(sentence) else None
        at = cache[sentence]
        if at is not None and _before_in_sentence(text, fact, at):
            continue
        if fact.unit == "条" and _ISSUER_BEFORE.search(text, max(0, fact.start - 3), fact.start) and _POLICY_AFTER.match(
            text, fact.end
        ):
            continue  # 落实国家33条政策措施和省48条…政策: the size of another body's policy package
        kept.append(fact)
    return kept


def _before_in_sentence(text: str, fact: Fact, actor_at: int) -> bool:
    """Whether the actor word stands before the fact's number in its sentence."""
    at = text.rfind(fact.sentence, max(0, fact.start - len(fact.sentence)), fact.end + len(fact.sentence))
    return at < 0 or at + actor_at < fact.start


_CN_DIGITS = "零〇一二两三四五六七八九十百千"


def _rate_facts(facts: list[Fact], text: str) -> None:
    """A confidence (0–1) and the review pattern for every fact. A plain Arabic figure with its indicator is
    the surest (0.9); no indicator placed 0.6; explicit zeros, Chinese numerals, ranks and hedged values
    (约/余) lower; a table cell keeps its reader's figure."""
    for fact in facts:
        fact.pattern = phrase_pattern(text, fact.start, fact.end, fact.unit)
        if fact.confidence < 1.0:
            continue  # set by the table reader
        score = 0.9 if fact.key else 0.6
        first = text[fact.start : fact.start + 1] if fact.start < fact.end else ""  # the figure's first character
        if (fact.value == 0 and not first.isdigit()) or (first and first in _CN_DIGITS):
            score = 0.7 if score > 0.7 else score  # 零败诉, 未发生…案件: read from words; a Chinese numeral
        if fact.unit == "名" and score > 0.75:
            score = 0.75
        if fact.qualifier:
            score -= 0.05
        fact.confidence = round(score, 2)


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
