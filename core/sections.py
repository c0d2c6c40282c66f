"""Heading outline of a report (一、 / （一） / 1. / （1）) and the check for the five required parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core import domain
from core.models import Section, StructureCheck

_CN_NUM = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(_CN_NUM)}

# "二、三产业", "一、二类": numerals listed, not a heading number.
_NUM_LIST = rf"[{_CN_NUM}][、产类级等和至到及]"
# Numbering at the start of a line, by level (leading blanks allowed).
_LINE_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"[ \t\u3000]*([{_CN_NUM}]{{1,3}})[ \t\u3000]*[、．.](?!{_NUM_LIST})")),
    (2, re.compile(rf"[ \t\u3000]*[（(][ \t\u3000]*([{_CN_NUM}]{{1,3}})[ \t\u3000]*[）)]")),
    (3, re.compile(r"[ \t\u3000]*(\d{1,2})[ \t\u3000]*[、．.](?![\d.．])")),
    (4, re.compile(r"[ \t\u3000]*[（(][ \t\u3000]*(\d{1,2})[ \t\u3000]*[）)](?!\d)")),
)
# A line whose first character after blanks can start a numbering (the newline before it included).
_NUMBERED_START = re.compile(rf"\n[ \t\u3000]*[{_CN_NUM}（(\d]")
# A heading that lost its line break: numbering right after the end of a sentence. The match takes in the
# sentence end (or the 下 of 如下) before the numbering — a pattern that starts with a character set is
# searched for by that set, fast; only the groups and the match's end are used. (Two such headings never
# share that character: a match ends in 、 or a bracket, never in a sentence end.)
_INLINE = re.compile(
    rf"[。！？；：:!?;下](?:(?<=如下)|(?<!下))"
    rf"[ \t\u3000]*(?:([{_CN_NUM}]{{1,3}})、(?!{_NUM_LIST})|[（(]([{_CN_NUM}]{{1,3}})[）)])"
)
_HEAD_END = re.compile(r"[。！？；!?;]|[:：](?=.)")
_MAX_HEADING = 60
_MAX_INLINE_HEADING = 40

# Keyword rules for the five required parts (report-structure.md), tried in this order.
_PART_RULES: tuple[tuple[int, re.Pattern[str]], ...] = (
    (3, re.compile(r"主要负责人|第一责任人|主要负责同志|主要领导|履行.{0,16}职责|述法")),
    (2, re.compile(r"不足|问题|差距|短板|薄弱")),
    (5, re.compile(r"^其[他它]")),
    (4, re.compile(r"下一年度?|下一步|下一阶段|下阶段|下步|明年|今后|思路|打算|计划|安排|展望"
                   r"|努力方向|工作重点|重点工作|目标任务")),
    (1, re.compile(r"举措|成效|成果|成绩|主要工作|工作情况|基本情况|总体情况|措施|做法|进展|回顾|开展|推进|落实"
                   r"|完成情况|建设情况")),
    (5, re.compile(r"其[他它]")),
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A heading that may or may not be the next year's plan (四、有关意见建议): its body decides.
_AMBIGUOUS_4 = re.compile(r"意见建议|有关建议|对策建议|工作建议|^建议")
# The body of a plan: the agency's own next steps ("2024年，我局将…", "下一步，我们将继续…").
_PLAN_BODY = re.compile(
    r"(?:下一年度?|下一步|下阶段|下一阶段|明年|今后|新的一年|(?:19|20)\d{2}年(?:度)?[，,]?)[^。；]{0,30}?"
    r"(?:将|要|拟|计划|继续|持续|着力|重点|进一步)"
)
# A body that asks others to act ("建议上级部门统一组织…培训"): requests upward, not the agency's plan.
_REQUEST_BODY = re.compile(r"建议(?:省|市|区|县|国家|上级|中央|有关部门|相关部门|健全|完善|加大|出台|建立)")
# An unnumbered heading line for the fallback of check_structure: short, no sentence inside.
_BARE_HEADING = re.compile(r"[ \t\u3000]*([^\n。；;，,]{4,30})[ \t\u3000]*")  # fullmatch of a line
_BARE_STRONG: dict[int, re.Pattern[str]] = {
    1: re.compile(r"主要举措|主要工作|工作成效|主要成效"),
    2: re.compile(r"存在的?(?:主要)?(?:不足|问题|差距)"),
    3: re.compile(r"主要负责人|第一责任人"),
    4: re.compile(r"下一年度|下一步|工作思路|工作安排|工作计划"),
}


@dataclass(slots=True)
class _Candidate:
    pos: int  # offset of the numbering
    level: int
    value: int
    number: str
    heading: str
    inline: bool


def _cn_value(s: str) -> int:
    """一 … 九十九 as int; 0 when not a numeral."""
    if "十" in s:
        left, _, right = s.partition("十")
        tens = _CN_VALUE.get(left, 0) if left else 1
        ones = _CN_VALUE.get(right, 0) if right else 0
        return tens * 10 + ones
    return _CN_VALUE.get(s, 0) if len(s) == 1 else 0


def _heading_text(rest: str, limit: int) -> str:
    m = _HEAD_END.search(rest)
    head = rest[: m.start()] if m else rest
    head = head.strip(" \t\u3000")
    if len(head) > limit:
        return ""
    return head


def _candidates(text: str) -> list[_Candidate]:
    """The numbered lines and the inline headings, in the order of the text (a line's own numbering comes
    before any inline heading of that line: only blanks stand before it)."""
    numbered = _numbered(text)
    inline = _inline(text)
    if not inline or not numbered:
        return numbered or inline
    return sorted(numbered + inline, key=lambda cand: cand.pos)


def _numbered(text: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    # The first line, and the lines whose first character after blanks can start a numbering (the others
    # cannot match a line pattern).
    for pos in (0, *(m.start() + 1 for m in _NUMBERED_START.finditer(text))):
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        for level, pattern in _LINE_PATTERNS:
            m = pattern.match(line)
            if m is None:
                continue
            raw = m.group(1)
            value = int(raw) if raw.isdigit() else _cn_value(raw)
            if value <= 0:
                break
            rest = line[m.end() :]
            heading = _heading_text(rest, _MAX_HEADING)
            if not heading:
                heading = rest.strip()[:_MAX_HEADING]
            number = m.group(0).strip(" \t\u3000")
            number = number.rstrip("、，,．.") if level in (1, 3) else number
            out.append(_Candidate(pos + m.start(1) - (1 if level in (2, 4) else 0), level, value,
                                  number, heading, inline=False))
            break
    return out


def _inline(text: str) -> list[_Candidate]:
    # Over the whole text at once: no match reaches past its line, none looks across a newline.
    out: list[_Candidate] = []
    for m in _INLINE.finditer(text):
        end = text.find("\n", m.end())
        rest = text[m.end() :] if end < 0 else text[m.end() : end]
        heading = _heading_text(rest, _MAX_INLINE_HEADING)
        if len(heading) < 2:
            continue
        raw = m.group(1) or m.group(2)
        level = 1 if m.group(1) else 2
        start = m.start(1) if m.group(1) else m.start(2) - 1
        number = raw if level == 1 else text[start : m.end()].strip()
        out.append(_Candidate(start, level, _cn_value(raw), number, heading, inline=True))
    return out


def parse_sections(text: str) -> list[Section]:
    """The outline of `text` (already cleaned): level 1 一、, 2 （一）, 3 1. / 1、, 4 （1）.

    Numbering must follow on from the previous heading of its level (the next number, a restart at one,
    or one number skipped); a heading that lost its line break ("…如下。一、主要工作") counts only when it
    is exactly the next number. `part` (1..5) is set on the headings of the top level present.
    """
    accepted: list[_Candidate] = []
    last: dict[int, int] = {}
    for cand in _candidates(text):
        prev = last.get(cand.level, 0)
        if cand.inline:
            ok = cand.value == prev + 1
        else:
            ok = cand.value in (prev + 1, prev + 2, 1)  # one number may be lost ("一、" glued to a line)
        if not ok:
            continue
        accepted.append(cand)
        last[cand.level] = cand.value
        for deeper in (lvl for lvl in list(last) if lvl > cand.level):
            del last[deeper]
    # A section ends where the next heading of its level or above starts: one pass with a stack of the
    # sections still open (linear; scanning ahead from every heading was quadratic on 50,000 headings).
    sections = [Section(cand.level, cand.number, cand.heading, None, cand.pos, len(text)) for cand in accepted]
    open_sections: list[Section] = []
    for section in sections:
        while open_sections and open_sections[-1].level >= section.level:
            open_sections.pop().end = section.start
        open_sections.append(section)
    _assign_parts(sections, text)
    return sections


def _assign_parts(sections: list[Section], text: str = "") -> None:
    if not sections:
        return
    top = min(s.level for s in sections)
    earliest_year: int | None = None
    for section in sections:
        if section.level != top:
            continue
        years = [int(y) for y in _YEAR.findall(section.heading)]
        body = text[section.start : section.end] if text else ""
        section.part, section.reason = classify_part(section.heading, body, earliest_year)
        if years and earliest_year is None:
            earliest_year = min(years)


def classify_part(heading: str, body: str = "", earlier_year: int | None = None) -> tuple[int | None, str]:
    """(part, reason): the required part a top-level heading stands for and why, in Chinese.

    The heading's words decide; a heading that only says 意见建议 counts as the next year's plan (part 4)
    when its body states the agency's own next steps, not when it asks higher levels to act.
    """
    text = heading.strip()
    part = classify_heading(text, earlier_year)
    if part is not None:
        word = _deciding_words(text, part, earlier_year)
        return part, f"标题“{word}”"
    if _AMBIGUOUS_4.search(text):
        plan = _PLAN_BODY.search(body)
        request = _REQUEST_BODY.search(body)
        if plan and not (request and request.start() < plan.start()):
            sentence = _sentence_at(body, plan.start())
            return 4, f"正文说明下一步安排：“{sentence}”"
        if request:
            return None, f"正文是向上级提出的建议，不是下一年度的工作安排：“{_sentence_at(body, request.start())}”"
        return None, "标题只写“意见建议”，正文未说明下一年度的工作安排"
    return None, ""


def _deciding_words(heading: str, part: int, earlier_year: int | None) -> str:
    for rule_part, pattern in _PART_RULES:
        if rule_part == part and (found := pattern.findall(heading)):
            return "、".join(dict.fromkeys(found))
    years = [int(y) for y in _YEAR.findall(heading)]
    if part == 4 and earlier_year is not None and years:
        return f"{max(years)}年（晚于前文的{earlier_year}年）"
    return heading


def _sentence_at(body: str, pos: int) -> str:
    start = max(body.rfind("。", 0, pos), body.rfind("\n", 0, pos)) + 1
    end_candidates = [i for i in (body.find("。", pos), body.find("\n", pos)) if i >= 0]
    end = min(end_candidates) if end_candidates else len(body)
    sentence = body[start:end].strip()
    return sentence if len(sentence) <= 60 else sentence[:60] + "…"


def classify_heading(heading: str, earlier_year: int | None = None) -> int | None:
    """The required part (1..5) a top-level heading stands for, or None.

    `earlier_year` is the first year named by an earlier top-level heading: a later year then means the
    plan for the next year ("三、2024年重点工作措施" after "一、2023年主要工作" → part 4).
    """
    text = heading.strip()
    if not text:
        return None
    for part, pattern in _PART_RULES[:3]:
        if pattern.search(text):
            return part
    years = [int(y) for y in _YEAR.findall(text)]
    if earlier_year is not None and years and max(years) > earlier_year:
        return 4
    for part, pattern in _PART_RULES[3:]:
        if pattern.search(text):
            return part
    return None


def check_structure(
    sections: list[Section], text: str, report_year: int | None, publish_date: str | None
) -> StructureCheck:
    """Which of the required parts 1..4 the report has (part 5 is optional) and whether it came late.

    A part counts when a top-level heading maps to it; failing that, when a short unnumbered line of
    the text reads like that part's heading ("存在的不足和原因"). late: published after 1 April of the
    year after the report year (the publication deadline); None when either is unknown.
    """
    present = {s.part for s in sections if s.part is not None}
    why: dict[int, str] = {}
    for s in sections:
        if s.part is not None and s.part not in why:
            why[s.part] = f"{s.number}、{s.heading}：{s.reason}" if s.level == 1 else f"{s.heading}：{s.reason}"
    bare: list[str] | None = None  # the unnumbered heading lines, found once for all the parts
    for part, pattern in _BARE_STRONG.items():
        if part in present:
            continue
        if bare is None:
            bare = _bare_headings(text)
        for line in bare:
            if pattern.search(line) and classify_heading(line) == part:
                present.add(part)
                why[part] = f"无编号的标题行“{line.strip()}”"
                break
    found = sorted(p for p in present if p is not None)
    missing = [p for p in (1, 2, 3, 4) if p not in present]
    return StructureCheck(present=found, missing=missing, late=domain.is_late(report_year, publish_date), why=why)


def _bare_headings(text: str) -> list[str]:
    """The heading of every line that is only a short heading, in order (a line longer than 30 characters
    inside its blanks is never one: it is not tried)."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) >= 4 and len(line.strip(" \t\u3000")) <= 30 and (m := _BARE_HEADING.fullmatch(line)):
            out.append(m.group(1))
    return out
