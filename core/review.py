"""The review queue (待核对): unkeyed and low-confidence facts across the archive, grouped by phrase pattern.

A phrase pattern is the clause before a number with time words, fillers and book titles out and the number
written N: "全年共印发行政规范性文件12件" and "今年以来印发行政规范性文件3件" are both "印发行政规范性文件N件",
so a figure that 12 reports state the same way is one row of the queue. Assigning a key to a group sets it on
every fact of the group (status corrected, so re-analysis keeps it) and writes the phrase as a user synonym
(`indicators_user.tsv`), so re-analysis and later imports place the same shape by themselves. An assignment
can be undone (facts back as they were, the synonym out of the user file).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from core.errors import ArchiveError
from core.indicators import add_user_synonym, default_dictionary, reload_default, remove_user_synonym
from core.protocols import ArchiveWriter

LOW_CONFIDENCE = 0.6  # facts below this (or without a key) are queued
_CLAUSE_DELIMS = "，,。；;：:\n、！？!?"
_REACH = 30
_TITLES = re.compile(r"《[^》]{0,40}》|[“”‘’\"]|[（(][^）)]{0,10}[）)]")
_LEADING = re.compile(
    r"^(?:(?:19|20)\d{2}年度?|\d{1,2}月(?:份)?|全年|今年以来|今年|本年度?|上半年|下半年|年内|目前|截至目前|截至|至今|"
    r"共计|合计|累计|总计|共|其中|已经|已|先后|分别|[我本全][局委厅办区市县镇乡省所院站]|全年|各类|各项|了|在)+"
)


def phrase_pattern(text: str, start: int, end: int, unit: str) -> str:
    """The phrase pattern of the number at text[start:end] (see the module docstring)."""
    lo = max(0, start - _REACH)
    cut = max(text.rfind(c, lo, start) for c in _CLAUSE_DELIMS)
    prefix = text[(cut + 1 if cut >= 0 else lo) : start]
    prefix = _TITLES.sub("", prefix).strip()
    prefix = re.sub(r"\d+(?:\.\d+)?", "N", prefix)
    prefix = _LEADING.sub("", prefix)
    prefix = re.sub(r"(?:达到|达|为|有|约|近|超过|逾|计)$", "", prefix)[-12:]
    if prefix:
        return f"{prefix}N{unit}"
    after = text[end : end + 12]
    stop = min((i for i in (after.find(c) for c in _CLAUSE_DELIMS) if i >= 0), default=len(after))
    return f"N{unit}{_TITLES.sub('', after[:stop])}"


def synonym_of(pattern: str) -> str | None:
    """The words a pattern names its figure with ("印发行政规范性文件N件" → "印发行政规范性文件"); None when the
    number comes first or the words are too short to name anything."""
    head = pattern.split("N", 1)[0]
    head = re.sub(r"[^\u4e00-\u9fff]", "", head)
    return head if len(head) >= 4 else None


@dataclass(slots=True)
class ReviewGroup:
    pattern: str
    count: int  # facts in the group
    documents: int  # documents they stand in
    unit: str
    example: str  # one sentence that states it
    keys: list[str] = field(default_factory=list)  # keys some facts of the group already carry (low confidence)


@dataclass(slots=True)
class Assignment:
    """What `assign_key` changed, for `undo_assignment`."""

    pattern: str
    key: str
    synonym: str | None
    synonym_added: bool
    before: list[tuple[int, str | None, str | None, str]]  # fact id, key, name, status


def _has_columns(conn: sqlite3.Connection) -> bool:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(facts)")}
    return {"confidence", "pattern"} <= columns


def _conn(archive: ArchiveWriter) -> sqlite3.Connection:
    return archive.connection


def fill_patterns(archive: ArchiveWriter) -> int:
    """Patterns for facts stored before schema version 3 (NULL pattern); returns how many were filled."""
    conn = _conn(archive)
    if not _has_columns(conn):
        return 0
    docs = [int(r[0]) for r in conn.execute("SELECT DISTINCT doc_id FROM facts WHERE pattern IS NULL")]
    filled = 0
    for doc_id in docs:
        row = conn.execute("SELECT text FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            continue
        text = str(row[0])
        rows = conn.execute(
            "SELECT id, start, end, unit FROM facts WHERE doc_id = ? AND pattern IS NULL", (doc_id,)
        ).fetchall()
        updates = [
            (phrase_pattern(text, int(s), int(e), str(u or "")), int(i))
            for i, s, e, u in rows
            if 0 <= int(s) < int(e) <= len(text)
        ]
        with archive._write() as wconn:
            wconn.executemany("UPDATE facts SET pattern = ? WHERE id = ?", updates)
        filled += len(updates)
    return filled


def review_groups(
    archive: ArchiveWriter, *, threshold: float = LOW_CONFIDENCE, min_count: int = 1, limit: int = 500
) -> list[ReviewGroup]:
    """The 待核对 queue: groups of unconfirmed facts (status auto) without a key or below `threshold`
    confidence, by phrase pattern, largest first; documents in the trash are left out."""
    conn = _conn(archive)
    if not _has_columns(conn):
        return []  # a read-only archive of an older version: nothing to group by
    trashed = {int(r[0]) for r in conn.execute("SELECT id FROM documents WHERE deleted_at IS NOT NULL")}
    rows = conn.execute(
        "SELECT pattern, count(*), count(DISTINCT doc_id), max(unit), group_concat(DISTINCT key),"
        " group_concat(DISTINCT doc_id)"
        " FROM facts INDEXED BY idx_facts_pattern"
        " WHERE pattern IS NOT NULL AND status = 'auto' AND (key IS NULL OR confidence < ?)"
        " GROUP BY pattern HAVING count(*) >= ? ORDER BY count(*) DESC, pattern LIMIT ?",
        (threshold, min_count, limit + (len(trashed) and limit)),
    ).fetchall()
    groups: list[ReviewGroup] = []
    for pattern, total, total_docs, unit, keys, doc_ids in rows:
        if len(re.findall(r"[\u4e00-\u9fff]", str(pattern))) - len(str(unit or "")) < 2:
            continue  # "N%", "N起": no words to name a figure by
        n, docs = int(total), int(total_docs)
        if trashed:  # documents in the trash are left out (rare: recount only those groups)
            ids = {int(x) for x in str(doc_ids).split(",")}
            if ids & trashed:
                n, docs = _live_count(conn, str(pattern), threshold, trashed)
                if n < min_count:
                    continue
        example = conn.execute(
            "SELECT sentence FROM facts WHERE pattern = ? AND status = 'auto' LIMIT 1", (pattern,)
        ).fetchone()
        groups.append(
            ReviewGroup(str(pattern), int(n), int(docs), str(unit or ""), str(example[0]) if example else "",
                        sorted(str(keys).split(",")) if keys else [])
        )
    groups.sort(key=lambda g: (-g.count, g.pattern))
    return groups[:limit]


def _live_count(conn: sqlite3.Connection, pattern: str, threshold: float, trashed: set[int]) -> tuple[int, int]:
    rows = conn.execute(
        "SELECT doc_id FROM facts WHERE pattern = ? AND status = 'auto' AND (key IS NULL OR confidence < ?)",
        (pattern, threshold),
    ).fetchall()
    live = [int(r[0]) for r in rows if int(r[0]) not in trashed]
    return len(live), len(set(live))


def assign_key(
    archive: ArchiveWriter, pattern: str, key: str, *, threshold: float = LOW_CONFIDENCE, user_dir: Path | None = None
) -> Assignment:
    """Give every queued fact of `pattern` the key `key` (status corrected: re-analysis keeps it) and write
    the pattern's words as a user synonym of `key`, so later imports and re-analysis place the shape."""
    dictionary = default_dictionary()
    indicator = dictionary.get(key)
    if indicator is None:
        raise ArchiveError(f"指标代码“{key}”不在指标词典中。")
    conn = _conn(archive)
    if not _has_columns(conn):
        raise ArchiveError("此档案版本较旧（只读打开），不能在这里归类指标。")
    before = [
        (int(i), k, n, str(s))
        for i, k, n, s in conn.execute(
            "SELECT f.id, f.key, f.name, f.status FROM facts f JOIN documents d ON d.id = f.doc_id"
            " WHERE f.pattern = ? AND f.status = 'auto' AND d.deleted_at IS NULL"
            " AND (f.key IS NULL OR f.confidence < ?)",
            (pattern, threshold),
        )
    ]
    if not before:
        raise ArchiveError("这一组已没有待核对的数据项。")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with archive._write() as wconn:
        wconn.executemany(
            "UPDATE facts SET key = ?, name = ?, status = 'corrected', updated_at = ? WHERE id = ?",
            [(key, indicator.name, stamp, fact_id) for fact_id, *_ in before],
        )
    synonym = synonym_of(pattern)
    added = False
    if synonym and synonym not in indicator.synonyms:
        add_user_synonym(key, synonym, user_dir)
        reload_default()
        added = True
    return Assignment(pattern, key, synonym, added, before)


def undo_assignment(archive: ArchiveWriter, assignment: Assignment, *, user_dir: Path | None = None) -> None:
    """Put the facts of an assignment back as they were and take its synonym out of the user file."""
    with archive._write() as wconn:
        wconn.executemany(
            "UPDATE facts SET key = ?, name = ?, status = ? WHERE id = ?",
            [(k, n, s, fact_id) for fact_id, k, n, s in assignment.before],
        )
    if assignment.synonym_added and assignment.synonym:
        remove_user_synonym(assignment.key, assignment.synonym, user_dir)
        reload_default()
