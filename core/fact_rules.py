"""Rules a document's facts pass after they are found: counsel figures keyed by who acts, numbers
of the required parts unkeyed, a following count takes the activity's key, restatements dropped, the items
of 分别 and rate lists."""

from __future__ import annotations

import re

from core.indicators import IndicatorDictionary
from core.models import Fact

_LIST_TAIL_RE = re.compile(
    r"^(?P<items>[^，,。；;：:]+?)(?:均|全部|都|皆|全)(?:已经?)?(?:达到了|达到|达|为|保持在?|实现|是)?了?$"
)


# 甲办理率以及乙办结率达100%: rates joined by 以及/及/和/与/、 sharing one number, no 均.
_RATE_LIST_RE = re.compile(r"^(?P<items>[^，,。；;：:]+?率)(?:达到了|达到|达|为|是)?$")


# Who acts decides what a figure counts: a sentence whose actor is the legal adviser (外聘法律顾问…) counts
# the adviser's work — the verb and object next to the number say which (办理…案件, 参加…会议, 审核…合同).
COUNSEL_ACTORS = ("法律顾问", "公职律师")  # four characters each, neither overlapping itself or the other
_COUNSEL_ACTOR_RE = re.compile("|".join(COUNSEL_ACTORS))


_COUNSEL_WORK: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:办理|代理|参与)[^，,。；;]{0,20}(?:案件|诉讼|纠纷)"), "counsel.cases_represented"),
    (re.compile(r"(?:参加|列席|参与|出席)[^，,。；;]{0,20}会(?:议)?"), "counsel.meetings"),
    (re.compile(r"(?:审查|审核|把关|修改|起草|出具|审定)[^，,。；;]{0,20}(?:合同|协议|文书|文件|意见书?|事务)"),
     "counsel.documents_reviewed"),
)


_FOLLOWING_COUNT = {  # 开展法治培训10场次，覆盖500余人次: the people count of the activity just named
    "education.trainings": "education.trainees",
    "enforcement.trainings": "enforcement.trainees",
}


_OTHER_SUBJECT_RE = re.compile(r"我局|本局|我委|我厅|我办|我区|我市|我县|全区|全市|全县|全局|区政府|市政府|县政府|各单位|各部门")


_ADVISER_COUNTED_RE = re.compile(r"(?:法律顾问|公职律师)[^，,；;]{0,4}?\d+\s*(?:名|人|家|位)")


def _counsel_acts(sentence_before: str) -> bool:
    """Whether the legal adviser is the actor of the clause the number ends: named in it or in an earlier
    clause of the sentence with no other subject between (聘请法律顾问3名 counts the advisers: no actor)."""
    for clause in reversed(re.split(r"[，,；;]", sentence_before)):
        if _COUNSEL_ACTOR_RE.search(clause):
            return not _ADVISER_COUNTED_RE.search(clause)
        if _OTHER_SUBJECT_RE.search(clause):
            return False
    return False


def _counsel_key(sentence_before: str, clause: str, unit: str, dictionary: IndicatorDictionary) -> str | None:
    if not _COUNSEL_ACTOR_RE.search(sentence_before) or not _counsel_acts(sentence_before):
        return None
    for pattern, key in _COUNSEL_WORK:
        if pattern.search(clause) and key in dictionary and dictionary.unit_fits(key, unit):
            return key
    return None


# A verb that makes the figure another quantity than the indicator (取消某类事项N项 is no stock of items).
_OTHER_ACTION: dict[str, re.Pattern[str]] = {
    "service.items": re.compile(r"取消|下放|调整为|调整至|转为|精简|压减|削减|划转|承接|减少|其余"),
}


# An indicator that counts an action needs its verb in the figure's clause (a cut: 减少, 取消 …).
_OWN_ACTION: dict[str, re.Pattern[str]] = {
    "service.certificates_cut": re.compile(r"减|取消|免|精简|砍|压缩|清理|撤销|削|废"),
}


def _clause_around(text: str, fact: Fact) -> str:
    """The figure's clause and the clause after it (…证明材料N件，已全部撤销: the verb may follow)."""
    before = re.split(r"[，,。；;]", text[max(0, fact.start - 30) : fact.start])[-1]
    after = re.split(r"[。；;]", text[fact.end : fact.end + 40])[0]
    return before + "|".join(re.split(r"[，,]", after)[:2])


# A part of a total split by level or owner (其中区级调委会4家、街道调委会12家): not the agency's total.
_LEVEL_PART = re.compile(r"(?:其中)?(?:[省市区县镇乡]级|街道|社区|村|乡镇|国企|企业|行业|部门|基层)")


def _unkey_parts(facts: list[Fact], text: str) -> None:
    """A total then its parts (调解组织178个，其中区级调委会4家、街道调委会12家…): the total keeps the key,
    same-key figures after 其中 / 包括 in its sentence are parts, not the agency's figure; and a figure whose
    clause says another action than the indicator counts (取消…事项) loses the key."""
    last_key_at: dict[tuple[str, str], int] = {}
    for fact in facts:
        if fact.key is None:
            continue
        if (needed := _OWN_ACTION.get(fact.key)) and not needed.search(_clause_around(text, fact)):
            fact.key, fact.name = None, None  # 需要证明的事项N项: no cut named, no count of cuts
            continue
        if verbs := _OTHER_ACTION.get(fact.key):
            before = re.split(r"[，,。；;]", text[max(0, fact.start - 16) : fact.start])[-1]
            after = re.split(r"[，,。；;]", text[fact.end : fact.end + 30])[0]
            if verbs.search(before) or verbs.search(after) or re.search(r"(?:清单|目录|名录)$", before):
                fact.key, fact.name = None, None  # 取消…事项18项, 将2项…事项…调整为区级, 事项清单31个
                continue
        marker = (fact.key, fact.sentence)
        if marker in last_key_at:
            between = text[last_key_at[marker] : fact.start]
            cut = max(between.rfind(c) for c in "，,、；;")
            part = re.sub(r"^(?:其中|包括)[，,：:]?", "", between[cut + 1 :] if cut >= 0 else between)
            if re.search(r"其中|包括", between) and _LEVEL_PART.match(part):
                fact.key, fact.name = None, None
                continue
            if re.search(r"[（(](?:其中|包括)[^）)]*$", between):
                fact.key, fact.name = None, None  # 不予受理N件（其中转送M件…）: a breakdown in brackets
                continue
        last_key_at[marker] = fact.end


def _follow_activity(facts: list[Fact], dictionary: IndicatorDictionary) -> None:
    """An unkeyed people count (人次/人/名) right after a training count in the same sentence is its trainees."""
    previous: Fact | None = None
    for fact in facts:
        if (
            previous is not None
            and fact.key is None
            and previous.key in _FOLLOWING_COUNT
            and previous.sentence == fact.sentence
            and fact.start - previous.end <= 12
        ):
            key = _FOLLOWING_COUNT[previous.key]
            if key in dictionary and dictionary.unit_fits(key, fact.unit):
                fact.key, fact.name = key, dictionary.name(key)
        previous = fact


def _drop_restatements(text: str, facts: list[Fact]) -> list[Fact]:
    """A fact restated later in the same words (summary then body) is kept once, at its first place."""
    seen: dict[tuple[float, str, str | None, str], int] = {}
    kept: list[Fact] = []
    for fact in facts:
        lead = text[max(0, fact.start - 8) : fact.start]
        signature = (fact.value, fact.unit, fact.key, lead)
        first = seen.setdefault(signature, fact.start)
        if first != fact.start and len(lead) == 8:
            continue
        kept.append(fact)
    return kept


_RESPECTIVE_RE = re.compile(r"分别(?:为|是|达到|达|占|下降|增长|增加|减少|提高|降低|上升)?了?")


_EARLIER_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_BARE_RESPECTIVE_RE = re.compile(r"^[^，,。；;：:]*?率(?P<verb>达到|达|为)(?P<earlier>(?:\d+(?:\.\d+)?%?[、和及与])*)$")
_RESPECTIVE_VERB_RE = re.compile(r"达到|达|为")


def _respective_item(prefix: str, listed_after: bool = False) -> str | None:
    """For `A、B分别为x、y`, the name the number after `prefix` belongs to (None if not that form)."""
    index = prefix.rfind("分别")
    if index <= 0:
        if "率" not in prefix:
            return None  # no rate named: _BARE_RESPECTIVE_RE cannot match
        # 甲率、乙率达75%、95%: without 分别, when numbers are listed after the rates
        bare = _BARE_RESPECTIVE_RE.match(prefix)
        if bare is None or not (listed_after or bare.group("earlier")):
            return None
        index = bare.start("verb")
        match = _RESPECTIVE_VERB_RE.match(prefix, index)
    else:
        match = _RESPECTIVE_RE.match(prefix, index)
    if match is None:
        return None
    position = len(_EARLIER_NUMBER_RE.findall(prefix[match.end() :]))
    names = prefix[:index]
    parts = [part for part in names.split("、") if part]
    if len(parts) == 1:
        parts = [part for part in re.split("以及|和|及|与", names, maxsplit=1) if part]
    if len(parts) < 2 or position >= len(parts):
        return None
    return parts[position]


# “甲”和“乙” / “甲”、“乙”及“丙”: quoted names joined into one list.
_QUOTED_LIST_RE = re.compile(r"(?P<names>“[^”]{1,12}”(?:(?:、|和|与|及|以及)“[^”]{1,12}”)+)")


def _list_items(prefix: str) -> list[str]:
    """`A率、B率及C率均达` → [A率, B率, C率]; [] when the number belongs to one indicator."""
    if not ("率" in prefix or "均" in prefix or "全" in prefix or "都" in prefix or "皆" in prefix):
        return []  # neither pattern can match: no 率, none of the words of _LIST_TAIL_RE (均/全部/都/皆/全)
    match = _LIST_TAIL_RE.match(prefix) or _RATE_LIST_RE.match(prefix)
    if not match:
        return []
    items_text = match.group("items")
    if quoted := _QUOTED_LIST_RE.search(items_text):
        # 事项的“甲”和“乙”占比均达: each quoted name with the shared words before and after it
        names = re.findall(r"“([^”]{1,12})”", quoted.group("names"))
        head, tail = items_text[: quoted.start()], items_text[quoted.end() :]
        if 2 <= len(names) <= 8:
            return [f"{head}{name}{tail}" for name in names]
    parts = [part for part in items_text.split("、") if part]
    if not parts:
        return []
    last = parts[-1]
    suffix = last[-1]
    split_last: list[str] = []
    rest = last
    while True:
        found = None
        for sep in ("以及", "及", "和", "与"):
            index = rest.find(sep, 1)
            while index > 0:
                if rest[:index].endswith(suffix) and len(rest) > index + len(sep):
                    found = (index, sep)
                    break
                index = rest.find(sep, index + 1)
            if found:
                break
        if not found:
            split_last.append(rest)
            break
        index, sep = found
        split_last.append(rest[:index])
        rest = rest[index + len(sep) :]
    items = [*parts[:-1], *split_last]
    if not 2 <= len(items) <= 8 or any(len(item) > 16 for item in items):
        return []
    if match.re is _RATE_LIST_RE and (
        not all(item.endswith("率") for item in items)
        or any(a != b and b.endswith(a.removeprefix("基本")) for a in items for b in items)
    ):
        return []  # without 均, only distinct rates (A率以及B率达100%; not 甲率和基本甲率) share one number
    return items
