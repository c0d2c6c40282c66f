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
# Characters a Chinese text consists of: ASCII printable and whitespace, Latin-1, general punctuation,
# CJK symbols and punctuation, kana (occasionally), CJK ideographs (ext. A and unified), full-width forms.
_GOOD = re.compile(
    r"[\t\n\r\f\x20-\x7e\xa0-\xff\u2000-\u206f\u2100-\u27bf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\ufe30-\ufe4f\uff00-\uffef]"
)


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


def _nul_pattern(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NULs sit at every other byte, as UTF-16 writes ASCII."""
    sample = data[:65536]
    pairs = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > pairs * 0.1 and even_nuls <= pairs * 0.02:
        return "utf-16-le"
    if even_nuls > pairs * 0.1 and odd_nuls <= pairs * 0.02:
        return "utf-16-be"
    return None


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
        # Only UTF-16 text has NULs: ASCII characters written as two bytes.
        encoding16 = _nul_pattern(data)
        text16 = _decodes_well(data, encoding16) if encoding16 and len(data) % 2 == 0 else None
        if encoding16 is None or text16 is None:
            raise ReadError(BINARY)
        return _checked(text16, encoding16, warnings)
    try:
        return _checked(data.decode("utf-8"), "utf-8", warnings)
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("gb18030"), "gb18030", warnings)
    except (UnicodeDecodeError, ReadError):
        pass
    if len(data) % 2 == 0:
        # UTF-16 of Chinese without a single ASCII character (not even a newline) has no NULs.
        for encoding in ("utf-16-le", "utf-16-be"):
            text16 = _decodes_well(data, encoding)
            if text16 is not None:
                return _checked(text16, encoding, warnings)
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > max(3, len(text) // 100):
        raise ReadError(BINARY)
    warnings.append(_REPLACED)
    return _checked(text, "gb18030", warnings)


def _checked(text: str, encoding: str, warnings: list[str]) -> tuple[str, str, list[str]]:
    head = text[:200_000]
    if "\x00" in head or len(_CONTROL.findall(head)) > max(2, len(head) // 200):
        raise ReadError(BINARY)
    return text, encoding, warnings


def read_txt(data: bytes) -> ReadResult:
    text, encoding, warnings = decode_text(data)
    return ReadResult(text=check_text(text), warnings=warnings, fmt="txt", encoding=encoding)
