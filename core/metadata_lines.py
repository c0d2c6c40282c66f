"""The line-level pieces of metadata extraction: the head and tail lines, what looks like a title, the
title from a file name, organisation and date lines, bureau names, the level of a region, year words."""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePath

from core import regions
from core.dates import DateHit, find_dates

# A form's own name: "…申请表", "…健康检查表", "…委托书" (an attachment that is only a form).
_FORM_TITLE = r"(?:申请|登记|检查|审批|统计|备案|报名|汇总|信息|评价|考核|呈批|征求意见)表$|(?:申请|委托|承诺|告知)书$"


_TITLE_WORDS = re.compile(
    rf"报告|纪要|情况|总结|意见|方案|通知|决定|公告|通报|讲话|要点|规划|述职|预算|决算|批复|函$|(?:名单|清单|目录)$|{_FORM_TITLE}"
)

# The kinds of 公文 a title ends with ("关于…的通知", "…的批复", "…的函").
_DOCUMENT_KINDS = "通知|批复|复函|函|意见|决定|通报|公告|通告|请示|命令|指示|办法|规定"
_DOCUMENT_KIND = rf"(?:{_DOCUMENT_KINDS})$"


_NOT_TITLE = re.compile(
    r"^(?:发布|来源|时间|日期|作者|浏览|点击|字号|【|分享|扫一扫|索引号|主题分类|首页|当前位置|工作表\s*[:：])|现将|如下|各位"
)


_SENTENCE_END = re.compile(r"[。；;！!？?，,：:]$")


_NAME_SUFFIX = re.compile(r"(?:[_\-\s]+(?:19|20)\d{2}年?)+$")


_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


_BLANKS = " \t\r\u3000\xa0\u200b\u200d\ufeff"


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-empty lines as (offset of the first non-blank character, stripped line)."""
    out: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip(_BLANKS)
        if stripped:
            out.append((pos + raw.index(stripped[0]), stripped))
        pos += len(raw) + 1
    return out


def _first_lines(text: str, count: int) -> list[tuple[int, str]]:
    """_lines(text)[:count], reading no further into the text than those lines."""
    out: list[tuple[int, str]] = []
    pos = 0
    while len(out) < count and pos <= len(text):
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        raw = text[pos:end]
        stripped = raw.strip(_BLANKS)
        if stripped:
            out.append((pos + raw.index(stripped[0]), stripped))
        pos = end + 1
    return out


def _last_lines(text: str, count: int) -> list[tuple[int, str]]:
    """_lines(text)[-count:] (all of them when fewer), reading the text from its end."""
    out: list[tuple[int, str]] = []
    end = len(text)
    while len(out) < count and end >= 0:
        start = text.rfind("\n", 0, end) + 1
        raw = text[start:end]
        stripped = raw.strip(_BLANKS)
        if stripped:
            out.append((start + raw.index(stripped[0]), stripped))
        end = start - 1
    out.reverse()
    return out


def _looks_like_title(line: str) -> bool:
    return (
        6 <= len(line) <= 80
        and bool(_TITLE_WORDS.search(line))
        and not _NOT_TITLE.search(line)
        and not _SENTENCE_END.search(line)
        and line.count("，") + line.count(",") <= 1
        and "。" not in line
        and "\t" not in line  # a table row ("公文标题<TAB>…"): cells, not a title
        and not _LABELLED_VALUE.match(line)  # "预算单位：某某局": a label and its value
    )


# A short label and its value ("预算单位：…", "部门名称: …"); not "附件1：…" (an attachment's own title).
_LABELLED_VALUE = re.compile(r"^(?!附件|附表)[\u4e00-\u9fff]{2,6}\s*[:：]")


def _source_title(source_name: str) -> str | None:
    stem = PurePath(source_name.replace("\\", "/")).name
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    stem = _NAME_SUFFIX.sub("", stem).strip()
    return stem if _looks_like_title(stem) and re.search(r"[\u4e00-\u9fff]{4}", stem) else None


def _expand(org: str) -> str:
    """Abbreviations written out: 人大常委会, 管委会, X区政府, a bureau's short name (X市人社局)."""
    out = org.replace("人大常委会", "人民代表大会常务委员会").replace("管委会", "管理委员会")
    out = re.sub(r"(?<=[省市区县])政府$", "人民政府", out)
    if m := _SHORT_BUREAU.search(out):
        full = _SHORT_TO_FULL[m.group("short")]
        out = out[: m.start("short")] + (full[:-1] + "厅" if m.group("suffix") == "厅" else full)
    return out


# The most characters other than whitespace a date of core.dates spans: 二〇二三年十一月二十一日 (13).
_DATE_MAX_VISIBLE = 13
_DATE_LINE_REST = re.compile(r"[前后起止至印发]")


def _date_line(line: str) -> DateHit | None:
    """The date when a line is essentially only a date (a 落款 date), damaged forms included."""
    if len(line) > _DATE_MAX_VISIBLE + 2 and _visible(line) > _DATE_MAX_VISIBLE + 2:
        # Outside the date, at most 2 characters stay after stripping whitespace and brackets from the ends
        # (characters other than whitespace and brackets are never stripped): no date can leave so few.
        return None
    for hit in find_dates(line):
        rest = (line[: hit.start] + line[hit.end :]).strip(" \t()（）")
        if len(rest) <= 2 and not _DATE_LINE_REST.search(rest):  # "2018年6月20日前报" is no 落款
            return hit
    return None


def _visible(line: str) -> int:
    """Characters of `line` other than whitespace (as regex \\s has it) and ()（）."""
    return len("".join(line.split())) - line.count("(") - line.count(")") - line.count("（") - line.count("）")


# County-level bureaus and the short names reports use for them (domain vocabulary, not a region list).
_BUREAUS: tuple[tuple[str, str], ...] = (
    ("人力资源和社会保障", "人力资源和社会保障局"),
    ("人力资源社会保障", "人力资源和社会保障局"),
    ("人力社保", "人力资源和社会保障局"),
    ("人社", "人力资源和社会保障局"),
    ("市场监督管理", "市场监督管理局"),
    ("市场监管", "市场监督管理局"),
    ("生态环境", "生态环境局"),
    ("住房和城乡建设", "住房和城乡建设局"),
    ("住建", "住房和城乡建设局"),
    ("交通运输", "交通运输局"),
    ("卫生健康", "卫生健康局"),
    ("卫健", "卫生健康局"),
    ("医疗保障", "医疗保障局"),
    ("医保", "医疗保障局"),
    ("应急管理", "应急管理局"),
    ("农业农村", "农业农村局"),
    ("退役军人事务", "退役军人事务局"),
    ("行政审批", "行政审批局"),
    ("司法", "司法局"),
    ("公安", "公安局"),
    ("财政", "财政局"),
    ("民政", "民政局"),
    ("教育", "教育局"),
    ("审计", "审计局"),
    ("统计", "统计局"),
    ("税务", "税务局"),
    ("商务", "商务局"),
    ("信访", "信访局"),
    ("水务", "水务局"),
    ("水利", "水利局"),
    ("林业", "林业局"),
    ("工业和信息化", "工业和信息化局"),
    ("工信", "工业和信息化局"),
    ("发展和改革", "发展和改革局"),
    ("科学技术", "科学技术局"),
    ("自然资源和规划", "自然资源和规划局"),
    ("自然资源", "自然资源局"),
    ("文化广电旅游", "文化广电旅游局"),
    ("文化和旅游", "文化和旅游局"),
    ("城市管理", "城市管理局"),
    ("人民防空", "人民防空办公室"),
    ("数据资源", "数据资源局"),
    ("政务服务和数据管理", "政务服务和数据管理局"),
    ("政务服务", "政务服务管理局"),
    ("地方金融监督管理", "地方金融监督管理局"),
    ("粮食和物资储备", "粮食和物资储备局"),
    ("林业和草原", "林业和草原局"),
    ("乡村振兴", "乡村振兴局"),
    ("机关事务管理", "机关事务管理局"),
    ("档案", "档案局"),
    ("体育", "体育局"),
    ("外事", "外事办公室"),
)


# A bureau signing with its short name ("某市人社局", "省市场监管局"): written out in full.
_SHORT_TO_FULL = {
    abbrev: full for abbrev, full in _BUREAUS if len(abbrev) <= 4 and full.endswith("局") and not full.startswith(abbrev)
}
_SHORT_BUREAU = re.compile(
    r"(?<=[省市区县州旗盟])(?P<short>" + "|".join(sorted(map(re.escape, _SHORT_TO_FULL), key=len, reverse=True)) + r")(?P<suffix>局|厅)$"
)


@cache
def _bureau_pattern(bare: bool = False) -> str:
    # A region name directly followed by a bureau's name or short name, optionally 局: "余杭人力社保",
    # "余杭区司法局". Longer names first so 人力资源和社会保障 wins over 人社. `bare`: the names only.
    names = sorted((re.escape(a) for a, _ in _BUREAUS), key=len, reverse=True)
    return "(?:" + "|".join(names) + ")" + ("" if bare else "局?")


def _at_level(region_code: str | None, level: str, text: str) -> str | None:
    """The text's region at the level a bare level word stands for (市 → its prefecture, 省 → province,
    区/县 → the county itself); for 市 without a region, the prefecture the text names most by short name."""
    if region_code is not None:
        u = regions.unit(region_code)
        if u is None:
            return None
        if level == "省":
            return u.province
        if level == "市":
            if u.level >= 2:
                return regions.up_to_prefecture(region_code)
            return regions.city_by_short_name(text, within=u.province)
        return region_code if u.level == 3 else None
    if level == "市":
        return regions.city_by_short_name(text)
    if level == "省":
        return regions.province_by_short_name(text)
    return None


def _drop_year(title: str) -> str:
    """A title without its leading year ("2020年某区法治政府…" → "某区法治政府…")."""
    return re.sub(r"^(?:19|20)\d{2}\s*年度?", "", title)


def _five_year_number(word: str) -> int | None:
    # 十五 = 10th, 十一五 = 11th … (the word is 十 + n + 五)
    middle = word[1:-1]
    if not middle:
        return 10
    value = _CN_NUM.get(middle)
    return 10 + value if value else None
