"""OFD (GB/T 33190, the national format of party and government e-document systems): zipfile + lxml.

An OFD package is a zip: OFD.xml names each document's Document.xml (DocBody/DocRoot), which lists its
pages (Pages/Page/@BaseLoc) and the template pages they draw on; a page's Content.xml holds layers of
TextObjects. A TextObject has a Boundary (x y w h in mm on the page), an optional CTM (a b c d e f, from
the object's own coordinates to the Boundary's origin) and a Size; each of its TextCodes places its
characters from (X, Y) on, moved by DeltaX/DeltaY per character ("g N V" repeats V N times; a short list
repeats its last value). Characters are grouped into lines by their baseline and ordered left to right,
so reading order follows the layout whatever order the producer wrote the objects in; a wide gap on a
line (a table cell) becomes a tab like the other readers' table rows. Signatures, seals (Signs/…) and
annotations (Annots/…) are separate parts and never read. The caps on inflated parts are .docx's.
"""

from __future__ import annotations

import io
import itertools
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import ReadError
from core.models import ReadResult
from core.readers import limits
from core.readers.limits import CORRUPT, check_text

if TYPE_CHECKING:
    from lxml import etree

NO_TEXT = "OFD 文件中没有文字（可能是扫描件），无法提取文字"
GARBAGE = "OFD 的字体缺少文字编码映射，提取出的是乱码，无法读取（可尝试在 OFD 阅读器中另存为 PDF 或 Word 后导入）"
_BOMB = "文件解压后过大（超过 64 MB 数据），疑似损坏或恶意构造的文件，已拒绝"
_MAX_TOTAL_XML = 4 * limits.MAX_XML_BYTES  # all parts of one package together
_MAX_PAGES = 5000
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ASCII_NARROW = re.compile(r"[\x20-\x7e]")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_RUNS = itertools.count()


@dataclass(slots=True)
class _Glyph:
    x: float  # left edge on the page, mm
    y: float  # baseline on the page, mm (downwards)
    size: float  # em size on the page, mm
    char: str
    run: int  # the TextCode it comes from: a word space is written as such inside one

    @property
    def right(self) -> float:
        return self.x + self.size * (0.5 if _ASCII_NARROW.match(self.char) else 1.0)


class _Package:
    """The zip with every part read under the .docx caps, and a running total against zip bombs."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            raise ReadError(f"{CORRUPT}（.ofd 文件不完整或不是有效的压缩包）") from None
        self.names = {name.lstrip("/"): name for name in self.zip.namelist()}
        self.lower = {name.lower(): name for name in self.names}
        self.total = 0

    def has(self, path: str) -> bool:
        return self._name(path) is not None

    def _name(self, path: str) -> str | None:
        key = posixpath.normpath(path.replace("\\", "/").lstrip("/"))
        if key in self.names:
            return self.names[key]
        found = self.lower.get(key.lower())
        return self.names[found] if found is not None else None

    def parse(self, path: str) -> etree._Element:
        from lxml import etree

        name = self._name(path)
        if name is None:
            raise ReadError(f"{CORRUPT}（OFD 包中缺少 {path}）")
        info = self.zip.getinfo(name)
        if info.file_size > limits.MAX_XML_BYTES or self.total + info.file_size > _MAX_TOTAL_XML:
            raise ReadError(_BOMB)
        try:
            with self.zip.open(info) as stream:
                content = stream.read(limits.MAX_XML_BYTES + 1)
        except RuntimeError:  # an entry encrypted with a zip password
            raise ReadError("文件已加密（设置了打开密码），请先去掉密码后再导入") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            raise ReadError(f"{CORRUPT}（.ofd 内部数据损坏）") from None
        self.total += len(content)
        if len(content) > limits.MAX_XML_BYTES or self.total > _MAX_TOTAL_XML:
            raise ReadError(_BOMB)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
        try:
            root = etree.fromstring(content, parser)
        except etree.XMLSyntaxError:
            raise ReadError(f"{CORRUPT}（OFD 中的 XML 损坏：{path}）") from None
        _strip_namespaces(root)
        return root


def _strip_namespaces(root: etree._Element) -> None:
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and tag.startswith("{"):
            element.tag = tag[tag.index("}") + 1 :]


def _resolve(base_dir: str, location: str) -> str:
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return posixpath.normpath(location.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, location))


def _numbers(value: str | None) -> list[float]:
    return [float(number) for number in _NUMBER.findall(value or "")]


def expand_deltas(value: str | None, count: int) -> list[float]:
    """DeltaX/DeltaY as `count` numbers: "g N V" stands for N times V; a short list repeats its last value."""
    tokens = (value or "").split()
    out: list[float] = []
    index = 0
    while index < len(tokens) and len(out) < count:
        token = tokens[index]
        if token == "g" and index + 2 < len(tokens):
            try:
                repeat, amount = int(float(tokens[index + 1])), float(tokens[index + 2])
            except ValueError:
                break
            out.extend([amount] * max(0, min(repeat, count - len(out))))
            index += 3
            continue
        try:
            out.append(float(token))
        except ValueError:
            break
        index += 1
    if out and len(out) < count:
        out.extend([out[-1]] * (count - len(out)))
    return out[:count]


class _Matrix:
    def __init__(self, values: list[float]) -> None:
        a, b, c, d, e, f = values if len(values) == 6 else [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        self.a, self.b, self.c, self.d, self.e, self.f = a, b, c, d, e, f

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def scale(self) -> float:
        return math.sqrt(abs(self.a * self.d - self.b * self.c)) or 1.0


def _text_objects(content: etree._Element) -> list[etree._Element]:
    """Every TextObject of a page's Content (layers, page blocks), in document order."""
    return [element for element in content.iter("TextObject")]


def _glyphs(text_object: etree._Element, origin: tuple[float, float]) -> list[_Glyph]:
    boundary = _numbers(text_object.get("Boundary"))
    bx, by = (boundary[0], boundary[1]) if len(boundary) >= 2 else origin
    matrix = _Matrix(_numbers(text_object.get("CTM")))
    size_values = _numbers(text_object.get("Size"))
    size = (size_values[0] if size_values else 3.5) * matrix.scale()
    glyphs: list[_Glyph] = []
    x = y = 0.0
    for code in text_object.iter("TextCode"):
        run = next(_RUNS)
        text = code.text or ""
        if code.get("X") is not None:
            x = (_numbers(code.get("X")) or [x])[0]
        if code.get("Y") is not None:
            y = (_numbers(code.get("Y")) or [y])[0]
        chars = [ch for ch in text if ch not in "\r\n"]
        dx = expand_deltas(code.get("DeltaX"), max(0, len(chars) - 1))
        dy = expand_deltas(code.get("DeltaY"), max(0, len(chars) - 1))
        cx, cy = x, y
        for index, ch in enumerate(chars):
            px, py = matrix.apply(cx, cy)
            glyphs.append(_Glyph(bx + px, by + py, size, ch, run))
            cx += dx[index] if index < len(dx) else size / matrix.scale()
            cy += dy[index] if index < len(dy) else 0.0
        x, y = cx, cy
    return glyphs


@dataclass(slots=True)
class _PageLine:
    text: str
    left: float
    right: float
    size: float


def _rules(content: etree._Element) -> list[tuple[float, float, float]]:
    """Vertical ruling lines (x, top, bottom) of the page: thin tall PathObjects, the borders of table cells."""
    out: list[tuple[float, float, float]] = []
    for path in content.iter("PathObject"):
        box = _numbers(path.get("Boundary"))
        if len(box) >= 4 and box[2] <= 1.0 and box[3] >= 2.0:
            out.append((box[0] + box[2] / 2, box[1], box[1] + box[3]))
    return out


def _ruled(rules: list[tuple[float, float, float]], left: float, right: float, y: float) -> bool:
    return any(left <= x <= right and top <= y <= bottom for x, top, bottom in rules)


def _lines(glyphs: list[_Glyph], rules: list[tuple[float, float, float]] | None = None) -> list[_PageLine]:
    """Glyphs → lines by baseline, left to right; a cell-wide gap or a cell border between two characters
    is a tab, a word gap between Latin letters or digits a space, any other gap (justified Chinese, a font
    switch) nothing."""
    rules = rules or []
    glyphs = [glyph for glyph in glyphs if not glyph.char.isspace() or glyph.char == "\u3000"]
    glyphs.sort(key=lambda glyph: (glyph.y, glyph.x))
    rows: list[list[_Glyph]] = []
    for glyph in glyphs:
        if rows:
            row = rows[-1]
            baseline = row[0].y
            if abs(glyph.y - baseline) <= 0.45 * max(min(glyph.size, row[0].size), 0.1):
                row.append(glyph)
                continue
        rows.append([glyph])
    out: list[_PageLine] = []
    for row in rows:
        row.sort(key=lambda glyph: glyph.x)
        parts: list[str] = []
        previous: _Glyph | None = None
        for glyph in row:
            if previous is not None:
                if abs(glyph.x - previous.x) < 0.05 * glyph.size and glyph.char == previous.char:
                    continue  # the same character drawn twice (fake bold)
                gap = glyph.x - previous.right
                em = max(glyph.size, previous.size)
                if gap >= 2.5 * em or (
                    rules and _ruled(rules, previous.x + 0.5 * previous.size, glyph.x, glyph.y - 0.3 * em)
                ):
                    parts.append("\t")
                elif (
                    gap >= 0.2 * em
                    and glyph.run != previous.run
                    and _ALNUM.match(previous.char)
                    and _ALNUM.match(glyph.char)
                ):
                    parts.append(" ")
            parts.append(glyph.char)
            previous = glyph
        text = "".join(parts).strip()
        if text:
            out.append(_PageLine(text, row[0].x, row[-1].right, row[0].size))
    return out


def read_ofd(data: bytes) -> ReadResult:
    package = _Package(data)
    with package.zip:
        if not package.has("OFD.xml"):
            raise ReadError(f"{CORRUPT}（压缩包里没有 OFD.xml，不是 OFD 文件）")
        entry = package.parse("OFD.xml")
        roots = [(body.findtext("DocRoot") or "").strip() for body in entry.iter("DocBody")]
        roots = [root for root in roots if root]
        if not roots:
            raise ReadError(f"{CORRUPT}（OFD.xml 中没有文档）")
        pages: list[list[_PageLine]] = []
        for doc_root in roots:
            pages.extend(_document_pages(package, _resolve("", doc_root)))
    return _result(pages)


def _document_pages(package: _Package, document_path: str) -> list[list[_PageLine]]:
    document = package.parse(document_path)
    base = posixpath.dirname(document_path)
    templates: dict[str, str] = {}
    for template in document.iter("TemplatePage"):
        location = template.get("BaseLoc")
        if template.get("ID") and location:
            templates[str(template.get("ID"))] = _resolve(base, location)
    out: list[list[_PageLine]] = []
    for page in document.iter("Page"):
        if len(out) >= _MAX_PAGES:
            break
        location = page.get("BaseLoc")
        if not location:
            continue
        page_path = _resolve(base, location)
        if not package.has(page_path):
            continue
        root = package.parse(page_path)
        glyphs: list[_Glyph] = []
        rules: list[tuple[float, float, float]] = []
        parts = [root]
        for use in root.iter("Template"):
            template_path = templates.get(str(use.get("TemplateID")))
            if template_path and package.has(template_path):
                parts.append(package.parse(template_path))
        for part in parts:
            for content in part.iter("Content"):
                for text_object in _text_objects(content):
                    glyphs.extend(_glyphs(text_object, (0.0, 0.0)))
                rules.extend(_rules(content))
        out.append(_lines(glyphs, rules))
    return out


def _result(pages: list[list[_PageLine]]) -> ReadResult:
    from core.readers.pdf import _drop_running_lines, _garbage_share, _Line

    if not any(pages):
        raise ReadError(NO_TEXT)
    body = "".join(line.text for lines in pages for line in lines)
    verdict = _garbage_share(body)
    if verdict >= 0.3:
        raise ReadError(GARBAGE)
    warnings: list[str] = []
    if verdict >= 0.05:
        warnings.append("OFD 中部分文字的字体缺少编码映射，可能有乱码")
    empty = [str(number + 1) for number, lines in enumerate(pages) if not lines]
    if empty:
        listed = "、".join(empty[:10]) + ("等" if len(empty) > 10 else "")
        warnings.append(f"第 {listed} 页没有文字（可能是扫描页），这些页的内容没有读入")
    # Page numbers and running headers go as in a PDF; the geometry stays with each kept line.
    geometry: dict[int, _PageLine] = {}
    marked: list[list[_Line]] = []
    for lines in pages:
        row = []
        for line in lines:
            item = _Line(line.text, False)
            geometry[id(item)] = line
            row.append(item)
        marked.append(row)
    kept = [[geometry[id(item)] for item in lines] for lines in _drop_running_lines(marked)]
    text = "\n".join(paragraphs(kept))
    return ReadResult(text=check_text(text), warnings=warnings, fmt="ofd", encoding=None)


def paragraphs(pages: list[list[_PageLine]]) -> list[str]:
    """Re-join paragraphs broken into lines, by the layout: a line that reaches the page's right margin goes
    on into the next line unless that one is indented (首行缩进), starts a heading or list item, or either
    is a table row (tabs)."""
    from core.readers.pdf import _STARTS_HEADING

    out: list[str] = []
    for lines in pages:
        if not lines:
            continue
        margin_left = min(line.left for line in lines)
        margin_right = max(line.right for line in lines)
        current: _PageLine | None = None
        text = ""
        for line in lines:
            if (
                current is not None
                and current.right >= margin_right - 1.5 * current.size
                and current.left - margin_left < 3 * current.size  # not a right-aligned signature
                and margin_right - margin_left >= 10 * current.size  # a page of body text, not a form
                and line.left - margin_left < 0.9 * line.size
                and not line.text.startswith("\u3000")
                and not _STARTS_HEADING.match(line.text)
                and "\t" not in line.text
                and "\t" not in current.text
            ):
                english = _ALNUM.match(text[-1]) and _ALNUM.match(line.text[0]) and " " in text
                text += (" " if english else "") + line.text
            else:
                if current is not None:
                    out.append(text)
                text = line.text
            current = line
        out.append(text)
    return [line.replace("\u3000", " ").strip() for line in out if line.strip()]
