"""PDF via pypdfium2: text layer per page, scans and font garbage detected, broken lines re-joined.

Why pypdfium2: it wraps PDFium (Chrome's PDF engine, BSD/Apache licensed, maintained by Google) and read
a long report in 197 ms where pypdf took 2.95 s and pdfminer/pdfplumber 5–8 s (DESIGN.md); PyMuPDF is as
fast but AGPL. Every library returns garbage for fonts without a ToUnicode map, so that is detected here.
PDFium is not thread-safe: a process-wide lock lets one thread read a PDF at a time.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any, NamedTuple

from core.errors import ReadError
from core.models import ReadResult
from core.readers.limits import CORRUPT, check_text

SCANNED = "这是扫描件（PDF 没有文字层），无法提取文字"
SCANNED_NO_TEXT = "这是扫描件（PDF 没有文字层），文字识别（OCR）也没有识别出文字"
ENCRYPTED = "PDF 已加密，需要密码才能打开，请先去掉密码后再导入"
GARBAGE = "PDF 的字体缺少文字编码映射，提取出的是乱码，无法读取（可尝试用 WPS/Word 另存为 Word 文档后导入）"

_PDFIUM_PASSWORD = 4
_PDFIUM_SECURITY = 5

# Characters a Chinese report is made of; anything else counts as suspect when judging font garbage.
_EXPECTED = re.compile(
    r"[\s\x21-\x7e\xa0-\xff\u2000-\u206f\u2100-\u22ff\u2460-\u24ff\u2500-\u25ff\u2600-\u27bf"
    r"\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\ufe30-\ufe4f\uff00-\uffef\u0370-\u03ff\u0400-\u04ff]"
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ALNUM = re.compile(r"[A-Za-z0-9]")

# A line that ends a paragraph: sentence punctuation, possibly followed by a closing quote or bracket.
_ENDS_PARAGRAPH = re.compile(r"[。！？!?；;：:…]['\"”’）)】」』]*$")
# A line that starts a heading or a list item: 一、 （一） 1. 1、 （1） 第一章 附件 etc.
_STARTS_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)]|\d{1,3}[、.．](?!\d)|"
    r"[（(]\d{1,3}[）)]|[①-⑳]|第[一二三四五六七八九十百\d]+[章节条部分篇]|附件|附表)"
)
# PDFium marks a hyphen it removed at a line end with \x02 or U+FFFE.
_LINE_JUNK = re.compile(r"[\r\x02\ufffe]")
_CJK_OR_PUNCT = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
_PAGE_NUMBER = re.compile(r"^[-—－–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?[-—－–\s]*$")


_PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe: one document at a time in the process


def read_pdf(data: bytes) -> ReadResult:
    with _PDFIUM_LOCK:
        pages, empty_pages, drawn = _text_layer(data)
    ocr_result = None
    if drawn:
        # Pages with something drawn but no text layer (scans, text drawn as paths or image tiles): OCR
        # them one at a time, the PDFium lock held only while a page is rendered.
        from core.readers import ocr

        try:
            ocr.check_enabled()
        except ReadError as reason:  # OCR turned off or not installed: the reason says it is a scan
            if len(empty_pages) == len(pages):
                raise ReadError(str(reason)) from None
        else:
            ocr_result = ocr.ocr_pages(len(drawn), lambda index: _render(data, drawn[index]))
            texts = ocr_result.text_by_page
            for number, text in zip(drawn, texts, strict=False):
                pages[number - 1] = [_Line(line, False) for line in text.split("\n") if line.strip()]
            empty_pages = [number for number in empty_pages if not pages[number - 1]]
    return _assemble(pages, empty_pages, ocr_result)


def _render(data: bytes, number: int) -> Any:
    """Page `number` (1-based) as a PIL image at the OCR render scale."""
    import pypdfium2 as pdfium

    from core.readers import ocr

    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            page = document[number - 1]
            try:
                return page.render(scale=ocr.RENDER_SCALE).to_pil()
            finally:
                page.close()
        finally:
            document.close()


def _text_layer(data: bytes) -> tuple[list[list[_Line]], list[int], list[int]]:
    """Each page's text lines, the 1-based numbers of the pages without text, and of those the pages
    with something drawn on them (candidates for OCR; a blank page has no objects)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == _PDFIUM_PASSWORD:
            raise ReadError(ENCRYPTED) from None
        if code == _PDFIUM_SECURITY:
            raise ReadError("PDF 使用了不支持的加密方式，无法读取") from None
        raise ReadError(f"{CORRUPT}（PDF 结构损坏）") from None
    pages: list[list[_Line]] = []
    empty_pages: list[int] = []
    drawn: list[int] = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    lines = _page_lines(textpage)
                finally:
                    textpage.close()
                if not lines:
                    empty_pages.append(index + 1)
                    if next(iter(page.get_objects(max_depth=1)), None) is not None:
                        drawn.append(index + 1)
            finally:
                page.close()
            pages.append(lines)
    except pdfium.PdfiumError:
        raise ReadError(f"{CORRUPT}（PDF 页面损坏）") from None
    finally:
        document.close()
    return pages, empty_pages, drawn


def _assemble(pages: list[list[_Line]], empty_pages: list[int], ocr_result: Any) -> ReadResult:
    if not pages or len(empty_pages) == len(pages):
        raise ReadError(SCANNED_NO_TEXT if ocr_result is not None else SCANNED)
    warnings: list[str] = []
    if ocr_result is not None:
        from core.readers import ocr

        warnings.extend(ocr.note(ocr_result, "PDF 扫描页"))
    if empty_pages:
        listed = "、".join(str(number) for number in empty_pages[:10]) + (
            "等" if len(empty_pages) > 10 else ""
        )
        warnings.append(f"第 {listed} 页没有文字层（可能是扫描页），这些页的内容没有读入")
    body = "".join(line.text for lines in pages for line in lines)
    verdict = _garbage_share(body)
    if verdict >= 0.3 or _latin_gibberish(body):
        raise ReadError(GARBAGE)
    if verdict >= 0.05:
        warnings.append("PDF 中部分文字的字体缺少编码映射，可能有乱码")
    if len(body) >= 200 and not _CJK.search(body):
        warnings.append("PDF 中没有中文文字；如果原文是中文，可能是字体缺少编码映射")
    kept = [line for lines in _drop_running_lines(pages) for line in lines]
    text = "\n".join(join_lines([line.text for line in kept], [line.indented for line in kept]))
    result = ReadResult(text=check_text(text), warnings=warnings, fmt="pdf", encoding=None)
    if ocr_result is not None:
        result.ocr_pages = ocr_result.pages
        result.ocr_confidence = [line.confidence for line in ocr_result.lines]
    return result


class _Line(NamedTuple):
    text: str
    indented: bool  # starts further right than the page's left margin (or with an ideographic space)


def _page_lines(textpage: Any) -> list[_Line]:
    """The page's lines. PDFium's guessed spaces are judged by the gap they stand for: a font switch
    between Chinese and Latin/digits (2023 年, under 1 em) is no space; a table-cell gap (3 em and more)
    becomes a tab; anything else stays a space. Each line knows whether it is indented (first-line
    indent of a paragraph, 首行缩进), measured from the glyph boxes."""
    import pypdfium2.raw as pdfium_c

    text: str = textpage.get_text_range()
    mapped = len(text) == textpage.count_chars()  # one character per glyph: boxes can be asked for
    out = list(text)
    if mapped:
        for index in [i for i, ch in enumerate(text) if ch == " " and 0 < i < len(text) - 1]:
            before, after = text[index - 1], text[index + 1]
            if not pdfium_c.FPDFText_IsGenerated(textpage.raw, index) or before in "\r\n" or after in "\r\n":
                continue
            size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, index - 1)) or 10.0
            gap = textpage.get_charbox(index + 1)[0] - textpage.get_charbox(index - 1)[2]
            if gap >= 3 * size:
                out[index] = "\t"
            elif gap < size and (_CJK_OR_PUNCT.match(before) or _CJK_OR_PUNCT.match(after)):
                out[index] = ""
    raw_lines: list[tuple[str, bool, float, float]] = []  # text, textual indent, left x, font size
    position = 0
    for raw in text.split("\n"):
        start, end = position, position + len(raw)
        position = end + 1
        line = _LINE_JUNK.sub("", "".join(out[start:end]))
        stripped = line.strip()
        if not stripped:
            continue
        textual = line.startswith(("\u3000", "  ", "\t"))
        left = size = 0.0
        if mapped:
            first = start + (len(line) - len(line.lstrip()))
            while first < end and text[first].isspace():
                first += 1
            if first < end:
                left = float(textpage.get_charbox(first)[0])
                size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, first))
        raw_lines.append((stripped, textual, left, size))
    lefts = Counter(round(left) for _, _, left, size in raw_lines if size)
    margin = min((value for value, count in lefts.items() if count == max(lefts.values())), default=0)
    return [
        _Line(line, textual or (size > 0 and left - margin >= size * 0.9))
        for line, textual, left, size in raw_lines
    ]


def _garbage_share(text: str) -> float:
    """The share of characters (spaces aside) no Chinese report contains: glyph ids of unmapped fonts."""
    visible = "".join(text.split())
    if not visible:
        return 0.0
    sample = visible[:200_000]
    return 1.0 - len(_EXPECTED.findall(sample)) / len(sample)


def _latin_gibberish(text: str) -> bool:
    """No Chinese at all and mostly symbols: glyph ids of a subset font read as Latin-1 characters."""
    visible = "".join(text.split())[:200_000]
    if len(visible) < 50 or _CJK.search(visible):
        return False
    return len(_ALNUM.findall(visible)) < len(visible) * 0.6


def _drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Page numbers everywhere, and a header/footer line repeated on most pages of a longer document (the
    same but for its digits: a browser's print-out header "date  title", a footer "url  1/4")."""
    pages = [[line for line in lines if not _PAGE_NUMBER.match(line.text)] for lines in pages]
    if len(pages) < 3:
        return pages
    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update({_DIGITS.sub("0", line.text) for line in (lines[:1] + lines[-1:])})
    running = {
        text
        for text, count in edges.items()
        if (count >= max(3, len(pages) * 0.6) and len(text) <= 40)
        or (count >= max(3, len(pages) * 0.8) and len(text) <= 150)
    }
    if not running:
        return pages
    return [
        [
            line
            for position, line in enumerate(lines)
            if not (_DIGITS.sub("0", line.text) in running and position in {0, len(lines) - 1})
        ]
        for lines in pages
    ]


_DIGITS = re.compile(r"\d+")


def _width(line: str) -> float:
    """Display width in Chinese characters: ASCII counts half."""
    return len(line) - 0.5 * len(line.encode("ascii", "ignore"))


def join_lines(lines: list[str], indented: list[bool] | None = None) -> list[str]:
    """Re-join paragraphs broken into PDF lines. A line continues into the next when it is about as wide
    as the document's full lines and the next line neither starts a heading/list item nor is indented.
    When the document marks paragraphs by a first-line indent (most official documents do), that is the
    whole rule; otherwise a line ending with sentence punctuation also ends its paragraph. Titles, dates
    and signatures (short lines) stay apart, and so does a table row (cells separated by tabs): it is
    never a paragraph's continuation, nor continued by the next line.
    """
    if not lines:
        return []
    starts = indented if indented is not None and len(indented) == len(lines) else [False] * len(lines)
    line_widths = [_width(line) for line in lines]
    widths = sorted(width for width, line in zip(line_widths, lines, strict=True) if len(line) >= 5)
    full = widths[int(len(widths) * 0.8)] if widths else 0.0
    # Does the document indent its paragraphs? Look at the lines after a short (paragraph-ending) line.
    after_short = [starts[i + 1] for i in range(len(lines) - 1) if line_widths[i] < full * 0.85]
    uses_indent = len(after_short) >= 3 and sum(after_short) >= 0.6 * len(after_short)
    out: list[str] = []
    current = lines[0]
    previous = lines[0]
    for index, line in enumerate(lines[1:]):
        if (
            full >= 10
            and line_widths[index] >= full * 0.85
            and not starts[index + 1]
            and not _STARTS_HEADING.match(line)
            and "\t" not in line
            and "\t" not in previous
            and (uses_indent or not _ENDS_PARAGRAPH.search(previous))
        ):
            # English wraps at spaces; Chinese (and a number split across lines) joins without one.
            english = " " in previous and not _CJK.search(previous)
            separator = (
                " " if english and _ALNUM.match(previous[-1]) and _ALNUM.match(line) else ""
            )
            current += separator + line
        else:
            out.append(current)
            current = line
        previous = line
    out.append(current)
    return out
