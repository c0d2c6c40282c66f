"""What text reuse finds, as data: clauses and a document's signature, reused passages, their sources,
a document's result (reused_share and the passages)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import compress, pairwise, repeat
from typing import Any

# Only clauses at least this long are put in the index (shorter ones are matched, never looked up).
MIN_KEY_CHARS = 6


# Bump when the algorithm changes: stored results of another version are recomputed.
ALGORITHM_VERSION = 4


# Keys of each paragraph put in the index (the smallest clause hashes); all clause keys are looked up.
KEYS_PER_PARAGRAPH = 3


@dataclass(slots=True)
class Clause:
    start: int
    end: int
    para: int
    key: int  # hash of the digit-masked letters and digits
    size: int  # letters and digits


@dataclass(slots=True)
class Signature:
    """Paragraph spans and the clauses (parallel lists: start, end, paragraph, key, size) of a text."""

    paragraphs: list[tuple[int, int]]
    starts: list[int]
    ends: list[int]
    paras: list[int]
    keys_: list[int]
    sizes: list[int]
    para_clauses: list[range]  # clause indices of each paragraph

    @property
    def keys(self) -> list[int]:
        return self.keys_

    def __len__(self) -> int:
        return len(self.starts)

    def index_keys(self) -> set[int]:
        """The keys put in the index: of each paragraph its KEYS_PER_PARAGRAPH smallest clause keys (a
        bottom-k sketch: two paragraphs sharing most clauses share one of them), clauses long enough only."""
        flags = [size >= MIN_KEY_CHARS for size in self.sizes]
        keys = list(compress(self.keys_, flags))
        owners = list(compress(self.paras, flags))  # ascending: clauses are in paragraph order
        bounds = list(map(bisect_left, repeat(owners), range(len(self.paragraphs) + 1)))
        out: set[int] = set()
        k = KEYS_PER_PARAGRAPH
        for a, b in pairwise(bounds):
            if b - a <= k:
                out.update(keys[a:b])
                continue
            low = sorted(keys[a:b])[:k]
            if len(set(low)) < k:  # a key twice among the lowest: the lowest distinct ones
                low = sorted(set(keys[a:b]))[:k]
            out.update(low)
        return out

    def clause(self, n: int) -> Clause:
        return Clause(self.starts[n], self.ends[n], self.paras[n], self.keys_[n], self.sizes[n])


@dataclass(slots=True)
class Passage:
    start: int
    end: int
    source_start: int
    source_end: int
    kind: str  # "same" | "changed"
    similarity: float = 1.0
    figures: list[tuple[str, str]] = field(default_factory=list)  # changed figures (old, new)

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "source_start": self.source_start,
                "source_end": self.source_end, "kind": self.kind}


@dataclass(slots=True)
class Source:
    doc_id: int
    share: float
    passages: list[Passage]
    same_agency: bool = False


@dataclass(slots=True)
class ReuseResult:
    doc_id: int
    reused_share: float
    sources: list[Source]
    boilerplate: list[tuple[int, int]] = field(default_factory=list)  # spans not counted
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The CLI contract (DESIGN.md): shares 0–1, best source first, offsets into the stored texts."""
        return {
            "doc_id": self.doc_id,
            "reused_share": round(self.reused_share, 4),
            "sources": [
                {"doc_id": s.doc_id, "share": round(s.share, 4), "passages": [p.to_json() for p in s.passages]}
                for s in self.sources
            ],
        }

    @property
    def main_source(self) -> Source | None:
        return self.sources[0] if self.sources else None

    def passages(self) -> list[tuple[Passage, int]]:
        """Every passage with its source document, in text order."""
        out = [(p, s.doc_id) for s in self.sources for p in s.passages]
        out.sort(key=lambda item: item[0].start)
        return out
