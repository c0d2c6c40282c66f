"""Text reuse's view of a text (core.reuse): paragraphs, clauses and their keys — the signature — and its
stored encoding. See core/reuse.py for what the keys are used for.

A document is cut into paragraphs (lines; a line holding several glued paragraphs is cut at the single space
cleaning left between them; very long ones at sentence ends) and each paragraph into clauses (at ，。；！？：);
a clause's key is a 64-bit hash of its letters and digits with every digit run masked. The signature is stored
and compared across archives: its clauses, keys and encoding must never change (ALGORITHM_VERSION otherwise).
"""

from __future__ import annotations

import hashlib
import operator
import re
import sys
from array import array
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, chain, repeat
from typing import Any

from core.reuse_model import Signature
from core.search import bmp_char_set

# Clauses shorter than this (letters and digits) are glued to the next one ("一、", "同时，").
MIN_CLAUSE_CHARS = 4
# Lines longer than this are cut at sentence ends into paragraphs of about this size.
LONG_PARAGRAPH = 600

_CLAUSE_END_CHARS = "，,。；;！!？?：:"
_CLAUSE_END = re.compile(f"[{_CLAUSE_END_CHARS}]")
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_NOT_WORD = re.compile(r"[\W_]+")
# What _NOT_WORD removes except the clause ends (split at afterwards) and "_" (a word character for the
# regex: removed with str.replace).
_NOT_WORD_KEEP_END = re.compile(rf"[^\w{_CLAUSE_END_CHARS}]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
# A single space between two non-ASCII characters is where cleaning joined two glued paragraphs.
_GLUE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


# ---------------------------------------------------------------------------------------------- text


_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # the clause hash, before any data
_copy = operator.methodcaller("copy")


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: lines, glued paragraphs split, very long lines cut at sentence ends."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if " " in line:  # a glue is a space: only such lines are searched for one
            pieces: list[tuple[int, int]] = []
            last = 0
            for match in _GLUE.finditer(line):
                pieces.append((last, match.start()))
                last = match.end()
            pieces.append((last, len(line)))
        else:
            pieces = [(0, len(line))]
        for a, b in pieces:
            chunk = line[a:b] if len(pieces) > 1 else line
            body = chunk.lstrip()
            lead = len(chunk) - len(body)
            size = len(body.rstrip())
            if not size:
                continue
            start = pos + a + lead
            if size <= LONG_PARAGRAPH:
                spans.append((start, start + size))
            else:
                spans.extend(_cut_long(text, start, start + size))
        pos += len(line) + 1
    return spans


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= LONG_PARAGRAPH:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    piece = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() - piece >= LONG_PARAGRAPH // 2:
            out.append((piece, match.end()))
            piece = match.end()
    if piece < end:
        if out and end - piece < LONG_PARAGRAPH // 6:
            out[-1] = (out[-1][0], end)
        else:
            out.append((piece, end))
    return out


def normalise(text: str) -> str:
    """Letters and digits only (punctuation and spaces out), as the clause hashes see them."""
    return _NOT_WORD.sub("", text)


def mask(norm: str) -> str:
    return _DIGITS.sub("#", norm)


def signature(text: str) -> Signature:
    """Paragraphs and clauses of a stored text, with their hashes.

    The same clauses and keys as cutting each paragraph after each clause end and hashing `mask(normalise(…))`
    of each clause, with the work done over the whole text at once instead of clause by clause (see
    `_pieces`); short pieces are glued on only in the paragraphs that have some; the digit masking and the
    UTF-8 encoding run once over all clauses joined by newlines (never a letter or digit).
    """
    paragraphs = paragraphs_of(text)
    bmp = _in_bmp(text)  # no character beyond the BMP: the explicit regex sets apply
    starts, ends, norms, counts = _pieces(text, paragraphs, bmp)
    if norms and min(map(len, norms)) < MIN_CLAUSE_CHARS:
        starts, ends, norms, counts = _glue_all(starts, ends, norms, counts)
    paras = list(chain.from_iterable(map(repeat, range(len(paragraphs)), counts)))
    bounds = list(accumulate(counts, initial=0))
    para_clauses = list(map(range, bounds[:-1], bounds[1:]))
    keys: list[int] = []
    if norms:
        joined = "\n".join(norms)  # no "." left: _DIGITS is a run of digits here
        masked = (_bmp_digits() if bmp else _DIGITS).sub("#", joined).encode("utf-8").split(b"\n")
        hashers = list(map(_copy, repeat(_BLAKE2B_8, len(masked))))  # cheaper than new ones with options
        list(map(hashlib.blake2b.update, hashers, masked))
        digests = array("q")
        digests.frombytes(b"".join(map(hashlib.blake2b.digest, hashers)))
        if sys.byteorder == "little":
            digests.byteswap()  # the digests are big-endian signed 64-bit numbers
        keys = digests.tolist()
    return Signature(paragraphs, starts, ends, paras, keys, list(map(len, norms)), para_clauses)


def _pieces(text: str, paragraphs: list[tuple[int, int]], bmp: bool | None = None,
            ) -> tuple[list[int], list[int], list[str], list[int]]:
    """Starts, ends and letters and digits of the clause pieces (a paragraph cut after each clause end), and
    the number of pieces of each paragraph.

    Over the whole text at once: the clause ends become one character, and what lies between paragraphs
    (whitespace) becomes spaces, the first of them a clause end after a paragraph that ends without one. In
    that text of the same length one str.split finds every piece (a gap's spaces go with the next
    paragraph's first piece) and one regex pass (keeping the clause ends) and a split their letters and
    digits; the offsets are the running sum of the pieces' lengths, set right at each paragraph's ends.
    """
    mark = _CLAUSE_END_CHARS[0]
    if not paragraphs:
        return [], [], [], []
    unified = text
    for ch in _CLAUSE_END_CHARS[1:]:
        unified = unified.replace(ch, mark)  # one for one: offsets hold
    fills: list[str] = []
    raws: list[str] = []
    counts: list[int] = []
    previous_end = 0
    open_end = False  # the previous paragraph ends without a clause end
    for start, end in paragraphs:
        gap = start - previous_end
        if open_end:
            if not gap:
                return _pieces_by_paragraph(text, paragraphs)  # no room for the clause end (never so)
            fills.append(mark + " " * (gap - 1))
        else:
            fills.append(" " * gap)
        raw = unified[start:end]
        raws.append(raw)
        open_end = raw[-1] != mark
        counts.append(raw.count(mark) + open_end)
        previous_end = end
    fills.append(mark if open_end else "")
    filled = "".join(chain.from_iterable(zip(fills, [*raws, ""], strict=True)))
    total = sum(counts)
    parts = filled.replace(mark, mark + "\n").split("\n")
    where = list(accumulate(map(len, parts[:total]), initial=0))
    stripped = (_bmp_strip() if (_in_bmp(text) if bmp is None else bmp) else _NOT_WORD_KEEP_END).sub("", filled)
    if "_" in stripped:
        stripped = stripped.replace("_", "")
    norms = stripped.split(mark, total)[:total]
    starts = where[:-1]
    ends = where[1:]
    first = 0
    for count, (start, end) in zip(counts, paragraphs, strict=True):
        starts[first] = start  # not at the gap's spaces before it
        first += count
        ends[first - 1] = end  # not after the clause end put in the gap
    return starts, ends, norms, counts


def _pieces_by_paragraph(text: str, paragraphs: list[tuple[int, int]],
                         ) -> tuple[list[int], list[int], list[str], list[int]]:
    """`_pieces`, one paragraph and one piece at a time."""
    starts: list[int] = []
    ends: list[int] = []
    norms: list[str] = []
    counts: list[int] = []
    for start, end in paragraphs:
        before = len(starts)
        pending = start
        for match in _CLAUSE_END.finditer(text, start, end):
            starts.append(pending)
            ends.append(match.end())
            norms.append(normalise(text[pending : match.end()]))
            pending = match.end()
        if pending < end:
            starts.append(pending)
            ends.append(end)
            norms.append(normalise(text[pending:end]))
        counts.append(len(starts) - before)
    return starts, ends, norms, counts


def _in_bmp(text: str) -> bool:
    """No character beyond the BMP (two UTF-16 bytes each): the explicit regex sets apply."""
    return len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


@lru_cache(maxsize=1)
def _bmp_strip() -> re.Pattern[str]:
    """_NOT_WORD_KEEP_END and "_" for BMP text, as an explicit set (search.bmp_char_set; built on first use)."""
    return re.compile(bmp_char_set(rf"[^\w{_CLAUSE_END_CHARS}]|_") + "+")


@lru_cache(maxsize=1)
def _bmp_digits() -> re.Pattern[str]:
    """Runs of \\d (str.isdecimal) for BMP text, as an explicit set."""
    return re.compile(bmp_char_set(r"\d") + "+")


def _glue_all(starts: list[int], ends: list[int], piece_norms: list[str],
              counts: list[int]) -> tuple[list[int], list[int], list[str], list[int]]:
    """The clauses from the pieces (paragraph by paragraph, `counts` of them) where some are short: only the
    paragraphs holding a short piece are glued (`_glue_short`), the others' pieces are their clauses."""
    bounds = list(accumulate(counts, initial=0))
    sizes = list(map(len, piece_norms))
    owners = [bisect_right(bounds, piece) - 1 for piece, size in enumerate(sizes) if size < MIN_CLAUSE_CHARS]
    short = sorted(set(owners))
    out_starts: list[int] = []
    out_ends: list[int] = []
    out_norms: list[str] = []
    out_counts = list(counts)
    done = 0
    for para in short:
        a, b = bounds[para], bounds[para + 1]
        out_starts += starts[done:a]
        out_ends += ends[done:a]
        out_norms += piece_norms[done:a]
        before = len(out_starts)
        _glue_short([*starts[a:b], ends[b - 1]], piece_norms[a:b], out_starts, out_ends, out_norms)
        out_counts[para] = len(out_starts) - before
        done = b
    out_starts += starts[done:]
    out_ends += ends[done:]
    out_norms += piece_norms[done:]
    return out_starts, out_ends, out_norms, out_counts


def _glue_short(offsets: list[int], piece_norms: list[str], starts: list[int], ends: list[int],
                norms: list[str]) -> None:
    """The clauses of a paragraph with short pieces: a piece of fewer than MIN_CLAUSE_CHARS letters and digits
    is glued to the next one ("一、", "同时，"); short ones at the end go onto the last clause (or make one)."""
    first = len(starts)
    carry: int | None = None
    carried = ""
    for i, piece_norm in enumerate(piece_norms):
        norm = piece_norm if carry is None else carried + piece_norm
        if len(norm) < MIN_CLAUSE_CHARS:
            if carry is None:
                carry = offsets[i]
            carried = norm
            continue
        starts.append(offsets[i] if carry is None else carry)
        ends.append(offsets[i + 1])
        norms.append(norm)
        carry = None
    if carry is not None:
        if len(starts) > first:
            ends[-1] = offsets[-1]
            norms[-1] += carried
        elif carried:
            starts.append(carry)
            ends.append(offsets[-1])
            norms.append(carried)


_SIG_VERSION = 1


def encode_signature(sig: Signature) -> bytes:
    """Compact form kept in reuse_signatures (about a third of the text's UTF-8 size)."""
    paras = array("I", chain.from_iterable(sig.paragraphs))
    starts = array("I", sig.starts)
    if len(sig.ends) != len(starts):
        raise ValueError("signature: starts and ends differ in length")
    lengths = array("I", map(operator.sub, sig.ends, sig.starts))
    owner = array("I", sig.paras)
    sizes = array("I", sig.sizes)
    keys = array("q", sig.keys_)
    head = array("I", [_SIG_VERSION, len(sig.paragraphs), len(sig)])
    return b"".join(a.tobytes() for a in (head, paras, starts, lengths, owner, sizes, keys))


def decode_signature(data: bytes) -> Signature | None:
    """None for a blob of another version (recomputed from the text)."""
    head = array("I")
    head.frombytes(data[:12])
    if head[0] != _SIG_VERSION:
        return None
    n_para, n = head[1], head[2]
    pos = 12

    def take(code: str, count: int) -> array[Any]:
        nonlocal pos
        out = array(code)
        size = out.itemsize * count
        out.frombytes(data[pos : pos + size])
        pos += size
        return out

    paras = take("I", 2 * n_para)
    starts, lengths, owner, sizes = take("I", n), take("I", n), take("I", n), take("I", n)
    keys = take("q", n)
    start_list = starts.tolist()
    end_list = [s + ln for s, ln in zip(start_list, lengths.tolist(), strict=True)]
    owner_list = owner.tolist()
    flat = paras.tolist()
    paragraphs = [(flat[2 * i], flat[2 * i + 1]) for i in range(n_para)]
    para_clauses: list[range] = []
    index = 0
    for i in range(n_para):
        first = index
        while index < n and owner_list[index] == i:
            index += 1
        para_clauses.append(range(first, index))
    return Signature(paragraphs, start_list, end_list, owner_list, keys.tolist(), sizes.tolist(), para_clauses)
