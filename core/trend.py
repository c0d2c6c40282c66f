"""Indicator × year table over a set of reports (one agency's years, or the reports behind a tag)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core import domain
from core.agencies import canonical_agency, load_aliases
from core.compare import fact_group, fact_label, signed_value
from core.models import Document, Fact
from core.protocols import ArchiveReader


@dataclass(slots=True)
class TrendRow:
    group: str
    key: str | None
    label: str
    unit: str
    values: dict[int, float] = field(default_factory=dict)  # year → signed value (the figure the report states)
    facts: dict[int, Fact] = field(default_factory=dict)

    def series(self, years: Sequence[int]) -> list[float | None]:
        return [self.values.get(y) for y in years]


@dataclass(slots=True)
class TrendTable:
    agency: str
    years: list[int]
    doc_for_year: dict[int, int]  # the report used for each year
    rows: list[TrendRow]
    skipped: list[int] = field(default_factory=list)  # no report year, or a second report of a year

    def to_matrix(self) -> list[list[Any]]:
        """Header row then one row per indicator: 指标, 单位, value per year (None where absent)."""
        out: list[list[Any]] = [["指标", "单位", *[str(y) for y in self.years]]]
        for row in self.rows:
            out.append([row.label, row.unit, *row.series(self.years)])
        return out


@dataclass(slots=True)
class TrendSource:
    document: Document
    facts: Sequence[Fact]
    text: str = ""


def build_trend(sources: Sequence[TrendSource], agency: str = "", min_years: int = 2) -> TrendTable:
    """One column per report year (the newest report of a year wins), one row per indicator.

    Indicators are grouped as in the comparison (key; else the words before the number plus the
    unit). Rows stated in fewer than `min_years` years are left out (keyed indicators are kept).
    """
    by_year: dict[int, TrendSource] = {}
    skipped: list[int] = []
    for src in sources:
        year = src.document.report_year
        if year is None:
            skipped.append(src.document.id)
            continue
        held = by_year.get(year)
        if held is None or (src.document.publish_date or "", src.document.id) > (
            held.document.publish_date or "", held.document.id
        ):
            if held is not None:
                skipped.append(held.document.id)
            by_year[year] = src
        else:
            skipped.append(src.document.id)
    years = sorted(by_year)
    rows: dict[str, TrendRow] = {}
    for year in years:
        src = by_year[year]
        groups: dict[str, list[tuple[Fact, str]]] = {}
        for fact in sorted(src.facts, key=lambda f: f.start):
            if fact.status == "rejected":
                continue
            label = fact_label(fact, src.text)
            group = fact_group(fact, label)
            if not group.startswith("pos:"):
                groups.setdefault(group, []).append((fact, label))
        for group, stated in groups.items():
            fact, label = stated[0]
            if fact.key:  # an indicator: the figure the report states for it (core.domain)
                statement = domain.stated_fact([f for f, _ in stated], year, src.text or None)
                if statement is None:
                    continue
                fact = statement.fact
            row = rows.setdefault(group, TrendRow(group, fact.key, label or fact.sentence[:16], fact.unit))
            row.values[year] = signed_value(fact)
            row.facts[year] = fact
    kept = [r for r in rows.values() if r.key or len(r.values) >= min_years]
    kept.sort(key=lambda r: (r.key is None, -len(r.values), r.label))
    return TrendTable(agency, years, {y: s.document.id for y, s in by_year.items()}, kept, skipped)


def trend_for_documents(archive: ArchiveReader, doc_ids: Sequence[int], agency: str | None = None) -> TrendTable:
    """Load the reports and build the table; with `agency` (any alias), only that agency's reports."""
    aliases = load_aliases(archive)
    docs = archive.get_documents(list(doc_ids))
    key = canonical_agency(agency, aliases) if agency else ""
    sources: list[TrendSource] = []
    for doc in docs:
        if key and canonical_agency(doc.agency, aliases) != key:
            continue
        sources.append(TrendSource(doc, archive.get_facts(doc.id), archive.get_text(doc.id)))
    return build_trend(sources, key)


def agencies_in(archive: ArchiveReader, doc_ids: Sequence[int]) -> list[tuple[str, int]]:
    """Canonical agencies among the documents, with their document counts, most documents first."""
    aliases = load_aliases(archive)
    counts: dict[str, int] = {}
    for doc in archive.get_documents(list(doc_ids)):
        name = canonical_agency(doc.agency, aliases)
        if name:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def widen_to_agency_years(archive: ArchiveReader, doc_ids: Sequence[int], agency: str) -> list[int]:
    """The reports to chart for `agency`: the chosen ones, or, when they cover fewer than two report
    years (趋势 from one selected report), every report of that agency across the years, of the same
    document types as the chosen ones."""
    from core.agencies import documents_of_agency

    aliases = load_aliases(archive)
    key = canonical_agency(agency, aliases)
    chosen = [d for d in archive.get_documents(list(doc_ids)) if canonical_agency(d.agency, aliases) == key]
    if len({d.report_year for d in chosen if d.report_year is not None}) >= 2 or not key:
        return list(doc_ids)
    types = {d.doc_type for d in chosen}
    same = [d.id for d in documents_of_agency(archive, key, aliases) if not types or d.doc_type in types]
    return sorted(set(same) | {d.id for d in chosen})
