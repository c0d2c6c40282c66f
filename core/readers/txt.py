"""Plain text: BOM, then strict UTF-8, then BOM-less UTF-16 when the bytes say so, then GB18030.

A simple ordered rule beats statistical detectors on this material (DESIGN.md: charset-normalizer misread
short GBK text half of the time): valid UTF-8 is almost never GBK by accident, and GB18030 decodes any
GBK/GB2312 text, so the only ambiguous case left is UTF-16 written without a BOM, which has a byte
pattern of its own (NULs at every other byte for ASCII, only "good" characters when decoded).
"""

from __future__ import annotations

import codecs
import re

from core.errors import ReadError
from core.models import ReadResult
from core.readers.limits import BINARY, check_text

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never occur in text (tab, newlines and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# The other bytes, deleted by bytes.translate to find the control bytes of UTF-8 data quickly.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))
# Characters a Chinese text consists of: ASCII printable and whitespace, Latin-1, general punctuation,
# CJK symbols and punctuation, kana (occasionally), CJK ideographs (ext. A and unified), full-width forms.
_GOOD = re.compile(
    r"[\t\n\r\f\x20-\x7e\xa0-\xff\u2000-\u206f\u2100-\u27bf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\ufe30-\ufe4f\uff00-\uffef]"
)


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CJK_TEXT = re.compile(r"[\u2010-\u2027\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_TWO_BYTE_SCRIPTS = re.compile(r"[\u0100-\u07ff]")
# Latin Extended, IPA, modifiers, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac and the rest up to U+07FF.
_BLOCK_ENDS = (0x0250, 0x02B0, 0x0370, 0x0400, 0x0530, 0x0590, 0x0600, 0x0700, 0x0800)
_SPACE = re.compile(r"\s")
_REPLACED = "文件中有少量无法识别的字符，已用 � 代替"


def _good_share(text: str) -> float:
    if not text:
        return 1.0
    return len(_GOOD.findall(text)) / len(text)


def _decodes_well(data: bytes, encoding: str) -> str | None:
    """`data` decoded as `encoding` when that gives clean text (strict, >= 97 % text characters)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if _good_share(text[:100_000]) >= 0.97 else None


def _cjk_share(text: str) -> float:
    visible = "".join(text.split())
    return len(_CJK_TEXT.findall(visible)) / len(visible) if visible else 0.0


def _utf16_chinese(data: bytes) -> tuple[str, str] | None:
    """`data` as BOM-less UTF-16 when that reads as Chinese text (>= 90 % ideographs and CJK punctuation)."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _decodes_well(data, encoding)
        if text is not None and _cjk_share(text) >= 0.9:
            return text, encoding
    return None


def _gbk_lookalike(data: bytes, utf8_text: str) -> bool:
    """True for short GBK text that happens to be valid UTF-8 (一支统 → 'һ֧ͳ'): the UTF-8 reading has no
    ideograph but Cyrillic/Greek/Armenian…, while the GB18030 reading is all ideographs."""
    if _CJK.search(utf8_text):
        return False
    letters = _TWO_BYTE_SCRIPTS.findall(utf8_text)
    blocks = {next(i for i, end in enumerate(_BLOCK_ENDS) if ord(ch) < end) for ch in letters}
    if not letters or (len(blocks) < 2 and len(letters) > 3):
        return False  # real Greek/Cyrillic/… text sticks to one script
    try:
        gb_text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    non_ascii = [ch for ch in gb_text if ord(ch) > 0x7F]
    return bool(non_ascii) and all(_CJK_TEXT.match(ch) for ch in non_ascii)


def _nul_pattern(data: bytes) -> list[str]:
    """UTF-16 byte orders to try, likeliest first: UTF-16 writes ASCII as character + NUL."""
    if len(data) % 2:
        return []
    sample = data[:65536]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    return ["utf-16-le", "utf-16-be"] if odd_nuls >= even_nuls else ["utf-16-be", "utf-16-le"]


def decode_text(data: bytes) -> tuple[str, str, list[str]]:
    """Decode the bytes of a text file: (text, encoding name, warnings); ReadError for binary data."""
    warnings: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            codec = encoding.removesuffix("-sig")
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                text = data[len(bom) :].decode(codec, errors="replace")
                warnings.append(_REPLACED)
            return _checked(text, encoding, warnings)
    if b"\x00" in data:
        # Only UTF-16 text has NULs: ASCII characters (and ideographs like 一 U+4E00) take two bytes.
        for encoding16 in _nul_pattern(data):
            text16 = _decodes_well(data, encoding16)
            if text16 is not None:
                return _checked(text16, encoding16, warnings)
        raise ReadError(BINARY)
    try:
        utf8_text = data.decode("utf-8")
    except UnicodeDecodeError:
        # UTF-8 cut in the middle of a character, or with a stray byte, is still UTF-8 (with a warning);
        # GBK read as UTF-8 would give a replacement character for nearly every ideograph.
        near = data.decode("utf-8", errors="replace")
        bad = near.count("\ufffd")
        if bad <= max(1, len(near) // 200) and len(_CJK.findall(near)) >= 20 * bad:
            warnings.append(_REPLACED)
            return _checked(near, "utf-8", warnings)
    else:
        if not _gbk_lookalike(data, utf8_text):
            if not data.translate(None, _NOT_CONTROL_BYTES):
                # No control byte, so no control character (in UTF-8 a byte under 0x80 is that ASCII
                # character): what _checked returns, without its scan of the text.
                return utf8_text, "utf-8", warnings
            try:
                return _checked(utf8_text, "utf-8", warnings)
            except ReadError:
                pass
    try:
        gb_text: str | None = _checked(data.decode("gb18030"), "gb18030", warnings)[0]
    except (UnicodeDecodeError, ReadError):
        gb_text = None
    if gb_text is None or (_cjk_share(gb_text) < 0.7 and len(_SPACE.findall(gb_text)) <= len(gb_text) * 0.05):
        # UTF-16 of Chinese with no ASCII at all (not even a newline) has no NULs either; read as
        # GB18030 it is a jumble of Latin letters, control characters and rare ideographs.
        found = _utf16_chinese(data)
        if found is not None:
            return _checked(found[0], found[1], warnings)
    if gb_text is not None:
        return gb_text, "gb18030", warnings
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > len(text) // 100:
        raise ReadError(BINARY)
    warnings.append(_REPLACED)
    return _checked(text, "gb18030", warnings)


def _checked(text: str, encoding: str, warnings: list[str]) -> tuple[str, str, list[str]]:
    head = text[:200_000]
    if "\x00" in head or len(_CONTROL.findall(head.rstrip("\x1a"))) > max(1, len(head) // 200):
        raise ReadError(BINARY)
    return text, encoding, warnings


def read_txt(data: bytes) -> ReadResult:
    text, encoding, warnings = decode_text(data)
    return ReadResult(text=check_text(text), warnings=warnings, fmt="txt", encoding=encoding)
