"""Web pages (.html/.htm): selectolax (lexbor) with the content selectors of Chinese government CMSs.

The main text is taken from the first content container the page's CMS is known for (TRS, 政府网站集约化
platforms, …), else from the element holding the most paragraph text. Navigation, scripts and footers go;
the title (h1 or <title>) comes first, then the 发布时间/来源 line (metadata needs it), then the body.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from core.clean import is_furniture_line
from core.errors import ReadError
from core.models import ReadResult
from core.readers.limits import BINARY, CORRUPT, check_text

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

# In priority order: the specific CMS containers first, generic names last.
CONTENT_SELECTORS: tuple[str, ...] = (
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#Zoom",
    ".zoom",
    ".article-content",
    ".article_content",
    ".pages_content",
    ".wz_content",
    ".news_content",
    ".newsContent",
    ".view_content",
    ".detail-content",
    ".detail_content",
    "#UCAP-CONTENT",
    ".Custom_UnionStyle",
    "#fontzoom",
    "#js_content",
    ".zwnr",
    "#zwnr",
    ".xxgk_content",
    ".main-txt",
    ".bt-article",
    ".article-body",
    ".con_text",
    ".text_content",
    # generic names: only taken when they hold a real amount of text
    "#content",
    ".content",
    "#zw",
    ".zw",
    "article",
    "#article",
    ".article",
)
_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "nav",
    "header",
    "footer",
    "select",
    "button",
    "object",
    "svg",
    "canvas",
    "input",
    "textarea",
]
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table tbody thead section article blockquote pre dd dt dl "
    "center form hr main aside figure figcaption address caption".split()
)
_CELL_TAGS = frozenset({"td", "th"})
_MAX_DATA_CELL = 300  # characters; a longer table cell is page layout, not data
_GENERIC_FROM = CONTENT_SELECTORS.index("#content")
_MIN_CONTENT = 100  # characters a generic container needs to be taken as the article
_MIN_CMS_CONTENT = 10  # … and a container of a known CMS
_META_LINE = re.compile(r"(?:发布(?:时间|日期)|成文日期|发文日期|(?:信息)?来源)\s*[:：]")
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_\-]+)""")
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
}
_TAB_RUN = re.compile(r" *\t[ \t]*")
_SPACES = re.compile(r" {2,}")
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — |—{2}|-{2})\s*")


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text and encoding: BOM, then valid UTF-8, then <meta charset>, then the .txt rule."""
    from core.readers.txt import decode_text

    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    if not data.isascii():
        try:
            # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page declares (templates lie).
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    match = _CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:200])
    if match:
        declared = match.group(1).decode("ascii").lower()
        encoding = _ALIASES.get(declared, declared)
        try:
            codecs.lookup(encoding)
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common: fall through to the sniffing rule
    try:
        text, encoding, _warnings = decode_text(data)
    except ReadError:
        raise ReadError(BINARY) from None
    return text, encoding


def read_html(data: bytes) -> ReadResult:
    markup, encoding = decode_html(data)
    return read_markup(markup, encoding)


def read_mht(data: bytes) -> ReadResult:
    """A single-file web page (MHTML, also what Word's "单个文件网页" writes, often named .doc)."""
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset()
        if charset:
            encoding = _ALIASES.get(charset.lower(), charset.lower())
            try:
                return read_markup(payload.decode(encoding), encoding)
            except (LookupError, UnicodeDecodeError):
                pass
        return read_html(payload)
    raise ReadError(f"{CORRUPT}（网页存档中没有网页内容）")


def read_markup(markup: str, encoding: str | None) -> ReadResult:
    """The article of an already decoded page."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup)
    title = _title(tree)
    tree.strip_tags(_DROP_TAGS)
    body = tree.body
    if body is None:
        raise ReadError("网页中没有正文")
    content = _main_content(tree, body)
    lines = _lines(content)
    warnings: list[str] = []
    out: list[str] = []
    if title:
        out.append(title)
    if content is not body:
        # The 发布时间/来源 bar usually sits outside the article container.
        known = set(lines)
        for line in _lines(body):
            if line not in known and _META_LINE.search(line) and len(line) <= 150 and "。" not in line:
                out.append(line)
                break
    for line in lines:
        if out and line == out[0] and len(out) <= 2:
            continue  # the article repeats the page title
        out.append(line)
    if len(out) <= 1:
        warnings.append("网页中没有找到正文")
    text = "\n".join(out)
    return ReadResult(text=check_text(text), warnings=warnings, fmt="html", encoding=encoding)


def _title(tree: LexborHTMLParser) -> str:
    """The article title: an h1 agreeing with <title>, else <title> without its site name, else an h1."""
    headings = []
    for node in tree.css("h1"):
        if _inside(node, {"header", "nav", "footer"}):
            continue
        text = _squash(node.text(separator=""))
        if 2 <= len(text) <= 200:
            headings.append(text)
    page_title = ""
    title_node = tree.css_first("title")
    if title_node is not None:
        text = _squash(title_node.text(separator=""))
        parts = [part for part in _TITLE_SPLIT.split(text) if part]
        page_title = parts[0] if len(parts) > 1 and len(parts[0]) >= 4 else text
    for heading in headings:
        if page_title and (page_title.startswith(heading[:8]) or heading.startswith(page_title[:8])):
            return heading
    return page_title or (headings[0] if headings else "")


def _inside(node: LexborNode, tags: set[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text.replace("\xa0", " ")).strip()


def _text_length(node: LexborNode) -> int:
    return len("".join((node.text(separator="") or "").split()))


def _main_content(tree: LexborHTMLParser, body: LexborNode) -> LexborNode:
    for index, selector in enumerate(CONTENT_SELECTORS):
        nodes = tree.css(selector)
        if not nodes:
            continue
        best = max(nodes, key=_text_length)
        if _text_length(best) >= (_MIN_CONTENT if index >= _GENERIC_FROM else _MIN_CMS_CONTENT):
            return best
    # No known container: the element whose own paragraphs hold the most text.
    credit: dict[int, int] = {}
    owners: dict[int, LexborNode] = {}
    for paragraph in body.css("p, br"):
        parent = paragraph.parent
        if parent is None:
            continue
        length = _text_length(paragraph) if paragraph.tag == "p" else 20
        key = parent.mem_id
        credit[key] = credit.get(key, 0) + length
        owners[key] = parent
    if credit:
        best_key = max(credit, key=lambda key: credit[key])
        if credit[best_key] >= _MIN_CONTENT:
            return owners[best_key]
    return body


def _lines(root: LexborNode) -> list[str]:
    """The text of `root` with block elements as line breaks and table cells tab-separated."""
    pieces: list[str] = []
    # (node, entering, inside a table cell): blocks inside a cell are separated by spaces, not lines.
    stack: list[tuple[LexborNode, bool, bool]] = [(root, True, False)]
    while stack:
        node, entering, in_cell = stack.pop()
        tag = node.tag
        if not entering:
            if tag in _BLOCK_TAGS:
                pieces.append(" " if in_cell else "\n")
            continue
        if tag == "-text":
            pieces.append(_WHITESPACE.sub(" ", node.text_content or ""))
            continue
        if tag is None or tag.startswith("-"):
            continue  # comments and the like
        inner = in_cell
        if tag in _CELL_TAGS and node is not root and len(node.text(separator="")) <= _MAX_DATA_CELL:
            pieces.append(" " if in_cell else "\t")
            inner = True  # a data cell: its paragraphs are one cell
        elif tag in _BLOCK_TAGS or tag in _CELL_TAGS:
            pieces.append(" " if in_cell else "\n")  # a layout cell (old table-built pages) is a block
        stack.append((node, False, in_cell))
        children = list(node.iter(include_text=True))
        stack.extend((child, True, inner) for child in reversed(children))
    lines: list[str] = []
    for raw in "".join(pieces).split("\n"):
        line = raw.replace("\xa0", " ").replace("\u3000", " ").strip(" \t")
        line = _SPACES.sub(" ", _TAB_RUN.sub("\t", line))
        if line and not is_furniture_line(line):
            lines.append(line)
    return lines
