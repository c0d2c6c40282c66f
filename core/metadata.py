"""Document metadata from a cleaned report text: title, agency, region, years, publication date, type.

Rules, in order of trust (each field records the span of text it came from in `evidence`):
- title: the most specific title-like line above the body (scraped pages put the site name and a column
  name first); else the report's own naming of itself ("现将我局2023年法治政府建设工作情况报告如下",
  with the agency for 我局); else the file name when it reads like a title; else None, never a guess.
- agency: the organisation a title starts with ("青禾市云溪区人力资源局2020年…", "某某新区2022年管委会
  工作报告"); else the 落款 (an organisation line above the closing date; a joint 落款 gives the
  人民政府; compiler lines such as "…办公室整理" are skipped); else the speaker of a 政府工作报告
  ("我代表南山区人民政府向大会…"); else, for a bureau that only says 我局, the bureau of its own region
  the text names ("余杭人力社保" → 人力资源和社会保障局); else the government of a place-titled annual
  report ("南山区2022年法治政府建设年度报告"); else the page's 来源/发布机构 (who posted it).
  Abbreviations are expanded (X区政府 → X区人民政府, 管委会 → 管理委员会, 人大常委会 → 人民代表大会常务
  委员会). Government bodies (人民政府, 管理委员会, 人大常委会) get their prefecture ("深圳市南山区人民
  政府"); a department keeps the name it signs with ("某某县人力资源和社会保障局"), and gets the region
  prefix only when it names no region at all ("区司法局" → "南京市秦淮区司法局").
- region: from the agency, the title, the file name, a speech's subtitle ("——在深圳市南山区第八届人民代表
  大会…"), then the region the text mostly names (core.regions); a functional area that is no county
  (大鹏新区) stays at its prefecture.
- report_year: the last year reported on. A range in the title ("2016-2020年", "“十三五”时期") gives
  `period` and its last year. A 政府工作报告 takes the year of its title or file name: the year of the
  congress session that hears it (the corpus names "2014年南山区政府工作报告" the report delivered in
  early 2014 that reviews 2013), and the archive files these reports under that year; without one, the
  reviewed year ("2013年工作回顾") + 1. Minutes take the year of their first date.
- publish_date: a 发布时间 label (or a dated 来源/浏览 line) on the page, else the 落款 date (damaged
  "2023824" read when unambiguous), else the delivery date under a speech's title.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from core import regions
from core.dates import DateHit, find_dates
from core.metadata_lines import (
    _DOCUMENT_KIND,
    _DOCUMENT_KINDS,
    _FORM_TITLE,
    _NAME_SUFFIX,
    _NOT_TITLE,
    _SENTENCE_END,
    _TITLE_WORDS,
    _at_level,
    _date_line,
    _drop_year,
    _first_lines,
    _last_lines,
    _looks_like_title,
    _source_title,
)
from core.metadata_rules import (
    _BUDGET_UNIT,
    _LEVEL_WORDS,
    _NATIONAL,
    _ORG_SUFFIX,
    _PLACE_PREFIX,
    _YEAR_ANY,
    _FieldRules,
)
from core.models import DOC_TYPES

_HEAD_LINES = 12  # non-empty lines searched for title and labels
_TAIL_LINES = 25  # non-empty lines searched for the 落款
_RED_HEADER_LINES = 20  # non-empty lines searched for a 红头公文's title
# A title the page or the crawler labelled: "标题: …", "名 称:…", "文章标题：…" (the label is no part of it).
_TITLE_LABEL = re.compile(r"^(?:[•·●]\s*)?(?:文章标题|标\s*题|题\s*目|名\s*称)\s*[:：]\s*(?P<title>\S.{3,99})$")
_BODY_START = re.compile(
    r"^(?:各位|同志们|尊敬的|主任、|现将|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、．.])|[。；]$"
)
_LABEL = re.compile(
    r"(?P<label>发布时间|发布日期|发文日期|成文日期|印发日期|公开日期|生成日期|日期|时间|来源|信息来源|发布机构|发布机关|"
    r"发文机关|发文单位|发布单位)\s*[:：]\s*"
)
_ORG_FOLLOW = (
    r"(?:(?:19|20)\d{2}|关于|主任会议|常务会议|常委会会议|全体会议|会议纪要|政府工作报告|工作报告|年度|上半年|"
    r"法治政府|(?:代|常务副)?[省市区县]长|主任|局长|(?:部门|单位)(?:预算|决算)|[（(])"
)
_TITLE_ORG = re.compile(rf"^(?:(?:19|20)\d{{2}}年度?)?(?:关于)?(?P<org>[^\d\s，。、；：:（()）“”《》]{{2,40}}?{_ORG_SUFFIX})(?={_ORG_FOLLOW})")
_TITLE_PLACE_BODY = re.compile(
    r"^(?:(?:19|20)\d{2}年度?)?(?P<place>[^\d\s，。、；：:（()）]{2,10}?(?:新区|区|县|市|省))(?:(?:19|20)\d{2}年度?)?"
    r"(?P<body>管委会|管理委员会|人民政府|政府)(?:工作报告|政府工作报告)"
)
_ORG_LINE = re.compile(rf"^[^\d\s，。、；：:“”《》]{{2,40}}{_ORG_SUFFIX}$")
_NOT_SIGNER = re.compile(r"整理|供稿|编辑|来源|审核|校对|摄影|记者|通讯员|主办|承办|技术支持|版权|备案|网站|地图|返回|印发|抄送|抄报")
# 发文字号: "邯组通字〔2018〕39号", "发改办财金规〔2019〕860号", "某政发[2023]5号".
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*第?\d{1,5}\s*号$")
# A 落款 run into the text: "…能力。某省某厅2019年1月15日" (organisation and a full date, nothing between).
_RUN_IN_SIGNATURE = re.compile(
    r"(?P<org>[^\s，,：:“”《》]{2,50}?(?:人民政府|政府|管理委员会|委员会|办公室|办公厅|局|厅|委|办))"
    r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
)
# An organisation and a date on one line: "某某局 2023年3月1日".
_ORG_THEN_DATE = re.compile(rf"^(?P<org>\S{{2,40}}{_ORG_SUFFIX})\s+(?P<date>.+)$")
# Where a full date of _RUN_IN_SIGNATURE can start (overlapping starts included), and how far before it
# a match can start: its organisation is 2–50 characters and a suffix of at most 5 (管理委员会).
_RUN_IN_DATE = re.compile(r"(?=(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)")
_RUN_IN_REACH = 55


def _last_run_in(tail: str) -> re.Match[str] | None:
    """The last match of _RUN_IN_SIGNATURE.finditer(tail), searched only near the dates: a match that
    starts at p has its date at p + 3 … p + 55, so no match starts more than 55 before the next date."""
    dates = [m.start() for m in _RUN_IN_DATE.finditer(tail)]
    last = None
    pos = 0
    k = 0
    while True:
        while k < len(dates) and dates[k] < pos + 3:
            k += 1
        if k == len(dates):
            return last
        m = _RUN_IN_SIGNATURE.search(tail, max(pos, dates[k] - _RUN_IN_REACH))
        if m is None:
            return last
        last = m
        pos = m.end()


# A 落款 glued to the last paragraph: "…取得新进展。 某某市某某局 2023年3月1日".
_GLUED_SIGNATURE = re.compile(
    rf"(?:[。；！？…”）)]|(?<=\S)\s)\s*(?P<org>[^\s。；，,：:…]{{2,40}}{_ORG_SUFFIX})\s+(?P<date>\S{{6,20}})"
    r"(?:\s+(?:附件|附表|抄送|联系人|联系电话)[^。]{0,60})?$"
)
_SPEAKER = re.compile(
    r"我(?:代表|受)(?P<org>国务院|[^，,。；、\s]{1,30}?(?:人民政府|政府筹备组|政府|管理委员会|管委会|国务院))"
)
_SPEAKS_AS_CITY = re.compile(r"我市|本市")
_SPEAKS_AS_COUNTY = re.compile(r"我(?:区|县|旗|镇|乡)|本(?:区|县|旗|镇|乡)")
_ADDRESSES_COUNTY = re.compile(r"[你贵](?:区|县|旗)")
_TRAILING_DATE = re.compile(r"\s+(?:19|20)\d{2}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_COMPILED_BY = re.compile(
    r"本(?:年度)?报告由(?P<org>[^，,。；：:（(《]{2,40}?(?:人民政府|管理委员会|委员会|局|厅|委|办))"
    r"(?:办公室|办公厅)?(?:政务公开办公室|政务公开科)?(?:根据|依据|按照|依照|编制|负责)"
)


# Joint issuers written together ("甲部乙部", "甲部国家乙局"): ministries end in 部, the next name follows.
_JOINT_MINISTRIES = re.compile(r"^(?P<first>[\u4e00-\u9fff]{1,8}?部)(?=(?:国家)?[\u4e00-\u9fff]{1,12}(?:部|局|委|署))")


def _lead_issuer(agency: str) -> str:
    """The first-named of joint issuers leads (主办机关): "甲局 乙局" → 甲局; "甲部乙部" → 甲部."""
    parts = agency.split()
    if len(parts) > 1 and all(_ORG_LINE.match(p) for p in parts):
        return parts[0]
    if not agency.startswith(("中共", "中国共产党")) and (m := _JOINT_MINISTRIES.match(agency)):
        if not regions.find_regions(agency) and regions.parse_prefix(agency) is None:
            return m.group("first")
    return agency


class _Extractor(_FieldRules):
    def __init__(self, text: str, source_name: str) -> None:
        self.text = text
        self.lines = _first_lines(text, _RED_HEADER_LINES)  # the first lines only: no rule reads further
        self.head = self.lines[:_HEAD_LINES]
        self.tail = _last_lines(text, _TAIL_LINES)
        self.source_title = _source_title(source_name) if source_name else None
        suffix = _NAME_SUFFIX.search(PurePath(source_name.replace("\\", "/")).stem) if source_name else None
        years = _YEAR_ANY.findall(suffix.group(0)) if suffix else []
        self.source_year = int(years[-1]) if years else None
        self.evidence: dict[str, tuple[int, int]] = {}
        self.confidence: dict[str, float] = {}
        self.subtitle_line = ""
        self.org_line: tuple[str, int, int] | None = None  # an organisation line right above the title
        self.joined_title: str | None = None
        self.joined_start = 0  # where a title written over two lines begins
        self.doc_number: str | None = None
        self.is_form = False
        self.title_date: tuple[str, int, int] | None = None  # a date printed beside the title on a page

    # -- labels and 落款 ------------------------------------------------------------------------
    def labels(self) -> dict[str, tuple[str, int, int]]:
        found: dict[str, tuple[str, int, int]] = {}
        for offset, line in self.head:
            for m in _LABEL.finditer(line):
                value_start = m.end()
                value = re.split(r"\s{1,}|[|｜]|浏览|点击|字号|【", line[value_start:], maxsplit=1)[0]
                key = m.group("label")
                kind = "date" if ("日期" in key or "时间" in key) else "org"
                if kind in found or not value:
                    continue
                if key in ("日期", "时间", "来源") and m.start() > 0 and line[m.start() - 1] not in " \t|｜•·:：":
                    continue  # "活动时间：…", "资金来源：…": a word of the body, not the page's label
                if kind == "date":
                    hits = list(find_dates(line[value_start:]))
                    if hits and hits[0].start < 3:
                        h = hits[0]
                        found["date"] = (h.iso, offset + value_start + h.start, offset + value_start + h.end)
                elif "主办" not in key:
                    found["org"] = (value, offset + value_start, offset + value_start + len(value))
        if "date" not in found:  # "2023-03-28 来源：XX区司法局", "2023-03-28 10:20 浏览次数：5"
            for offset, line in self.head:
                if len(line) <= 120 and re.search(r"(?:来源|浏览|阅读|字号|字体|点击|作者)(?:次数|量|数)?\s*[:：]", line):
                    for hit in find_dates(line, damaged=False):
                        found["date"] = (hit.iso, offset + hit.start, offset + hit.end)
                        break
                    if "date" in found:
                        break
        return found

    def signature(self) -> tuple[tuple[str, int, int] | None, tuple[str, int, int] | None]:
        """(agency, date) of the 落款: an organisation line right above a date line near the end; else one
        run into the last sentence ("…能力。某省某厅2019年1月15日", "…事项无某省某厅2021年1月27日更多信息…")."""
        found = self.lined_signature()
        if found[1] is None and (glued := self.run_in_signature()) is not None:
            return glued
        return found

    def run_in_signature(self) -> tuple[tuple[str, int, int] | None, tuple[str, int, int]] | None:
        """A 落款 with no line break and no space: the last "organisation + full date" in the text's last
        600 characters, the organisation cut at the first region it names (or at a sentence end)."""
        base = max(0, len(self.text) - 600)
        tail = self.text[base:]
        last = _last_run_in(tail)
        if last is None:
            return None
        after = tail[last.end() :].split("\n", 1)[0]
        if re.search(r"[，,。；;]", after) or re.match(r"\s*[前后起至止印召开发布出施行]", after):
            return None  # "县政府2023年1月10日召开常务会议，…": a date of the body, not a 落款
        hit = next(iter(find_dates(last.group("date"), damaged=False)), None)
        if hit is None:
            return None
        date = (hit.iso, base + last.start("date") + hit.start, base + last.start("date") + hit.end)
        org = last.group("org")
        cut = max(org.rfind(c) for c in "。；！？、")
        org_at = cut + 1
        mentions = regions.find_regions(org[org_at:])
        if mentions:
            org_at += mentions[0].start  # "…事项无河北省某某厅": the organisation begins with its region
        elif cut < 0:
            return None, date
        name = org[org_at:]
        if not _ORG_LINE.match(name) or _NOT_SIGNER.search(name):
            return None, date
        start = base + last.start("org") + org_at
        return (name, start, start + len(name)), date

    def lined_signature(self) -> tuple[tuple[str, int, int] | None, tuple[str, int, int] | None]:
        for i in range(len(self.tail) - 1, -1, -1):
            offset, line = self.tail[i]
            hit = _date_line(line)
            org_on_line = None
            if hit is None:
                # Both patterns need a space after the organisation: a line without one is not tried.
                words = line.split(None, 1)
                m = _ORG_THEN_DATE.match(line) if words != [line] else None
                if m and (h2 := _date_line(m.group("date"))) is not None:
                    hit = DateHit(m.start("date") + h2.start, m.start("date") + h2.end, h2.iso, h2.damaged)
                    org_on_line = (m.group("org"), offset, offset + len(m.group("org")))
                elif (
                    len(words) == 2  # the glued 落款 has a space between two words
                    and (g := _GLUED_SIGNATURE.search(line))
                    and (h2 := _date_line(g.group("date"))) is not None
                ):
                    hit = DateHit(g.start("date") + h2.start, g.start("date") + h2.end, h2.iso, h2.damaged)
                    org_on_line = (g.group("org"), offset + g.start("org"), offset + g.end("org"))
            if hit is None:
                continue
            date = (hit.iso, offset + hit.start, offset + hit.end)
            if org_on_line:
                return org_on_line, date
            for j in (i - 1, i - 2):
                if j < 0:
                    break
                o2, prev = self.tail[j]
                if _NOT_SIGNER.search(prev):
                    continue
                if _ORG_LINE.match(prev):
                    return (prev, o2, o2 + len(prev)), date
                parts = prev.split()
                if 1 < len(parts) <= 4 and all(_ORG_LINE.match(p) for p in parts):
                    # a joint 落款 ("中共某某县委 某某县人民政府"): the government signs for the report
                    chosen = next((p for p in parts if p.endswith("人民政府")), parts[-1])
                    at = o2 + prev.index(chosen)
                    return (chosen, at, at + len(chosen)), date
            return None, date
        return None, None

    # -- title ----------------------------------------------------------------------------------
    def title(self) -> tuple[str, int, int] | None:
        """The most specific title-like line before the body starts (a breadcrumb or column name such
        as "法治政府建设年度报告" loses to a line that also names a year or an organisation)."""
        best: tuple[int, str, int] | None = None
        if red := self.red_header():
            return red
        for offset, line in self.head:
            if (m := _TITLE_LABEL.match(line)) and _TITLE_WORDS.search(m.group("title")):
                value = m.group("title").strip()
                return value, offset + m.start("title"), offset + m.start("title") + len(value)
        for index, (line_at, full_line) in enumerate(self.head):
            if _BODY_START.search(full_line) or len(full_line) > 100:
                break  # the body has begun: a heading below is not the title
            line, at = self.title_part(full_line, line_at)
            offset = line_at + at
            if best is None and index + 1 < len(self.head) and not _looks_like_title(line) and (
                joined := self.title_over_two_lines(index, line)
            ):
                return joined[0], offset, joined[1]
            # a cover in two lines: "2022年度" above "部门决算"
            year_above = index > 0 and bool(re.fullmatch(r"(?:19|20)\d{2}\s*年度?", self.head[index - 1][1]))
            if _looks_like_title(line) or (year_above and _looks_like_title(self.head[index - 1][1] + line)):
                score = bool(_YEAR_ANY.search(line) or year_above) + bool(re.search(_ORG_SUFFIX + "|[省市区县]", line))
                if score == 0 and not re.search(rf"报告|纪要|总结|{_FORM_TITLE}", line) and not (
                    line.startswith("关于") and re.search(_DOCUMENT_KIND, line)
                ):
                    continue  # "基本情况", "工作要点": a heading or a column name, not a title
                if best is None or score > best[0]:
                    best = (score, line, offset)
                    if year_above and line_at == offset:
                        self.joined_title, self.joined_start = self.head[index - 1][1] + line, self.head[index - 1][0]
                    # "某镇人民政府" on its own line, then "2025年法治政府建设情况": one title in two lines
                    if index > 0 and re.match(r"(?:19|20)\d{2}年|关于", line) and not self.labelled("名称"):
                        above_at, above = self.head[index - 1]
                        if _ORG_LINE.match(above) and not _NOT_SIGNER.search(above):
                            self.org_line = (above, above_at, above_at + len(above))
                            if above_at + len(above) + 2 >= offset:  # the very next line
                                self.joined_title, self.joined_start = above + line, above_at
        if best is None:
            return self.run_in_title()
        return best[1], best[2], best[2] + len(best[1])

    def title_over_two_lines(self, index: int, line: str) -> tuple[str, int] | None:
        """A title broken over two lines ("某县人民政府关于2022年度法治政府建设" / "情况的报告"): the first names
        an organisation or a year, the second is short and ends the title. (joined title, end offset)."""
        if len(line) < 6 or _SENTENCE_END.search(line) or _NOT_TITLE.search(line) or "\t" in line:
            return None
        if not (_YEAR_ANY.search(line) or _TITLE_ORG.match(line) or line.startswith("关于")):
            return None
        next_at, nxt = self.head[index + 1]
        if len(nxt) > 24 or _BODY_START.search(nxt) or _LABEL.match(nxt) or _looks_like_title(nxt):
            return None
        joined = line + nxt
        if not _looks_like_title(joined) or not re.search(rf"(?:报告|情况|总结|纪要|{_DOCUMENT_KINDS})$", joined):
            return None
        return joined, next_at + len(nxt)

    def title_part(self, line: str, offset: int) -> tuple[str, int]:
        """The title in a page-title line: "站名 - 标题", "标题_某某政府网", "标题 2023-01-12" (that date is
        the page's publication date). Returns the part and its offset in the line."""
        start, end = 0, len(line)
        if (d := _TRAILING_DATE.search(line)) and (hit := next(find_dates(d.group(0), damaged=False), None)):
            end = d.start()
            if self.title_date is None and _looks_like_title(line[:end]):
                self.title_date = (hit.iso, offset + d.start() + hit.start, offset + d.start() + hit.end)
        pieces = [(m.start(), m.end()) for m in re.finditer(r"[^_｜|]+?(?=\s+[-–—]\s+|[_｜|]|$)", line[:end])]
        if len(pieces) > 1:
            scored = []
            for a, b in pieces:
                piece = line[a:b].strip(" -–—")
                if piece and _looks_like_title(piece):
                    score = bool(_YEAR_ANY.search(piece)) + bool(re.search(_ORG_SUFFIX, piece))
                    scored.append((score, len(piece), a + line[a:b].index(piece), piece))
            if scored:
                _, _, a, piece = max(scored)
                return piece, a
        return line[start:end], start

    def run_in_title(self) -> tuple[str, int, int] | None:
        """A title run into the body on the first line ("某省某厅 2020年法治政府建设情况 今年以来，我厅…"): the
        leading space-separated words up to the first one that reads as a sentence, when they name an
        organisation or a year and look like a title."""
        if not self.head:
            return None
        offset, line = self.head[0]
        words = list(re.finditer(r"\S+", line[:160]))
        for k in range(min(4, len(words) - 1), 0, -1):
            if not re.search(r"[，。；,]", words[k].group(0)) or any(re.search(r"[，。；,：:]", w.group(0)) for w in words[:k]):
                continue
            candidate = "".join(w.group(0) for w in words[:k])
            if _looks_like_title(candidate) and (_TITLE_ORG.match(candidate) or _YEAR_ANY.search(candidate)):
                return candidate, offset, offset + words[k - 1].end()
        return None

    def red_header(self) -> tuple[str, int, int] | None:
        """The title of a 红头公文: the short lines between the 发文字号 (or the page's labels) and the
        主送机关 line ("各县（市、区）委组织部…："), joined ("通 知" → "通知"); None for other texts."""
        head = self.lines[:_RED_HEADER_LINES]
        number_at = next((i for i, (_, line) in enumerate(head) if _DOC_NUMBER.match(line.replace(" ", ""))), None)
        if number_at is None:
            return None
        to_at = next(
            (i for i, (_, line) in enumerate(head) if re.search(r"[：:]$", line) and not _LABEL.search(line) and "。" not in line),
            None,
        )
        if to_at is None:
            to_at = next((i for i, (_, line) in enumerate(head) if i > number_at and len(line) > 60), None)
        if to_at is None:
            return None
        block: list[tuple[int, str]] = []
        for i in range(to_at - 1, -1, -1):
            offset, line = head[i]
            if (
                _DOC_NUMBER.match(line.replace(" ", ""))
                or _LABEL.search(line)
                or _NOT_TITLE.search(line)
                or len(line) > 40
                or "。" in line
                or line.endswith("文件")
                or _date_line(line)
            ):
                if block or i < number_at:
                    break
                continue  # the 发文字号 between the title and the 主送机关
            block.insert(0, (offset, line))
        if not block:
            return None
        title = "".join(line.replace(" ", "") for _, line in block)
        if not _TITLE_WORDS.search(title) or len(title) > 100:
            return None
        start, (last_at, last) = block[0][0], block[-1]
        self.doc_number = next(line for i, (_, line) in enumerate(head) if i == number_at)
        self.issuer_mark(head, number_at)
        return title, start, last_at + len(last)

    def issuer_mark(self, head: list[tuple[int, str]], number_at: int) -> None:
        """The 发文机关标志 above the 发文字号 ("某某县某某局文件", or a joint "甲办公厅 / 乙办公厅 文件"): the
        first-named issuer leads, so it is the agency."""
        marks: list[tuple[str, int]] = []
        for i in range(number_at - 1, max(-1, number_at - 5), -1):
            offset, line = head[i]
            name = re.sub(r"\s*文件$", "", line).replace(" ", "")
            if not _ORG_LINE.match(name) or _NOT_SIGNER.search(name) or _TITLE_WORDS.search(name):
                break
            marks.insert(0, (name, offset))
        if marks and self.org_line is None:
            name, offset = marks[0]
            self.org_line = (name, offset, offset + len(name))

    def find_org_line(self, title: str) -> None:
        """An organisation line right above a line that repeats the title (a 红头 page: 发文机关, then 标题)."""
        for index, (_, line) in enumerate(self.head):
            if index > 0 and line == title:
                above_at, above = self.head[index - 1]
                if _ORG_LINE.match(above) and not _NOT_SIGNER.search(above):
                    self.org_line = (above, above_at, above_at + len(above))
                    return

    def constructed_title(self, agency: str) -> str | None:
        """A page that lost its title line: the usual title of an annual report, from the agency and the year
        its opening names ("2021年，…" / "2021年度…"); a weak guess (confidence 0.4)."""
        opening = self.text[:1500]
        m = re.search(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\d)", re.sub(r"《[^》]{0,60}》", "", opening[:300]))
        if m is None:
            return None
        year = m.group(1)
        yearly = "年度" if f"{year}年度" in opening else "年"
        kind = "工作总结" if re.search(r"总结如下|工作总结", opening) else "情况报告"
        self.confidence["title"] = 0.4
        return f"{agency}{year}{yearly}法治政府建设{kind}"

    def labelled(self, label: str) -> bool:
        return any(re.match(rf"^(?:[•·●]\s*)?{label[0]}\s*{label[1:]}\s*[:：]", line) for _, line in self.head)

    def subtitle(self, title_end: int) -> tuple[str, int] | None:
        """The line under a title that says where and when it was delivered ("——2024年1月10日在…大会…")."""
        skipped = 0
        for offset, line in self.head:
            if offset <= title_end:
                continue
            if re.match(r"^[—\-－]{1,2}|^[（(]?[^\n]{0,20}在.{2,40}(?:大会|会议)", line) and re.search(r"大会|会议", line):
                return line, offset
            if skipped < 2 and (_LABEL.match(line) or _NOT_TITLE.match(line)):
                skipped += 1  # "来源：某某日报" between the title and the delivery line
                continue
            break
        return None

    # -- main -----------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        text = self.text
        ev = self.evidence
        labels = self.labels()
        sig_org, sig_date = self.signature()
        title_hit = self.title()
        title = title_hit[0] if title_hit else None
        if title_hit:
            ev["title"] = title_hit[1:]
        if title_hit and self.org_line is None:
            self.find_org_line(title_hit[0])
        if self.joined_title and title_hit:
            title = self.joined_title
            ev["title"] = (self.joined_start, title_hit[2])
        title_for_rules = title or self.source_title or ""
        if re.search(_FORM_TITLE, title_for_rules):
            # a form ("…申请表"): its dates and places are the filler's ("申请人签字 … 2017年12月26日")
            self.is_form = True
            sig_org = sig_date = None
        sub = self.subtitle(title_hit[2]) if title_hit else None
        self.subtitle_line = sub[0] if sub else ""

        doc_type, type_span = self.doc_type(title_for_rules)
        if type_span:
            ev["doc_type"] = type_span

        # agency ----------------------------------------------------------------------------
        agency: str | None = None
        agency_span: tuple[int, int] | None = None
        if title_hit and (m := _TITLE_ORG.match(title_hit[0])):
            agency, agency_span = m.group("org"), (title_hit[1] + m.start("org"), title_hit[1] + m.end("org"))
        elif title is None and self.source_title and (m := _TITLE_ORG.match(self.source_title)):
            agency = m.group("org")
        if agency is None and self.org_line:  # 发文机关 on the line above the title
            agency, agency_span = self.org_line[0], self.org_line[1:]
        if agency is None and (m := _TITLE_PLACE_BODY.match(title_for_rules)):
            agency = m.group("place") + m.group("body")  # "某某新区2022年管委会工作报告"
            if title_hit and title_for_rules == title_hit[0]:
                agency_span = (title_hit[1] + m.start("place"), title_hit[1] + m.end("body"))
        if agency is None and sig_org:
            agency, agency_span = sig_org[0], sig_org[1:]
            self.confidence["agency"] = 0.85
        if agency is None or doc_type == "政府工作报告":
            if (m := _SPEAKER.search(text[:3000])) and (agency is None or len(m.group("org")) > 1):
                speaker = m.group("org")
                if agency is None or not regions.parse_prefix(agency, allow_short=False):
                    agency, agency_span = speaker, m.span("org")
        if agency is not None:
            agency = re.sub(r"(?<=[区县市])[一二三四五六七八九十]+届(?=人民政府)", "", agency)
            agency = _lead_issuer(agency)

        # region -----------------------------------------------------------------------------
        region_code: str | None = None
        context = text
        for candidate, span in (
            (agency, agency_span),
            (title, ev.get("title")),
            (self.source_title, None),
            (sub[0] if sub else None, (sub[1], sub[1] + len(sub[0])) if sub else None),
        ):
            if candidate and not (candidate == agency and agency and _NATIONAL.match(agency)):
                region_code = regions.region_code(candidate, context)
                if region_code:
                    if span:
                        ev["region"] = span
                    break
        region_named = region_code is not None
        # An agency that names its own place ("青禾市云溪区司法局") which the division table does not know: the
        # text's other place names are not its region (a same-named county elsewhere must not be read in).
        unknown_place = bool(agency and _PLACE_PREFIX.match(agency) and not regions.find_regions(agency))
        if (
            region_code is None
            and not unknown_place
            and not (agency and _NATIONAL.match(agency))
            and "国务院" not in title_for_rules
            and not self.is_form
        ):
            region_code = regions.dominant_region(text) or regions.city_by_short_name(text, min_count=5)
            county = regions.unit(region_code) if region_code else None
            if (
                county is not None
                and county.level == 3
                and not county.name.endswith("市")  # a county-level city says 我市 of itself
                and _SPEAKS_AS_CITY.search(text[:5000])
                and _ADDRESSES_COUNTY.search(text[:5000])
                and not _SPEAKS_AS_COUNTY.search(text[:5000])
            ):
                # "根据我市…，你区需…": a city's letter to a district it names more than itself
                region_code = regions.up_to_prefecture(county.code)
            own_place = re.match(r"[\u4e00-\u9fff]{2,6}新区", agency or title_for_rules)
            if region_code and own_place and regions.parse_prefix(own_place.group(0)) is None:
                # a functional area (大鹏新区) that is no county: the districts it names are others
                region_code = regions.up_to_prefecture(region_code)

        # agency normalisation (needs the region) ---------------------------------------------
        if region_code is None and agency and agency[0] in "省市" and agency[:2] not in _LEVEL_WORDS:
            # "市人社局…", "省人民政府关于…": the city or province the text names by its short name
            region_code = _at_level(None, agency[0], text)
        if agency is not None:
            agency = self.normalise_agency(agency, region_code)
        if agency is None and doc_type == "预算决算":
            for offset, line in self.head:
                if m := _BUDGET_UNIT.match(line):
                    agency, agency_span = m.group("org"), (offset + m.start("org"), offset + m.end("org"))
                    self.confidence["agency"] = 0.85
                    if unit_code := regions.region_code(agency, text):
                        region_code = unit_code  # the unit names its own place ("预算单位：某市某区司法局")
                    agency = self.normalise_agency(agency, region_code)
                    break
        if agency is None and (said := self.body_agency(region_code)):
            agency, agency_span, region_code = said[0], said[1:3], said[3]
            self.confidence["agency"] = 0.7
            ev["region"] = said[1:3]
        if agency is None and (own := self.own_bureau(region_code)):
            agency, agency_span = own[0], own[1:3]
            self.confidence["agency"] = 0.6
            region_code = own[3] or region_code or regions.region_code(agency)
        if (
            agency is None
            and region_code
            and region_named
            and (doc_type.startswith("法治政府建设") or doc_type == "政府信息公开工作年度报告")
            and (hit := regions.parse_prefix(_drop_year(title_for_rules), {region_code}, allow_short=False))
            and re.match(r"(?:(?:19|20)\d{2}|关于|法治|年度)", _drop_year(title_for_rules)[hit[1] :])
        ):
            agency = regions.prefix_of(region_code) + "人民政府"  # "南山区2022年法治政府建设年度报告"
            self.confidence["agency"] = 0.75
        if agency is None and doc_type == "政府信息公开工作年度报告" and (m := _COMPILED_BY.search(text[:1500])):
            # "本报告由某县人民政府办公室…编制": the government's report, its office compiles it
            agency, agency_span = m.group("org"), m.span("org")
            self.confidence["agency"] = 0.7
            if region_code is None or regions.parse_prefix(agency, allow_short=False):
                region_code = regions.region_code(agency, text) or region_code
            agency = self.normalise_agency(agency, region_code)
        if agency is None and "org" in labels and _ORG_LINE.match(labels["org"][0]):
            # the page's 来源 / 发布机构: who posted it, the weakest evidence of who wrote it
            agency, agency_span = labels["org"][0], labels["org"][1:]
            self.confidence["agency"] = 0.5
            if region_code is None:
                region_code = regions.region_code(agency, text)
            agency = self.normalise_agency(agency, region_code)
        if agency is None and doc_type == "政府工作报告" and region_code and region_named:
            agency = regions.prefix_of(region_code) + "人民政府"
            self.confidence["agency"] = 0.7
        if agency_span and agency:
            ev["agency"] = agency_span

        # title constructed from the report's naming of itself --------------------------------
        if title is None and agency and (m := self.self_named()):
            title = agency + m.group("name")
            ev["title"] = m.span("name")
        if title is None and self.source_title:
            title = self.source_title
            self.confidence["title"] = 0.6
        if title is None and agency and doc_type == "法治政府建设年度报告":
            title = self.constructed_title(agency)
        if title is None and agency and doc_type == "政府信息公开工作年度报告":
            year_hit = re.search(r"(?<!\d)((?:19|20)\d{2})年(?:1月1日)?(?:起)?至\1年12月31日", text[:1500]) or re.search(
                r"(?<!\d)((?:19|20)\d{2})年(?:，|,|度)", text[:600]
            )
            if year_hit:  # the national format's own title
                title = f"{agency}{year_hit.group(1)}年政府信息公开工作年度报告"
                self.confidence["title"] = 0.5

        # dates ------------------------------------------------------------------------------
        publish_date: str | None = None
        if "date" in labels:
            publish_date = labels["date"][0]
            self.confidence["publish_date"] = 0.95
            ev["publish_date"] = labels["date"][1:]
        elif self.title_date and ev.get("title", (-1, -1))[0] <= self.title_date[1] <= ev.get("title", (-1, -1))[1] + 30:
            publish_date = self.title_date[0]  # the page's date printed beside its title
            self.confidence["publish_date"] = 0.85
            ev["publish_date"] = self.title_date[1:]
        elif sig_date:
            publish_date = sig_date[0]
            self.confidence["publish_date"] = 0.9
            ev["publish_date"] = sig_date[1:]
        elif sub and (sub_date := next(find_dates(sub[0], damaged=False), None)):
            publish_date = sub_date.iso  # the delivery date under a speech's title
            self.confidence["publish_date"] = 0.8
            ev["publish_date"] = (sub[1] + sub_date.start, sub[1] + sub_date.end)

        if region_code and "region" not in ev and (mention := regions.first_mention(text, region_code)):
            ev["region"] = (mention.start, mention.end)

        report_year, period = self.years(title, doc_type, publish_date)
        values = {"title": title, "agency": agency, "region": region_code, "report_year": report_year,
                  "publish_date": publish_date, "doc_type": doc_type if doc_type != "其他" else None}
        confidence = {name: self.field_confidence(name, value is not None) for name, value in values.items()}
        if region_code and agency and "region" not in self.confidence:
            confidence["region"] = min(confidence["region"], max(confidence["agency"], 0.6))
        return {
            "confidence": confidence,
            "title": title,
            "agency": agency,
            "region": regions.full_name(region_code) if region_code else None,
            "report_year": report_year,
            "period": period,
            "publish_date": publish_date,
            "doc_type": doc_type,
            "evidence": ev,
        }

    def field_confidence(self, name: str, found: bool) -> float:
        """0–1: how much to trust a field (a rule's own figure, else 0.9 with evidence in the text, 0.6
        without; 其他 and missing fields 0.3 / 0)."""
        if name in self.confidence:
            return self.confidence[name]
        if name == "doc_type" and not found:
            return 0.3
        if not found:
            return 0.0
        return 0.9 if name in self.evidence else 0.6


def extract_metadata(text: str, source_name: str = "") -> dict[str, Any]:
    """Metadata of a cleaned text (see the module docstring for the rules).

    Returns title, agency, region, report_year, period, publish_date, doc_type (one of DOC_TYPES) and
    evidence {field: (start, end)} for the fields read from the text; fields taken from `source_name`
    have no evidence.
    """
    result = _Extractor(text or "", source_name or "").run()
    if result["doc_type"] not in DOC_TYPES:
        result["doc_type"] = "其他"
    return result
