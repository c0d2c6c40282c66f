"""Numeric facts in a cleaned report: number + unit (+ qualifier, direction, indicator key), with offsets.

What counts as a fact follows the annotation conventions of the gold set (../shared/gold/README.md):
numbers with a counting unit, Chinese numerals, explicit zeros (零败诉, 未发生败诉案件) and ranks
(全市第一); not dates, document numbers, phone numbers, ordinals, thresholds or vague quantities.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from core.fact_context import (
    _CLAUSE_DELIMS,
    _SENTENCE_REACH,
    _chunk_end,
    _Context,
    _cut_point,
    _ensured_result,
    _finditer_from,
    _inside_parentheses,
    _inside_quotes,
)
from core.fact_rules import (
    _counsel_key,
    _drop_restatements,
    _follow_activity,
    _list_items,
    _respective_item,
    _unkey_parts,
)
from core.indicators import IndicatorDictionary, default_dictionary
from core.models import Fact
from core.numerals import DIGITS, cn_to_number, parse_arabic, split_magnitude

# --- units ------------------------------------------------------------------------------------------
# Counting and measuring units a fact may carry (the 万/亿 prefix is matched separately).
_UNITS: tuple[str, ...] = (
    "个百分点", "百分点", "%", "％", "‰",
    "平方公里", "平方千米", "平方米", "立方米", "千瓦时", "公里", "千米", "公顷", "千瓦", "兆瓦",
    "美元", "港元", "元",
    "人年", "人次", "户次", "件次", "场次", "批次", "项次", "家次", "车次", "架次", "班次", "课时", "学时",
    "部门", "个", "件", "宗", "起", "次", "场", "期", "家", "户", "人", "名", "位", "条", "份", "项",
    "部", "轮", "例", "批", "所", "座", "篇", "册", "套", "台", "辆", "张", "间", "栋", "处", "支",
    "门", "笔", "株", "棵", "头", "只", "吨", "亩", "米", "倍", "期", "届", "类", "节", "堂", "封",
    "卷", "盏", "艘", "根", "块", "组", "队", "网格", "种", "款", "分", "本", "单", "通", "幅",
)  # fmt: skip
_UNITS = tuple(sorted(set(_UNITS), key=len, reverse=True))

# A unit followed by one of these is the start of a word, not a unit (3人民…, 10条例, 5项目, 2个月).
_UNIT_BLOCKERS: dict[str, tuple[str, ...]] = {
    "人": ("民", "大", "社", "防", "行"),
    "名": ("单", "称", "义", "列", "誉", "牌", "录", "片", "次", "额"),
    "条": ("例", "款", "文", "理", "块", "线"),
    "部": ("署", "分", "长", "委", "队", "级", "位", "件", "曲"),
    "家": ("长", "属", "园", "乡", "门", "庭", "风", "政", "里"),
    "户": ("籍", "口", "外", "型", "政"),
    "场": ("所", "地", "景", "馆", "面", "合", "站", "内", "外"),
    "项": ("目",),
    "个": ("工作日", "月", "小时", "季度", "星期", "年", "周", "自然日", "日", "半月", "钟头", "方面", "层面", "维度", "阶段"),
    "起": ("草", "步", "来", "始", "点", "到", "飞", "跑", "止", "见"),
    "批": ("示", "复", "准", "评", "判", "发"),
    "处": ("理", "置", "罚", "分", "室", "级", "长", "于", "境", "置"),
    "所": ("属", "在", "有", "以", "谓", "得", "需"),
    "支": ("持", "付", "出", "部", "撑", "援"),
    "门": ("户", "槛", "口", "诊", "类", "前", "面"),
    "期": ("间", "限", "末", "满", "待", "刊", "货", "望", "盼", "项目", "工程", "码头", "建设", "主体", "扩建",
          "改造", "地块", "用地"),
    "种": ("植", "类", "子", "养", "苗"),
    "款": ("项", "物", "式"),
    "例": ("如", "行", "会", "外"),
    "台": ("账", "阶", "湾", "风"),
    "元": ("素", "旦", "宵", "首", "年", "月"),
    "位": ("列", "居", "于", "置", "次", "数"),
    "份": ("额",),
    "宗": ("教", "旨"),
    "笔": ("者",),
    "届": ("人", "政", "党", "市", "区", "县", "省", "全", "一", "二", "三", "四", "五", "六", "七", "八",
          "九", "十", "常", "委"),
    "类": ("似", "型", "别"),
    "节": ("约", "能", "日", "点", "假"),
    "队": ("伍",),
    "组": ("织", "建", "成", "长"),
    "米": ("粮",),
    "次": ("全会", "全体会议", "党代会", "代表大会"),
    "倍": ("增",),
    "吨": ("位",),
    "根": ("据", "本", "源", "治"),
    "块": ("钱",),
    "堂": ("课",),
    "网格": ("化", "员", "长"),
    "本": ("级", "地", "部", "次", "年", "区", "单位", "身", "科", "市", "县", "局", "院", "着", "质", "领",
          "土", "届", "系统", "行业", "辖区", "人", "案"),
    "单": ("位", "独", "元", "据", "一", "项", "纯", "列", "设", "向", "个"),
    "通": ("过", "知", "报", "道", "讯", "行", "用", "畅", "车", "告", "关", "达", "俗", "信", "办", "则"),
    "幅": ("度", "员"),
}  # fmt: skip

_CN_NUM = "零〇○一二两三四五六七八九十百千万亿"
_UNIT_ALT = "|".join(re.escape(unit) for unit in _UNITS)
_UNIT_FIRSTS = re.escape("".join(sorted({unit[0] for unit in _UNITS} | {"万", "亿"})))
# Each pattern scanned over the whole text opens with a lookahead of its possible first characters: it
# changes no match, and lets re skip to those characters instead of trying every position.
_NUMBER_RE = re.compile(
    rf"(?=[\d{_CN_NUM}])"
    r"(?P<num>(?<![\d.])(?<!\d[,，])\d+(?:[,，]\d{3})*(?:\.\d+)?(?![\d.]\d)"
    # A Chinese numeral starts only where its run starts and is taken whole (possessive): a run of
    # 50,000 一 without a unit is then rejected in linear time instead of retried from every position.
    rf"|(?<![{_CN_NUM}])[{_CN_NUM}]++(?:点[零〇一二三四五六七八九]++)?)"
    r"(?P<q1>余|多)?"
    r"(?P<sp>[ \u3000\u00a0]?)"
    r"(?P<mag>千万|百万|万亿|[万亿千])?"
    r"(?P<q2>余|多)?"
    rf"(?=[{_UNIT_FIRSTS}])(?P<unit>{_UNIT_ALT}|[万亿](?![{_CN_NUM}]))"  # (a unit's first character, then the unit)
    r"(?P<par>[(（][次人户件个][)）])?"
)
_RANK_RE = re.compile(r"第(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})(?P<unit>名|位)?(?!\d)")
_RANK_LEAD_RE = re.compile(
    r"(?:排名|名列|位列|位居|排在|排位|位次|居于?|列|获得?|荣获|取得|考核|考评|评估|测评|评比|综合)"
    r"(?:全[国省市区县州盟旗]|[国省市区县]内|全[国省市区县]同类[^，,。；;]{0,4})?(?:范围内)?(?:排名)?$"
    r"|全[国省市区县州盟旗](?:排名|范围内)?$"
)
_NEGATED_ZERO_RE = re.compile(
    r"(?=[未没零无率])(?:"
    r"(?:未发生|没有发生|未出现|没有出现|未收到|没有收到|未发现|没有发现)"
    r"(?P<obj>[^，,。；;：:、！？!?\s]{0,12}?(?:案件|案例|事故|事件|申请|投诉|文件))"
    r"|[零无](?P<zobj>败诉|被纠错|纠错|错案|发案|上访|伤亡事故|安全事故|事故|投诉|违规)(?:案件|案例|情况|事件)?"
    r"|无(?!论|须|需|法|关|缝|偿|纸|证|障碍|一不)(?P<nobj>[^，,。；;：:、！？!?\s无]{0,8}?"
    r"(?:(?:败诉|被纠错|纠错)(?:案件|案例|情况)?|(?:复议|诉讼|应诉)(?:案件|案例)))"
    r"|(?P<rate>率)(?:为|是|均为|保持为?|均保持为?)?(?P<zero>0(?:\.0+)?%?|零)(?![\d.])"
    r")"
)
_NEGATED_ZERO_FIRSTS = "未没零无率"  # every match of _NEGATED_ZERO_RE starts with one of these (its lookahead)


# 无火灾事故、伤亡事件: one explicit zero per incident named after 无.
_INCIDENT = r"[\u4e00-\u9fff]{0,6}?(?:火情|火警|事故|事件)"
# (无 first, the character before it checked after: re then finds each 无 by a fast literal scan.)
_NONE_LIST_RE = re.compile(rf"无(?<![毫有若从虚别]无)(?P<items>{_INCIDENT}(?:、{_INCIDENT})*)(?=[，,。；;、\s）)]|$)")
# 未认领事项数量为0: a count stated as zero; the unit follows the counted noun.
_COUNT_ZERO_RE = re.compile(r"(?P<obj>[\u4e00-\u9fff]{2,12}?)(?:数量|数)(?:均)?为(?P<zero>0|零)(?![\d.%])")
_COUNT_ZERO_ANCHOR = re.compile("为[0零]")
_COUNT_ZERO_REACH = 15  # a match's 为 stands 3 to 15 characters after its start (obj 2–12, 数量, 均)


def _count_zero_matches(text: str, pos: int, stop: int) -> Iterator[re.Match[str]]:
    """`_COUNT_ZERO_RE.finditer(text, pos, stop)`, trying only the starts that can reach a 为0 / 为零
    (the pattern itself would be tried at every Chinese character with up to 12 lengths)."""
    tried = pos  # the first start not tried yet
    for anchor in _COUNT_ZERO_ANCHOR.finditer(text, pos, stop):
        at = anchor.start()
        for start in range(max(tried, at - _COUNT_ZERO_REACH), at - 2):
            match = _COUNT_ZERO_RE.match(text, start, stop)
            if match:
                yield match
                tried = match.end()
                break
        else:
            tried = max(tried, at - 2)

# 均未被纠错或败诉: one or two explicit zeros, each named by its own word.
_NOT_BEEN_RE = re.compile(r"未被?(?P<a>纠错|败诉)(?:[或和及与、]被?(?P<b>纠错|败诉))?")
_ZERO_OBJECT = {"纠错": "被纠错案件", "败诉": "败诉案件"}

_PERCENT_WORDS_RE = re.compile(
    r"百分之(?P<n>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
)

_COUNTED_NOUN_ENDINGS = (
    "案件", "案例", "事件", "事故", "诉讼", "复议", "申请", "纠纷", "问题", "项目", "企业", "单位", "举报",
    "投诉", "信访", "建议", "提案", "意见",
)  # fmt: skip
_PRE_QUALIFIERS = (
    "将近", "接近", "超过", "多达", "高达", "突破", "达到了", "达到", "约为", "近", "约", "逾", "超", "达",
)  # fmt: skip
_POST_QUALIFIERS = ("以上", "左右", "之多", "余", "多")
_THRESHOLD_WORDS = (
    "不低于", "不少于", "不超过", "不高于", "不多于", "不得低于", "不得少于", "不得超过", "不得高于", "低于", "少于",
    "不足", "至少", "最多", "最少", "以内", "不到", "小于", "大于", "高于", "控制在", "限定在", "限制在", "每",
)  # fmt: skip


_LINK_TAILS = ("达到", "为", "是", "达")


def _after_threshold(prefix: str) -> bool:
    """不低于7个工作日, 每万人3名: a statutory threshold or a rate's denominator, not a count."""
    if prefix.endswith(_LINK_TAILS):
        for tail in _LINK_TAILS:
            if prefix.endswith(tail):
                prefix = prefix[: -len(tail)]
                break
    if prefix.endswith(_THRESHOLD_WORDS):
        return True
    # 每年至少组织2次, 每季度开展1次: a rule or a routine, not a result.
    return bool(_ROUTINE_RE.search(prefix[-12:]))


_ROUTINE_RE = re.compile(
    r"(?:不低于|不少于|不超过|不得少于|不得低于|至少|最少|最多|每年|每季度?|每月|每周|每半年|每个?工作日)"
    r"[\u4e00-\u9fff]{0,5}$"
)


_VAGUE_PREFIX = ("数", "几", "若干", "上", "成", "好几", "近几", "多")
_DOWN_WORDS = ("下降", "减少", "降低", "压减", "缩减", "缩短", "降至", "减至", "降幅", "减幅", "下滑", "回落", "压缩")  # fmt: skip
_UP_WORDS = ("增长", "增加", "提高", "上升", "提升", "升至", "增至", "增幅", "提高到", "上涨", "增长了", "扩大")  # fmt: skip
_DIRECTION_RE = re.compile(
    "(?P<word>" + "|".join(sorted(_DOWN_WORDS + _UP_WORDS, key=len, reverse=True)) + ")"
    r"(?:了|为|到|至|达到?|幅度为?|幅达)?$"
)
_DIRECTION_FIRST_RE = re.compile("[" + "".join(sorted({word[0] for word in _DOWN_WORDS + _UP_WORDS})) + "]")
# Counts about others: 在全市15个开发区中首家…, 成为全省3个试点之一.
# (Matched at the position after the number: .match(text, end, clause end + 1).)
_OTHERS_RE = re.compile(r"[^，,。；;]{0,20}?(?:中(?:的)?(?:首|率先|第一|唯一|排名|排|位列|居|最|仅有|只有)|之一)")
# Fixed political and administrative terms whose numerals are names, not counts.
_FIXED_TERMS: tuple[str, ...] = (
    "三项制度", "两个维护", "两个确立", "四个意识", "四个自信", "四个全面", "四个一", "三个一批", "三个代表", "两个责任", "两个务必", "两个结合", "一岗双责",
    "两学一做", "三会一课", "三重一大", "一网通办", "一网统管", "一件事", "一次办", "跑一次", "一次性", "一窗受理", "一门受理", "一枚印章", "一张网",
    "一张图", "一站式", "五位一体", "一带一路", "双随机、一公开", "一公开", "一单两库", "七日双公示", "一案三查", "一案双查", "一局一策", "一企一策", "一村一",
    "一社区一", "一区一", "一街一", "一所一", "一校一", "一人一", "一户一", "一事一议", "一把手", "一线", "八项规定", "二次供水", "二次开发", "二次装修",
    "二次创业", "二次分配", "三次分配", "两个千亿", "百千万", "千家万户", "十件实事", "十大", "百日", "三年行动", "五年规划",
)  # fmt: skip
_FIXED_TERMS_RE = re.compile("|".join(re.escape(term) for term in _FIXED_TERMS))
_CLASS_NOUN_RE = re.compile(r"的?[\u4e00-\u9fff]{0,4}?(?:企业|项目|公司|楼宇|大户|镇|园区|产业|集群)")
_SESSION_RE = re.compile(r"[^，,。；;]{0,8}?(?:全会|会议|党代会|代表大会|常委会)")
_TRAINING_RE = re.compile(r"培训|轮训|讲座|学习|课|班|研讨|宣讲|辅导|考试|活动")
_PAGE_COUNTER_RE = re.compile(r"浏览|访问量|访问次数|访问人次|阅读数|点击数")
_TARGET_RE = re.compile(r"力争|确保|争取|力求")
_FIRSTS_RE = re.compile(r"全(?:国|省|市|区|县)第一")
_GOAL_RE = re.compile(r"确保|力争|争取|努力|目标|要求|力求|防止|避免")


# --- bounds per document ---------------------------------------------------------------------------
# A statistics dump or a hostile file can hold a million figures; the extractor reads a document in
# chunks and stops once it has found MAX_FACTS facts or read MAX_CHARS characters (a real report has
# a few hundred facts in well under 200,000 characters).
MAX_FACTS = 5_000
MAX_CHARS = 2_000_000


@dataclass(slots=True)
class FactExtraction:
    """The facts of one text, and whether the per-document bound cut the reading short."""

    facts: list[Fact]
    truncated: bool = False
    read_chars: int = 0  # how far the extractor read (the facts all start before this offset)
    total_chars: int = 0
    stopped_by: str = ""  # "facts" (MAX_FACTS reached) or "chars" (MAX_CHARS read) when truncated

    @property
    def warning(self) -> str | None:
        """A Chinese note for the import report when the extractor stopped early, else None."""
        if not self.truncated:
            return None
        percent = 100 * self.read_chars / max(1, self.total_chars)
        where = f"只从前 {self.read_chars:,} 字（约 {percent:.0f}%）中识别了指标数值；全文仍可搜索和阅读。"
        if self.stopped_by == "facts":
            return f"文件中的数字过多（超过 {MAX_FACTS:,} 处），" + where
        return f"文件过长（超过 {MAX_CHARS:,} 字），" + where




_PRE_QUALIFIERS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _word in _PRE_QUALIFIERS:  # by last character, in their order: only those can end the prefix
    _PRE_QUALIFIERS_BY_LAST[_word[-1]] = (*_PRE_QUALIFIERS_BY_LAST.get(_word[-1], ()), _word)


def _strip_pre_qualifier(prefix: str) -> tuple[str, str]:
    for word in _PRE_QUALIFIERS_BY_LAST.get(prefix[-1:], ()):
        if prefix.endswith(word):
            return prefix[: -len(word)], word
    return prefix, ""


_EARLIER_RUN_RE = re.compile(r"[\d.,%％、和及]+|分别|同比|较上年|较去年|比上年|比去年")


def _direction(prefix: str) -> str | None:
    window = prefix[-24:]
    if not _DIRECTION_FIRST_RE.search(window):
        return None  # no direction word can start here (the next step only takes characters out)
    # Skip over earlier numbers of the same run: 分别下降23.8%、67.4% → both "down".
    window = _EARLIER_RUN_RE.sub("", window)
    match = _DIRECTION_RE.search(window)
    if not match:
        return None
    return "down" if match.group("word") in _DOWN_WORDS else "up"


_TITLE_RE = re.compile(r"(?:《[^》]*》[、，,]?)+等?")
_FILLERS = ("“", "”", "‘", "’", "各类", "各种", "各项", "分别", "累计", "共计", "全部", "相关", "了")
_FILLER_FIRST_RE = re.compile("[" + "".join(sorted({filler[0] for filler in _FILLERS})) + "]")


_ISSUER_LEVEL_RE = re.compile(r"(?:[省市区县镇乡]级?|本级|部门)(?:人民)?(?:政府)?(?=(?:行政)?规范性文件)")
_ASIDE_RE = re.compile(r"[（(][^）)]{1,6}[）)]")  # 制定（修改）办法: a short aside inside a phrase


def _key_context(prefix: str) -> str:
    """The clause text with book titles, quotes, short asides and fillers out: 出台《…》等 → 出台,
    化解各类纠纷 → 化解纠纷, 制定（修改）办法 → 制定办法."""
    if "《" in prefix:
        prefix = _TITLE_RE.sub("", prefix)
    if "规范性文件" in prefix:
        prefix = _ISSUER_LEVEL_RE.sub("", prefix)  # 印发区政府规范性文件 → 印发规范性文件
    if "（" in prefix or "(" in prefix:
        prefix = _ASIDE_RE.sub("", prefix)
    if _FILLER_FIRST_RE.search(prefix):  # (most clauses hold none: one search instead of 13 tests)
        for filler in _FILLERS:
            if filler in prefix:
                prefix = prefix.replace(filler, "")
    return prefix


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass(slots=True)
class _Token:
    value: float
    unit: str
    start: int
    end: int
    inner_qualifier: str
    chinese: bool


# The numerals of a corpus repeat (1, 2, 100, 两, 十): their values are read once (pure functions of the numeral).
_arabic_value = lru_cache(maxsize=8192)(parse_arabic)
_chinese_value = lru_cache(maxsize=2048)(cn_to_number)


def _token(match: re.Match[str], text: str) -> _Token | None:
    """Number + unit of a regex match, or None when the numeral is malformed."""
    num, q1, sp, magnitude, q2, unit, par = match.groups()  # the groups of _NUMBER_RE, in order
    magnitude = magnitude or ""
    end = match.end()  # the unit's end, or the bracket's (par is the last group)
    chinese = not num[0].isdigit()
    if chinese:
        if sp or magnitude in ("千", "百万", "千万", "万亿"):
            return None
        if magnitude:
            mantissa = num  # 三点五 + 亿元
        else:
            mantissa, magnitude = split_magnitude(num)
        if unit in ("万", "亿"):
            return None  # 千万 / 百亿 as words, not quantities
        value = _chinese_value(mantissa)
    else:
        value = _arabic_value(num)
    if value is None:
        return None
    if unit in ("万", "亿") and magnitude:
        return None
    if par:
        unit += par.replace("（", "(").replace("）", ")")
    elif unit == "个" and text[end : end + 1] in ("家", "户"):
        unit = text[end]  # scraping damage: 约谈12个家欠薪单位
        end += 1
    return _Token(value, magnitude + unit, match.start(), end, q1 or q2 or "", chinese)


class FactExtractor:
    """Finds the facts of one cleaned text; reusable across texts (holds only the dictionary)."""

    def __init__(self, dictionary: IndicatorDictionary | None = None) -> None:
        self.dictionary = dictionary if dictionary is not None else default_dictionary()

    # --- public ------------------------------------------------------------------------------------
    def extract(self, text: str) -> list[Fact]:
        """The facts of `text` in text order (bounded: see `extract_bounded`)."""
        return self.extract_bounded(text).facts

    def extract_bounded(
        self, text: str, *, max_facts: int | None = None, max_chars: int | None = None
    ) -> FactExtraction:
        """The facts of `text`, read chunk by chunk; stops after the chunk in which `max_facts`
        (default MAX_FACTS) raw facts were reached, and reads at most `max_chars` (default MAX_CHARS)
        characters. The result says whether it stopped early and how far it read."""
        max_facts = MAX_FACTS if max_facts is None else max_facts
        max_chars = MAX_CHARS if max_chars is None else max_chars
        limit = _cut_point(text, max_chars) if len(text) > max_chars else len(text)
        # The context is built on the part that is read: offsets are the same (a prefix of the text).
        ctx = _Context.build(text if limit == len(text) else text[:limit])
        facts: list[Fact] = []
        position = 0
        produced = 0
        while position < limit:
            end = _chunk_end(ctx, position, limit)
            chunk = self._extract_range(ctx, position, end)
            produced += len(chunk)
            facts.extend(chunk)
            position = end
            if produced >= max_facts:
                break
        truncated = position < len(text)
        stopped_by = ("facts" if produced >= max_facts else "chars") if truncated else ""
        _follow_activity(facts, self.dictionary)
        _unkey_parts(facts, text)
        return FactExtraction(_drop_restatements(text, facts), truncated, position, len(text), stopped_by)

    def _extract_range(self, ctx: _Context, pos: int, endpos: int) -> list[Fact]:
        """Facts starting in [pos, endpos); pos and endpos lie just after a sentence delimiter (or at the
        ends of the text), which no pattern crosses, so reading by ranges finds what one pass would."""
        text = ctx.text
        facts: list[Fact] = [
            *self._rank_facts(ctx, pos, endpos),
            *self._zero_facts(ctx, pos, endpos),
            *self._percent_words(ctx, pos, endpos),
        ]
        # Positions already explained (ranks, zeros) or inside fixed terms (三项制度) start no fact.
        taken: set[int] = set()
        for a, b in [(fact.start, fact.end) for fact in facts] + [
            m.span() for m in _FIXED_TERMS_RE.finditer(text, pos, endpos)
        ]:
            taken.update(range(a, b))
        for match in _NUMBER_RE.finditer(text, pos, endpos):
            if match.start() in taken:  # (the number opens the match)
                continue
            facts.extend(self._number_facts(ctx, match))
        facts.sort(key=_SPAN)
        return facts

    def parse_at(self, text: str, start: int, end: int) -> Fact | None:
        """The fact a user selected: what the extractor finds overlapping [start, end) (zeros and ranks
        included), else the first number (+ unit) inside it, unfiltered."""
        start = max(0, start)
        end = min(len(text), end)
        if start >= end:
            return None
        window_start = max(0, start - _SENTENCE_REACH)
        window = text[window_start : min(len(text), end + _SENTENCE_REACH)]
        overlapping = [
            fact
            for fact in self.extract(window)
            if fact.start + window_start < end and fact.end + window_start > start
        ]
        if overlapping:
            fact = overlapping[0]
            fact.start += window_start
            fact.end += window_start
            return fact
        ctx = _Context.build(text)
        segment = text[start:end]
        for match in _NUMBER_RE.finditer(segment):
            token = _token(match, segment)
            if token is None:
                continue
            return self._make_fact(
                ctx,
                token.value,
                token.unit,
                start + token.start,
                start + token.end,
                qualifier=token.inner_qualifier,
            )
        number = re.search(r"\d+(?:[,，]\d{3})*(?:\.\d+)?", segment)
        if number:
            value = parse_arabic(number.group())
            if value is not None:
                return self._make_fact(ctx, value, "", start + number.start(), start + number.end())
        return None

    # --- number + unit -------------------------------------------------------------------------------
    def _number_facts(self, ctx: _Context, match: re.Match[str]) -> Sequence[Fact]:
        """The facts of one number + unit match (none, one, or one per listed name); a tuple or a list, not a
        generator (one per number was the larger cost)."""
        text = ctx.text
        token = _token(match, text)
        if token is None:
            return ()
        start, end = token.start, token.end
        unit = token.unit
        base_unit = match.group("unit")
        blockers = _UNIT_BLOCKERS.get(base_unit)  # the unit starts a word (3人民, 10条例, 2个月)
        if blockers and text.startswith(blockers, match.end("unit"), match.end("unit") + 4):
            return ()
        if base_unit == "分" and _is_cjk(text[end : end + 1]):
            return ()
        clause_start = ctx.clause_start(start)
        sentence = ctx.sentence_span(start)
        sentence_start = sentence[0]
        prefix = text[clause_start:start]
        before = text[start - 2 if start > 2 else 0 : start]
        after = text[end : end + 6]
        # Ordinals and sequence numbers: 第三次会议, 第14期, 七届二次会议.
        if before.endswith(("第", "届")) or before.rstrip().endswith("第"):
            return ()
        # Slogans, formulas, resolutions and ratios: 1+3+N, 1920×1080, 3/4.
        if before.endswith(
            ("+", "＋", "×", "*", "x", "X", "/", "／", "~", "～", "-", "—", ":", "：")
        ) and not (before.endswith(("-", "—", "：", ":")) and not before[:-1][-1:].isdigit()):
            return ()
        if after.startswith(("+", "＋", "×", "*", "/", "／")):
            return ()
        if ctx.inside_quotes(sentence_start, start):
            return ()
        if (
            # a frequency, the regex (?<![\d.])\d年$|每$ on the two characters before, spelt out
            before.endswith(("每", "每\n"))
            or (len(before) == 2 and before[1] == "年" and before[0].isdecimal())  # (isdecimal is re's \d)
            or (before.endswith("按") and text.startswith(("比例", "的比例"), end))
        ):
            return ()  # 抽查频率1年1次, 按3%比例抽查: a frequency or a parameter, not a result
        if _PAGE_COUNTER_RE.search(text, min(clause_start, start - 8 if start > 8 else 0), start):
            return ()  # in the last 8 characters or the clause, whichever is longer (the other is its tail)
        stripped_prefix, pre_qualifier = (
            _strip_pre_qualifier(prefix) if prefix[-1:] in _PRE_QUALIFIERS_BY_LAST else (prefix, "")
        )
        if _after_threshold(stripped_prefix) or (pre_qualifier and _after_threshold(prefix)):
            return ()
        if (target := _TARGET_RE.search(prefix)) and not _ensured_result(ctx, clause_start + target.start()):
            return ()  # 力争纠错率控制在10%以内, 2024年确保审查率达到100%: a target, not a result
        post = ""
        if after.startswith(_POST_QUALIFIERS):
            for word in _POST_QUALIFIERS:
                if after.startswith(word):
                    post = word
                    break
        if post in ("以上",) or after.startswith(("以下", "以内")):
            # 2人以上执法, 500人以上的企业: a threshold that qualifies a noun, not a count.
            rest = after[2:3]
            if rest in ("）", ")", "、", "，", ",") and _inside_parentheses(text, sentence_start, start):
                return ()  # (对单位5万元以上)的案件: a bracketed definition of a class
            if rest and (_is_cjk(rest) or rest in "“《") and rest not in "和及与或" and not (
                unit in ("%", "％") and rest == "的"
            ):
                return ()  # (80%以上的事项 is a share of the items: kept)
            if after.startswith(("以下", "以内")):
                return ()
        clause_end = ctx.clause_end(end)
        if _OTHERS_RE.match(text, end, clause_end + 1):
            return ()
        if pre_qualifier in ("超", "超过", "逾") and _CLASS_NOUN_RE.match(text, end):
            return ()  # 超百亿元企业达19家: a size class, not an amount
        if token.chinese and not self._chinese_ok(ctx, match, token, prefix, pre_qualifier):
            return ()
        qualifier = pre_qualifier + token.inner_qualifier + (post if post not in ("余", "多") else "")
        if post in ("余", "多") and not token.inner_qualifier:
            qualifier += post
        direction = _direction(stripped_prefix)
        # Several indicators sharing one number: 备案率、及时率和合格率均为100%.
        # …率、…率达75%、95%: one number per name (read below), not one number shared by the names
        following = text[end : end + 1]  # _NUMBER_LIST_AFTER opens with a space or 、和及与 (\s is isspace)
        listed_after = bool(following) and (following in "、和及与" or following.isspace()) and bool(
            _NUMBER_LIST_AFTER.match(text, end)
        )
        items = [] if listed_after else _list_items(stripped_prefix)
        if items:
            return [
                self._make_fact(
                    ctx,
                    token.value,
                    unit,
                    start,
                    end,
                    qualifier=qualifier,
                    direction=direction,
                    key_context=_key_context(item),
                    sentence=sentence,
                    clause_end=clause_end,
                )
                for item in items
            ]
        fact = self._make_fact(
            ctx,
            token.value,
            unit,
            start,
            end,
            qualifier=qualifier,
            direction=direction,
            key_context=_key_context(prefix),
            sentence=sentence,
            clause_end=clause_end,
        )
        # 参考率、合格率分别为100%、98%: the i-th number belongs to the i-th name.
        named = _respective_item(prefix, listed_after=listed_after)
        if named:
            scope = ctx.topic(start) + "|" + ctx.sentence(start)
            key = self.dictionary.find_key(_key_context(named), unit, scope=scope)
            if key is not None or "分别" not in prefix:  # without 分别 the name alone decides
                fact.key, fact.name = key, self.dictionary.name(key)
        return (fact,)

    def _chinese_ok(
        self, ctx: _Context, match: re.Match[str], token: _Token, prefix: str, pre_qualifier: str
    ) -> bool:
        """Chinese numerals are facts far less often than Arabic ones (一批, 两个维护, 二期工程, 五项指标).

        Accepted: hedged counts (十余场, 近千人, 约两万个), large amounts (六千亿元), counts closing their
        clause (专题辅导十余场, 分三批, 案件一宗。) and sessions of training (三期培训).
        """
        if _FIRSTS_RE.match(ctx.text, match.end()):
            return True  # 取得两个全省第一: a count of first places
        num = match.group("num")
        text = ctx.text
        if prefix.endswith(_VAGUE_PREFIX) or text[token.end : token.end + 1] in ("几", "来"):
            return False
        mantissa = num.rstrip("万亿萬億")
        if not mantissa:
            return False  # 超亿元企业, 万人: a magnitude alone is a class, not an amount
        hedged = bool(pre_qualifier or token.inner_qualifier)
        if not any(ch in DIGITS for ch in num) and not hedged:
            return False  # 十件实事, 千家万户, 百姓
        unit = match.group("unit")
        following = text[token.end : token.end + 2]
        rest = text[token.end : ctx.clause_end(token.end)]
        if unit == "次" and _SESSION_RE.match(rest):
            return False  # 七届六次、七次全会
        if unit == "期" and not (_TRAINING_RE.search(prefix[-8:]) or _TRAINING_RE.match(following)):
            return False  # 二期工程, 项目一期: phases
        if token.value >= 2 and _counts_the_list(prefix, token.value):
            return True  # 修订甲、乙、丙、丁四份制度, 甲、乙两个领域: the numeral counts the items just listed
        if not hedged and unit in ("条", "类", "个", "名", "位", "届", "组", "节", "门", "部门", "网格"):
            return False  # 二十条 (a policy), 两类, 两个维护, 四个意识
        if token.value == 1:
            # 一批, 一件事, 一次会议, 发现一起 are words; 共有诉讼案件一宗。 is a count.
            if following[:1] and following[:1] not in _CLAUSE_DELIMS:
                return False
            return prefix.endswith(_COUNTED_NOUN_ENDINGS)
        if len(num) == 1 and num in "零〇○":
            return False
        if hedged or num != mantissa:
            return True
        if prefix.endswith(("分", "先后分")) and unit in ("批", "期", "轮", "次"):
            return True  # 分三批将…移交
        if not following[:1] or following[:1] in _CLAUSE_DELIMS + "、":
            return unit not in ("期",) or bool(_TRAINING_RE.search(prefix[-8:]))
        if unit in ("期", "场", "场次", "次", "批", "轮") and _TRAINING_RE.match(following):
            return True
        return False

    # --- ranks and zeros ---------------------------------------------------------------------------------
    def _rank_facts(self, ctx: _Context, pos: int = 0, endpos: int | None = None) -> Iterator[Fact]:
        text = ctx.text
        for match in _RANK_RE.finditer(text, pos, len(text) if endpos is None else endpos):
            start = match.start()
            clause_start = ctx.clause_start(start)
            prefix = text[clause_start:start]
            after = text[match.end() : match.end() + 1]
            if not match.group("unit") and after and after not in _CLAUSE_DELIMS + "、）)":
                continue  # 第一方阵, 第一责任人, 第三次会议
            if match.group("unit") and after in ("单", "称", "义", "次"):
                continue  # 第一名单
            if not match.group("unit") and not _RANK_LEAD_RE.search(prefix[-12:]):
                continue
            if match.group("unit") == "位" and not re.search(r"排名|名列|位列|位居|居|排在|排", prefix):
                continue  # 放在第一位
            if _inside_quotes(text, ctx.sentence_span(start)[0], start):
                continue
            if re.search(r"个$", prefix[:-2] if prefix.endswith(("全国", "全省", "全市", "全区", "全县")) else ""):
                continue  # 两个全省第一: counted as such (see _FIRSTS_RE), no rank of its own
            raw = match.group("n")
            value = parse_arabic(raw) if raw[0].isdigit() else cn_to_number(raw)
            if value is None or value <= 0:
                continue
            # Only a rank in a 法治 assessment is the assessment.rank indicator: the sentence says 法治 and the
            # clause says what ranked it (考核, 考评 …); 获评数量第一, 满意度第三 are other rankings.
            lead = (
                "排名第"
                if re.search("法治|依法行政|法制|普法", ctx.sentence(start)) and _ASSESSED_RE.search(prefix)
                else ""
            )
            fact = self._make_fact(ctx, value, "名", start, match.end(), key_context=_key_context(prefix) + lead)
            sentence = ctx.sentence(start)
            if (
                lead
                and fact.key is None
                and "assessment.rank" in self.dictionary
                and re.search(r"法治[^，,。；;]{0,10}(?:考评|考核|评估|测评)", sentence)
                and not re.search(r"比武|竞赛|比赛|大赛|评查|练兵", prefix)
            ):
                # the rank in a 法治 assessment, whatever area the ranked units are named by (执法部门)
                fact.key, fact.name = "assessment.rank", self.dictionary.name("assessment.rank")
            yield fact

    def _percent_words(self, ctx: _Context, pos: int = 0, endpos: int | None = None) -> Iterator[Fact]:
        """百分之九十五 / 百分之95 → 95 %."""
        text = ctx.text
        for match in _PERCENT_WORDS_RE.finditer(text, pos, len(text) if endpos is None else endpos):
            raw = match.group("n")
            value = parse_arabic(raw) if raw[0].isdigit() else cn_to_number(raw)
            if value is None:
                continue
            start = match.start()
            prefix = text[ctx.clause_start(start) : start]
            if _inside_quotes(text, ctx.sentence_span(start)[0], start) or _after_threshold(prefix):
                continue
            stripped, qualifier = _strip_pre_qualifier(prefix)
            yield self._make_fact(
                ctx, value, "%", start, match.end(), qualifier=qualifier, direction=_direction(stripped)
            )

    def _zero_facts(self, ctx: _Context, pos: int = 0, endpos: int | None = None) -> Iterator[Fact]:
        text = ctx.text
        for match in _finditer_from(_NEGATED_ZERO_RE, _NEGATED_ZERO_FIRSTS, text, pos, endpos):
            start, end = match.start(), match.end()
            clause_start = ctx.clause_start(start)
            prefix = text[clause_start:start]
            whole_quote = text[start - 1 : start] == "“" and text[end : end + 1] == "”"  # 安全生产“零事故”
            if _GOAL_RE.search(prefix) or (_inside_quotes(text, ctx.sentence_span(start)[0], start) and not whole_quote):
                continue
            if text[end : end + 1] == "的":
                continue  # 对未收到申请的事项: a modifier, not a result
            if match.group("rate"):
                # 纠错率为0: the number is the zero, the rate word names it.
                start, end = match.start("zero"), match.end("zero")
                prefix = text[clause_start:start]
                yield self._make_fact(ctx, 0.0, "%", start, end, key_context=_key_context(prefix))
                continue
            obj = match.group("obj") or match.group("zobj") or match.group("nobj") or ""
            unit = "起" if obj.endswith(("事故", "事件")) else "件"
            yield self._make_fact(
                ctx, 0.0, unit, start, end, key_context=_key_context(prefix + text[start:end])
            )

        stop = len(text) if endpos is None else endpos
        for match in _NONE_LIST_RE.finditer(text, pos, stop):
            prefix = text[ctx.clause_start(match.start()) : match.start()]
            if _GOAL_RE.search(prefix) or _inside_quotes(text, ctx.sentence_span(match.start())[0], match.start()):
                continue
            at = match.start("items")
            for item in match.group("items").split("、"):
                item_start = match.start() if at == match.start("items") else at
                yield self._make_fact(ctx, 0.0, "起", item_start, at + len(item), key_context=item)
                at += len(item) + 1
        for match in _count_zero_matches(text, pos, stop):
            prefix = text[ctx.clause_start(match.start()) : match.start()]
            if _GOAL_RE.search(prefix):
                continue
            obj = match.group("obj")
            unit = "项" if re.search(r"事项|清单|项目", obj) else "人" if obj.endswith("人") else "件"
            yield self._make_fact(
                ctx, 0.0, unit, match.start("zero"), match.end("zero"), key_context=_key_context(prefix + obj)
            )

        for match in _NOT_BEEN_RE.finditer(text, pos, len(text) if endpos is None else endpos):
            prefix = text[ctx.clause_start(match.start()) : match.start()]
            if _GOAL_RE.search(prefix) or text[match.end() : match.end() + 1] == "的":
                continue
            for group in ("a", "b"):
                word = match.group(group)
                if word is None:
                    continue
                start = match.start() if group == "a" else match.start(group)
                end = match.end(group)
                yield self._make_fact(ctx, 0.0, "件", start, end, key_context=_ZERO_OBJECT[word])

    # --- assembly -------------------------------------------------------------------------------------
    def _make_fact(
        self,
        ctx: _Context,
        value: float,
        unit: str,
        start: int,
        end: int,
        *,
        qualifier: str = "",
        direction: str | None = None,
        key_context: str | None = None,
        sentence: tuple[int, int] | None = None,
        clause_end: int | None = None,
    ) -> Fact:
        """The fact, its key read from the clause around it; `sentence` and `clause_end` are
        ctx.sentence_span(start) and ctx.clause_end(end) when the caller has them."""
        if key_context is None:
            key_context = _key_context(ctx.text[ctx.clause_start(start) : start])
        after_end = min(ctx.clause_end(end) if clause_end is None else clause_end, end + 24)
        after = _key_context(ctx.text[end:after_end])
        sentence_start, sentence_end = ctx.sentence_span(start) if sentence is None else sentence
        # The sentence's area hits are read on the sentence as the first fact starting in it saw it (a long
        # sentence is cut 200 characters around each number), and only once a synonym needs them.
        hits_end = ctx.hits_ends.setdefault(sentence_start, sentence_end)
        found = self.dictionary.hits(key_context + after)
        key = None
        if found:
            hits = ctx.hits_cache.get(sentence_start)
            if hits is None:
                hits = self.dictionary.area_hits(ctx.text[sentence_start:hits_end])
                ctx.hits_cache[sentence_start] = hits
            limit = after_end - sentence_start
            area = self.dictionary.area_from_hits(hits, ctx.text[sentence_start:sentence_end], limit)
            scope = ctx.topic(start) + "|" + ctx.text[sentence_start:start] + "|" + after
            key = self.dictionary.key_from_hits(found, key_context, unit, after=after, area=area, scope=scope)
        if (
            key is not None
            and self.dictionary.indicators[key].area in ("行政复议", "行政诉讼")
            and _OPENNESS_CASES_RE.search(ctx.text, sentence_start, start)
        ):
            key = None  # 政府信息公开行政复议N件: cases about information requests, counted in their own table
        if key is not None and _CRIMINAL_RE.search(key_context) and self.dictionary.indicators[key].area == "行政执法":
            key = None  # 刑事立案N宗: criminal cases are no administrative enforcement figure
        if key is None and unit in _VISIT_UNITS and _CHECK_VERB.search(key_context + after):
            # 排查生产经营单位及重点场所378家次: a visit count (家次/户次) of a check is an inspection figure
            key = "enforcement.inspections" if "enforcement.inspections" in self.dictionary else None
        if key is None or self.dictionary.indicators[key].area != "法律顾问":
            if ctx.counsel_named(sentence_start, start):  # else _counsel_key has no actor: None
                words = key_context + "|" + after  # the clause around the number, the number left out
                counsel = _counsel_key(ctx.text[sentence_start:start], words, unit, self.dictionary)
                if counsel is not None:
                    key = counsel
        return Fact(
            value=value,
            unit=unit,
            start=start,
            end=end,
            sentence=ctx.sentence_text(sentence_start, sentence_end),  # ctx.sentence(start)
            key=key,
            name=self.dictionary.name(key) if key is not None else None,
            qualifier=qualifier,
            direction=direction,
        )




_LISTED_ITEM = re.compile(r"[^、，,。；;：:]{1,20}(?:、[^、，,。；;：:]{1,20})+$")


def _counts_the_list(prefix: str, value: float) -> bool:
    """甲、乙、丙、丁四份: a Chinese numeral right after an enumeration of exactly that many items."""
    match = _LISTED_ITEM.search(prefix)
    if match is None or value != int(value):
        return False
    return match.group().count("、") + 1 == int(value)


_ASSESSED_RE = re.compile(r"考核|考评|评估|测评|评价|评比|排名|名列|位列")
_OPENNESS_CASES_RE = re.compile(r"信息公开(?:类|方面|相关)?(?:的)?(?:行政)?(?:复议|诉讼)")
_NUMBER_LIST_AFTER = re.compile(r"\s?[、和及与]\s?\d")
_CRIMINAL_RE = re.compile(r"刑事|犯罪|刑拘|逮捕")
_VISIT_UNITS = ("家次", "户次")
_CHECK_VERB = re.compile(r"检查|排查|巡查|抽查|督查|检测|核查")


_SPAN = attrgetter("start", "end")  # a fact's (start, end), for sorting
_DEFAULT_EXTRACTOR: FactExtractor | None = None


def _default_extractor() -> FactExtractor:
    global _DEFAULT_EXTRACTOR
    if _DEFAULT_EXTRACTOR is None or _DEFAULT_EXTRACTOR.dictionary is not default_dictionary():
        _DEFAULT_EXTRACTOR = FactExtractor()
    return _DEFAULT_EXTRACTOR


def extract_facts(text: str, dictionary: IndicatorDictionary | None = None) -> list[Fact]:
    """All numeric facts of a cleaned text, in text order (several facts may share one span).

    Bounded per document (MAX_FACTS, MAX_CHARS); `extract_facts_bounded` also says whether it stopped early.
    """
    extractor = FactExtractor(dictionary) if dictionary is not None else _default_extractor()
    return extractor.extract(text)


def extract_facts_bounded(
    text: str,
    dictionary: IndicatorDictionary | None = None,
    *,
    max_facts: int | None = None,
    max_chars: int | None = None,
) -> FactExtraction:
    """Like `extract_facts`, with the `truncated` flag and a Chinese `warning` for the import report."""
    extractor = FactExtractor(dictionary) if dictionary is not None else _default_extractor()
    return extractor.extract_bounded(text, max_facts=max_facts, max_chars=max_chars)


def parse_fact_at(
    text: str, start: int, end: int, dictionary: IndicatorDictionary | None = None
) -> Fact | None:
    """The fact in a user's selection [start, end) of the cleaned text (for adding a fact by hand)."""
    extractor = FactExtractor(dictionary) if dictionary is not None else _default_extractor()
    return extractor.parse_at(text, start, end)


def iter_number_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of every number + unit in the text, facts or not (for highlighting candidates)."""
    for match in _NUMBER_RE.finditer(text):
        token = _token(match, text)
        if token is not None:
            yield token.start, token.end
