"""The import's fast paths (issue 12) give what the plain definitions they replace give: each test states
the plain definition and compares on generated text, edge cases included."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core import clean, regions, sections
from core.dates import find_dates
from core.metadata import _RUN_IN_SIGNATURE, _last_run_in
from core.metadata_lines import _date_line, _first_lines, _last_lines, _lines
from core.readers import txt

_SETTINGS = settings(max_examples=300, deadline=None)


def _text(pieces: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


# --- clean -------------------------------------------------------------------------------------------

_CLEAN_PIECES = ["中共", "某某局", "涓叡", "ÖÐ¹²", "\ue001", "\ufffd", " ", "  ", "\t", " \t ", "\n", "\r\n",
                 "\u3000", "０１", "．", "５．３", "Ａ", "\xa0", "\u200b", "\x0c", "\x01", "字体：大 中 小", "打印本页",
                 "发布时间：2023-01-01 浏览次数：5", "版权所有：某某", "。", "|", "a", "1", "昉", "·"]


def _plain_clean(text: str) -> str:
    """clean_text as defined line by line: squeeze, 发布时间 bar, furniture."""
    out = []
    for raw in clean.normalise_chars(text).split("\n"):
        line = clean._squeeze(raw)
        if line:
            line = clean._clean_meta_bar(line)
            if line and not clean.is_furniture_line(line):
                out.append(line)
    return "\n".join(out)


@_SETTINGS
@given(_text(_CLEAN_PIECES))
def test_clean_text_is_its_line_by_line_definition(text: str) -> None:
    assert clean.clean_text(text) == _plain_clean(text)


def _plain_furniture(line: str) -> bool:
    if not line or "。" in line:
        return False
    if not any(ch.isalnum() for ch in line):
        return True
    if len(line) <= clean._MAX_FOOTER_LINE and (clean._FOOTER_ANYWHERE.search(line) or clean._FOOTER_START.match(line)):
        return True
    return not clean._SEPARATORS.sub("", clean._FURNITURE_TOKENS.sub("", line)) and len(line) <= clean._MAX_FOOTER_LINE


_TOKENS = re.findall(r"[\u4e00-\u9fffA-Za-z]+", clean._FURNITURE_TOKENS.pattern)


@_SETTINGS
@given(_text([*_TOKENS, *"|｜/()（）【】<>·•:：,，、-—_ \t019+×某a。", "扫一扫", "\u2003", "次", "版权所有"], 8))
def test_furniture_line_is_its_definition(line: str) -> None:
    assert clean.is_furniture_line(line) == _plain_furniture(line)


def _common_set() -> set[str]:
    level1 = bytes(b for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF) for b in (lead, trail))
    ranges = [(0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2010, 0x2027)]
    return set(level1.decode("gb2312", errors="ignore")) | {chr(c) for a, b in ranges for c in range(a, b + 1)}


@_SETTINGS
@given(_text(_CLEAN_PIECES))
def test_common_share_counts_every_character(text: str) -> None:
    common = _common_set()
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    want = sum(ch in common for ch in non_ascii) / len(non_ascii) if non_ascii else 1.0
    assert clean._common_share(text) == want


def test_private_use_characters_are_still_counted_beside_many_common_ones() -> None:
    text = "中文报告内容" * 70 + "\ue001\ue002\ue003\ue004\ue005\ue006"
    assert clean.repair_mojibake(text)[1] == []  # 6 in 426 visible: under 2 %
    assert clean.repair_mojibake(text[:40] + "\ue001\ue002\ue003\ue004\ue005")[1]  # 5 in 45: flagged


# --- txt reader --------------------------------------------------------------------------------------

@_SETTINGS
@given(_text(["中文", "abc", "\n", "\t", "\x01", "\x1a", "\x7f", "\x0c", "é"]))
def test_utf8_without_control_bytes_reads_as_the_checked_text(text: str) -> None:
    data = text.encode("utf-8")
    try:
        want: tuple[str, str, list[str]] | None = txt._checked(text, "utf-8", [])
    except Exception:
        want = None
    if want is not None and not txt._gbk_lookalike(data, text):
        assert txt.decode_text(data) == want


# --- metadata lines ----------------------------------------------------------------------------------

_LINE_PIECES = ["ab", " ", "\t", "\r", "\u3000", "\n", "\n\n", "\xa0", "\u200b", "\ufeff", "某"]


@_SETTINGS
@given(_text(_LINE_PIECES, 60), st.integers(min_value=1, max_value=30))
def test_first_and_last_lines_are_slices_of_all_lines(text: str, count: int) -> None:
    assert _first_lines(text, count) == _lines(text)[:count]
    assert _last_lines(text, count) == _lines(text)[-count:]


def _plain_date_line(line: str) -> object:
    for hit in find_dates(line):
        rest = (line[: hit.start] + line[hit.end :]).strip(" \t()（）")
        if len(rest) <= 2 and not re.search(r"[前后起止至印发]", rest):
            return hit
    return None


@_SETTINGS
@given(_text(["2023", "年", "12", "月", "31", "日", "二〇二三", "十一", "二十一", "2023824", " ", "\t", "(", "）",
              "前", "某", "-", ".", "\u2003", "  "], 20))
def test_date_line_is_its_definition(line: str) -> None:
    assert _date_line(line) == _plain_date_line(line)


def test_date_line_keeps_the_longest_dates() -> None:
    for line in ("二〇二三年十一月二十一日", "二〇二三年 十一月 二十一日 印", "（二〇二三年十一月二十一日）", "2023 年 12 月 31 日",
                 "某局 2023年12月31日", "2023年12月31日前报", "二〇二三年十一月二十一日某某"):
        assert _date_line(line) == _plain_date_line(line), line
    assert _date_line("二〇二三年十一月二十一日") is not None


@_SETTINGS
@given(_text(["某省某厅", "人民政府", "管理委员会", "2019年1月15日", "2023年3月1日", "某", "县", "。", "，", " ", "\n",
              "2019", "年1月", "15日"], 60))
def test_run_in_signature_is_the_last_match(tail: str) -> None:
    last = None
    for m in _RUN_IN_SIGNATURE.finditer(tail):
        last = m
    got = _last_run_in(tail)
    assert (None if last is None else last.span()) == (None if got is None else got.span())


# --- regions -----------------------------------------------------------------------------------------

def _plain_find_regions(text: str) -> list[regions.RegionMention]:
    t = regions._table()
    out = []
    last_end = 0
    for m in regions._END_RE.finditer(text):
        end = m.end()
        for length in range(min(t.max_len, end - last_end), 2, -1):
            codes = t.by_name.get(text[end - length : end])
            if codes:
                placed = regions._not_contradicted(codes, text, end - length)
                if placed:
                    out.append(regions.RegionMention(end - length, end, tuple(placed)))
                last_end = end
                break
    return out


_PLACES = ["江苏省", "南京市", "秦淮区", "浦东新区", "上海市", "朝阳区", "北京市", "岳阳市", "云溪区", "青禾市",
           "全市", "我区", "城区", "市", "区", "县", "某", "。", "深圳市", "南山区", "大鹏新区"]


@_SETTINGS
@given(_text(_PLACES))
def test_find_regions_is_the_scan_over_every_length(text: str) -> None:
    assert regions.find_regions(text) == _plain_find_regions(text)


@_SETTINGS
@given(_text(_PLACES), st.sampled_from(["320000", "320100", "320104", "110105", "440305", "430603", "110000"]))
def test_first_mention_is_the_first_of_find_regions(text: str, code: str) -> None:
    want = next((m for m in _plain_find_regions(text) if code in m.codes), None)
    assert regions.first_mention(text, code) == want


@_SETTINGS
@given(_text(["朝阳区", "北京市", "吉林省", "长春市", "朝阳", "河北", "天津市", "鼓楼区", "南京市", "福州市", "关于", "某", "。"]),
       _text(["朝阳区", "北京市", "吉林省", "长春市", "河北区", "天津市", "鼓楼区", "南京市", "福州市", "某", "。"]))
def test_region_code_reads_the_context_only_when_needed_with_the_same_answer(s: str, context: str) -> None:
    # the plain definition: the context's codes worked out first, always
    ctx = regions.context_codes(context) if context else set()
    hit = regions.parse_prefix(s.strip(), ctx, text=context)
    if s.strip() and hit is not None:
        assert regions.region_code(s, context) == hit[0]


def _short_pieces(level: int) -> list[str]:
    names = sorted({short for _code, _province, short in regions._short_names(level)})
    return names[:: max(1, len(names) // 40)] + [n[:1] for n in names[:10]] + [n[1:] for n in names[:10]]


@_SETTINGS
@given(_text([*_short_pieces(2), *_short_pieces(1), "克孜勒苏柯尔克孜", "克孜", "勒苏柯尔", "某", "。"]),
       st.sampled_from([1, 2]))
def test_short_counts_are_str_count(text: str, level: int) -> None:
    names = {short for _code, _province, short in regions._short_names(level)}
    assert regions._short_counts(text, level) == {n: text.count(n) for n in names if n in text}


def test_short_counts_take_overlapping_occurrences_as_str_count_does() -> None:
    text = "克孜勒苏柯尔克孜勒苏柯尔克孜勒苏柯尔克孜"  # the name overlaps itself
    assert regions._short_counts(text, 2)["克孜勒苏柯尔克孜"] == text.count("克孜勒苏柯尔克孜") == 2


# --- sections ----------------------------------------------------------------------------------------

_SECTION_PIECES = ["。", "！", "；", "：", "如下", "下", "一", "二", "十", "、", "（", "）", "(", ")", "产", " ", "\t",
                   "\u3000", "\n", "某", "1", "存在问题", "下一步", "，"]


@_SETTINGS
@given(_text(_SECTION_PIECES, 50))
def test_inline_pattern_is_the_lookbehind_definition(text: str) -> None:
    plain = re.compile(
        rf"(?:(?<=[。！？；：:!?;])|(?<=如下))[ \t\u3000]*(?:([{sections._CN_NUM}]{{1,3}})、(?!{sections._NUM_LIST})"
        rf"|[（(]([{sections._CN_NUM}]{{1,3}})[）)])"
    )

    def spans(pattern: re.Pattern[str]) -> list[tuple[object, ...]]:
        return [(m.groups(), m.start(1), m.start(2), m.end()) for m in pattern.finditer(text)]

    assert spans(sections._INLINE) == spans(plain)


@_SETTINGS
@given(_text(_SECTION_PIECES, 50))
def test_bare_headings_are_the_multiline_matches(text: str) -> None:
    plain = re.compile(r"^[ \t\u3000]*([^\n。；;，,]{4,30})[ \t\u3000]*$", re.MULTILINE)
    assert sections._bare_headings(text) == [m.group(1) for m in plain.finditer(text)]
