"""The review queue (待核对): unkeyed and low-confidence facts across the archive, grouped by phrase pattern.

A phrase pattern is the clause before a number with time words, fillers and book titles out and the number
written N: "全年共印发行政规范性文件12件" and "今年以来印发行政规范性文件3件" are both "印发行政规范性文件N件",
so a figure that 12 reports state the same way is one row of the queue. Assigning a key to a group sets it on
every fact of the group (status corrected, so re-analysis keeps it) and writes the phrase as a user synonym
(`indicators_user.tsv`), so re-analysis and later imports place the same shape by themselves; 否决 (not an indicator) is
remembered in the archive likewise (core.rejections). An assignment can be undone (facts back as they were,
the synonym out of the user file, the rejection forgotten).
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from core import rejections
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


_OPEN_TITLE = re.compile(r"^[^《]*》等?")  # the end of a book title that began before the clause
# an earlier figure of the clause joined by 和 ("从轻处罚事项N项和减轻处罚事项N项"): its words are not ours
_EARLIER_FIGURE = re.compile(r"N[\u4e00-\u9fff%]{0,2}?(?:以及|和|并)")
_SUBJECT = re.compile(r"^[区市县镇乡街省](?:共计|共|累计|先后)")  # "光明区共印发…" cut to "区共印发…"


_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
# A link verb ending the words (达到|达|为|有|约|近|超过|逾|计), dropped: the two-character ones, then the others.
_LINK_VERBS_2 = ("达到", "超过")
_LINK_VERBS_1 = "达为有约近逾计"


_CLAUSE_DELIM_RE = re.compile(f"[{re.escape(_CLAUSE_DELIMS)}]")
_LAST_CUT = re.compile(f"(?s:.*)[{re.escape(_CLAUSE_DELIMS)}]")  # up to the last clause delimiter


def clause_cuts(text: str) -> list[int]:
    """Positions of the clause delimiters of `text`, for `phrase_pattern` on many numbers of one text."""
    return [m.start() for m in _CLAUSE_DELIM_RE.finditer(text)]


def phrase_pattern(text: str, start: int, end: int, unit: str, cuts: list[int] | None = None) -> str:
    """The phrase pattern of the number at text[start:end] (see the module docstring); `cuts` is
    `clause_cuts(text)` when the caller has it (without it, the clause start is found by one backward match)."""
    lo = max(0, start - _REACH)
    if cuts is None:
        last = _LAST_CUT.match(text, lo, start)  # the last delimiter before the number, if in reach
        cut = last.end() - 1 if last else -1
    else:
        index = bisect.bisect_left(cuts, start) - 1  # the last delimiter before the number, if in reach
        cut = cuts[index] if index >= 0 and cuts[index] >= lo else -1
    return _pattern_of(text[(cut + 1 if cut >= 0 else lo) : start], unit) or _after_pattern(text, end, unit)


@lru_cache(maxsize=4096)  # a third of the clauses recur (the same phrase in many reports)
def _pattern_of(prefix: str, unit: str) -> str:
    """The pattern from the clause text before the number ("" when no words are left). The prefix holds no
    clause delimiter (so no line break: `$` is the end of the string)."""
    prefix = _TITLES.sub("", prefix).strip()
    if "》" in prefix:
        prefix = _OPEN_TITLE.sub("", prefix)
    prefix = _FIGURE.sub("N", prefix)
    if "N" in prefix:
        parts = _EARLIER_FIGURE.split(prefix)
        if len(parts) > 1 and len(_HAN_CHAR.findall(parts[-1])) >= 4:  # "…分别下降N%和N%": the words name both
            prefix = parts[-1]
    leading = _LEADING.match(prefix)
    if leading:
        prefix = prefix[leading.end() :]
    if prefix.endswith(_LINK_VERBS_2):
        prefix = prefix[:-2]
    elif prefix and prefix[-1] in _LINK_VERBS_1:
        prefix = prefix[:-1]
    prefix = prefix[-12:]
    subject = _SUBJECT.match(prefix)
    if subject:
        prefix = prefix[subject.end() :]
    return f"{prefix}N{unit}" if prefix else ""


def _after_pattern(text: str, end: int, unit: str) -> str:
    after = text[end : end + 12]
    cut = _CLAUSE_DELIM_RE.search(after)  # the first clause delimiter after the number, if any
    return f"N{unit}{_TITLES.sub('', after[: cut.start()] if cut else after)}"


_NUMBER = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+")


def number_span(sentence: str, pattern: str, unit: str) -> tuple[int, int] | None:
    """Where the number of `pattern` stands in `sentence` (the number and its unit), for highlighting:
    the number whose phrase pattern in the sentence is the group's; else the first number before the unit."""
    first: tuple[int, int] | None = None
    for match in _NUMBER.finditer(sentence):
        start, end = match.span()
        if unit and sentence.startswith(unit, end):
            end += len(unit)
        elif unit:
            continue
        if phrase_pattern(sentence, start, end, unit) == pattern:
            return start, end
        first = first or (start, end)
    return first


def synonym_of(pattern: str) -> str | None:
    """The words a pattern names its figure with ("印发行政规范性文件N件" → "印发行政规范性文件"); None when the
    number comes first or the words are too short to name anything."""
    head = pattern.split("N", 1)[0]
    head = re.sub(r"[^\u4e00-\u9fff]", "", head)
    head = re.sub(r"[了的均等共都达为是]+$", "", head)  # "随机抽查了N宗", "满意率均N%": the words without the particle
    return head if len(head) >= 4 else None


@dataclass(slots=True)
class ReviewGroup:
    pattern: str
    count: int  # facts in the group
    documents: int  # documents they stand in
    unit: str
    example: str  # one sentence that states it
    keys: list[str] = field(default_factory=list)  # keys some facts of the group already carry (low confidence)
    span: tuple[int, int] | None = None  # where the number stands in `example` (None: not found)


@dataclass(slots=True)
class GroupFact:
    """One queued fact of a group, with its report's title (the queue's second list)."""

    id: int
    doc_id: int
    title: str
    sentence: str
    value: float
    unit: str
    qualifier: str
    start: int
    end: int
    key: str | None
    span: tuple[int, int] | None  # the number in `sentence`
    year: int | None = None  # the report's year


@dataclass(slots=True)
class Assignment:
    """What `assign_key` changed, for `undo_assignment`."""

    pattern: str
    key: str  # "" when the group was rejected (否决: not an indicator)
    synonym: str | None
    synonym_added: bool
    before: list[tuple[int, str | None, str | None, str]]  # fact id, key, name, status
    learned: bool = False  # a 否决 that core.rejections remembered (undo forgets it)
    doc_type: str | None = None  # the report type the queue showed (None: every type)


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


def patterns_missing(archive: ArchiveWriter) -> bool:
    """Whether some facts have no phrase pattern yet (stored before schema version 6): `fill_patterns`."""
    conn = _conn(archive)
    if not _has_columns(conn):
        return False
    return conn.execute("SELECT 1 FROM facts INDEXED BY idx_facts_pattern WHERE pattern IS NULL LIMIT 1").fetchone() is not None


def document_types(archive: ArchiveWriter) -> list[tuple[str, int]]:
    """(doc_type, documents) of the documents outside the trash, most first (the queue's type filter)."""
    return [
        (str(t), int(n))
        for t, n in _conn(archive).execute(
            "SELECT doc_type, count(*) FROM documents WHERE deleted_at IS NULL GROUP BY doc_type ORDER BY 2 DESC, 1"
        )
    ]


def _excluded(conn: sqlite3.Connection, doc_type: str | None) -> set[int]:
    """Documents the queue leaves out: those in the trash, and with `doc_type` those of other types."""
    if doc_type is None:
        return {int(r[0]) for r in conn.execute("SELECT id FROM documents WHERE deleted_at IS NOT NULL")}
    return {
        int(r[0])
        for r in conn.execute("SELECT id FROM documents WHERE deleted_at IS NOT NULL OR doc_type IS NOT ?", (doc_type,))
    }


def review_groups(
    archive: ArchiveWriter, *, threshold: float = LOW_CONFIDENCE, min_count: int = 1, limit: int = 500,
    doc_type: str | None = None,
) -> list[ReviewGroup]:
    """The 待核对 queue: groups of unconfirmed facts (status auto) without a key or below `threshold`
    confidence, by phrase pattern, largest first; documents in the trash (and with `doc_type`, those of
    other types) are left out."""
    conn = _conn(archive)
    if not _has_columns(conn):
        return []  # a read-only archive of an older version: nothing to group by
    if doc_type is not None:
        return _groups_of_type(conn, threshold, min_count, limit, doc_type)
    trashed = _excluded(conn, None)
    rows = conn.execute(
        "SELECT pattern, count(*), count(DISTINCT doc_id), max(unit), group_concat(DISTINCT key),"
        " group_concat(DISTINCT doc_id)"
        " FROM facts INDEXED BY idx_facts_pattern"
        " WHERE pattern IS NOT NULL AND status = 'auto' AND (key IS NULL OR confidence < ?)"
        " GROUP BY pattern HAVING count(*) >= ? ORDER BY count(*) DESC, pattern LIMIT ?",
        (threshold, min_count, 2 * limit + (len(trashed) and limit)),  # room for the wordless ones left out
    ).fetchall()
    groups: list[ReviewGroup] = []
    for pattern, total, total_docs, unit, keys, doc_ids in rows:
        if _wordless(str(pattern), str(unit or "")):
            continue
        n, docs = int(total), int(total_docs)
        if trashed:  # documents in the trash are left out (rare: recount only those groups)
            ids = {int(x) for x in str(doc_ids).split(",")}
            if ids & trashed:
                n, docs = _live_count(conn, str(pattern), threshold, trashed)
                if n < min_count:
                    continue
        groups.append(_group(conn, str(pattern), n, docs, str(unit or ""), keys, threshold))
    groups.sort(key=lambda g: (-g.count, g.pattern))
    return groups[:limit]


def _wordless(pattern: str, unit: str) -> bool:
    """"N%", "N起": no words to name a figure by."""
    return len(re.findall(r"[\u4e00-\u9fff]", pattern)) - len(unit) < 2


def _group(  # noqa: PLR0917
    conn: sqlite3.Connection, pattern: str, n: int, docs: int, unit: str, keys: str | None, threshold: float
) -> ReviewGroup:
    example = conn.execute(
        "SELECT sentence, unit FROM facts WHERE pattern = ? AND status = 'auto' AND (key IS NULL OR confidence < ?)"
        " LIMIT 1",
        (pattern, threshold),
    ).fetchone()
    sentence = str(example[0]) if example else ""
    span = number_span(sentence, pattern, str(example[1] or "")) if example else None
    return ReviewGroup(pattern, n, docs, unit, sentence, sorted(str(keys).split(",")) if keys else [], span)


def _groups_of_type(
    conn: sqlite3.Connection, threshold: float, min_count: int, limit: int, doc_type: str
) -> list[ReviewGroup]:
    # the covering pattern index in pattern order, documents of the type as a list subquery: as fast as
    # the whole archive's queue (a join from documents to facts takes three times as long)
    rows = conn.execute(
        "SELECT pattern, count(*), count(DISTINCT doc_id), max(unit), group_concat(DISTINCT key)"
        " FROM facts INDEXED BY idx_facts_pattern"
        " WHERE pattern IS NOT NULL AND status = 'auto' AND (key IS NULL OR confidence < ?)"
        " AND doc_id IN (SELECT id FROM documents WHERE deleted_at IS NULL AND doc_type = ?)"
        " GROUP BY pattern HAVING count(*) >= ? ORDER BY count(*) DESC, pattern LIMIT ?",
        (threshold, doc_type, min_count, limit * 2),
    ).fetchall()
    groups = [
        _group(conn, str(pattern), int(n), int(docs), str(unit or ""), keys, threshold)
        for pattern, n, docs, unit, keys in rows
        if not _wordless(str(pattern), str(unit or ""))
    ]
    return groups[:limit]


def _queued(
    conn: sqlite3.Connection, pattern: str, threshold: float, doc_type: str | None, columns: str
) -> list[tuple[Any, ...]]:
    """The queued facts of a group (not in the trash; with `doc_type`, only documents of that type)."""
    sql = (
        f"SELECT {columns} FROM facts f JOIN documents d ON d.id = f.doc_id"
        " WHERE f.pattern = ? AND f.status = 'auto' AND d.deleted_at IS NULL AND (f.key IS NULL OR f.confidence < ?)"
    )
    params: list[Any] = [pattern, threshold]
    if doc_type is not None:
        sql += " AND d.doc_type = ?"
        params.append(doc_type)
    return [tuple(r) for r in conn.execute(sql + " ORDER BY d.id, f.start", params)]


def group_facts(
    archive: ArchiveWriter, pattern: str, *, threshold: float = LOW_CONFIDENCE, doc_type: str | None = None,
    limit: int = 2000,
) -> list[GroupFact]:
    """The queued facts of one group with their reports' titles, in document order (the view's second list)."""
    rows = _queued(
        _conn(archive), pattern, threshold, doc_type,
        "f.id, f.doc_id, coalesce(nullif(d.title, ''), d.source_name), f.sentence, f.value, f.unit, f.qualifier,"
        " f.start, f.end, f.key, d.report_year",
    )[:limit]
    return [
        GroupFact(int(i), int(d), str(t), str(s), float(v), str(u or ""), str(q or ""), int(a), int(b), k,
                  number_span(str(s), pattern, str(u or "")), int(y) if y is not None else None)
        for i, d, t, s, v, u, q, a, b, k, y in rows
    ]


def _live_count(conn: sqlite3.Connection, pattern: str, threshold: float, trashed: set[int]) -> tuple[int, int]:
    rows = conn.execute(
        "SELECT doc_id FROM facts WHERE pattern = ? AND status = 'auto' AND (key IS NULL OR confidence < ?)",
        (pattern, threshold),
    ).fetchall()
    live = [int(r[0]) for r in rows if int(r[0]) not in trashed]
    return len(live), len(set(live))


def assign_key(
    archive: ArchiveWriter, pattern: str, key: str, *, threshold: float = LOW_CONFIDENCE, user_dir: Path | None = None,
    doc_type: str | None = None,
) -> Assignment:
    """Give every queued fact of `pattern` the key `key` (status corrected: re-analysis keeps it) and write
    the pattern's words as a user synonym of `key`, so later imports and re-analysis place the shape
    (`doc_type`: only the group's facts in documents of that type, as the queue showed them)."""
    dictionary = default_dictionary()
    indicator = dictionary.get(key)
    if indicator is None:
        raise ArchiveError(f"指标代码“{key}”不在指标词典中。")
    before = _before(archive, pattern, threshold, doc_type)
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


def reject_group(
    archive: ArchiveWriter, pattern: str, *, threshold: float = LOW_CONFIDENCE, doc_type: str | None = None
) -> Assignment:
    """否决 a whole group: its facts are not indicator figures (status rejected: not exported, and
    re-analysis keeps the decision), and the pattern is remembered (core.rejections) so reports imported
    later do not queue it again; `undo_assignment` puts them back and forgets it."""
    before = _before(archive, pattern, threshold, doc_type)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with archive._write() as wconn:
        wconn.executemany(
            "UPDATE facts SET status = 'rejected', updated_at = ? WHERE id = ?",
            [(stamp, fact_id) for fact_id, *_ in before],
        )
        learned = rejections.learn(wconn, pattern, doc_type)
    return Assignment(pattern, "", None, False, before, learned, doc_type)


def _before(
    archive: ArchiveWriter, pattern: str, threshold: float, doc_type: str | None
) -> list[tuple[int, str | None, str | None, str]]:
    conn = _conn(archive)
    if not _has_columns(conn):
        raise ArchiveError("此档案版本较旧（只读打开），不能在这里归类指标。")
    before = [
        (int(i), k, n, str(s)) for i, k, n, s in _queued(conn, pattern, threshold, doc_type, "f.id, f.key, f.name, f.status")
    ]
    if not before:
        raise ArchiveError("这一组已没有待核对的数据项。")
    return before


def undo_assignment(archive: ArchiveWriter, assignment: Assignment, *, user_dir: Path | None = None) -> None:
    """Put the facts of an assignment back as they were and take its synonym out of the user file."""
    with archive._write() as wconn:
        wconn.executemany(
            "UPDATE facts SET key = ?, name = ?, status = ? WHERE id = ?",
            [(k, n, s, fact_id) for fact_id, k, n, s in assignment.before],
        )
        if assignment.learned:
            rejections.forget(wconn, assignment.pattern, assignment.doc_type)
    if assignment.synonym_added and assignment.synonym:
        remove_user_synonym(assignment.key, assignment.synonym, user_dir)
        reload_default()
