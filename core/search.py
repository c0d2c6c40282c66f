"""Ctrl+F search: query parsing, the exact per-character FTS5 index form, ranking, matching spans, snippets."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

# Full-width letters and digits → ASCII; length-preserving so offsets stay valid. (Full-width punctuation
# separates tokens either way, and str.translate is slow on CJK text, so it only runs when needed.)
_FULLWIDTH = {
    code: code - 0xFEE0
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(lo, hi + 1)
}
_HAS_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# Query syntax: these delimit a phrase (so they cannot be searched for themselves); a term starting with
# one of _MINUS excludes. Everything else is a character to find, as typed.
_QUERY_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "＂": '"', "\u3000": " "})
_MINUS = "-－—"

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_TERM_CHARS = 200


def normalise(text: str) -> str:
    """Length-preserving normalisation applied to text and query alike (full-width letters/digits → ASCII)."""
    return text.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text


def index_form(text: str) -> str:
    """What goes into the FTS index: every character its own token (see `escaped`), so that a term's
    phrase matches exactly where the term is a substring (case and full-width forms folded, any run of
    whitespace equal to any other)."""
    return char_form(text)


# --- the exact index form: every character one token ---------------------------------------------------
# unicode61 keeps letters, digits and private-use characters (categories L*, N*, Co) as token characters and
# drops everything else. To index *every* character, each other one (punctuation, symbols, whitespace) is
# written as a stand-in from the supplementary private use planes: U+F0000 + its code point (BMP), or
# U+100000 + its low 16 bits (astral symbols such as emoji, which may share a stand-in). Whitespace runs
# become one space first, so 政府\n建 stays apart from 政府建 while any whitespace matches any other.
_NON_TOKEN_RE = re.compile(r"[\W_]")
_SPACE_RUN_RE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _stand_in(ch: str) -> str:
    code = ord(ch)
    return chr(0xF0000 + code) if code < 0xFFFE else chr(0x100000 + (code & 0xFFFF))


def _stand_in_match(match: re.Match[str]) -> str:
    return _stand_in(match.group())


class _StandIns(dict[int, int | str]):
    """str.translate table of `_NON_TOKEN_RE.sub(_stand_in_match, …)`, one character for one, filled on
    first sight of each character (a translate in C instead of a Python call per punctuation mark)."""

    def __missing__(self, code: int) -> int | str:
        ch = chr(code)
        value: int | str = _stand_in(ch) if _NON_TOKEN_RE.match(ch) else code
        if len(self) < 100_000:
            self[code] = value
        return value


_STAND_INS = _StandIns()


class _SpacedStandIns(dict[int, str]):
    """Likewise for `char_form`: each character's index form followed by a space."""

    def __missing__(self, code: int) -> str:
        value = chr(code) if isinstance(mapped := _STAND_INS[code], int) else mapped
        value += " "
        if len(self) < 100_000:
            self[code] = value
        return value


_SPACED_STAND_INS = _SpacedStandIns()


def escaped(text: str) -> str:
    """Folded, normalised text with whitespace runs as one space and every non-token character a stand-in.

    One character of the result stands for one character of the text (a whitespace run counts as one).
    """
    units = _escaped_units(text)
    if units is None:
        return _SPACE_RUN_RE.sub(" ", _fold(normalise(text))).translate(_STAND_INS)
    return units.decode("utf-32-le", "surrogatepass")


def char_form(text: str) -> str:
    """Every character of `escaped(text)` as its own token (for unicode61): the exact index form
    (`" ".join(escaped(text))`)."""
    units = _escaped_units(text)
    if units is None:
        return _SPACE_RUN_RE.sub(" ", _fold(normalise(text))).translate(_SPACED_STAND_INS)[:-1]
    return _spaced(units)


def index_forms(text: str) -> tuple[str, str]:
    """`(index_form(text), runs_form_of_text(text))` from one escaped form of the text: for a worker that
    prepares a document's body for both indexes (the title's run tokens join with `merge_runs_forms`)."""
    units = _escaped_units(text)
    if units is None:
        return index_form(text), runs_form_of_text(text)
    return _spaced(units), " ".join(sorted(_runs_tokens(units.decode("utf-32-le", "surrogatepass"))))


def merge_runs_forms(*forms: str) -> str:
    """The run index's row from the runs forms of a title and text (`runs_form_of_text`, `index_forms`):
    the same as `runs_form` of their index forms."""
    tokens: set[str] = set()
    for form in forms:
        tokens.update(form.split())
    return " ".join(sorted(tokens))


def _spaced(units: bytearray) -> str:
    """The text of UTF-32-LE `units` with a space between each two characters."""
    if not units:
        return ""
    spaced = bytearray(b" \0\0\0") * (len(units) // 2 - 1)  # UTF-32: a space after each but the last
    spaced[0::8] = units[0::4]
    spaced[1::8] = units[1::4]
    spaced[2::8] = units[2::4]
    return spaced.decode("utf-32-le", "surrogatepass")


# escaped() without a str.translate (a dictionary look-up per character): in UTF-32-LE a BMP character's
# stand-in U+F0000 + code differs from it in its third byte only (0x0F instead of 0), so one regex pass puts
# U+F0000 at the non-token characters and the third bytes of that are the stand-ins' (and the token
# characters' own). Characters beyond the BMP and U+FFFE/U+FFFF (stand-ins U+100000 + low 16 bits) take the
# translate.
_MARK = "\U000f0000"


def _escaped_units(text: str) -> bytearray | None:
    """`escaped(text)` as UTF-32-LE bytes; None when the text has a character beyond U+FFFD."""
    folded = _collapse_spaces(_fold(normalise(text)))
    units = bytearray(folded.encode("utf-32-le", "surrogatepass"))
    planes = units[2::4]
    if planes.count(0) != len(planes) or "\ufffe" in folded or "\uffff" in folded:
        return None
    marked = folded
    for ch in _COMMON_NON_TOKEN:  # the most frequent by str.replace: the regex then has a tenth of the matches
        marked = marked.replace(ch, _MARK)
    units[2::4] = _bmp_non_token().sub(_MARK, marked).encode("utf-32-le", "surrogatepass")[2::4]
    return units


_COMMON_NON_TOKEN = "，、。“”；：（） "


def bmp_char_set(pattern: str) -> str:
    """The BMP characters that the one-character regex `pattern` (a category such as `\\d`) matches, as an
    explicit set `[...]` of ranges: the regex engine looks such a set up in a table, where a category is a
    Unicode database query per character — about a third faster on Chinese text. For text without characters
    beyond the BMP only. Its ranges are the pattern's runs in the BMP in code point order."""
    units = bytearray(4 * 0x10000)  # every BMP character in order, as UTF-32-LE
    units[0::4] = bytes(range(256)) * 256
    units[1::4] = b"".join([bytes((high,)) * 256 for high in range(256)])
    bmp = units.decode("utf-32-le", "surrogatepass")
    body = "".join(
        re.escape(run[0]) if len(run) == 1 else f"{re.escape(run[0])}-{re.escape(run[-1])}"
        for run in re.findall(f"(?:{pattern})+", bmp)
    )
    return f"[{body}]"


@lru_cache(maxsize=1)
def _bmp_non_token() -> re.Pattern[str]:
    """_NON_TOKEN_RE for BMP text (built on first use: a few milliseconds)."""
    return re.compile(bmp_char_set(_NON_TOKEN_RE.pattern))


def _collapse_spaces(text: str) -> str:
    """`_SPACE_RUN_RE.sub(" ", text)` with str.split (the same whitespace: str.isspace) in C."""
    words = text.split()
    if not words:
        return " " if text else ""
    out = " ".join(words)
    if text[0].isspace():
        out = " " + out
    if text[-1].isspace():
        out += " "
    return out


# --- the run index: a planner's shortcut for rare numbers and Latin words ------------------------------
# A phrase of characters that every report holds (编号9999: 编, 号 and 9 are in all of them) makes the
# per-character index check positions in every report, so its cost grows with the archive. A second,
# small index (table `fts_runs`, detail=none: no positions) holds, per document, for each maximal run of
# ASCII digits and letters of 3+ characters in its escaped form (as the index form: folded, whitespace one
# space, punctuation stand-ins): its substrings of 3 to RUN_MAX characters; its prefixes with the character
# before the run (`53f7首1234`: 号, U+53F7, then a run starting 1234) and its suffixes with the character after
# it (`1234尾53f7`); and the whole run with both when it has up to RUN_MAX characters. A term whose run it
# bounds itself (编号1234: 号 before the run) can only be in documents with the same bounded run, so a
# term's tokens are its run (or the run's RUN_MAX windows) plus the bounded forms. The same table holds each
# whitespace run's two neighbours (`_junctions`), for a phrase across a space or line break ("行政 诉讼").
# All of a term's tokens are in every matching document: a superset, usually tiny, that core.store.queries
# checks on the stored text.
RUN_MIN = 3
RUN_MAX = 6
_RUN_RE = re.compile(rf"[0-9a-z]{{{RUN_MIN},}}")
_START, _END = "首", "尾"  # letters for unicode61: 53f7首1234 is one token; never inside a run


# The runs are found in the text's ASCII bytes with the run characters as "x" and all else a space
# (str.encode's "replace" and bytes.translate in C; one byte a character): bytes.find for RUN_MIN x's starts a
# run, for a space ends it — the matches of _RUN_RE without a regex pass over every character.
_RUN_BYTES = bytes(0x78 if 0x30 <= i <= 0x39 or 0x61 <= i <= 0x7A else 0x20 for i in range(256))  # [0-9a-z]
_RUN_START = b"x" * RUN_MIN


class _Hex(dict[str, str]):
    """A character's code point in hex (as the run tokens write a neighbour), computed once."""

    def __missing__(self, ch: str) -> str:
        value = f"{ord(ch):x}"
        if len(self) < 100_000:
            self[ch] = value
        return value


_HEX = _Hex()


def _runs_tokens(text: str) -> set[str]:
    """The run index's tokens of an escaped text (see `escaped`)."""
    marks = text.encode("ascii", "replace").translate(_RUN_BYTES)
    find = marks.find
    size_of_text = len(text)
    bounded: set[str] = set()  # each run with the characters around it (none at the text's ends)
    start = find(_RUN_START)
    while start >= 0:
        end = find(b" ", start)
        if end < 0:
            end = size_of_text
        bounded.add(text[start - 1 if start else 0 : end + 1])
        start = find(_RUN_START, end)
    tokens: set[str] = set()
    for key in bounded:
        tokens.update(_bounded_run_tokens(key))
    tokens.update(_junctions(text))
    return tokens


_RUN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=16384)
def _bounded_run_tokens(key: str) -> tuple[str, ...]:
    """The tokens of one run from the run and its neighbours (`key`: a maximal run of RUN_MIN+ run characters
    with the character before it and after it, where there is one; a neighbour is never a run character)."""
    before = "" if key[0] in _RUN_CHARS else _HEX[key[0]] + _START
    after = "" if key[-1] in _RUN_CHARS else _END + _HEX[key[-1]]
    run = key[1 if before else 0 : len(key) - 1 if after else len(key)]
    size = len(run)
    tokens: set[str] = set()
    for k in range(RUN_MIN, min(size, RUN_MAX) + 1):
        tokens.update(run[i : i + k] for i in range(size - k + 1))
        if before:
            tokens.add(before + run[:k])
        if after:
            tokens.add(run[-k:] + after)
    if before and after and size <= RUN_MAX:
        tokens.add(before + run + after)
    return tuple(tokens)


_SPACE_STAND_IN = "\U000f0020"  # a whitespace run in an escaped text
_JUNCTION = "空"


def _junctions(text: str) -> set[str]:
    """A whitespace run's neighbours as one token (`653f空8bc9`: 政, whitespace, 诉): a phrase across a line
    break or a space is rare although its characters are not."""
    around: set[str] = set()  # each whitespace run with its neighbours
    find = text.find
    last = len(text) - 1
    at = find(_SPACE_STAND_IN, 1)
    while 0 < at < last:
        around.add(text[at - 1 : at + 2])
        at = find(_SPACE_STAND_IN, at + 1)
    return {_HEX[key[0]] + _JUNCTION + _HEX[key[2]] for key in around}


def runs_form(*indexed: str) -> str:
    """The run index's row for index forms (char_form) of a title and text: its tokens, space-separated."""
    tokens: set[str] = set()
    for form in indexed:
        tokens |= _runs_tokens(form[::2])  # char_form puts one space between characters: [::2] undoes it
    return " ".join(sorted(tokens))


def runs_form_of_text(*texts: str) -> str:
    """runs_form from the raw title and text (without building their index forms)."""
    tokens: set[str] = set()
    for text in texts:
        tokens |= _runs_tokens(escaped(text))
    return " ".join(sorted(tokens))


def runs_query(terms: list[str]) -> str | None:
    """An FTS5 expression over `fts_runs` that every document matching all `terms` matches (None: no run of
    RUN_MIN+ characters and no whitespace inside any term, the run index cannot narrow the search)."""
    tokens: list[str] = []
    for term in terms:
        text = escaped(term)
        for match in _RUN_RE.finditer(text):
            run = match.group()
            before = f"{ord(text[match.start() - 1]):x}{_START}" if match.start() > 0 else ""
            after = f"{_END}{ord(text[match.end()]):x}" if match.end() < len(text) else ""
            if before and after and len(run) <= RUN_MAX:
                tokens.append(before + run + after)
                continue
            if len(run) <= RUN_MAX:
                tokens.append(run)
            else:
                tokens.extend(run[i : i + RUN_MAX] for i in range(len(run) - RUN_MAX + 1))
            if before:
                tokens.append(before + run[:RUN_MAX])
            if after:
                tokens.append(run[-RUN_MAX:] + after)
        tokens.extend(sorted(_junctions(text)))
    if not tokens:
        return None
    return " AND ".join(f'"{token}"' for token in dict.fromkeys(tokens))


@dataclass(slots=True)
class ParsedQuery:
    terms: list[str] = field(default_factory=list)  # all must match (each a phrase)
    excluded: list[str] = field(default_factory=list)  # none may match

    @property
    def empty(self) -> bool:
        return not self.terms and not self.excluded


def parse_query(query: str | None) -> ParsedQuery:
    """Split a user query into terms: whitespace separates, "quoted phrases" stay whole, -term excludes.

    Never raises: unbalanced quotes close at the end, FTS operators, SQL, punctuation and emoji are just
    characters to find, control characters separate terms, and very long input is cut.
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
        if ch in _MINUS and i + 1 < n and not text[i + 1].isspace():
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
        if not term:
            continue
        key = (negative, term.casefold())
        if key in seen:
            continue
        seen.add(key)
        (parsed.excluded if negative else parsed.terms).append(term)
    return parsed


def _phrase(term: str) -> str:
    return '"' + char_form(term) + '"'  # char_form has no '"' (it became a stand-in)


def fts_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression that all of `terms` match, each as a phrase (safe for any input)."""
    return " AND ".join(_phrase(term) for term in terms)


def fts_any(terms: list[str]) -> str:
    return " OR ".join(_phrase(term) for term in terms)


def term_pattern(term: str) -> re.Pattern[str] | None:
    """A regex matching `term` in (normalised) text the way the index does: the same characters, case
    ignored, any whitespace run for any whitespace run."""
    parts = normalise(term).split()
    if not parts:
        return None
    return re.compile(r"\s+".join(re.escape(part) for part in parts), re.IGNORECASE)


# Matching for highlights, snippets and ranking, on the raw text (folding a whole CJK text with str.lower
# costs more than the matching): each term becomes a regex of its folded characters in which a letter with
# case or a full-width form accepts those too and a whitespace run accepts any whitespace run — the same
# meaning as the index's phrase. A term with none of those (CJK, punctuation) is a plain string.
MAX_SNIPPET_MATCHES = 500


def _fold(text: str) -> str:
    """Lower case, one character for one (so offsets stay valid); final sigma folded like sigma."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(low1 if len(low1 := ch.lower()) == 1 else ch for ch in text)
    return low.replace("ς", "σ")


_FULLWIDTH_OF = {chr(ascii_code): chr(code) for code, ascii_code in _FULLWIDTH.items()}


@dataclass(slots=True)
class _Term:
    pattern: re.Pattern[str]
    plain: str | None  # the term itself when only these exact characters match it (str.count suffices)


def _char_pattern(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        variants = {ch, ch.upper(), _FULLWIDTH_OF.get(ch, ch), _FULLWIDTH_OF.get(ch.upper(), ch)}
        return "[" + "".join(sorted(variants)) + "]"
    if ch.upper() != ch or ch.lower() != ch:
        return "(?i:" + re.escape(ch) + ")"
    return re.escape(ch)


@lru_cache(maxsize=256)
def _term(term: str) -> _Term | None:
    folded = _fold(normalise(term))
    parts = folded.split()
    if not parts:
        return None
    if len(parts) == 1 and all(_char_pattern(ch) == re.escape(ch) for ch in folded):
        return _Term(re.compile(re.escape(folded)), folded)
    return _Term(re.compile(r"\s+".join("".join(map(_char_pattern, part)) for part in parts)), None)


def _find(text: str, term: _Term, limit: int = 0) -> list[tuple[int, int]]:
    """Spans of `term` in the text, left to right and non-overlapping; at most `limit` if given."""
    spans: list[tuple[int, int]] = []
    search_at = term.pattern.search
    pos = 0
    while (match := search_at(text, pos)) is not None:
        spans.append(match.span())
        if limit and len(spans) >= limit:
            break
        pos = match.end()
    return spans


def _terms(query: str | ParsedQuery) -> list[_Term]:
    parsed = parse_query(query) if isinstance(query, str) else query
    return [t for t in (_term(term) for term in parsed.terms[:MAX_TERMS]) if t is not None]


def text_matches(title: str, text: str, parsed: ParsedQuery) -> bool:
    """Whether a document with this title and text matches the query (every term, in the title or the text;
    no excluded term in either) — the index's meaning, checked on the stored text."""
    for term in parsed.terms:
        found = _term(term)
        if found is not None and found.pattern.search(text) is None and found.pattern.search(title) is None:
            return False
    for term in parsed.excluded:
        found = _term(term)
        if found is not None and (found.pattern.search(text) is not None or found.pattern.search(title) is not None):
            return False
    return True


def find_in_text(text: str, query: str | ParsedQuery) -> list[tuple[int, int]]:
    """Spans of `text` that the query's terms match (sorted, non-overlapping), for highlighting."""
    if not text:
        return []
    terms = _terms(query)
    if not terms:
        return []
    spans: list[tuple[int, int]] = []
    for term in terms:
        spans.extend(_find(text, term))
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
    snippet, highlights, _complete = _snippet(text, query, partial=False)
    return snippet, highlights


def snippet_from_prefix(prefix: str, query: str | ParsedQuery) -> tuple[str, list[tuple[int, int]]] | None:
    """make_snippet of a text of which only `prefix` (a strict prefix) is at hand: its result when the prefix
    decides it (the chosen window covers every term and ends inside the prefix, so every window before it
    was inside too), else None (read the whole text)."""
    snippet, highlights, decided = _snippet(prefix, query, partial=True)
    return (snippet, highlights) if decided else None


def _snippet(text: str, query: str | ParsedQuery, *, partial: bool) -> tuple[str, list[tuple[int, int]], bool]:
    terms = _terms(query)
    per_term = [_find(text, term, MAX_SNIPPET_MATCHES) for term in terms]
    candidates = sorted({s for found in per_term for s in found})
    if not candidates:
        snippet = _flat(text[:SNIPPET_LENGTH])
        return (snippet + (ELLIPSIS if len(text) > SNIPPET_LENGTH else ""), [], not partial)
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
    decided = not partial or (best_cover == len(per_term) and lo + SNIPPET_LENGTH < len(text))
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
    return snippet, merged, decided


def _flat(text: str) -> str:
    """Line breaks and tabs to spaces (same length, so offsets stay valid)."""
    return "".join(" " if ch in "\r\n\t\x0b\x0c" or unicodedata.category(ch) == "Cc" else ch for ch in text)


# --- ranking ------------------------------------------------------------------------------------------
# FTS5's bm25() first counts every match of each phrase in the whole index (for the IDF), so its cost grows
# with the archive however few rows are kept. Instead the newest RANK_WINDOW matches are fetched (FTS5
# walks its doclists newest first and stops there) and ranked here by BM25's term-frequency part over the
# title and the first RANK_PREFIX characters of the text (where a report states what it is about; reading
# whole texts would cost more than the search): term counts, a title occurrence weighing TITLE_WEIGHT,
# saturated by k1 and normalised by length against the window's average. Every term of a query is
# required, so inside the window each has the same document frequency and IDF would not change the
# order; it is left out. Matches beyond the window follow, newest first.
RANK_WINDOW = 200
RANK_PREFIX = 2000
TITLE_WEIGHT = 10.0
_K1 = 1.2
_B = 0.75


def _count(text: str, term: _Term) -> int:
    if term.plain is not None:
        return text.count(term.plain)
    return sum(1 for _ in term.pattern.finditer(text))


# The ranking window's texts are read as RANK_PREFIX * 3 bytes of UTF-8 and counted as bytes: decoding 200
# prefixes cost more than the counting. UTF-8 is self-synchronising, so a plain term's byte string occurs
# exactly where the term does; other terms get a bytes regex of their characters' variants (case, full
# width; whitespace runs approximately) — only the ranking uses it, the match sets never do.
_WHITESPACE_BYTES = rb"(?:\s|\xc2[\x85\xa0]|\xe3\x80\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f)+"


def _byte_variants(ch: str) -> str:
    if ch.isascii() and ch.isalnum():
        variants = {ch, ch.upper(), _FULLWIDTH_OF.get(ch, ch), _FULLWIDTH_OF.get(ch.upper(), ch)}
    elif ch.upper() != ch or ch.lower() != ch:
        variants = {v for v in (ch, ch.upper(), ch.lower(), ch.title()) if len(v) == 1}
    else:
        return re.escape(ch.encode()).decode("latin-1")
    return "(?:" + "|".join(re.escape(v.encode()).decode("latin-1") for v in sorted(variants)) + ")"


_FULLWIDTH_BYTES = re.compile(rb"\xef\xbc[\x90-\x99\xa1-\xba]|\xef\xbd[\x81-\x9a]")  # in UTF-8


@dataclass(slots=True)
class _BytesTerm:
    plain: bytes | None  # counted with bytes.count (in the lower-cased bytes if `lower`)
    lower: bool  # the term has ASCII letters: count in text.lower() (bytes.lower folds ASCII only)
    pattern: re.Pattern[bytes] | None  # the exact variants (full width; other cases; whitespace runs)

    def count(self, text: bytes) -> int:
        """The term's occurrences; for an ASCII term the plain count when there is one (a prefix that also
        holds full-width forms of it is undercounted: looking for them costs more than the count), else the
        regex's when the prefix has full-width letters or digits at all."""
        if self.plain is not None:
            # lower and upper case first (bytes.lower on every prefix would cost more than the counts)
            found = text.count(self.plain) + (text.count(self.plain.upper()) if self.lower else 0)
            if found or self.pattern is None:
                return found
            found = text.lower().count(self.plain) if self.lower else 0  # mixed case
            if found or _FULLWIDTH_BYTES.search(text) is None:
                return found
        return sum(1 for _ in self.pattern.finditer(text)) if self.pattern is not None else 0


@lru_cache(maxsize=256)
def _term_bytes(term: str) -> _BytesTerm | None:
    found = _term(term)
    if found is None:
        return None
    if found.plain is not None:
        return _BytesTerm(found.plain.encode(), False, None)
    folded = _fold(normalise(term))
    parts = folded.split()
    source = _WHITESPACE_BYTES.decode("latin-1").join("".join(map(_byte_variants, part)) for part in parts)
    pattern = re.compile(source.encode("latin-1"))
    # one part of ASCII letters/digits and uncased characters: a plain count unless full-width forms occur
    if len(parts) == 1 and all(ch.isascii() or (ch.upper() == ch and ch.lower() == ch) for ch in folded):
        return _BytesTerm(folded.encode(), any("a" <= ch <= "z" for ch in folded), pattern)
    return _BytesTerm(None, False, pattern)


def rank_scores_bytes(docs: list[tuple[int, str, bytes]], query: ParsedQuery) -> dict[int, float]:
    """rank_scores over (doc_id, title, UTF-8 text prefix) triples, counting in the bytes (no decoding)."""
    if not docs:
        return {}
    terms = [(term, counter) for t in query.terms[:MAX_TERMS]
             if (term := _term(t)) is not None and (counter := _term_bytes(t)) is not None]
    average = sum(len(text) for _i, _t, text in docs) / len(docs) or 1.0
    scores: dict[int, float] = {}
    for doc_id, title, text in docs:
        norm = _K1 * (1.0 - _B + _B * len(text) / average)
        score = 0.0
        for term, counter in terms:
            tf = TITLE_WEIGHT * _count(title, term) + counter.count(text)
            score += tf * (_K1 + 1.0) / (tf + norm) if tf else 0.0
        scores[doc_id] = score
    return scores


def rank_scores(docs: list[tuple[int, str, str]], query: str | ParsedQuery) -> dict[int, float]:
    """BM25-like scores (higher is better) of (doc_id, title, text) triples for the query's terms."""
    terms = _terms(query)
    if not docs:
        return {}
    average = sum(len(text) for _i, _t, text in docs) / len(docs) or 1.0
    scores: dict[int, float] = {}
    for doc_id, title, text in docs:
        norm = _K1 * (1.0 - _B + _B * len(text) / average)
        score = 0.0
        for term in terms:
            tf = TITLE_WEIGHT * _count(title, term) + _count(text, term)
            score += tf * (_K1 + 1.0) / (tf + norm) if tf else 0.0
        scores[doc_id] = score
    return scores
