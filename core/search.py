"""Ctrl+F-like search: query parsing, the per-character FTS5 index form, matching spans and snippets."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

# Characters written without spaces between words: each becomes one token of the index (so 复议 finds
# 行政复议, one character works, and 政府建 matches across word boundaries via a phrase query).
CJK_CLASS = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_RUN_RE = re.compile(f"[{CJK_CLASS}]+")
# A query token: one CJK character, or a run of other letters/digits (a whole word, as unicode61 sees it).
_TOKEN_RE = re.compile(f"(?P<c>[{CJK_CLASS}])|(?P<w>[^\\W_{CJK_CLASS}]+)")
_WORD_CHAR = f"[^\\W_{CJK_CLASS}]"
_GAP = r"[\W_]*"

# Full-width letters and digits → ASCII; length-preserving so offsets stay valid. (Full-width punctuation
# separates tokens either way, and str.translate is slow on CJK text, so it only runs when needed.)
_FULLWIDTH = {
    code: code - 0xFEE0
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(lo, hi + 1)
}
_HAS_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_QUERY_QUOTES = str.maketrans(
    {"“": '"', "”": '"', "「": '"', "」": '"', "＂": '"', "－": "-", "—": "-", "\u3000": " "}
)

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_TERM_CHARS = 200


def index_document(conn: sqlite3.Connection, doc_id: int, indexed_title: str, indexed_body: str) -> None:
    """Add a document to the contentless `fts` table (title and body already in index_form)."""
    conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (doc_id, indexed_title, indexed_body))


def unindex_document(conn: sqlite3.Connection, doc_id: int, indexed_title: str, indexed_body: str) -> None:
    """Remove a document from the contentless `fts` table.

    A contentless FTS5 table forgets a row only when given exactly the values that were indexed, so callers
    pass the stored `documents.indexed_title` and the index_form of the stored text.
    """
    conn.execute(
        "INSERT INTO fts(fts, rowid, title, body) VALUES ('delete', ?, ?, ?)", (doc_id, indexed_title, indexed_body)
    )


def normalise(text: str) -> str:
    """Length-preserving normalisation applied to text and query alike (full-width letters/digits → ASCII)."""
    return text.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text


def index_form(text: str) -> str:
    """What goes into the FTS index: every CJK character separated by spaces; other words stay whole."""
    return _CJK_RUN_RE.sub(_spread, normalise(text))


def _spread(match: re.Match[str]) -> str:
    return " " + " ".join(match.group()) + " "


@dataclass(slots=True)
class ParsedQuery:
    terms: list[str] = field(default_factory=list)  # all must match (each a phrase)
    excluded: list[str] = field(default_factory=list)  # none may match

    @property
    def empty(self) -> bool:
        return not self.terms and not self.excluded


def _has_token(term: str) -> bool:
    return _TOKEN_RE.search(term) is not None


def parse_query(query: str | None) -> ParsedQuery:
    """Split a user query into terms: whitespace separates, "quoted phrases" stay whole, -term excludes.

    Never raises: unbalanced quotes close at the end, FTS operators and SQL are just words, terms without
    any letter or digit (punctuation, emoji) are dropped, and very long input is cut.
    """
    parsed = ParsedQuery()
    if not query:
        return parsed
    # Control characters (NUL ends a C string inside SQLite's FTS parser) become spaces.
    text = _CONTROL_RE.sub(" ", normalise(query[:MAX_QUERY_CHARS]).translate(_QUERY_QUOTES))
    i, n = 0, len(text)
    seen: set[tuple[bool, str]] = set()
    while i < n and len(parsed.terms) + len(parsed.excluded) < MAX_TERMS:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negative = False
        if ch == "-" and i + 1 < n and not text[i + 1].isspace():
            negative = True
            i += 1
            ch = text[i]
        if ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                end = n
            term = text[i + 1 : end]
            i = end + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] != '"':
                j += 1
            term = text[i:j]
            i = j
        term = " ".join(term.split())[:MAX_TERM_CHARS]
        if not term or not _has_token(term):
            continue
        key = (negative, term.casefold())
        if key in seen:
            continue
        seen.add(key)
        (parsed.excluded if negative else parsed.terms).append(term)
    return parsed


def _phrase(term: str) -> str:
    return '"' + index_form(term).replace('"', '""') + '"'


def fts_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression that all of `terms` match, each as a phrase (safe for any input)."""
    return " AND ".join(_phrase(term) for term in terms)


def fts_any(terms: list[str]) -> str:
    return " OR ".join(_phrase(term) for term in terms)


def term_pattern(term: str) -> re.Pattern[str] | None:
    """A regex matching `term` in (normalised) text the way the index does: same tokens, any separators."""
    parts: list[str] = []
    for match in _TOKEN_RE.finditer(term):
        if match.group("c"):
            parts.append(re.escape(match.group("c")))
        else:
            word = re.escape(match.group("w"))
            parts.append(f"(?<!{_WORD_CHAR}){word}(?!{_WORD_CHAR})")
    if not parts:
        return None
    return re.compile(_GAP.join(parts), re.IGNORECASE)


# Matching for highlights and snippets. term_pattern's case-insensitive regex with word-edge lookarounds
# took up to 100 ms to compile for one long term (a pasted paragraph; each lookaround holds the large CJK
# class). Here the text is case-folded once (length-preserving) and each term becomes a plain regex of
# its tokens with the same gaps, compiled cheaply and cached; the edges of word tokens (captured as
# groups) are then checked in the text, as the lookarounds would: a rejected match is retried one
# character further on, like the regex engine.
_WORD_CHAR_RE = re.compile(_WORD_CHAR)
MAX_SNIPPET_MATCHES = 500


def _fold(text: str) -> str:
    """Lower case, one character for one (so offsets stay valid); final sigma folded like sigma."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(low1 if len(low1 := ch.lower()) == 1 else ch for ch in text)
    return low.replace("ς", "σ")


@dataclass(slots=True)
class _Term:
    pattern: re.Pattern[str]
    has_words: bool  # word tokens are groups whose edges need checking


@lru_cache(maxsize=256)
def _term(term: str) -> _Term | None:
    parts: list[str] = []
    has_words = False
    for match in _TOKEN_RE.finditer(term):
        if match.group("c"):
            parts.append(re.escape(_fold(match.group("c"))))
        else:
            parts.append("(" + re.escape(_fold(match.group("w"))) + ")")
            has_words = True
    return _Term(re.compile(_GAP.join(parts)), has_words) if parts else None


def _word_at(text: str, offset: int) -> bool:
    return 0 <= offset < len(text) and _WORD_CHAR_RE.match(text, offset) is not None


def _find(folded: str, term: _Term, limit: int = 0) -> list[tuple[int, int]]:
    """Spans of `term` in the folded text, left to right and non-overlapping; at most `limit` if given."""
    spans: list[tuple[int, int]] = []
    search_at = term.pattern.search
    pos = 0
    while (match := search_at(folded, pos)) is not None:
        if term.has_words and any(
            _word_at(folded, match.start(g) - 1) or _word_at(folded, match.end(g))
            for g in range(1, (term.pattern.groups or 0) + 1)
        ):
            pos = match.start() + 1
            continue
        spans.append(match.span())
        if limit and len(spans) >= limit:
            break
        pos = match.end()
    return spans


def _terms(query: str | ParsedQuery) -> list[_Term]:
    parsed = parse_query(query) if isinstance(query, str) else query
    return [t for t in (_term(term) for term in parsed.terms[:MAX_TERMS]) if t is not None]


def find_in_text(text: str, query: str | ParsedQuery) -> list[tuple[int, int]]:
    """Spans of `text` that the query's terms match (sorted, non-overlapping), for highlighting."""
    if not text:
        return []
    terms = _terms(query)
    if not terms:
        return []
    folded = _fold(normalise(text))
    spans: list[tuple[int, int]] = []
    for term in terms:
        spans.extend(_find(folded, term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            continue
        merged.append((start, end))
    return merged


SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120
ELLIPSIS = "…"


def make_snippet(text: str, query: str | ParsedQuery) -> tuple[str, list[tuple[int, int]]]:
    """A window of the original text around the best match, with highlight offsets into the snippet.

    The window is the one (starting near a match) that covers the most distinct query terms.
    """
    terms = _terms(query)
    folded = _fold(normalise(text)) if terms else ""
    per_term = [_find(folded, term, MAX_SNIPPET_MATCHES) for term in terms]
    candidates = sorted({s for found in per_term for s in found})
    if not candidates:
        snippet = _flat(text[:SNIPPET_LENGTH])
        return (snippet + (ELLIPSIS if len(text) > SNIPPET_LENGTH else ""), [])
    best_start, best_cover = candidates[0][0], -1
    starts = [[s for s, _e in found] for found in per_term]  # sorted: finditer goes left to right
    for start, _end in candidates[:200]:
        lo, hi = start - SNIPPET_BEFORE, start - SNIPPET_BEFORE + SNIPPET_LENGTH
        cover = 0
        for term_starts, found in zip(starts, per_term, strict=True):
            i = bisect_left(term_starts, lo)
            if i < len(found) and found[i][1] <= hi:
                cover += 1
        if cover > best_cover:
            best_start, best_cover = start, cover
            if cover == len(per_term):
                break
    lo = max(0, best_start - SNIPPET_BEFORE)
    hi = min(len(text), lo + SNIPPET_LENGTH)
    prefix = ELLIPSIS if lo > 0 else ""
    suffix = ELLIPSIS if hi < len(text) else ""
    snippet = prefix + _flat(text[lo:hi]) + suffix
    shift = len(prefix) - lo
    highlights = [
        (s + shift, e + shift) for s, e in candidates if s >= lo and e <= hi
    ]
    merged: list[tuple[int, int]] = []
    for s, e in highlights:
        if merged and s < merged[-1][1]:
            continue
        merged.append((s, e))
    return snippet, merged


def _flat(text: str) -> str:
    """Line breaks and tabs to spaces (same length, so offsets stay valid)."""
    return "".join(" " if ch in "\r\n\t\x0b\x0c" or unicodedata.category(ch) == "Cc" else ch for ch in text)
