"""Where a figure stands in its text: sentences, clauses, headings, plans, quotes, chunk cuts."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.fact_rules import COUNSEL_ACTORS

_SENTENCE_DELIMS = "。！？!?；;\n"
_CLAUSE_DELIMS = _SENTENCE_DELIMS + "，,：:"
_CLAUSE_REACH = 60  # context read around a number, in characters, whatever the punctuation
_SENTENCE_REACH = 200
_SENTENCE_DELIM_RE = re.compile(f"[{re.escape(_SENTENCE_DELIMS)}]")
_CLAUSE_DELIM_RE = re.compile(f"[{re.escape(_CLAUSE_DELIMS)}]")
_SENTENCE_DELIM_SET = frozenset(_SENTENCE_DELIMS)
_LINE_BREAK_RE = re.compile("\n")
_OPEN_QUOTES = {"“": "”", "《": "》", "「": "」", "『": "』", "〈": "〉"}

# A long text is read in chunks of about this many characters (core/facts.py, extract_bounded).
_CHUNK_CHARS = 50_000


def _cut_point(text: str, limit: int) -> int:
    """A position at or before `limit` just after a sentence delimiter (else `limit` itself)."""
    floor = max(0, limit - _SENTENCE_REACH * 10)
    for index in range(limit, floor, -1):
        if text[index - 1] in _SENTENCE_DELIMS:
            return index
    return limit


# A heading line: 一、… / （三）… / 3.… ; its words (up to _HEADING_REACH characters) tell the area of the
# figures below it, as does a paragraph's short lead sentence.
_HEADING_RE = re.compile(
    r"[ \t]*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．](?!\d))"
)


def _heading_year(heading: str) -> int | None:
    match = re.search(r"(?<!\d)(20\d\d)年", heading)
    return int(match.group(1)) if match else None


_COUNSEL_ACTOR_LENGTH = 4  # 法律顾问 / 公职律师 (core/fact_rules.py COUNSEL_ACTORS)

_TOP_HEADING_RE = re.compile(r"[ \t]*[一二三四五六七八九十]{1,3}[、.．]")
_HEADING_REACH = 60
_LEAD_REACH = 40


@dataclass(slots=True)
class _Context:
    """Per-text lookup tables shared by all facts of one extraction."""

    text: str
    sentence_bounds: list[int]  # positions of sentence delimiters
    clause_bounds: list[int]  # positions of clause delimiters
    hits_cache: dict[int, list[tuple[int, int, tuple[str, ...]]]] = field(default_factory=dict)
    hits_ends: dict[int, int] = field(default_factory=dict)  # per sentence start: the end hits_cache reads to
    counsel_starts: list[int] | None = None  # where the legal adviser is named (法律顾问 / 公职律师), read once
    line_starts: list[int] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)  # starts of heading lines (（三）…, 二、…, 1.…)
    top_headings: list[int] = field(default_factory=list)  # starts of top-level heading lines (二、…)
    later_parts: list[bool] = field(default_factory=list)  # per top heading: names a later year than one before
    sentence_texts: dict[tuple[int, int], str] = field(default_factory=dict)  # sentence_text by span
    openings: list[int] | None = None  # where opening quotes (“《「『〈) stand, read once
    topics: dict[tuple[int, int, bool], str] = field(default_factory=dict)  # topic by (heading, line, near)

    @classmethod
    def build(cls, text: str) -> _Context:
        clause = list(map(re.Match.start, _CLAUSE_DELIM_RE.finditer(text)))
        delims = _SENTENCE_DELIM_SET
        sentence = [at for at in clause if text[at] in delims]  # the sentence delimiters are clause delimiters
        lines = [0, *map(re.Match.end, _LINE_BREAK_RE.finditer(text))]
        headings = [start for start in lines if _HEADING_RE.match(text, start)]
        tops = [start for start in headings if _TOP_HEADING_RE.match(text, start)]
        return cls(text, sentence, clause, line_starts=lines, headings=headings, top_headings=tops)

    def part_heading(self, pos: int) -> str:
        """The top-level heading (一、… / 三、2025年工作安排) of the part pos lies in, or ""."""
        index = bisect.bisect_right(self.top_headings, pos) - 1
        return self._lead(self.top_headings[index], _HEADING_REACH) if index >= 0 else ""

    def later_part(self, pos: int) -> bool:
        """Whether pos lies in a part whose heading names a later year than an earlier part's heading
        (一、2022年工作总结 … 二、2023年重点任务): the part about the year to come."""
        index = bisect.bisect_right(self.top_headings, pos) - 1
        if index <= 0:
            return False
        if len(self.later_parts) != len(self.top_headings):  # once per text: linear in the headings
            earliest: int | None = None
            self.later_parts = []
            for start in self.top_headings:
                year = _heading_year(self._lead(start, _HEADING_REACH))
                self.later_parts.append(year is not None and earliest is not None and year > earliest)
                if year is not None and (earliest is None or year < earliest):
                    earliest = year
        return self.later_parts[index]

    def topic(self, pos: int) -> str:
        """What the text around pos is about beyond its sentence: the enclosing heading and the lead of the
        paragraph (its first sentence when short: 2.普法进社区。), for the area of a figure."""
        index = bisect.bisect_right(self.headings, pos) - 1
        near = index >= 0 and pos - self.headings[index] < 5000
        line = self.line_starts[bisect.bisect_right(self.line_starts, pos) - 1]
        memo = (index, line, near)  # all the answer depends on
        topic = self.topics.get(memo)
        if topic is None:
            parts = []
            if near:
                parts.append(self._lead(self.headings[index], _HEADING_REACH))
            if not parts or line != self.headings[index]:
                parts.append(self._lead(line, _LEAD_REACH))
            topic = self.topics[memo] = "|".join(parts)
        return topic

    def _lead(self, start: int, reach: int) -> str:
        index = bisect.bisect_left(self.sentence_bounds, start)
        end = self.sentence_bounds[index] if index < len(self.sentence_bounds) else len(self.text)
        return self.text[start : min(end, start + reach)] if end - start <= reach else ""

    def sentence_span(self, pos: int) -> tuple[int, int]:
        """The sentence around pos, at most _SENTENCE_REACH characters either side (scraped text may
        run for pages without a full stop)."""
        index = bisect.bisect_left(self.sentence_bounds, pos)
        start = self.sentence_bounds[index - 1] + 1 if index > 0 else 0
        end = self.sentence_bounds[index] + 1 if index < len(self.sentence_bounds) else len(self.text)
        return max(start, pos - _SENTENCE_REACH), min(end, pos + _SENTENCE_REACH)

    def clause_start(self, pos: int) -> int:
        index = bisect.bisect_left(self.clause_bounds, pos)
        start = self.clause_bounds[index - 1] + 1 if index > 0 else 0
        return max(start, pos - _CLAUSE_REACH)

    def clause_end(self, pos: int) -> int:
        index = bisect.bisect_left(self.clause_bounds, pos)
        end = self.clause_bounds[index] if index < len(self.clause_bounds) else len(self.text)
        return min(end, pos + _CLAUSE_REACH)

    def counsel_named(self, start: int, end: int) -> bool:
        """Whether text[start:end] names the legal adviser (`_COUNSEL_ACTOR_RE.search` on it: the words, four
        characters each, cannot overlap, so one pass of str.find per word finds all their places)."""
        if self.counsel_starts is None:
            found = []
            for word in COUNSEL_ACTORS:
                at = self.text.find(word)
                while at >= 0:
                    found.append(at)
                    at = self.text.find(word, at + _COUNSEL_ACTOR_LENGTH)
            self.counsel_starts = sorted(found)
        index = bisect.bisect_left(self.counsel_starts, start)
        return index < len(self.counsel_starts) and self.counsel_starts[index] + _COUNSEL_ACTOR_LENGTH <= end

    def inside_quotes(self, sentence_start: int, pos: int) -> bool:
        """`_inside_quotes(text, sentence_start, pos)`, answered False at once where no opening quote stands
        between (most numbers: one bisect instead of five scans of the segment)."""
        if self.openings is None:
            found = []
            for opening in _OPEN_QUOTES:
                at = self.text.find(opening)
                while at >= 0:
                    found.append(at)
                    at = self.text.find(opening, at + 1)
            self.openings = sorted(found)
        index = bisect.bisect_left(self.openings, sentence_start)
        if index == len(self.openings) or self.openings[index] >= pos:
            return False
        return _inside_quotes(self.text, sentence_start, pos)

    def sentence_text(self, start: int, end: int) -> str:
        """text[start:end].strip(), one string per span (the facts of a sentence share it)."""
        text = self.sentence_texts.get((start, end))
        if text is None:
            text = self.sentence_texts[start, end] = self.text[start:end].strip()
        return text

    def sentence(self, pos: int) -> str:
        start, end = self.sentence_span(pos)
        return self.text[start:end].strip()


def _chunk_end(ctx: _Context, start: int, limit: int) -> int:
    """End of the chunk starting at `start`: just after the first sentence delimiter past _CHUNK_CHARS
    (a clause delimiter, else a hard cut, when a text runs on without one)."""
    target = start + _CHUNK_CHARS
    if target >= limit:
        return limit
    for bounds in (ctx.sentence_bounds, ctx.clause_bounds):
        index = bisect.bisect_left(bounds, target)
        if index < len(bounds) and bounds[index] < target + _CHUNK_CHARS:
            return min(limit, bounds[index] + 1)
    return target


def _inside_quotes(text: str, sentence_start: int, pos: int) -> bool:
    """Whether pos lies inside an unclosed “…” or 《…》 of its sentence (a name, not a statement)."""
    segment = text[sentence_start:pos]
    for opening, closing in _OPEN_QUOTES.items():
        if opening in segment and segment.count(opening) > segment.count(closing):
            return True
    return False


def _inside_parentheses(text: str, sentence_start: int, pos: int) -> bool:
    """Whether `pos` lies inside a bracket opened earlier in its sentence and not yet closed."""
    segment = text[sentence_start:pos]
    opened = segment.count("（") + segment.count("(")
    closed = segment.count("）") + segment.count(")")
    return opened > closed


# Words of a plan: a heading or sentence about what is to be done (下一步, 2025年工作安排, 将 …).
_PLAN_RE = re.compile(r"安排|计划|打算|思路|下一步|下步|明年|今后|工作要点|重点工作|目标任务|(?<![即必])将(?!近)")


def _planned(ctx: _Context, pos: int) -> bool:
    """Whether the figure at pos stands in a plan: the sentence or its headings speak of what is to come."""
    sentence_start, _ = ctx.sentence_span(pos)
    return bool(
        _PLAN_RE.search(ctx.text[sentence_start:pos])
        or _PLAN_RE.search(ctx.topic(pos))
        or _PLAN_RE.search(ctx.part_heading(pos))
        or ctx.later_part(pos)
    )


def _ensured_result(ctx: _Context, at: int) -> bool:
    """组织全员考试，确保参考率达到100%: a 确保 clause after the action it completes, in the year's work (not
    in a plan), states what was achieved; 确保 opening a sentence, 力争 and 争取 state targets."""
    if not ctx.text.startswith("确保", at) or _planned(ctx, at):
        return False
    sentence_start, _ = ctx.sentence_span(at)
    before = ctx.text[sentence_start:at].strip()
    return bool(re.search(r"[\u4e00-\u9fff]{4}[^，,]*[，,]$", before))


def _finditer_from(
    pattern: re.Pattern[str], firsts: str, text: str, pos: int, endpos: int | None
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text, pos, endpos)` for a pattern whose matches all start with one of `firsts` and are
    never empty: tried only where those characters stand (found by str.find), not at every position (re scans
    a class of CJK characters slowly: 0.19 → 0.03 ms a report for core/facts.py's negated zeros)."""
    stop = len(text) if endpos is None else endpos
    starts = []
    for char in firsts:
        at = text.find(char, pos, stop)
        while at >= 0:
            starts.append(at)
            at = text.find(char, at + 1, stop)
    starts.sort()
    resume = pos  # finditer goes on after the end of each match
    for at in starts:
        if at >= resume and (match := pattern.match(text, at, stop)):
            yield match
            resume = match.end()
