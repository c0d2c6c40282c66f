"""Agency names: normalisation, user aliases stored in the archive, previous-year lookup, the reporting grid."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core import domain
from core.errors import AliasError
from core.models import Document
from core.protocols import ArchiveReader
from core.schema import AGENCY_ALIASES_SQL
from core.store.connection import immediate

ANNUAL_REPORT = domain.ANNUAL_REPORT
UNKNOWN_AGENCY = "（未识别机关）"

# The table lives in the archive file, so copying the file keeps the user's merges. core.schema creates
# it (schema version 2); _write repeats the harmless CREATE IF NOT EXISTS for bare connections in tests.
ALIAS_TABLE_SQL = AGENCY_ALIASES_SQL

# Normalisation rule set (deliberately mechanical): Unicode NFKC (full-width letters, digits and brackets
# become their plain forms), then every whitespace, punctuation, symbol and control character is dropped,
# so "南山区 人民政府", "南山区人民政府。" and "（南山区）人民政府" all read "南山区人民政府".
# Nothing else is merged automatically: bureaus are renamed by reorganisations (人力资源局 →
# 人力资源和社会保障局) and a prefix such as 深圳市 may or may not name the same body, so those merges
# are the user's decision, stored as aliases.

# The grid's states, their words and colours are core.domain's (window, Excel and CLI say the same).
STATUS_IN = domain.GRID_IN
STATUS_MISSING = domain.GRID_MISSING
STATUS_LATE = domain.GRID_LATE
STATUS_PARTS = domain.GRID_PARTS
STATUS_LABELS = {code: domain.GRID_BY_CODE[code].label for code in (STATUS_IN, STATUS_MISSING, STATUS_LATE, STATUS_PARTS)}


def normalise_agency(name: str | None) -> str:
    """Mechanical normal form of an agency name (see the rule set above); '' for no name."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name)
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in {"P", "S", "C", "Z"}
    )


def canonical_agency(name: str | None, aliases: dict[str, str]) -> str:
    """The name an agency is filed under: its normal form, followed through the user's aliases."""
    current = normalise_agency(name)
    seen = {current}
    while current in aliases:
        nxt = normalise_agency(aliases[current])
        if nxt in seen:
            break
        seen.add(nxt)
        current = nxt
    return current


# ---------------------------------------------------------------------------------------------- storage


def connection_of(archive: ArchiveReader | sqlite3.Connection) -> sqlite3.Connection:
    """The archive's sqlite3 connection (or the connection itself)."""
    return archive if isinstance(archive, sqlite3.Connection) else archive.connection


def _table_exists(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'agency_aliases'"
    ).fetchone()
    return row is not None


def load_aliases(archive: ArchiveReader | sqlite3.Connection) -> dict[str, str]:
    """alias (normal form) → canonical name as the user chose it; {} when nothing was ever merged."""
    conn = connection_of(archive)
    try:
        if not _table_exists(conn):
            return {}
        rows = conn.execute("SELECT alias, canonical FROM agency_aliases").fetchall()
    except sqlite3.Error as exc:
        raise AliasError("读取机关名称合并记录失败，档案可能已损坏，请运行“检查档案”。") from exc
    return {str(alias): str(canonical) for alias, canonical in rows}


def _write(conn: sqlite3.Connection, statements: Sequence[tuple[str, tuple[Any, ...]]]) -> None:
    try:
        conn.execute(ALIAS_TABLE_SQL)
        with immediate(conn):
            for sql, params in statements:
                conn.execute(sql, params)
    except sqlite3.Error as exc:
        raise AliasError("保存机关名称合并失败：档案可能正被其他程序写入，或是只读的，请稍后再试。") from exc


def merge_agencies(archive: ArchiveReader, names: Iterable[str], canonical: str) -> None:
    """File every name in `names` under `canonical` (adds aliases; earlier aliases follow along)."""
    target = canonical.strip()
    target_key = normalise_agency(target)
    if not target_key:
        raise AliasError("合并后的机关名称不能为空。")
    if archive.read_only:
        raise AliasError("档案以只读方式打开，不能合并机关名称。")
    conn = connection_of(archive)
    aliases = load_aliases(conn)
    names = list(names)
    # Merging into a name that is itself filed elsewhere files into that agency — unless that agency is
    # one of the names being merged (then the user is choosing a new name for all of them).
    resolved = _chain_end(target, aliases)
    if normalise_agency(resolved) != target_key and normalise_agency(resolved) not in {
        normalise_agency(n) for n in names
    }:
        target, target_key = resolved, normalise_agency(resolved)
    statements: list[tuple[str, tuple[Any, ...]]] = [
        ("DELETE FROM agency_aliases WHERE alias = ?", (target_key,)),
    ]
    for name in names:
        key = normalise_agency(name)
        if not key or key == target_key:
            continue
        statements.append(("INSERT OR REPLACE INTO agency_aliases (alias, canonical) VALUES (?, ?)", (key, target)))
        # Names that were filed under this one now follow it to the new canonical name.
        for alias, old in aliases.items():
            if normalise_agency(old) == key:
                statements.append(("UPDATE agency_aliases SET canonical = ? WHERE alias = ?", (target, alias)))
    _write(conn, statements)


def _chain_end(name: str, aliases: dict[str, str]) -> str:
    """The canonical name as stored (not normalised) that `name` is filed under."""
    current, shown = normalise_agency(name), name
    seen = {current}
    while current in aliases:
        shown = aliases[current]
        current = normalise_agency(shown)
        if current in seen:
            break
        seen.add(current)
    return shown


def remove_alias(archive: ArchiveReader, alias: str) -> None:
    """Undo a merge: `alias` is filed under its own name again."""
    conn = connection_of(archive)
    if not _table_exists(conn):
        return
    _write(conn, [("DELETE FROM agency_aliases WHERE alias = ?", (normalise_agency(alias),))])


def split_agency(archive: ArchiveReader, canonical: str) -> list[str]:
    """Undo every merge into `canonical`: each name filed under it is its own agency again."""
    if archive.read_only:
        raise AliasError("档案以只读方式打开，不能修改机关名称。")
    conn = connection_of(archive)
    aliases = load_aliases(conn)
    key = canonical_agency(canonical, aliases)
    names = [alias for alias in aliases if canonical_agency(alias, aliases) == key]
    if names:
        _write(conn, [("DELETE FROM agency_aliases WHERE alias = ?", (alias,)) for alias in names])
    return names


# ---------------------------------------------------------------------------------------------- lookups


def is_late(doc: Document) -> bool | None:
    """Published after 1 April of the year after the report year (the stored flag when there is one)."""
    if doc.late is not None:
        return doc.late
    return domain.is_late(doc.report_year, doc.publish_date)


def _all_documents(archive: ArchiveReader) -> list[Document]:
    ids = archive.list_ids()
    docs: list[Document] = []
    for start in range(0, len(ids), 500):
        docs.extend(archive.get_documents(ids[start : start + 500]))
    return docs


def _newest_first(doc: Document) -> tuple[str, int]:
    return (doc.publish_date or "", doc.id)


def documents_of_agency(archive: ArchiveReader, agency: str, aliases: dict[str, str] | None = None) -> list[Document]:
    """Every live document filed under the same canonical agency as `agency`, oldest report first.

    Uses the archive's distinct agency names (one cheap query) so only that agency's rows are read.
    """
    aliases = load_aliases(archive) if aliases is None else aliases
    key = canonical_agency(agency, aliases)
    names = [n for n in archive.distinct_values("agency") if isinstance(n, str) and canonical_agency(n, aliases) == key]
    ids: list[int] = []
    for name in names:
        ids.extend(archive.list_ids(agency=name))
    docs = archive.get_documents(sorted(set(ids))) if ids else []
    docs.sort(key=lambda d: (d.report_year or 0, d.publish_date or "", d.id))
    return docs


def previous_year_document(archive: ArchiveReader, doc_id: int) -> int | None:
    """Same agency (canonical), the previous report year — else the latest earlier year; same type preferred."""
    doc = archive.get_document(doc_id)
    if not doc.agency or doc.report_year is None:
        return None
    earlier = [
        d for d in documents_of_agency(archive, doc.agency)
        if d.id != doc.id and d.report_year is not None and d.report_year < doc.report_year
    ]
    if not earlier:
        return None
    same_type = [d for d in earlier if d.doc_type == doc.doc_type] or earlier
    best_year = max(d.report_year or 0 for d in same_type)
    in_year = [d for d in same_type if d.report_year == best_year]
    return max(in_year, key=_newest_first).id


# ---------------------------------------------------------------------------------------------- grid


@dataclass(slots=True)
class GridCell:
    agency: str
    year: int
    doc_ids: list[int] = field(default_factory=list)
    late: bool = False
    missing_parts: list[int] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.doc_ids:
            return STATUS_MISSING
        if self.missing_parts:
            return STATUS_PARTS
        if self.late:
            return STATUS_LATE
        return STATUS_IN

    @property
    def label(self) -> str:
        """Short Chinese text for the cell: 已报送 / 未报送 / 逾期 / 缺项, combined when both apply."""
        if not self.doc_ids:
            return STATUS_LABELS[STATUS_MISSING]
        words = []
        if self.late:
            words.append(STATUS_LABELS[STATUS_LATE])
        if self.missing_parts:
            words.append(STATUS_LABELS[STATUS_PARTS])
        text = "、".join(words) if words else STATUS_LABELS[STATUS_IN]
        return text + (f"（{len(self.doc_ids)}份）" if len(self.doc_ids) > 1 else "")


@dataclass(slots=True)
class ReportingGrid:
    agencies: list[str]  # canonical names, sorted
    years: list[int]  # contiguous, ascending
    cells: dict[tuple[str, int], GridCell]
    names: dict[str, list[str]] = field(default_factory=dict)  # canonical → the raw names filed under it
    undated: list[int] = field(default_factory=list)  # documents without a report year
    unnamed: list[int] = field(default_factory=list)  # documents without an agency

    def cell(self, agency: str, year: int) -> GridCell:
        return self.cells.get((agency, year)) or GridCell(agency, year)

    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(STATUS_LABELS, 0)
        for agency in self.agencies:
            for year in self.years:
                totals[self.cell(agency, year).status] += 1
        return totals


def reporting_grid(
    documents: Iterable[Document], aliases: dict[str, str], doc_types: Collection[str] | None = (ANNUAL_REPORT,)
) -> ReportingGrid:
    """Agency × year: which agencies reported for which year, late or with required parts missing.

    `doc_types=None` takes every type. Years run from the earliest to the latest report year found.
    """
    cells: dict[tuple[str, int], GridCell] = {}
    names: dict[str, list[str]] = {}
    undated: list[int] = []
    unnamed: list[int] = []
    for doc in documents:
        if doc.deleted or (doc_types is not None and doc.doc_type not in doc_types):
            continue
        agency = canonical_agency(doc.agency, aliases)
        if not agency:
            unnamed.append(doc.id)
            continue
        raw = doc.agency or ""
        known = names.setdefault(agency, [])
        if raw not in known:
            known.append(raw)
        if doc.report_year is None:
            undated.append(doc.id)
            continue
        cell = cells.setdefault((agency, doc.report_year), GridCell(agency, doc.report_year))
        cell.doc_ids.append(doc.id)
        if domain.structure_applies(doc.doc_type):  # the deadline and the five parts are annual-report rules
            cell.late = cell.late or bool(is_late(doc))
            cell.missing_parts = sorted(set(cell.missing_parts) | set(doc.missing_parts))
    years_found = [year for _, year in cells]
    years = list(range(min(years_found), max(years_found) + 1)) if years_found else []
    return ReportingGrid(sorted(names), years, cells, names, undated, unnamed)


def agency_names(archive: ArchiveReader, doc_types: Collection[str] | None = None) -> dict[str, int]:
    """Raw agency name → number of live documents (for the merge dialog)."""
    counts: dict[str, int] = {}
    for doc in _all_documents(archive):
        if doc.agency and (doc_types is None or doc.doc_type in doc_types):
            counts[doc.agency] = counts.get(doc.agency, 0) + 1
    return counts


def grid_for_archive(archive: ArchiveReader, doc_types: Collection[str] | None = (ANNUAL_REPORT,)) -> ReportingGrid:
    return reporting_grid(_all_documents(archive), load_aliases(archive), doc_types)
