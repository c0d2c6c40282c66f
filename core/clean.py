"""Text cleaning: one paragraph per line, half-width digits and letters, web-page furniture lines out."""

from __future__ import annotations

import re

# --- characters ------------------------------------------------------------------------------------

_TRANSLATE: dict[int, str | None] = {}
for _code in range(0xFF10, 0xFF1A):  # ０-９
    _TRANSLATE[_code] = chr(_code - 0xFEE0)
for _code in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):  # Ａ-Ｚ ａ-ｚ
    _TRANSLATE[_code] = chr(_code - 0xFEE0)
_TRANSLATE[0xFF05] = "%"  # ％
for _code in (0x00A0, 0x3000, 0x202F, 0x205F, *range(0x2000, 0x200B)):  # NBSP, ideographic and other spaces
    _TRANSLATE[_code] = " "
for _code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0xFFFE):  # zero-width, BOM, soft hyphen
    _TRANSLATE[_code] = None
for _code in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)):
    _TRANSLATE[_code] = None  # control characters (tab and newlines are kept)
for _code in (0x0B, 0x0C, 0x85, 0x2028, 0x2029):  # vertical tab, form feed, NEL, line/paragraph separator
    _TRANSLATE[_code] = "\n"

# Translating only the characters that need it is ~10x faster than str.translate over CJK text.
_REPLACEMENT: dict[str, str] = {chr(k): (v if isinstance(v, str) else "") for k, v in _TRANSLATE.items()}
# "[…][…]*", not "[…]+": a pattern that starts with a character set is searched for by that set (fast),
# one that starts with a repeat is tried at every position (the same matches, about twice the time).
_SPECIAL_SET = "[" + "".join(re.escape(ch) for ch in sorted(_REPLACEMENT)) + "]"
_SPECIAL = re.compile(_SPECIAL_SET + _SPECIAL_SET + "*")
_FULLWIDTH_POINT = re.compile(r"(?<=\d)．(?=\d)")  # ２３．８ → 23.8 (after the digits are converted)
# Starts only where a run of spaces starts (possessive): a long run of spaces without a tab is then
# passed over in linear time, not retried from each of its spaces.
_TAB_RUN = re.compile(r"(?<! ) *+\t[ \t]*")
_SPACE_RUN = re.compile(r"  +")  # two or more spaces (a literal start is searched for fast; " {2,}" is not)

# --- page furniture ----------------------------------------------------------------------------------

# Pieces of navigation, sharing and counter widgets; a line made of nothing else is furniture.
_FURNITURE_TOKENS = re.compile(
    r"(?:"
    r"字体[:：]?|字号[:：]?|[大中小]|默认|"
    r"(?:浏览|点击|阅读|访问)(?:次数|人次|数|量|率)?[:：]?\s*\d*\s*次?|总访问量[:：]?\s*\d*\s*次?|"
    r"扫一扫[^。，,]{0,20}|"
    r"(?:打印|关闭|保存|收藏)(?:本页|此页|窗口|本文|文章|页面)?|加入收藏|设为首页|"
    r"返回(?:顶部|首页|上一页|上页|列表|主页|栏目)?|"
    r"分享(?:到)?[:：]?|微信|微博|QQ空间|QQ|"
    r"网站地图|联系我们|我要纠错|纠错|无障碍(?:浏览)?|长者模式|关怀版|"
    r"关键[词字]\s*(?:Tags)?[:：]?|Tags[:：]?|"
    r"知识图谱|相关信息和服务|相关(?:链接|文章|阅读|信息|新闻)[:：]?|点击标签名称查看更多信息|"
    r"当前展示专题专栏信息类别内容|当前位置[:：]?|首页"
    r")"
)
_SEPARATORS = re.compile(r"[\s|｜/\\()（）\[\]【】<>〔〕·•:：,，、\-—_]+")
# A character in neither pattern (every character of their text counts, syntax included: more than needed),
# nor a blank or a digit (\s, \d): a line with one is no furniture unless it has 扫一扫 (whose token takes
# any character after it).
_NOT_FURNITURE_CHAR = re.compile(
    r"[^\s\d" + "".join(re.escape(ch) for ch in sorted(set(_FURNITURE_TOKENS.pattern + _SEPARATORS.pattern))) + "]"
)

# A line containing one of these (and no full stop) is a page footer or an article link.
_FOOTER_ANYWHERE = re.compile(
    r"版权所有(?:\s*[:：©(（]|\s*$)|Copyright|©|ICP备|ICP证|公网安备|网站标识码|网站识别码|"
    r"建议使用.{0,40}(?:分辨率|浏览器)|以上版本浏览"
)
_FOOTER_START = re.compile(
    r"^(?:主办单位|承办单位|协办单位|技术支持|运行维护|网站备案|备案号|责任编辑|"
    r"上一(?:篇|条|页)|下一(?:篇|条|页)|当前位置|您现在的位置|您的位置|所在位置)\s*[:：]"
)
_MAX_FOOTER_LINE = 150

# The 发布时间/来源 bar of a web page is kept (metadata needs it) without its counters and widgets.
_META_BAR = re.compile(r"发布(?:时间|日期)|成文日期|发文日期|(?:信息)?来源[:：]")
_META_BAR_NOISE = re.compile(
    r"(?:浏览|点击|阅读|访问)(?:次数|人次|数|量|率)?\s*[:：]\s*\d*\s*次?|总访问量\s*[:：]?\s*\d*\s*次?|"
    r"【?\s*字[体号]\s*[:：]?\s*(?:[大中小默认]\s*)*】?|"
    r"【?\s*(?:打印|关闭)(?:本页|窗口)?\s*】?|扫一扫[^。，,\s]{0,20}|分享到?\s*[:：]?"
)


def is_furniture_line(line: str) -> bool:
    """True when the whole (stripped) line is web-page furniture: widgets, counters, footers, links.

    Never true for a sentence of a report: a line with a full stop is never furniture.
    """
    if not line or "。" in line:
        return False
    if not line[0].isalnum() and not any(ch.isalnum() for ch in line):
        return True  # only symbols: "+", "×", "|", "-" (menu widgets and separators)
    if len(line) > _MAX_FOOTER_LINE:
        return False
    if _FOOTER_ANYWHERE.search(line) or _FOOTER_START.match(line):
        return True
    if "扫一扫" not in line and _NOT_FURNITURE_CHAR.search(line):
        return False  # a character no token or separator has (扫一扫 is the one token taking any): it stays
    rest = _FURNITURE_TOKENS.sub("", line)
    return not _SEPARATORS.sub("", rest)


def _clean_meta_bar(line: str) -> str:
    if len(line) > _MAX_FOOTER_LINE or "。" in line or not _META_BAR.search(line):
        return line
    return _squeeze(_META_BAR_NOISE.sub(" ", line))


def _tabs_only(match: re.Match[str]) -> str:
    return "\t" * match.group().count("\t")


def _squeeze(line: str) -> str:
    # Each tab is a cell border: "A\t\tB" keeps its empty cell, so the cells after it stay in their columns.
    return _SPACE_RUN.sub(" ", _TAB_RUN.sub(_tabs_only, line)).strip(" \t")


def _replace_run(match: re.Match[str]) -> str:
    return match.group().translate(_TRANSLATE)  # a short run: translate is cheap here


def normalise_chars(text: str) -> str:
    """Character-level normalisation only (newlines, spaces, full-width digits/letters/％, invisibles)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Each character is replaced on its own: the ideographic space (by far the most frequent, at every
    # paragraph's start) at C speed first, then the rest, few, by the pattern.
    text = _SPECIAL.sub(_replace_run, text.replace("\u3000", " "))
    return _FULLWIDTH_POINT.sub(".", text) if "．" in text else text


def clean_text(text: str) -> str:
    """The text that is stored, indexed and analysed: one paragraph per line, no empty lines.

    Full-width digits, Latin letters and ％ become half-width; Chinese punctuation (，。：（）) is kept.
    Runs of spaces collapse to one space; spaces next to a tab go, the tabs stay (one per table cell border,
    empty cells kept; none at a line's ends). Lines that are
    entirely page furniture are dropped; 发布时间/来源 lines are kept. Deterministic and idempotent.
    """
    out: list[str] = []
    text = normalise_chars(text)
    # _squeeze over the whole text at once: neither pattern matches a newline (nor looks past one), so this
    # is _squeeze line by line without the per-line calls; only the strip is left per line.
    if "\t" in text:
        text = _TAB_RUN.sub(_tabs_only, text)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    for raw in text.split("\n"):
        line = raw.strip(" \t")
        if not line:
            continue
        if "。" in line:  # a sentence: neither a 发布时间 bar nor furniture (the two tests below say so too)
            out.append(line)
            continue
        line = _clean_meta_bar(line)
        if line and not is_furniture_line(line):
            out.append(line)
    return "\n".join(out)


# --- mojibake ----------------------------------------------------------------------------------------

GARBLED = "文字可能是乱码"  # every warning about garbled text starts with this (Archive.flagged_ids("garbled"))
# (the codec the bytes were wrongly read with, the codec they really are in), likeliest first
_MOJIBAKE_PAIRS: tuple[tuple[str, str], ...] = (
    ("gb18030", "utf-8"),  # UTF-8 read as GBK and saved again: 中共 → 涓叡
    ("cp1252", "utf-8"),  # UTF-8 read as Windows-1252: 中共 → ä¸­å…±
    ("latin-1", "utf-8"),
    ("cp1252", "gb18030"),  # GBK read as Windows-1252/Latin-1: 中共 → ÖÐ¹²
    ("latin-1", "gb18030"),
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\ufffd]")
_LOST_RUN = re.compile("\ufffd{2,}")
_LATIN_LETTER = re.compile("[\u00c0-\u00ff]")


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters that are what Chinese text is mostly made of: the 3,755 common
    characters of GB 2312 level 1 and CJK/full-width punctuation. Mojibake of UTF-8 read as GBK is mostly
    made of level-2 characters (UTF-8 lead bytes E4–E9 are GBK's level-2 rows), of Latin-1 letters, etc."""
    total, uncommon = _uncommon(text)
    return (total - sum(map(len, uncommon))) / total if total else 1.0


def _uncommon(text: str) -> tuple[int, list[str]]:
    """(how many characters of `text` are non-ASCII, the runs of those that are not common ones)."""
    total = len(text) - len(text.encode("ascii", "ignore"))
    if not total:
        return 0, []
    # The uncommon characters are few in Chinese text: the runs of them are a short list.
    return total, _uncommon_pattern().findall(text)


_UNCOMMON: list[re.Pattern[str]] = []


def _uncommon_pattern() -> re.Pattern[str]:
    if not _UNCOMMON:
        level1 = bytes(
            byte for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF) for byte in (lead, trail)
        ).decode("gb2312", errors="ignore")
        uncommon = "[^\x00-\x7f\u3000-\u303f\uff00-\uffef\u2010-\u2027" + re.escape(level1) + "]"
        # "[…][…]*", not "[…]+": a pattern that starts with its character set is searched for by that set
        _UNCOMMON.append(re.compile(uncommon + uncommon + "*"))
    return _UNCOMMON[0]


def _reverse(text: str, wrong: str, right: str) -> str | None:
    """`text` transcoded back (encoded as `wrong`, decoded as `right`), a character that cannot be recovered
    (a byte the wrong decoding had replaced by �) as �; None when the transcoding does not apply."""
    out: list[str] = []
    for piece in text.split("\ufffd"):
        try:
            raw = piece.encode(wrong)
        except UnicodeEncodeError:
            return None
        try:
            out.append(raw.decode(right))
        except UnicodeDecodeError:
            out.append(raw.decode(right, errors="replace"))
    # A � of the wrong decoding stood for a byte lost there: the character it was part of shows as one
    # � (the piece before it ends in a cut character); a � with nothing cut next to it stays one too.
    joined = "\ufffd".join(out)
    return _LOST_RUN.sub("\ufffd", joined)


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """(text, warnings): text whose Chinese was garbled by a wrong decoding and saved again is transcoded
    back when that gives ordinary Chinese; the warnings say what was done, and a warning starting with
    GARBLED marks text that is (or may still be) garbled: repaired with characters lost, or not
    repairable (many private-use or replacement characters). Ordinary text comes back unchanged."""
    if text.isascii():
        return text, []
    sample = text[:200_000]
    total, uncommon_runs = _uncommon(sample)
    uncommon = sum(map(len, uncommon_runs))
    before = (total - uncommon) / total if total else 1.0
    han = _HAN.subn("", sample)[1] if before < 0.6 else 0  # only read below when before < 0.6
    if before < 0.6 and (han >= 10 or len(_LATIN_LETTER.findall(sample)) >= 10):
        for wrong, right in _MOJIBAKE_PAIRS:
            candidate = _reverse(sample, wrong, right)
            if candidate is None or len(_HAN.findall(candidate)) < 5 or _common_share(candidate) < 0.85:
                continue
            repaired = _reverse(text, wrong, right) if len(text) > len(sample) else candidate
            if repaired is None:
                continue
            how = f"{_CODEC_NAMES[right]}按{_CODEC_NAMES[wrong]}读取后又保存过"
            if "\ufffd" not in repaired:
                return repaired, [f"文字编码曾被错误转换（{how}），已自动恢复为正确的中文"]
            missing = repaired.count("\ufffd")
            return repaired, [
                f"{GARBLED}：文字编码曾被错误转换（{how}），已尽量恢复，但有 {missing} 个字符无法恢复"
                "（以 � 标出），请对照原件核对"
            ]
    # private-use and replacement characters are uncommon ones: counted among those (fewer than 5: under 5)
    odd = len(_PRIVATE_USE.findall("".join(uncommon_runs))) if uncommon >= 5 else 0
    if odd >= 5 and odd / (len("".join(sample.split())) or 1) >= 0.02:
        return text, [f"{GARBLED}：文中有 {odd} 个无法显示的字符（字体私有编码或替换字符），请对照原件核对"]
    if before < 0.5 and han >= 50:
        return text, [f"{GARBLED}：文中大多是生僻字，可能是编码错误造成的乱码，请对照原件核对"]
    return text, []


_CODEC_NAMES = {"utf-8": "UTF-8", "gb18030": "GBK", "cp1252": "西文编码", "latin-1": "西文编码"}
