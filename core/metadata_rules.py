"""Metadata field rules: an agency's full name and its bureau, the region as written, the document type, the year."""

from __future__ import annotations

import re

from core import regions
from core.dates import find_dates
from core.metadata_lines import _BUREAUS, _at_level, _bureau_pattern, _expand, _five_year_number

_ORG_SUFFIX = (
    r"(?:人民代表大会常务委员会|人大常委会|人民政府|政府|管理委员会|管委会|委员会|办公室|办公厅|办事处|局|厅|委|办|院|署|"
    r"中心|部|所|站|队|会)"
)
_GOV_BODY = re.compile(r"(人民政府|管理委员会|人民代表大会常务委员会|政府筹备组)$")
# Words that start with a level character but are no level word ("市场监督管理局" is no 市 + 场…).
_LEVEL_WORDS = frozenset({"市场", "市政", "市容", "市级", "市属", "区域", "区级", "区属", "县域", "县级", "县属", "省级", "省属"})
# A place written at the start of an agency name: a city (市/州/盟) then a county (区/县/旗), known or not.
_PLACE_PREFIX = re.compile(r"[\u4e00-\u9fff]{2,4}[市州盟][\u4e00-\u9fff]{1,4}[区县旗]")
# An area named by its own place before its body ("某某新区管理委员会", "某某合作区执行委员会").
_OWN_AREA = re.compile(r"^(?![省市区县])[\u4e00-\u9fff]{2,12}?(?:新区|合作区|开发区|园区|实验区|示范区|片区)")
_TOWN_BODY = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:镇|乡|街道)(?:人民政府|办事处|党委|党工委|$)")
_NATIONAL = re.compile(r"^(?:国务院|中共中央|全国|国家|中华人民共和国)")
_SELF_TITLE = re.compile(
    r"现将(?:我局|我委|我办|我厅|我院|我单位|本局|本委|本单位|本部门|我部门|(?P<who>[省市区县][\u4e00-\u9fff]{1,12}?[局厅委]))?"
    r"(?P<name>[^。；，,]{4,50}?(?:报告|总结))(?:如下|予以公开|公布如下|公开如下)"
)
# 预算决算 name their unit on a label line: "预算单位：…", "预算主管部门：…", "部门名称：…".
_BUDGET_UNIT = re.compile(
    r"^(?:预算单位|预算主管部门|决算单位|部门名称|单位名称)\s*[:：]\s*(?P<org>[^\s:：，。]{2,40}?"
    + _ORG_SUFFIX
    + r")(?=$|\s)"
)
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-—–－~～至到]\s*((?:19|20)\d{2})(?!\d)")
_FIVE_YEAR = re.compile(r"[“\"‘]?(十[一二三四五六七八九]?五)[”\"’]?(?:时期|期间|规划)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:\s*年|(?=[)）]))")
_YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_REVIEW_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?:和今年以来)?(?:工作)?回顾")


class _FieldRules:
    """The agency, region, type and year rules of `core.metadata._Extractor`, over what it has read so far."""

    text: str
    head: list[tuple[int, str]]
    source_title: str | None
    source_year: int | None
    evidence: dict[str, tuple[int, int]]
    confidence: dict[str, float]
    subtitle_line: str
    doc_number: str | None
    is_form: bool

    def self_named(self) -> re.Match[str] | None:
        m = _SELF_TITLE.search(self.text[:3000])
        if m and _YEAR_ANY.search(m.group("name")):
            return m
        return None

    def normalise_agency(self, agency: str, region_code: str | None) -> str:
        """Abbreviations written out; a government body completed with its prefecture; an agency that
        names no region at all ("区司法局", "新区管委会") prefixed with the document's region."""
        full = _expand(agency.strip())
        if _NATIONAL.match(full) or region_code is None:
            return full
        written = regions.parse_prefix(full, {region_code})
        if written is None:
            if full.startswith(("中共", "中国共产党")) or regions.find_regions(full) or _PLACE_PREFIX.match(full):
                return full  # a party body, or a region named further in: keep as written
            if _TOWN_BODY.match(full):
                return full  # a town or 街道 signs with its own name ("某某镇人民政府"), as written
            u = regions.unit(region_code)
            if u is not None and u.level == 1 and _OWN_AREA.match(full):
                return full  # "某某合作区执行委员会" in a province: its own place name, no province prefix
            # "区人民政府", "区司法局", "新区管委会": the level word stands for the region itself.
            body = full if full[:2] in _LEVEL_WORDS else re.sub(r"^(?:新区|[省市区县])(?=.)", "", full)
            lead = self.written_region(region_code)
            return (lead or regions.prefix_of(region_code)) + body
        if re.search(r"(?:镇|乡|街道)(?:人民政府|办事处)$", full):
            return full  # a town signs with the county it belongs to, as written ("某县某镇人民政府")
        if _GOV_BODY.search(full):
            missing = regions.missing_prefix(written[0])
            short = regions.short_name(missing) if missing else None
            if not missing or full.startswith(missing) or (short and len(short) >= 2 and full.startswith(short)):
                return full  # "苏州工业园区管理委员会" names its city already
            return missing + full
        # A department signing with part of its region: prefer a fuller form the text itself uses.
        fuller = re.search(r"[\u4e00-\u9fff]{2,6}[省市]" + re.escape(full), self.text)
        if fuller and regions.region_code(fuller.group(0)) == region_code:
            return fuller.group(0)
        return full

    def body_agency(self, region_code: str | None) -> tuple[str, int, int, str] | None:
        """The bureau the opening sentences name as the actor ("2021年，某市人力资源和社会保障局以…",
        "现将市人社局2022年…报告", "市市场监管局在…"): (name, start, end, region code). A bureau written
        with a bare level word (市X局) takes the text's region at that level."""
        head = self.text[:1500]
        self_word = "局" if re.search(r"我局|本局", head) else "厅" if re.search(r"我厅|本厅", head) else ""
        for m in re.finditer(rf"(?P<b>{_bureau_pattern(bare=True)})(?P<suf>局|厅)", head):
            if self_word and m.group("suf") != self_word:
                continue  # a text that says 我局 names its 厅 above it ("在省某某厅的指导下")
            seg_end = m.start("b")
            org_start, code = seg_end, None
            for j in range(max(0, seg_end - 12), seg_end - 1):
                hit = regions.parse_prefix(head[j:seg_end], allow_short=False)
                if hit and hit[1] == seg_end - j:
                    org_start, code = j, hit[0]
                    break
            if code is None:
                if seg_end == 0 or head[seg_end - 1] not in "省市区县":
                    continue
                org_start = seg_end - 1
                code = _at_level(region_code, head[seg_end - 1], self.text)
                if code is None:
                    continue
            before = head[max(0, org_start - 2) : org_start]
            if org_start and not re.search(r"[，,。；;：:\n\s]$|年$|将$|下$", before):
                continue  # "成立某市某局…领导小组", "《某区某局…办法》": named, not acting
            full = next(f for a, f in _BUREAUS if a in m.group("b"))
            if m.group("suf") == "厅":
                full = full[:-1] + "厅"
            if code is not None and org_start < seg_end - 1:
                written = head[org_start:seg_end]
                missing = regions.missing_prefix(code)
                prefix = written if not missing or written.startswith(missing) else missing + written
            else:
                prefix = regions.prefix_of(code)
            return prefix + full, org_start, m.end(), code
        return None

    def own_bureau(self, region_code: str | None) -> tuple[str, int, int, str | None] | None:
        """A bureau that only calls itself 我局: the bureau of its own region the text names, by its
        full or its usual short name ("余杭人力社保" → 杭州市余杭区人力资源和社会保障局); None when the
        text names no such bureau or several equally often."""
        head = self.text[:3000]
        self_word = re.search(r"我局|本局|我厅|本厅", head)
        if not self_word:
            return None
        suffix = self_word.group(0)[-1]  # 局, or 厅 for a provincial department
        if region_code is None:
            named = self.named_bureau(suffix)
            return (*named, None) if named else None
        unit = regions.unit(region_code)
        if unit is None:
            return None
        names = {unit.name: region_code}
        short = regions.short_name(unit.name)
        if short:
            names[short] = region_code
        if unit.level == 2 and suffix == "局":  # a bureau of one of the city's counties ("余杭人力社保")
            for county in regions.counties_of(region_code):
                names.setdefault(county.name, county.code)
                if (cs := regions.short_name(county.name)) and len(cs) >= 2:
                    names.setdefault(cs, county.code)
        region_alt = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
        pattern = _bureau_pattern()
        counts: dict[tuple[str, str], int] = {}
        first: dict[tuple[str, str], tuple[int, int]] = {}
        for m in re.finditer(rf"(?P<place>{region_alt})(?:{pattern})", self.text):
            word = m.group(0)[len(m.group("place")) :]
            for abbrev, full in _BUREAUS:
                if word.startswith(abbrev):
                    key = (full, names[m.group("place")])
                    counts[key] = counts.get(key, 0) + 1
                    first.setdefault(key, m.span())
                    break
        if not counts:
            return None
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        (full, region_code), _ = ranked[0]
        span = first[(full, region_code)]
        if suffix == "厅":
            u = regions.unit(region_code)
            if u is None or u.level != 1:
                return None  # 我厅 is a provincial department: its region is a province
            full = full[:-1] + "厅" if full.endswith("局") else full
        return (regions.prefix_of(region_code) + full, *span, region_code)

    def named_bureau(self, suffix: str = "局") -> tuple[str, int, int] | None:
        """For a 我局 text with no region found: the one bureau it names with a full region name
        ("…《某区人力社保局…》" → 某市某区人力资源和社会保障局), when exactly one such name occurs."""
        found: dict[str, tuple[int, int]] = {}
        for m in re.finditer(rf"(?P<b>{_bureau_pattern(bare=True)}){suffix}", self.text[:20000]):
            seg_end = m.start("b")
            for j in range(max(0, seg_end - 12), seg_end - 1):
                hit = regions.parse_prefix(self.text[j:seg_end], allow_short=False)
                if hit and hit[1] == seg_end - j:
                    full = next(f for a, f in _BUREAUS if a in m.group("b"))
                    if suffix == "厅" and full.endswith("局"):
                        full = full[:-1] + "厅"
                    found.setdefault(regions.prefix_of(hit[0]) + full, (j, m.end()))
                    break
        if len(found) != 1:
            return None
        name, span = next(iter(found.items()))
        return name, *span

    def written_region(self, region_code: str) -> str | None:
        """The region as the title writes it ("光明新区…"), completed with its prefecture."""
        for title in (self.evidence.get("title") and self.text[slice(*self.evidence["title"])], self.source_title):
            if not title:
                continue
            m = re.match(r"(?:\d{4}年)?([\u4e00-\u9fff]{2,10}?(?:新区|区|县|市|省))", title)
            if m:
                hit = regions.parse_prefix(m.group(1), {region_code})
                if hit and hit[0] == region_code:
                    missing = regions.missing_prefix(hit[0])
                    word = m.group(1)
                    return word if word.startswith(missing) else missing + word
        return None

    def doc_type(self, title: str) -> tuple[str, tuple[int, int] | None]:
        text = self.text
        span = self.evidence.get("title")
        head = text[:3000]
        if "纪要" in title:
            return "会议纪要", span
        if re.search(r"政府工作报告|管委会工作报告|管理委员会工作报告|(?<!\d)\d{4}年工作报告$", title) or (
            "法治" not in title and re.search(r"我代表[^。]{1,30}?向(?:大会|各位代表)", head)
        ):
            if "法治" not in title:
                return "政府工作报告", span if "工作报告" in title else None
        opening = title or head[:400]
        if re.search(r"政府信息公开(?:工作)?(?:年度)?(?:报告|年报)", opening) or (
            not title and "政府信息公开条例" in head[:1500] and re.search(r"主动公开|依申请公开|本(?:年度)?报告由|统计期限", head)
        ):
            return "政府信息公开工作年度报告", span
        if re.search(r"(?:部门|单位|年度|财政|收支)?(?:预算|决算)(?:公开|说明|报告|情况|草案|表)?", title) and not re.search(
            r"法治|依法行政", title
        ):
            return "预算决算", span
        if not title and len(re.findall(r"预算|决算", head)) >= max(5, 3 * len(re.findall(r"法治|依法行政", head))):
            return "预算决算", None
        if any(_BUDGET_UNIT.match(line) for _, line in self.head) and re.search(r"预算|决算", title or head[:300]):
            return "预算决算", None
        if re.search(r"(?:通知|批复|复函|函|意见|决定|通报|公告|请示|命令|指示)$", title) and not re.search(
            r"报告|总结|纪要", title
        ):
            return "公文", span
        subject = title or re.sub(r"《[^》]{0,60}》", "", head[:600])  # a 纲要's "2021—2025年" is no period
        is_report = not title or bool(re.search(r"报告|情况|总结", title))  # not a 通知/方案/要点
        if is_report and (
            "法治政府" in subject
            or "依法行政" in subject
            or ("法治" in subject and "报告" in subject)
            or re.search(r"法治(?:建设|工作)+(?:开展)?情况", title)  # "某局2022年法治工作情况"
        ):
            many_years = bool(_YEAR_RANGE.search(subject) or _FIVE_YEAR.search(subject))
            to_congress = bool(re.search(r"主任、各位副主任|各位副主任、各位委员|常委会会议文件|向常委会报告",
                                         head))
            kind = "法治政府建设工作报告" if many_years or to_congress else "法治政府建设年度报告"
            return kind, span
        if re.search(r"会议纪要|会议(?:听取|审议|认为|要求)", head[:1500]) and re.search(r"主任会议|常务会议|会议", head[:300]):
            return "会议纪要", None
        return "其他", None

    def years(self, title: str | None, doc_type: str, publish_date: str | None) -> tuple[int | None, str | None]:
        ev = self.evidence
        title_span = ev.get("title")
        sources: list[tuple[str, int | None]] = []
        if title:
            base: int | None = None
            if title_span:
                written = self.text[title_span[0] : title_span[1]]
                if title.endswith(written):  # a constructed title ends with the words the text wrote
                    base = title_span[0] - (len(title) - len(written))
                elif title.endswith(written.split("\n")[-1].strip()):  # a title over two lines
                    base = title_span[1] - len(title)
            sources.append((title, base))
        if self.subtitle_line and title_span:
            sub_at = self.text.find(self.subtitle_line, title_span[1])
            sources.append((self.subtitle_line, sub_at if sub_at >= 0 else None))
        if self.source_title and self.source_title != title:
            sources.append((self.source_title, None))
        def put(fields: tuple[str, ...], s: str, base: int | None, a: int, b: int) -> None:
            # evidence only where the words really stand in the text (not in a constructed title's prefix)
            if base is not None and base + a >= 0 and self.text[base + a : base + b] == s[a:b]:
                for name in fields:
                    ev[name] = (base + a, base + b)

        for s, base in sources:
            if (m := _YEAR_RANGE.search(s)) and int(m.group(1)) < int(m.group(2)):
                put(("period", "report_year"), s, base, m.start(), m.end())
                return int(m.group(2)), f"{m.group(1)}-{m.group(2)}"
            if m2 := _FIVE_YEAR.search(s):
                n = _five_year_number(m2.group(1))
                if n:
                    first = 1966 + 5 * (n - 3)  # the 3rd plan began in 1966 (1963-65 were not planned)
                    put(("period", "report_year"), s, base, m2.start(), m2.end())
                    return first + 4, f"{first}-{first + 4}"
        for s, base in sources:
            if m := _YEAR.search(s):
                put(("report_year",), s, base, m.start(1), m.end(1))
                return int(m.group(1)), None
        if self.source_year is not None:
            return self.source_year, None
        head = self.text[:3000]
        if doc_type == "政府工作报告":
            if m := _REVIEW_YEAR.search(head):
                ev["report_year"] = m.span(1)
                return int(m.group(1)) + 1, None
        elif doc_type == "会议纪要":
            for hit in find_dates(head):
                ev["report_year"] = (hit.start, hit.start + 4)
                return int(hit.iso[:4]), None
        elif doc_type == "公文" and (self.doc_number or publish_date):
            # a 公文 is of the year of its 发文字号 or its 成文日期, not of a year its body mentions
            y = _YEAR_ANY.search(self.doc_number or "")
            self.confidence["report_year"] = 0.7
            return (int(y.group(1)) if y else int(str(publish_date)[:4])), None
        elif self.is_form:
            return None, None  # a form's dates are its filler's
        else:
            if (m := self.self_named()) and (y := _YEAR_ANY.search(m.group("name"))):
                ev["report_year"] = (m.start("name") + y.start(), m.start("name") + y.end())
                return int(y.group(1)), None
            if m := re.search(r"(?<!\d)((?:19|20)\d{2})\s*年", self.text[:300]):
                ev["report_year"] = m.span(1)
                return int(m.group(1)), None
        if publish_date:
            year = int(publish_date[:4])
            if doc_type in ("法治政府建设年度报告", "法治政府建设工作报告") and publish_date[5:7] <= "04":
                year -= 1
            self.confidence["report_year"] = 0.5
            return year, None
        return None, None
