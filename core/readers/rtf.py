"""RTF (often what a government site's ".doc" really is): a small tokenizer for the text, no formatting.

Handles code pages per font (\\fcharset134 → GBK), \\uN escapes with their \\ucN fallbacks, hex bytes,
tables (\\cell → tab, \\row → line) and skips every destination that is not body text (font and colour
tables, styles, pictures, objects, headers, field instructions, \\* groups).
"""

from __future__ import annotations

import re

from core.errors import ReadError
from core.models import ReadResult
from core.readers.limits import CORRUPT, check_text

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([\r\n]+)|([^\\{}\r\n]+)", re.DOTALL
)
_SKIP_DESTINATIONS = frozenset(
    b"fonttbl colortbl stylesheet info pict object header headerl headerr headerf footer footerl footerr "
    b"footerf fldinst themedata colorschememapping datastore latentstyles listtable listoverridetable "
    b"rsidtbl generator xmlnsdecls mmathPr pgdsctbl filetbl revtbl bkmkstart bkmkend footnote annotation "
    b"atnid atnauthor comment shppict nonshppict blipuid private userprops docvar formfield "
    b"template operator title subject author keywords company".split()
)
_CHARSET_CODEPAGE = {
    0: "cp1252",
    128: "cp932",
    129: "cp949",
    134: "gb18030",
    136: "cp950",
    161: "cp1253",
    162: "cp1254",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
}
_CODEPAGES = {936: "gb18030", 950: "cp950", 932: "cp932", 949: "cp949", 1252: "cp1252", 65001: "utf-8"}
_SYMBOLS = {
    b"par": "\n",
    b"line": "\n",
    b"sect": "\n",
    b"page": "\n",
    b"row": "\n",
    b"cell": "\t",
    b"tab": "\t",
    b"emdash": "—",
    b"endash": "–",
    b"bullet": "•",
    b"lquote": "‘",
    b"rquote": "’",
    b"ldblquote": "“",
    b"rdblquote": "”",
    b"emspace": " ",
    b"enspace": " ",
    b"~": " ",
}


class _State:
    __slots__ = ("codepage", "skip", "uc")

    def __init__(self, codepage: str, uc: int = 1, skip: bool = False) -> None:
        self.codepage = codepage
        self.uc = uc
        self.skip = skip

    def copy(self) -> _State:
        return _State(self.codepage, self.uc, self.skip)


def _font_codepages(data: bytes, default: str) -> dict[int, str]:
    """Font number → code page, from \\fonttbl entries like {\\f1\\fnil\\fcharset134 宋体;}."""
    table: dict[int, str] = {}
    start = data.find(b"\\fonttbl")
    if start < 0:
        return table
    for match in re.finditer(rb"\\f(\d+)[^;{}]*?\\fcharset(\d+)", data[start : start + 200_000]):
        charset = int(match.group(2))
        table[int(match.group(1))] = _CHARSET_CODEPAGE.get(charset, default) if charset != 1 else default
    return table


def read_rtf(data: bytes) -> ReadResult:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise ReadError(f"{CORRUPT}（不是有效的 RTF 文件）")
    codepage_match = re.search(rb"\\ansicpg(\d+)", data[:2000])
    default = _CODEPAGES.get(int(codepage_match.group(1)), "cp1252") if codepage_match else "cp1252"
    fonts = _font_codepages(data, default)
    deff = re.search(rb"\\deff(\d+)", data[:2000])
    if deff and int(deff.group(1)) in fonts:
        default = fonts[int(deff.group(1))]
    out: list[str] = []
    pending = bytearray()  # \'hh bytes waiting to be decoded together (a GBK character is two of them)
    state = _State(default)
    stack: list[_State] = []
    skip_chars = 0
    group_start = False

    def flush() -> None:
        if pending:
            if not state.skip:
                out.append(pending.decode(state.codepage, errors="replace"))
            pending.clear()

    position = 0
    while position < len(data):
        match = _TOKEN.match(data, position)
        if match is None:
            position += 1
            continue
        position = match.end()
        word, arg, hex_byte, symbol, brace, _newline, text = match.groups()
        if word == b"bin" and arg is not None:
            position += max(int(arg), 0)  # raw binary data (pictures): never text, may hold braces
            group_start = False
            continue
        if hex_byte is not None:
            if skip_chars:
                skip_chars -= 1
            else:
                pending.append(int(hex_byte, 16))
            group_start = False
            continue
        flush()
        if brace is not None:
            if brace == b"{":
                stack.append(state.copy())
                group_start = True
            else:
                state = stack.pop() if stack else state
                group_start = False
            skip_chars = 0
            continue
        if word is not None:
            if group_start and word in _SKIP_DESTINATIONS:
                state.skip = True
            elif word == b"u" and arg is not None:
                if not state.skip:
                    code = int(arg)
                    out.append(chr(code + 65536 if code < 0 else code))
                skip_chars = state.uc
            elif word == b"uc" and arg is not None:
                state.uc = int(arg)
            elif word == b"f" and arg is not None:
                state.codepage = fonts.get(int(arg), default)
            elif word in _SYMBOLS and not state.skip:
                out.append(_SYMBOLS[word])
            elif word in {b"pard", b"plain"}:
                pass
            group_start = False
            continue
        if symbol is not None:
            if symbol == b"*" and group_start:
                state.skip = True  # an ignorable destination we do not know
                continue
            if not state.skip:
                if symbol in b"\\{}":
                    out.append(symbol.decode())
                elif symbol in {b"~"}:
                    out.append(" ")
                elif symbol == b"_":
                    out.append("-")
                elif symbol in {b"\n", b"\r"}:
                    out.append("\n")
            group_start = False
            continue
        if text is not None:
            group_start = False
            if skip_chars:
                dropped = min(skip_chars, len(text))
                text = text[dropped:]
                skip_chars -= dropped
            if text and not state.skip:
                out.append(text.decode(state.codepage, errors="replace"))
    flush()
    body = "".join(out)
    if not body.strip():
        raise ReadError(f"{CORRUPT}（RTF 文件中没有文字）")
    return ReadResult(text=check_text(body), warnings=[], fmt="rtf", encoding=None)
