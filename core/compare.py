"""Align two reports part by part and paragraph by paragraph, diff aligned paragraphs, pair their figures."""

from __future__ import annotations

import difflib
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from core import domain
from core.compare_figures import (
    FIGURE_HEADERS,
    FigureRow,
    compare_figures,
    fact_group,
    fact_label,
    figure_matrix,
    figure_tsv,
    format_diff,
    format_fact,
    format_number,
    format_pct,
    signed_value,
    split_unit,
)
from core.models import Analysis, Section

# The figures part lives in core.compare_figures; these names stay importable from here.
__all__ = [
    "FIGURE_HEADERS",
    "Comparison",
    "FigureRow",
    "compare",
    "compare_figures",
    "fact_group",
    "fact_label",
    "figure_matrix",
    "figure_tsv",
    "format_diff",
    "format_fact",
    "format_number",
    "format_pct",
    "signed_value",
    "split_unit",
]

# Names of the five required parts: core.domain's (the outline shows the same words as the table and Excel).
REQUIRED_PART_NAMES: dict[int, str] = domain.PART_NAMES

# Parts and paragraphs are compared by tf-idf cosine of character bigrams (parts: plus heading
# bigram Jaccard); pairs reaching these may be aligned (alignment keeps the order, maximising the sum).
PART_MATCH_THRESHOLD = 0.08
PARAGRAPH_MATCH_THRESHOLD = 0.15
# Character-level diff only when len(a) * len(b) stays under this; longer pairs are first
# diffed sentence by sentence (SequenceMatcher is roughly quadratic in the worst case).
CHAR_DIFF_LIMIT = 1_500_000
# Equal runs shorter than this between two changes are shown as part of the change (phrase level).
MIN_EQUAL_RUN = 2
# A paragraph pair sharing less than this share of characters is shown as rewritten as a whole.
MIN_KEPT_SHARE = 0.35

_HEADING_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十百零〇\d]+[)）]?[、.．]?\s*")
_TOP_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[。；;！!？?]")



# ---------------------------------------------------------------------------------------------- data


@dataclass(slots=True)
class Paragraph:
    """A non-empty line of the cleaned text; `text[start:end]` is the line without surrounding blanks."""

    start: int
    end: int
    part: int  # index into the side's parts


@dataclass(slots=True)
class Part:
    """A top-level part of one document (index 0 is the text before the first heading)."""

    label: str  # heading as shown, with its number
    heading: str  # heading words only
    required: int | None  # 1..5 when it is one of the required parts
    start: int
    end: int
    first_paragraph: int = 0
    end_paragraph: int = 0  # exclusive


@dataclass(slots=True)
class PartPair:
    a: int | None  # index into Comparison.parts_a
    b: int | None
    required: int | None
    score: float

    @property
    def matched(self) -> bool:
        return self.a is not None and self.b is not None


@dataclass(slots=True)
class ParagraphPair:
    a: int
    b: int
    similarity: float
    identical: bool
    changes_a: list[tuple[int, int]] = field(default_factory=list)  # offsets into the paragraph
    changes_b: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Comparison:
    text_a: str
    text_b: str
    paragraphs_a: list[Paragraph]
    paragraphs_b: list[Paragraph]
    parts_a: list[Part]
    parts_b: list[Part]
    part_pairs: list[PartPair]  # outline order
    pairs: list[ParagraphPair]  # aligned paragraphs, in A's order
    match_a: list[int | None]  # paragraph of B aligned with paragraph i of A
    match_b: list[int | None]
    a_to_b: list[int]  # where B should be when A's top paragraph is i (for synchronised scrolling)
    b_to_a: list[int]
    figures: list[FigureRow]
    seconds: float = 0.0
    pair_by_a: dict[int, int] = field(default_factory=dict)  # paragraph of A → index into pairs
    pair_by_b: dict[int, int] = field(default_factory=dict)
    moved: list[ParagraphPair] = field(default_factory=list)  # unaligned paragraphs found elsewhere (find_moved)

    def __post_init__(self) -> None:
        self.pair_by_a = {p.a: n for n, p in enumerate(self.pairs)}
        self.pair_by_b = {p.b: n for n, p in enumerate(self.pairs)}

    def paragraph_text(self, side: str, index: int) -> str:
        para = (self.paragraphs_a if side == "a" else self.paragraphs_b)[index]
        return (self.text_a if side == "a" else self.text_b)[para.start : para.end]

    def moved_of(self, side: str, index: int) -> ParagraphPair | None:
        """The moved pair holding paragraph `index` of `side`, if it was moved (not deleted + added)."""
        for pair in self.moved:
            if (pair.a if side == "a" else pair.b) == index:
                return pair
        return None

    def pair_of(self, side: str, index: int) -> ParagraphPair | None:
        pos = (self.pair_by_a if side == "a" else self.pair_by_b).get(index)
        return None if pos is None else self.pairs[pos]


# ---------------------------------------------------------------------------------------------- text


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of `text`, leading/trailing blanks (also U+3000) excluded."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped_left = len(line) - len(line.lstrip())
        body = line.strip()
        if body:
            start = pos + stripped_left
            spans.append((start, start + len(body)))
        pos += len(line) + 1
    return spans


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the letters/digits of `text` (digits folded so that years do not count)."""
    chars = "".join(ch for ch in _DIGITS.sub("#", text) if ch.isalnum() or ch == "#")
    if len(chars) < 2:
        return frozenset(chars)
    return frozenset(chars[i : i + 2] for i in range(len(chars) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _bigram_counts(text: str) -> Counter[str]:
    chars = "".join(ch for ch in _DIGITS.sub("#", text) if ch.isalnum() or ch == "#")
    return Counter(chars[i : i + 2] for i in range(len(chars) - 1))


def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """Unit tf-idf vectors of character bigrams; the idf is over `texts` (both documents' blocks)."""
    return _tfidf([_bigram_counts(t) for t in texts])


def _tfidf(counts: Sequence[Counter[str]]) -> list[dict[str, float]]:
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    total = len(counts) + 1
    idf = {g: math.log(total / n) for g, n in df.items()}
    vectors: list[dict[str, float]] = []
    for c in counts:
        vec = {g: n * idf[g] for g, n in c.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        scale = 1.0 / norm
        vectors.append({g: x * scale for g, x in vec.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(a[g] * b[g] for g in a.keys() & b.keys())


def _heading_words(heading: str) -> str:
    return _HEADING_NUMBER.sub("", unicodedata.normalize("NFKC", heading)).strip()


# ---------------------------------------------------------------------------------------------- parts


def _top_sections(text: str, sections: Sequence[Section]) -> list[Section]:
    if sections:
        top_level = min(s.level for s in sections)
        tops = [s for s in sections if s.level == top_level or s.part is not None]
        tops.sort(key=lambda s: s.start)
        return tops
    # No outline from the analysis: top-level headings "一、…" at the start of a line.
    found: list[Section] = []
    for start, end in split_paragraphs(text):
        line = text[start:end]
        match = _TOP_HEADING.match(line)
        if match:
            head = line[: min(len(line), 60)]
            cut = _SENTENCE_END.search(head)
            head = head[: cut.start()] if cut else head
            found.append(Section(1, match.group(0)[:-1], head, None, start, end))
    return found


def _build_parts(text: str, sections: Sequence[Section]) -> list[Part]:
    tops = _top_sections(text, sections)
    parts = [Part("（开头）", "", None, 0, tops[0].start if tops else len(text))]
    for n, sec in enumerate(tops):
        end = tops[n + 1].start if n + 1 < len(tops) else len(text)
        if end <= sec.start:
            continue
        words = _heading_words(sec.heading)
        label = sec.heading if sec.heading.startswith(sec.number) else f"{sec.number}、{sec.heading}"
        parts.append(Part(label.strip()[:60], words, sec.part, sec.start, end))
    return parts


def _assign_paragraphs(spans: list[tuple[int, int]], parts: list[Part]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    part = 0
    for start, end in spans:
        while part + 1 < len(parts) and parts[part + 1].start <= start:
            part += 1
        paragraphs.append(Paragraph(start, end, part))
    index = 0
    for n, p in enumerate(parts):
        while index < len(paragraphs) and paragraphs[index].part < n:
            index += 1
        p.first_paragraph = index
        while index < len(paragraphs) and paragraphs[index].part == n:
            index += 1
        p.end_paragraph = index
    return paragraphs


def _match_parts(
    parts_a: list[Part], counts_a: list[Counter[str]], parts_b: list[Part], counts_b: list[Counter[str]],
    *, trust_parts: bool,
) -> list[PartPair]:
    """Required parts by number first, then the other headings by heading and body similarity.

    With `trust_parts` (both are 法治政府建设 reports) equal part numbers pair up whatever the order
    (one real report puts part 3 first); otherwise an equal part number only adds to the similarity,
    because the extractor's part guesses on minutes and work reports are loose.
    """
    pair_of_a: dict[int, PartPair] = {0: PartPair(0, 0, None, 1.0)}
    used_b = {0}
    if trust_parts:
        by_required_b = {p.required: j for j, p in enumerate(parts_b) if p.required is not None}
        for i, part in enumerate(parts_a):
            if i == 0 or part.required is None:
                continue
            j = by_required_b.get(part.required)
            if j is not None and j not in used_b:
                pair_of_a[i] = PartPair(i, j, part.required, 1.0)
                used_b.add(j)
    rest_a = [i for i in range(len(parts_a)) if i not in pair_of_a]
    rest_b = [j for j in range(len(parts_b)) if j not in used_b]
    vectors = _tfidf([*counts_a, *counts_b])
    vec_a, vec_b = vectors[: len(parts_a)], vectors[len(parts_a) :]
    heads_a = [bigrams(p.heading) for p in parts_a]
    heads_b = [bigrams(p.heading) for p in parts_b]

    def score(i: int, j: int) -> float:
        bonus = 0.3 if parts_a[i].required is not None and parts_a[i].required == parts_b[j].required else 0.0
        return bonus + 0.4 * jaccard(heads_a[i], heads_b[j]) + 0.6 * cosine(vec_a[i], vec_b[j])

    sim = [[score(i, j) for j in rest_b] for i in rest_a]
    for i, j, s in _monotone_alignment(sim, PART_MATCH_THRESHOLD):
        required = parts_a[rest_a[i]].required
        same = required if required is not None and required == parts_b[rest_b[j]].required else None
        pair_of_a[rest_a[i]] = PartPair(rest_a[i], rest_b[j], same, round(min(s, 1.0), 3))
        used_b.add(rest_b[j])
    # Outline order: A's parts in order, each B-only part after the pair holding its predecessor.
    order: list[PartPair] = [pair_of_a.get(i, PartPair(i, None, parts_a[i].required, 0.0)) for i in range(len(parts_a))]
    for j, part in enumerate(parts_b):
        if j in used_b:
            continue
        pos = 0
        for n, pair in enumerate(order):
            if pair.b is not None and pair.b < j:
                pos = n + 1
        order.insert(pos, PartPair(None, j, part.required, 0.0))
    return order


# ---------------------------------------------------------------------------------------------- paragraphs


def _monotone_alignment(sim: list[list[float]], threshold: float) -> list[tuple[int, int, float]]:
    """Pairs (i, j, s) maximising the summed similarity s ≥ threshold, order kept on both sides."""
    n = len(sim)
    m = len(sim[0]) if n else 0
    if not n or not m:
        return []
    gain = [[s if s >= threshold else 0.0 for s in row] for row in sim]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below, gain_i = score[i], score[i + 1], gain[i]
        for j in range(m - 1, -1, -1):
            best = max(below[j], row[j + 1])
            if gain_i[j] > 0.0:
                best = max(best, gain_i[j] + below[j + 1])
            row[j] = best
    out: list[tuple[int, int, float]] = []
    i = j = 0
    while i < n and j < m:
        if gain[i][j] > 0.0 and score[i][j] == gain[i][j] + score[i + 1][j + 1]:
            out.append((i, j, min(1.0, sim[i][j])))
            i += 1
            j += 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _part_counts(parts: list[Part], paragraph_counts: list[Counter[str]]) -> list[Counter[str]]:
    out: list[Counter[str]] = []
    for part in parts:
        total: Counter[str] = Counter()
        for i in range(part.first_paragraph, part.end_paragraph):
            total.update(paragraph_counts[i])
        out.append(total)
    return out


def _unique_copies(ra: range, rb: range, texts_a: list[str], texts_b: list[str]) -> list[tuple[int, int]]:
    """Paragraphs occurring exactly once on each side, identical: the longest chain kept in order on both."""
    count_a: dict[str, int] = {}
    count_b: dict[str, int] = {}
    for i in ra:
        count_a[texts_a[i]] = count_a.get(texts_a[i], 0) + 1
    where_b: dict[str, int] = {}
    for j in rb:
        count_b[texts_b[j]] = count_b.get(texts_b[j], 0) + 1
        where_b[texts_b[j]] = j
    pairs = [(i, where_b[texts_a[i]]) for i in ra if count_a[texts_a[i]] == 1 and count_b.get(texts_a[i]) == 1]
    # Longest increasing subsequence on j (patience sorting), so the anchors never cross.
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < j:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(j)
            tail_index.append(n)
        else:
            tails[lo] = j
            tail_index[lo] = n
        previous[n] = tail_index[lo - 1] if lo else -1
    chain: list[tuple[int, int]] = []
    n = tail_index[-1] if tail_index else -1
    while n != -1:
        chain.append(pairs[n])
        n = previous[n]
    return chain[::-1]


def _align_paragraphs(
    ra: range, rb: range, texts_a: list[str], texts_b: list[str],
    *, vec_a: list[dict[str, float]], vec_b: list[dict[str, float]],
) -> list[tuple[int, int, float]]:
    """Aligned paragraph pairs of two matched parts: unique identical copies anchor the alignment,
    the stretches between anchors are aligned by similarity (keeps big near-identical reports fast)."""
    out: list[tuple[int, int, float]] = []
    anchors = _unique_copies(ra, rb, texts_a, texts_b)
    start_a, start_b = ra.start, rb.start
    for stop_a, stop_b in [*anchors, (ra.stop, rb.stop)]:
        gap_a, gap_b = range(start_a, stop_a), range(start_b, stop_b)
        if gap_a and gap_b:
            sim = [
                [1.0 + 1e-6 if texts_a[i] == texts_b[j] else cosine(vec_a[i], vec_b[j]) for j in gap_b]
                for i in gap_a
            ]
            for i, j, s in _monotone_alignment(sim, PARAGRAPH_MATCH_THRESHOLD):
                out.append((gap_a[i], gap_b[j], s))
        if stop_a < ra.stop:
            out.append((stop_a, stop_b, 1.0))
        start_a, start_b = stop_a + 1, stop_b + 1
    return out


def _anchors(
    match: list[int | None], parts: list[Part], part_target: dict[int, int | None], other_parts: list[Part],
    *, other_count: int,
) -> list[int]:
    """For every paragraph, the paragraph of the other side to show at the top (monotone fill-in)."""
    anchors = [0] * len(match)
    last = 0
    for p_index, part in enumerate(parts):
        target = part_target.get(p_index)
        prev_i: int | None = None
        prev_j: int | None = None
        for i in range(part.first_paragraph, part.end_paragraph):
            j = match[i]
            if j is not None:
                anchors[i] = j
                prev_i, prev_j = i, j
            elif prev_i is not None and prev_j is not None:
                anchors[i] = prev_j + (i - prev_i)
                nxt = next((match[k] for k in range(i + 1, part.end_paragraph) if match[k] is not None), None)
                if nxt is not None:
                    anchors[i] = min(anchors[i], nxt)
                elif target is not None:
                    anchors[i] = min(anchors[i], max(other_parts[target].end_paragraph - 1, 0))
            elif target is not None:
                anchors[i] = other_parts[target].first_paragraph
            else:
                anchors[i] = last
            anchors[i] = max(0, min(anchors[i], other_count - 1))
            last = anchors[i]
    return anchors


# ---------------------------------------------------------------------------------------------- diff


def _spans_from_opcodes(
    opcodes: Sequence[tuple[str, int, int, int, int]], offset_a: int = 0, offset_b: int = 0
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    changes_a: list[tuple[int, int]] = []
    changes_b: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if i2 > i1:
            changes_a.append((i1 + offset_a, i2 + offset_a))
        if j2 > j1:
            changes_b.append((j1 + offset_b, j2 + offset_b))
    return changes_a, changes_b


def _merge_spans(spans: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def diff_paragraph(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Changed character spans of two aligned paragraphs (phrase level: tiny equal runs merged in).

    Character-level SequenceMatcher (autojunk off) on the paragraph pair; pairs too long for that
    are diffed sentence by sentence first, then character by character inside replaced sentences.
    """
    if a == b:
        return [], []
    if len(a) * len(b) <= CHAR_DIFF_LIMIT:
        ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        changes_a, changes_b = _spans_from_opcodes(ops)
    else:
        sa, sb = _sentences(a), _sentences(b)
        words_a = [a[s:e] for s, e in sa]
        words_b = [b[s:e] for s, e in sb]
        changes_a, changes_b = [], []
        matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            a_start = sa[i1][0] if i2 > i1 else (sa[i1][0] if i1 < len(sa) else len(a))
            a_end = sa[i2 - 1][1] if i2 > i1 else a_start
            b_start = sb[j1][0] if j2 > j1 else (sb[j1][0] if j1 < len(sb) else len(b))
            b_end = sb[j2 - 1][1] if j2 > j1 else b_start
            if tag == "replace" and (a_end - a_start) * (b_end - b_start) <= CHAR_DIFF_LIMIT:
                inner = difflib.SequenceMatcher(None, a[a_start:a_end], b[b_start:b_end], autojunk=False)
                ca, cb = _spans_from_opcodes(inner.get_opcodes(), a_start, b_start)
                changes_a.extend(ca)
                changes_b.extend(cb)
            else:
                if a_end > a_start:
                    changes_a.append((a_start, a_end))
                if b_end > b_start:
                    changes_b.append((b_start, b_end))
    changes_a, changes_b = _merge_spans(changes_a, MIN_EQUAL_RUN), _merge_spans(changes_b, MIN_EQUAL_RUN)
    kept = len(a) - sum(e - s for s, e in changes_a)
    if kept < MIN_KEPT_SHARE * max(len(a), len(b)):
        # Mostly rewritten: confetti of tiny equal runs helps nobody, mark the paragraphs as changed.
        return ([(0, len(a))] if a else []), ([(0, len(b))] if b else [])
    return changes_a, changes_b


# ---------------------------------------------------------------------------------------------- moved paragraphs, words

# A paragraph the alignment left alone on both sides is "moved" when its text is this similar.
MOVED_THRESHOLD = 0.8
MOVED_MIN_CHARS = 8
# An aligned pair this dissimilar (alignment score) gives way when one side is found moved elsewhere.
MOVED_WEAK_PAIR = 0.5
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:%|‰)?")
_NOT_WORD = re.compile(r"[\W_]+")


def find_moved(cmp: Comparison) -> list[ParagraphPair]:
    """Unaligned paragraphs of A found (identical or near-identical) among the unaligned ones of B.

    Moved to another part or reordered inside one: shown as moved, not as deleted + added. Candidates
    come from an inverted index of character bigrams (rare ones first), so unrelated reports stay cheap.
    """
    # Unaligned paragraphs, and ones the in-order alignment paired only loosely with something else.
    weak = {n for n, p in enumerate(cmp.pairs) if not p.identical and p.similarity < MOVED_WEAK_PAIR}
    un_a = [i for i, m in enumerate(cmp.match_a) if m is None or cmp.pair_by_a.get(i) in weak]
    un_b = [j for j, m in enumerate(cmp.match_b) if m is None or cmp.pair_by_b.get(j) in weak]
    if not un_a or not un_b:
        return []
    norm_a = {i: _NOT_WORD.sub("", cmp.paragraph_text("a", i)) for i in un_a}
    norm_b = {j: _NOT_WORD.sub("", cmp.paragraph_text("b", j)) for j in un_b}
    index: dict[str, list[int]] = {}
    for j in un_b:
        for gram in {norm_b[j][k : k + 2] for k in range(len(norm_b[j]) - 1)}:
            index.setdefault(gram, []).append(j)
    scored: list[tuple[float, int, int]] = []
    for i in un_a:
        text = norm_a[i]
        if len(text) < MOVED_MIN_CHARS:
            continue
        grams = {text[k : k + 2] for k in range(len(text) - 1)}
        votes: Counter[int] = Counter()
        for gram in grams:
            holders = index.get(gram, ())
            if len(holders) <= 50:
                votes.update(holders)
        for j, shared in votes.most_common(5):
            other = norm_b[j]
            if len(other) < MOVED_MIN_CHARS or shared < 0.5 * min(len(grams), len(other) - 1):
                continue
            matcher = difflib.SequenceMatcher(None, text, other, autojunk=False)
            if matcher.real_quick_ratio() < MOVED_THRESHOLD or matcher.quick_ratio() < MOVED_THRESHOLD:
                continue
            ratio = matcher.ratio()
            if ratio >= MOVED_THRESHOLD:
                scored.append((ratio, i, j))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    moved: list[ParagraphPair] = []
    dropped: set[int] = set()
    for ratio, i, j in scored:
        if i in used_a or j in used_b or cmp.match_a[i] == j:
            continue
        used_a.add(i)
        used_b.add(j)
        for pos in (cmp.pair_by_a.get(i), cmp.pair_by_b.get(j)):
            if pos is not None:  # the loose pair gives way to the move
                dropped.add(pos)
        ta, tb = cmp.paragraph_text("a", i), cmp.paragraph_text("b", j)
        ca, cb = diff_words(ta, tb)
        moved.append(ParagraphPair(i, j, round(ratio, 3), ta == tb, ca, cb))
    if dropped:
        for pos in dropped:
            pair = cmp.pairs[pos]
            cmp.match_a[pair.a] = None
            cmp.match_b[pair.b] = None
        cmp.pairs = [p for n, p in enumerate(cmp.pairs) if n not in dropped]
        cmp.__post_init__()
    moved.sort(key=lambda p: p.a)
    return moved


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _widen(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A change never splits a figure (95% → 100% whole) nor leaves half of a 2-character word: a lone
    changed Chinese character takes its neighbour along (提高 → 提升, not 高 → 升)."""
    figures = [(m.start(), m.end()) for m in _FIGURE.finditer(text)]
    out: list[tuple[int, int]] = []
    for raw_start, raw_end in spans:
        start, end = raw_start, raw_end
        for f_start, f_end in figures:
            if f_start < end and start < f_end:
                start, end = min(start, f_start), max(end, f_end)
        if end - start == 1 and _is_cjk(text[start]):
            if start > 0 and _is_cjk(text[start - 1]) and not (out and out[-1][1] >= start):
                start -= 1
            elif end < len(text) and _is_cjk(text[end]):
                end += 1
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def diff_words(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """diff_paragraph with every change widened to whole words and figures: 提高 → 提升 is marked as two
    words, never as 高 → 升 (a 2-character word is not broken), and 95% → 100% as whole figures."""
    changes_a, changes_b = diff_paragraph(a, b)
    if not changes_a and not changes_b:
        return changes_a, changes_b
    if changes_a == [(0, len(a))] and changes_b == [(0, len(b))]:
        return changes_a, changes_b  # rewritten as a whole
    return _widen(a, changes_a), _widen(b, changes_b)


def changed_figures(old: str, new: str) -> list[tuple[str, str]]:
    """Figures that differ between two near-identical passages, in order: [("95%", "100%"), …]."""
    def tokens(text: str) -> list[str]:
        out: list[str] = []
        pos = 0
        for match in _FIGURE.finditer(text):
            out.extend(text[pos : match.start()])
            out.append(match.group(0))
            pos = match.end()
        out.extend(text[pos:])
        return out

    ta, tb = tokens(old), tokens(new)
    found: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if tag != "replace":
            continue
        figs_a = [t for t in ta[i1:i2] if _FIGURE.fullmatch(t)]
        figs_b = [t for t in tb[j1:j2] if _FIGURE.fullmatch(t)]
        for x, y in zip(figs_a, figs_b, strict=False):
            if x != y:
                found.append((x, y))
    return found


# ---------------------------------------------------------------------------------------------- entry


def compare(text_a: str, analysis_a: Analysis | None, text_b: str, analysis_b: Analysis | None) -> Comparison:
    """Align two cleaned texts (with their analyses, for sections and facts) and diff them.

    Pure and deterministic; run it off the GUI thread (50,000-character reports take ~1 s).
    """
    started = time.perf_counter()
    parts_a = _build_parts(text_a, analysis_a.sections if analysis_a else [])
    parts_b = _build_parts(text_b, analysis_b.sections if analysis_b else [])
    paras_a = _assign_paragraphs(split_paragraphs(text_a), parts_a)
    paras_b = _assign_paragraphs(split_paragraphs(text_b), parts_b)
    trust = bool(
        analysis_a and analysis_b
        and analysis_a.doc_type.startswith("法治政府建设") and analysis_b.doc_type.startswith("法治政府建设")
    )
    ptexts_a = [text_a[p.start : p.end] for p in paras_a]
    ptexts_b = [text_b[p.start : p.end] for p in paras_b]
    pcounts_a = [_bigram_counts(t) for t in ptexts_a]
    pcounts_b = [_bigram_counts(t) for t in ptexts_b]
    part_pairs = _match_parts(
        parts_a, _part_counts(parts_a, pcounts_a), parts_b, _part_counts(parts_b, pcounts_b), trust_parts=trust
    )
    vectors = _tfidf(pcounts_a + pcounts_b)
    vec_a, vec_b = vectors[: len(ptexts_a)], vectors[len(ptexts_a) :]
    match_a: list[int | None] = [None] * len(paras_a)
    match_b: list[int | None] = [None] * len(paras_b)
    sims: dict[int, float] = {}
    for pair in part_pairs:
        if pair.a is None or pair.b is None:
            continue
        pa, pb = parts_a[pair.a], parts_b[pair.b]
        ra = range(pa.first_paragraph, pa.end_paragraph)
        rb = range(pb.first_paragraph, pb.end_paragraph)
        for i, j, s in _align_paragraphs(ra, rb, ptexts_a, ptexts_b, vec_a=vec_a, vec_b=vec_b):
            match_a[i] = j
            match_b[j] = i
            sims[i] = s
    pairs: list[ParagraphPair] = []
    for i, matched in enumerate(match_a):
        if matched is None:
            continue
        ta, tb = ptexts_a[i], ptexts_b[matched]
        ca, cb = diff_words(ta, tb)
        pairs.append(ParagraphPair(i, matched, sims[i], ta == tb, ca, cb))
    target_a = {p.a: p.b for p in part_pairs if p.a is not None}
    target_b = {p.b: p.a for p in part_pairs if p.b is not None}
    a_to_b = _anchors(match_a, parts_a, target_a, parts_b, other_count=len(paras_b))
    b_to_a = _anchors(match_b, parts_b, target_b, parts_a, other_count=len(paras_a))
    figures = compare_figures(
        analysis_a.facts if analysis_a else [], text_a, analysis_b.facts if analysis_b else [], text_b,
        analysis_a.report_year if analysis_a else None, analysis_b.report_year if analysis_b else None,
    )
    result = Comparison(
        text_a, text_b, paras_a, paras_b, parts_a, parts_b, part_pairs, pairs, match_a, match_b,
        a_to_b, b_to_a, figures, time.perf_counter() - started,
    )
    result.moved = find_moved(result)
    result.seconds = time.perf_counter() - started
    return result


def paragraph_at(paragraphs: Sequence[Paragraph], offset: int) -> int:
    """Index of the paragraph holding text offset `offset` (the nearest one before it otherwise)."""
    lo, hi = 0, len(paragraphs)
    while lo < hi:
        mid = (lo + hi) // 2
        if paragraphs[mid].start <= offset:
            lo = mid + 1
        else:
            hi = mid
    return max(0, lo - 1)
