"""core.reuse.signature against its definition, clause by clause: the whole-text cutting, the batched
masking and hashing and the index keys must give exactly what cutting and hashing one clause at a time gives
(the signature is stored and compared across archives)."""

from __future__ import annotations

import random
import re

import pytest

from core import reuse, reuse_text
from core.reuse_model import KEYS_PER_PARAGRAPH, MIN_KEY_CHARS
from tests.conftest import SAMPLES


def _clauses_by_definition(text: str) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """Each paragraph cut after each clause end; a piece of fewer than MIN_CLAUSE_CHARS letters and digits
    glued to the next one, short ones at the end onto the last clause; key = _hash(mask(normalise(clause)))."""
    starts: list[int] = []
    ends: list[int] = []
    paras: list[int] = []
    keys: list[int] = []
    sizes: list[int] = []
    for index, (start, end) in enumerate(reuse.paragraphs_of(text)):
        pieces: list[tuple[int, int]] = []
        pending = start
        for match in reuse_text._CLAUSE_END.finditer(text, start, end):
            pieces.append((pending, match.end()))
            pending = match.end()
        if pending < end:
            pieces.append((pending, end))
        merged: list[tuple[int, int]] = []
        carry: int | None = None
        for piece_start, b in pieces:
            a = piece_start if carry is None else carry
            if len(reuse.normalise(text[a:b])) < reuse.MIN_CLAUSE_CHARS:
                carry = a
                continue
            merged.append((a, b))
            carry = None
        if carry is not None:
            if merged:
                merged[-1] = (merged[-1][0], end)
            elif reuse.normalise(text[carry:end]):
                merged.append((carry, end))
        for a, b in merged:
            norm = reuse.normalise(text[a:b])
            starts.append(a)
            ends.append(b)
            paras.append(index)
            keys.append(reuse_text._hash(reuse.mask(norm)))
            sizes.append(len(norm))
    return starts, ends, paras, keys, sizes


def _index_keys_by_definition(paras: list[int], keys: list[int], sizes: list[int]) -> set[int]:
    out: set[int] = set()
    for para in set(paras):
        found = sorted({k for p, k, s in zip(paras, keys, sizes, strict=True) if p == para and s >= MIN_KEY_CHARS})
        out.update(found[:KEYS_PER_PARAGRAPH])
    return out


_ALPHABET = [
    *"政府信息公开年度报告工作，,。；;！!？?：:、（）《》“” \n\t\u3000_-—.1234567890０１２ＡａabcΣςİ#%",
    "\U0001f600", "\U00020000", "\ufffe", "\ue000", "\u200b", "\x00", "\x85", "\u2028", "①", "²",
]


def _texts() -> list[str]:
    rng = random.Random(20)
    out = ["", " ", "\n\n", "，", "一、", "同时，", "政府" * 700, ("公开工作情况。" * 120) + "\n" + ("办理 依申请公开，" * 90),
           "一、总体情况\n 2022年，本机关共收到申请95件，1，000元；同时，办理答复。\n\n二、", "a_b，c__d：1.5万；"]
    out += ["".join(rng.choice(_ALPHABET) for _ in range(rng.choice([3, 20, 80, 400, 1500]))) for _ in range(300)]
    out += [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))[:6]]
    return out


@pytest.mark.parametrize("text", _texts())
def test_signature_is_its_definition(text: str) -> None:
    sig = reuse.signature(text)
    starts, ends, paras, keys, sizes = _clauses_by_definition(text)
    assert (sig.starts, sig.ends, sig.paras, sig.keys_, sig.sizes) == (starts, ends, paras, keys, sizes)
    assert sig.paragraphs == reuse.paragraphs_of(text)
    assert [list(r) for r in sig.para_clauses] == [
        [n for n, p in enumerate(paras) if p == index] for index in range(len(sig.paragraphs))]
    assert sig.index_keys() == _index_keys_by_definition(paras, keys, sizes)
    encoded, index_keys = reuse.prepare(text)
    assert index_keys == sorted(_index_keys_by_definition(paras, keys, sizes))
    assert reuse.decode_signature(encoded) == sig


def test_pieces_fall_back_where_two_paragraphs_touch_without_a_clause_end() -> None:
    text = "甲乙丙丁戊己，庚辛壬癸子丑"
    paragraphs = [(0, 3), (3, 7), (7, 14)]  # paragraphs_of never cuts so: no room for the clause end
    assert reuse_text._pieces(text, paragraphs) == reuse_text._pieces_by_paragraph(text, paragraphs) == (
        [0, 3, 7], [3, 7, 14], ["甲乙丙", "丁戊己", "庚辛壬癸子丑"], [1, 1, 1])


def test_the_bmp_sets_are_the_categories_for_every_bmp_character() -> None:
    bmp = "".join(chr(c) for c in range(0x10000))
    assert reuse_text._bmp_strip().sub("", bmp) == reuse_text._NOT_WORD_KEEP_END.sub("", bmp).replace("_", "")
    assert reuse_text._bmp_digits().sub("#", bmp) == re.sub(r"\d+", "#", bmp)
    assert reuse_text._in_bmp(bmp) and not reuse_text._in_bmp("政\U00020000")
