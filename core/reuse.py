"""Text reuse: which passages of a document also stand in earlier documents of the archive (照搬照抄).

How it works
- A document is cut into paragraphs (lines; a line holding several glued paragraphs is cut at the single
  space cleaning left between them; very long ones at sentence ends) and each paragraph into clauses (at
  ，。；！？：). A clause's *key* is a 64-bit hash of its letters and digits with every digit run masked
  (so 2022年办理95件 and 2023年办理100件 have the same key).
- The index (`reuse_postings`, in the archive) maps each key of a clause of ≥ MIN_KEY_CHARS characters to the
  documents holding it; it is updated on import, trash and restore. A check of document D looks up its keys
  (each capped at POSTING_LIMIT postings, newest first, so the cost stays flat however many reports share a
  paragraph), ranks the earlier documents by the characters they share, and compares D with the best
  MAX_CANDIDATES of them clause by clause.
- Earlier: an earlier report year; with equal or unknown years, imported before.
- Boilerplate: a clause whose key stands in ≥ BOILERPLATE_DOCS documents of ≥ BOILERPLATE_AGENCIES agencies
  (standard openings, part headings, the signature block) never counts.
- A paragraph whose digit-masked text is ≥ WHOLE_PARAGRAPH_RATIO similar to its source paragraph counts as
  reused whole (kind "same" when the texts are equal, else "changed": numbers, years or a few characters);
  otherwise runs of matching clauses of at least MIN_PASSAGE_CHARS characters count.
- reused_share = characters of the passages / all characters of the stored text.

Results are kept in `reuse_results`/`reuse_links` (core/reuse_store.py) and dropped when a document they depend on changes.
Pure SQL on the connection; no Qt.
"""

from __future__ import annotations

import difflib
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core import reuse_store
from core import reuse_text as _text_side
from core.agencies import normalise_agency
from core.compare import changed_figures
from core.protocols import ArchiveReader
from core.reuse_model import (
    KEYS_PER_PARAGRAPH,
    MIN_KEY_CHARS,
    Passage,
    ReuseResult,
    Signature,
    Source,
)
from core.reuse_store import _has_tables, _save
from core.reuse_text import _SENTENCE_END, decode_signature, encode_signature, mask, normalise, signature

# the text side (core/reuse_text.py) is public here too: core.reuse.signature, .normalise, .paragraphs_of, …
paragraphs_of = _text_side.paragraphs_of
MIN_CLAUSE_CHARS = _text_side.MIN_CLAUSE_CHARS
LONG_PARAGRAPH = _text_side.LONG_PARAGRAPH
store = reuse_store.store  # public as core.reuse.store/stored/shares/pending (docs/interfaces.md)
stored = reuse_store.stored
shares = reuse_store.shares
pending = reuse_store.pending

log = logging.getLogger(__name__)

# Postings read per key (newest first): bounds a check however many reports share a clause.
POSTING_LIMIT = 48
# Boilerplate: a clause in at least this many documents of at least this many agencies.
BOILERPLATE_DOCS = 10
BOILERPLATE_AGENCIES = 3
# Earlier documents compared in full with the checked one.
MAX_CANDIDATES = 10
# A paragraph this similar (digit-masked SequenceMatcher ratio) to its source counts whole.
WHOLE_PARAGRAPH_RATIO = 0.8
# A passage (whole paragraph or run of equal clauses) counts only from this many letters and digits.
MIN_PASSAGE_CHARS = 16
# …and from another agency's document from this many (a shared stock phrase is not a copied report).
MIN_OTHER_PASSAGE_CHARS = 24
# ALGORITHM_VERSION (core/reuse_model.py): bump it when the algorithm changes.

POSTINGS_SQL = (
    "CREATE TABLE IF NOT EXISTS reuse_postings (key INTEGER NOT NULL, doc_id INTEGER NOT NULL,"
    " PRIMARY KEY (key, doc_id)) WITHOUT ROWID"
)
RESULTS_SQL = (
    "CREATE TABLE IF NOT EXISTS reuse_results (doc_id INTEGER PRIMARY KEY"
    " REFERENCES documents(id) ON DELETE CASCADE, share REAL NOT NULL, main_source INTEGER,"
    " main_share REAL NOT NULL DEFAULT 0, version INTEGER NOT NULL, data TEXT NOT NULL, computed_at TEXT)"
)
LINKS_SQL = (
    "CREATE TABLE IF NOT EXISTS reuse_links (source_id INTEGER NOT NULL, doc_id INTEGER NOT NULL"
    " REFERENCES documents(id) ON DELETE CASCADE, PRIMARY KEY (source_id, doc_id)) WITHOUT ROWID"
)
LINKS_INDEX_SQL = "CREATE INDEX IF NOT EXISTS idx_reuse_links_doc ON reuse_links(doc_id)"
SIGNATURES_SQL = (
    "CREATE TABLE IF NOT EXISTS reuse_signatures (doc_id INTEGER PRIMARY KEY"
    " REFERENCES documents(id) ON DELETE CASCADE, data BLOB NOT NULL)"
)
SCHEMA_SQL = (POSTINGS_SQL, SIGNATURES_SQL, RESULTS_SQL, LINKS_SQL, LINKS_INDEX_SQL)

# ---------------------------------------------------------------------------------------------- index


def create_tables(conn: sqlite3.Connection) -> None:
    for sql in SCHEMA_SQL:
        conn.execute(sql)


def prepare(text: str) -> tuple[bytes, list[int]]:
    """The encoded signature of a text and its index keys: computed where the CPU work happens (an import
    worker), so that the writing process only inserts them."""
    sig = signature(text)
    return encode_signature(sig), sorted(sig.index_keys())


def index_document(conn: sqlite3.Connection, doc_id: int, text: str, *, sig: Signature | None = None,
                   encoded: bytes = b"", keys: Sequence[int] | None = None) -> None:
    """Add a document's clause keys and signature to the index (caller holds the transaction);
    an earlier-year report imported late makes the stored results of later reports sharing its text stale."""
    if not _has_tables(conn):
        return
    if encoded and keys is not None:
        wanted = list(keys)
    else:
        if sig is None and encoded:
            sig = decode_signature(encoded)
        sig = sig or signature(text)
        wanted = sorted(sig.index_keys())
        encoded = encoded or encode_signature(sig)
    conn.executemany("INSERT OR IGNORE INTO reuse_postings(key, doc_id) VALUES (?, ?)",
                     [(k, doc_id) for k in wanted])
    conn.execute("INSERT OR REPLACE INTO reuse_signatures(doc_id, data) VALUES (?, ?)", (doc_id, encoded))
    _invalidate_later(conn, doc_id, wanted)


def unindex_document(conn: sqlite3.Connection, doc_id: int, text: str) -> None:
    """Remove a document's keys (trash); results that used it as a source are dropped."""
    if not _has_tables(conn):
        return
    sig = _load_signature(conn, doc_id) or signature(text)
    conn.executemany("DELETE FROM reuse_postings WHERE key = ? AND doc_id = ?",
                     [(k, doc_id) for k in sig.index_keys()])
    invalidate(conn, [doc_id])


def _load_signature(conn: sqlite3.Connection, doc_id: int) -> Signature | None:
    row = conn.execute("SELECT data FROM reuse_signatures WHERE doc_id = ?", (doc_id,)).fetchone()
    return None if row is None else decode_signature(bytes(row[0]))


def invalidate(conn: sqlite3.Connection, doc_ids: Sequence[int]) -> None:
    """Drop the stored results of these documents and of every document that used one as a source."""
    if not _has_tables(conn):
        return
    for doc_id in doc_ids:
        conn.execute(
            "DELETE FROM reuse_results WHERE doc_id = ? OR doc_id IN (SELECT doc_id FROM reuse_links"
            " WHERE source_id = ?)", (doc_id, doc_id))
        conn.execute("DELETE FROM reuse_links WHERE doc_id = ?", (doc_id,))


def _invalidate_later(conn: sqlite3.Connection, doc_id: int, keys: Sequence[int]) -> None:
    """Results of later-year documents sharing keys with doc_id (only when some exist: cheap on import)."""
    if conn.execute("SELECT 1 FROM reuse_results LIMIT 1").fetchone() is None:
        return  # nothing stored to go stale (an import into an archive never checked): no scan of `documents`
    row = conn.execute("SELECT report_year FROM documents WHERE id = ?", (doc_id,)).fetchone()
    year = row[0] if row else None
    if year is None:
        later = conn.execute(
            "SELECT 1 FROM reuse_results r JOIN documents d ON d.id = r.doc_id WHERE d.report_year IS NULL"
            " AND r.doc_id > ? LIMIT 1", (doc_id,)).fetchone()
        if later is None:
            return
        condition, param = "d.report_year IS NULL AND d.id > ?", doc_id
    else:
        later = conn.execute(
            "SELECT 1 FROM reuse_results r JOIN documents d ON d.id = r.doc_id WHERE d.report_year > ? LIMIT 1",
            (year,)).fetchone()
        if later is None:
            return
        condition, param = "d.report_year > ?", year
    stale: set[int] = set()
    for key in keys:
        for (other,) in conn.execute(
            f"SELECT p.doc_id FROM reuse_postings p JOIN documents d ON d.id = p.doc_id"
            f" JOIN reuse_results r ON r.doc_id = p.doc_id WHERE p.key = ? AND {condition}"
            f" ORDER BY p.doc_id DESC LIMIT {POSTING_LIMIT}",
            (key, param),
        ):
            stale.add(int(other))
    stale.discard(doc_id)
    for other in stale:
        conn.execute("DELETE FROM reuse_results WHERE doc_id = ?", (other,))
        conn.execute("DELETE FROM reuse_links WHERE doc_id = ?", (other,))


def rebuild(conn: sqlite3.Connection) -> int:
    """Rebuild the whole index from the stored texts of the documents not in the trash (caller's transaction)."""
    create_tables(conn)
    for table in ("reuse_postings", "reuse_signatures", "reuse_results", "reuse_links"):
        conn.execute(f"DELETE FROM {table}")
    n = 0
    for doc_id, text in conn.execute(
        "SELECT d.id, t.text FROM documents d JOIN texts t ON t.doc_id = d.id WHERE d.deleted_at IS NULL"
    ).fetchall():
        sig = signature(str(text))
        conn.executemany("INSERT OR IGNORE INTO reuse_postings(key, doc_id) VALUES (?, ?)",
                         [(k, int(doc_id)) for k in sig.index_keys()])
        conn.execute("INSERT INTO reuse_signatures(doc_id, data) VALUES (?, ?)", (int(doc_id), encode_signature(sig)))
        n += 1
    return n


# ---------------------------------------------------------------------------------------------- check


@dataclass(slots=True)
class _Doc:
    id: int
    year: int | None
    agency: str  # canonical agency, "" when unknown


def _earlier(source: _Doc, doc: _Doc) -> bool:
    if source.year is not None and doc.year is not None and source.year != doc.year:
        return source.year < doc.year
    return source.id < doc.id


def _aliases(conn: sqlite3.Connection) -> dict[str, str]:
    try:
        rows = conn.execute("SELECT alias, canonical FROM agency_aliases").fetchall()
    except sqlite3.Error:
        return {}
    return {str(a): normalise_agency(str(c)) for a, c in rows}


def _agency_key(name: str | None, aliases: dict[str, str]) -> str:
    norm = normalise_agency(name)
    return aliases.get(norm, norm)


@dataclass(slots=True)
class _Match:
    """Clauses of one paragraph of D matched into one source document."""

    source: int
    pairs: list[tuple[int, int]]  # (clause of D, clause of source)
    chars: int


def check(conn: sqlite3.Connection, doc_id: int, text: str | None = None) -> ReuseResult:
    """Compute the reuse of a stored document against the earlier documents (no writes)."""
    started = time.perf_counter()
    row = conn.execute("SELECT report_year, agency FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if row is None:
        from core.errors import ArchiveError

        raise ArchiveError(f"档案中没有编号为 {doc_id} 的文档。")
    aliases = _aliases(conn)
    me = _Doc(doc_id, row[0], _agency_key(row[1], aliases))
    if text is None:
        found = conn.execute("SELECT text FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
        text = str(found[0]) if found else ""
    sig = (_load_signature(conn, doc_id) if _has_tables(conn) else None) or signature(text)
    if not text or not _has_tables(conn):
        return ReuseResult(doc_id, 0.0, [], seconds=time.perf_counter() - started)

    # 1. Look the keys up: boilerplate keys out, earlier documents ranked by the characters they share.
    docs: dict[int, _Doc] = {}
    boiler: set[int] = set()
    shared: dict[int, int] = defaultdict(int)
    size_of: dict[int, int] = {}
    for key, size in zip(sig.keys_, sig.sizes, strict=True):
        if size >= MIN_KEY_CHARS:
            size_of[key] = size_of.get(key, 0) + size
    for key, size in size_of.items():
        rows = conn.execute(
            "SELECT p.doc_id, d.report_year, d.agency FROM reuse_postings p JOIN documents d ON d.id = p.doc_id"
            f" WHERE p.key = ? AND d.deleted_at IS NULL ORDER BY p.doc_id DESC LIMIT {POSTING_LIMIT}",
            (key,),
        ).fetchall()
        holders = {int(r[0]) for r in rows} | {doc_id}
        agencies: set[str] = set()
        for raw_id, year, agency in rows:
            other = int(raw_id)
            if other not in docs:
                docs[other] = _Doc(other, year, _agency_key(agency, aliases))
            if docs[other].agency:  # a document without a known agency is no evidence of another agency
                agencies.add(docs[other].agency)
        if me.agency:
            agencies.add(me.agency)
        if len(holders) >= BOILERPLATE_DOCS and len(agencies) >= BOILERPLATE_AGENCIES:
            boiler.add(key)
            continue
        for raw_id, _year, _agency in rows:
            other = int(raw_id)
            if other != doc_id and _earlier(docs[other], me):
                shared[other] += size
    same = [d for d in shared if me.agency and docs[d].agency == me.agency]
    rest = [d for d in shared if d not in same]
    rank = sorted(same, key=lambda d: -shared[d])[: MAX_CANDIDATES // 2]
    rank += sorted((d for d in rest + same if d not in rank), key=lambda d: -shared[d])
    candidates = rank[:MAX_CANDIDATES]

    # 2. Compare clause by clause with each candidate.
    source_sigs: dict[int, tuple[Signature, dict[int, list[int]]]] = {}
    holders_of: dict[int, list[int]] = defaultdict(list)  # key → candidates holding it
    texts: dict[int, str] = {}
    wanted = set(sig.keys_)
    for other in candidates:
        other_sig = _load_signature(conn, other)
        if other_sig is None:
            found = conn.execute("SELECT text FROM texts WHERE doc_id = ?", (other,)).fetchone()
            if found is None:
                continue
            texts[other] = str(found[0])
            other_sig = signature(texts[other])
        where: dict[int, list[int]] = defaultdict(list)
        for n, key in enumerate(other_sig.keys_):
            if key in wanted:
                where[key].append(n)
        for key in where:
            holders_of[key].append(other)
        source_sigs[other] = (other_sig, where)

    def text_of(other: int) -> str:
        if other not in texts:
            found = conn.execute("SELECT text FROM texts WHERE doc_id = ?", (other,)).fetchone()
            texts[other] = str(found[0]) if found else ""
        return texts[other]

    passages: dict[int, list[Passage]] = defaultdict(list)
    boiler_spans: list[tuple[int, int]] = []
    boiler_clauses = _boilerplate_clauses(text, sig, boiler)
    for para, clause_range in enumerate(sig.para_clauses):
        countable = [n for n in clause_range if n not in boiler_clauses]
        boiler_spans.extend((sig.starts[n], sig.ends[n]) for n in clause_range if n in boiler_clauses)
        if not countable:
            continue
        best: _Match | None = None
        involved = {other for n in countable for other in holders_of.get(sig.keys[n], ())}
        for other in sorted(involved):
            other_sig, where = source_sigs[other]
            match = _match_paragraph(sig, countable, other, other_sig, where)
            if match is None:
                continue
            if best is None or _better(match, best, docs, me):
                best = match
        if best is None:
            continue
        other_sig, _where = source_sigs[best.source]
        passages[best.source].extend(
            _passages(text, sig, para, countable, text_of(best.source), other_sig, best,
                      bool(me.agency) and docs[best.source].agency == me.agency))

    sources: list[Source] = []
    total = max(1, len(text))
    for other, found_passages in passages.items():
        found_passages.sort(key=lambda p: p.start)
        chars = sum(p.end - p.start for p in found_passages)
        if chars:
            sources.append(Source(other, chars / total, found_passages,
                                  bool(me.agency) and docs[other].agency == me.agency))
    sources.sort(key=lambda s: (-s.share, s.doc_id))
    share = min(1.0, sum(s.share for s in sources))
    return ReuseResult(doc_id, share, sources, _merge(boiler_spans), time.perf_counter() - started)


def _boilerplate_clauses(text: str, sig: Signature, boiler: set[int]) -> set[int]:
    """Clauses of the text that are boilerplate: their key is, or most of their sentence is, or every key
    the index holds for their paragraph is (the index keeps only a few keys a paragraph)."""
    out = {n for n, key in enumerate(sig.keys_) if key in boiler}
    if not boiler:
        return out
    for clause_range in sig.para_clauses:
        indexed = sorted({sig.keys_[n] for n in clause_range if sig.sizes[n] >= MIN_KEY_CHARS})[:KEYS_PER_PARAGRAPH]
        if indexed and all(k in boiler for k in indexed):
            out.update(clause_range)
            continue
        sentence: list[int] = []
        for n in clause_range:
            sentence.append(n)
            end_char = text[sig.ends[n] - 1] if sig.ends[n] > 0 else ""
            if _SENTENCE_END.match(end_char) or n == clause_range[-1]:
                total = sum(sig.sizes[m] for m in sentence)
                common = sum(sig.sizes[m] for m in sentence if m in out)
                if total and common * 2 >= total:
                    out.update(sentence)
                sentence = []
    return out


def _better(match: _Match, best: _Match, docs: dict[int, _Doc], me: _Doc) -> bool:
    """More characters wins; nearly as many from the same agency (then from a later year) wins too."""
    def prefer(m: _Match) -> tuple[int, int, int]:
        d = docs[m.source]
        return (1 if me.agency and d.agency == me.agency else 0, d.year or 0, d.id)

    if match.chars > best.chars * 1.1:
        return True
    if best.chars > match.chars * 1.1:
        return False
    return prefer(match) > prefer(best)


def _match_paragraph(
    sig: Signature, countable: list[int], other: int, other_sig: Signature, where: dict[int, list[int]],
) -> _Match | None:
    """Clauses of the paragraph found in the source, held to the source paragraph holding most of them."""
    hits: dict[int, int] = defaultdict(int)
    for n in countable:
        for m in where.get(sig.keys[n], ()):
            hits[other_sig.paras[m]] += sig.sizes[n]
    if not hits:
        return None
    # The source paragraph with most matched characters, and its neighbours (a paragraph split in two).
    home = max(hits, key=lambda p: (hits[p], -p))
    allowed = {home - 1, home, home + 1}
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    for n in countable:
        options = [m for m in where.get(sig.keys[n], ()) if other_sig.paras[m] in allowed
                   and m not in used]
        if not options:
            continue
        # Nearest to the previous matched clause keeps runs in order.
        previous = pairs[-1][1] if pairs else None
        m = min(options, key=lambda x: abs(x - (previous + 1)) if previous is not None else
                abs(other_sig.paras[x] - home))
        pairs.append((n, m))
        used.add(m)
    chars = sum(sig.sizes[n] for n, _ in pairs)
    return _Match(other, pairs, chars) if pairs else None


def _passages(  # noqa: PLR0917 - one paragraph and its source, as check() holds them
    text: str, sig: Signature, para: int, countable: list[int], other_text: str, other_sig: Signature,
    match: _Match, same_agency: bool = True,
) -> list[Passage]:
    """Passages of one paragraph from its best source: whole paragraph when near-identical, else runs."""
    countable_set = set(countable)
    clause_range = sig.para_clauses[para]
    matched = dict(match.pairs)
    # Runs of countable clauses, bridging one unmatched clause between matched neighbours (a changed clause).
    runs: list[list[int]] = []
    current: list[int] = []
    for n in clause_range:
        if n not in countable_set:
            if current:
                runs.append(current)
            current = []
            continue
        current.append(n)
    if current:
        runs.append(current)
    source_para = other_sig.paras[match.pairs[0][1]]
    ps, pe = other_sig.paragraphs[source_para]
    countable_chars = sum(sig.sizes[n] for n in countable) or 1
    coverage = match.chars / countable_chars
    if coverage >= 0.95 or coverage < 0.3:  # clear cases need no character alignment
        ratio = 1.0 if coverage >= 0.95 else 0.0
    else:
        norm_a = mask(normalise(text[sig.paragraphs[para][0] : sig.paragraphs[para][1]]))
        norm_b = mask(normalise(other_text[ps:pe]))
        ratio = difflib.SequenceMatcher(None, norm_a, norm_b, autojunk=False).ratio() if norm_a and norm_b else 0.0
    out: list[Passage] = []
    for run in runs:
        if ratio >= WHOLE_PARAGRAPH_RATIO:
            pieces = [run]
        else:
            pieces = _matched_runs(run, matched)
        for piece in pieces:
            src = [matched[n] for n in piece if n in matched]
            if not src:
                continue
            start, end = sig.starts[piece[0]], sig.ends[piece[-1]]
            start, end = _trim(text, start, end)
            s_start = other_sig.starts[min(src)]
            s_end = other_sig.ends[max(src)]
            if ratio >= WHOLE_PARAGRAPH_RATIO and len(pieces) == 1 and len(runs) == 1:
                s_start, s_end = ps, pe
            s_start, s_end = _trim(other_text, s_start, s_end)
            if sum(sig.sizes[n] for n in piece) < (MIN_PASSAGE_CHARS if same_agency else MIN_OTHER_PASSAGE_CHARS):
                continue  # a short heading or phrase alone proves nothing
            a, b = text[start:end], other_text[s_start:s_end]
            same = normalise(a) == normalise(b)
            sim = 1.0 if same else round(
                difflib.SequenceMatcher(None, normalise(a), normalise(b), autojunk=False).ratio(), 3)
            out.append(Passage(start, end, s_start, s_end, "same" if same else "changed", sim,
                               [] if same else changed_figures(b, a)))
    return out


def _matched_runs(run: list[int], matched: dict[int, int]) -> list[list[int]]:
    """Pieces of consecutive matched clauses (one unmatched clause bridged when both sides allow it)."""
    pieces: list[list[int]] = []
    current: list[int] = []
    gap: list[int] = []
    for n in run:
        if n in matched:
            if current and gap:
                last = matched[current[-1]]
                if len(gap) == 1 and matched[n] - last == 2:
                    current.extend(gap)
                else:
                    pieces.append(current)
                    current = []
            elif current and matched[n] != matched[current[-1]] + 1 and abs(matched[n] - matched[current[-1]]) > 2:
                pieces.append(current)
                current = []
            current.append(n)
            gap = []
        elif current:
            gap.append(n)
    if current:
        pieces.append(current)
    return pieces


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


# ---------------------------------------------------------------------------------------------- archive level


def reuse_of(archive: ArchiveReader, doc_id: int, *, save: bool = True) -> ReuseResult:
    """The reuse of a document: the stored result, else computed now (and stored unless read-only).

    `archive` is a core.archive.Archive (its connection is used; call from the thread that owns it).
    Raises ArchiveError (Chinese) for an unknown id.
    """
    conn: sqlite3.Connection = archive.connection
    exists = conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if exists is None:
        from core.errors import ArchiveError

        raise ArchiveError(f"档案中没有编号为 {doc_id} 的文档。")
    found = stored(conn, doc_id)
    if found is not None:
        return found
    result = check(conn, doc_id)
    if save and not archive.read_only and _has_tables(conn):
        _save(conn, [result])
    return result


def refresh(archive: ArchiveReader, progress: Any = None, cancel: Any = None, *, batch: int = 50,
            limit: int | None = None) -> int:
    """Compute and store the missing results (all, or the first `limit`), committing every `batch`
    documents (after an import, on a worker). Returns how many."""
    conn: sqlite3.Connection = archive.connection
    if archive.read_only:
        return 0
    todo = pending(conn, limit)
    done = 0
    for i in range(0, len(todo), batch):
        if cancel is not None and cancel.is_set():
            break
        results = []
        for doc_id in todo[i : i + batch]:
            try:
                results.append(check(conn, doc_id))
            except Exception:  # a bug must not stop the others; the document stays pending
                log.exception("reuse check of document %s failed", doc_id)
        _save(conn, results)
        done += len(results)
        if progress is not None:
            progress(done, len(todo), f"正在计算重复率（{done}/{len(todo)}）…")
    return done


def on_trash(conn: sqlite3.Connection, doc_ids: Sequence[int]) -> None:
    """Archive.trash hook (inside its transaction): the documents leave the index."""
    if not _has_tables(conn):
        return
    for doc_id in doc_ids:
        row = conn.execute("SELECT text FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is not None:
            unindex_document(conn, doc_id, str(row[0]))


def on_restore(conn: sqlite3.Connection, doc_ids: Sequence[int]) -> None:
    """Archive.restore hook (inside its transaction): back into the index, own result recomputed."""
    if not _has_tables(conn):
        return
    for doc_id in doc_ids:
        row = conn.execute("SELECT text FROM texts WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is not None:
            invalidate(conn, [doc_id])
            index_document(conn, doc_id, str(row[0]))


def percent(share: float) -> str:
    """12.3% as a clerk reads it (one decimal under 10%)."""
    value = share * 100
    return f"{value:.1f}%" if 0 < value < 10 else f"{value:.0f}%"


def reuse_text(archive: ArchiveReader, result: ReuseResult) -> str:
    """The CLI's plain answer: share, then each source with its passages (Chinese)."""
    lines = [f"文档 #{result.doc_id} 重复率 {percent(result.reused_share)}"]
    if not result.sources:
        lines.append("未发现与更早文档重复的段落。")
        return "\n".join(lines)
    docs = {d.id: d for d in archive.get_documents([s.doc_id for s in result.sources])}
    text = archive.get_text(result.doc_id)
    for source in result.sources:
        doc = docs.get(source.doc_id)
        title = doc.title if doc else "（已删除）"
        year = f"{doc.report_year}年 " if doc and doc.report_year else ""
        lines.append(f"来源 #{source.doc_id} {year}{title}：{percent(source.share)}，{len(source.passages)} 段")
        for p in source.passages:
            kind = "相同" if p.kind == "same" else "改动"
            figures = "；".join(f"{a} → {b}" for a, b in p.figures)
            snippet = text[p.start : p.end].replace("\n", " ")
            snippet = snippet if len(snippet) <= 40 else snippet[:40] + "…"
            lines.append(f"  [{p.start}-{p.end}] {kind}：{snippet}" + (f"（数字：{figures}）" if figures else ""))
    return "\n".join(lines)


def on_metadata(conn: sqlite3.Connection, doc_ids: Sequence[int]) -> None:
    """Archive.set_metadata hook (inside its transaction): a changed year or agency changes what is earlier."""
    if not _has_tables(conn):
        return
    for doc_id in doc_ids:
        invalidate(conn, [doc_id])
        sig = _load_signature(conn, doc_id)
        if sig is not None:
            _invalidate_later(conn, doc_id, sorted(sig.index_keys()))
