"""File readers: bytes of a .txt/.docx/.pdf/.html/.doc/.wps/.ofd/.xlsx/.xls/.et file → ReadResult, by content
sniffing + suffix.

Each format lives in its own module and imports its heavy library (pypdfium2, lxml, selectolax, olefile)
only when a file of that format is read, so importing `core.readers` costs nothing.
Thread-safe: PDF reading (PDFium is not thread-safe) is serialised by a lock in core.readers.pdf.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.errors import ReadError
from core.models import ReadResult
from core.readers.limits import CORRUPT, MAX_FILE_BYTES, check_file_size

__all__ = ["SUPPORTED_SUFFIXES", "read_bytes", "read_file"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {
        ".txt",
        ".text",
        ".docx",
        ".pdf",
        ".html",
        ".htm",
        ".shtml",
        ".xhtml",
        ".mht",
        ".mhtml",
        ".doc",
        ".wps",
        ".rtf",
        ".ofd",
        ".xlsx",
        ".xlsm",
        ".xls",
        ".et",
        ".png",
        ".jpg",
        ".jpeg",
        ".tif",
        ".tiff",
        ".bmp",
    }
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
_FORMAT_NAMES = {
    ".docx": "Word（.docx）",
    ".pdf": "PDF",
    ".doc": "Word（.doc）",
    ".wps": "WPS（.wps）",
    ".rtf": "RTF",
    ".ofd": "OFD",
    ".xlsx": "Excel（.xlsx）",
    ".xlsm": "Excel（.xlsm）",
    ".xls": "Excel（.xls）",
    ".et": "WPS 表格（.et）",
    ".png": "PNG 图片",
    ".jpg": "JPEG 图片",
    ".jpeg": "JPEG 图片",
    ".tif": "TIFF 图片",
    ".tiff": "TIFF 图片",
    ".bmp": "BMP 图片",
    ".mht": "网页存档",
    ".mhtml": "网页存档",
}


def read_file(path: str | Path) -> ReadResult:
    """Read a file into text; ReadError with a Chinese reason when it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReadError(f"找不到文件：{path.name}") from None
    except OSError as error:
        raise ReadError(f"无法打开文件：{path.name}（{error.strerror or error}）") from None
    if path.is_dir():
        raise ReadError(f"这是一个文件夹，不是文件：{path.name}")
    check_file_size(size)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise ReadError(f"没有权限读取文件：{path.name}（可能正被其他程序占用）") from None
    except OSError as error:
        raise ReadError(f"无法读取文件：{path.name}（{error.strerror or error}）") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> ReadResult:
    """Read a file's bytes into text; `name` gives the suffix, the content decides where it can.

    Text garbled by a wrong decoding before it reached us (mojibake) is transcoded back when that gives
    ordinary Chinese, and flagged with a warning starting with core.clean.GARBLED when it may still be
    garbled (never stored silently)."""
    from core.clean import repair_mojibake

    result = _read(data, name)
    result.text, notes = repair_mojibake(result.text)
    result.warnings.extend(notes)
    return result


def _read(data: bytes, name: str) -> ReadResult:
    check_file_size(len(data))
    suffix = os.path.splitext(name)[1].lower()
    if not data:
        raise ReadError("文件是空的（0 字节）")
    head = data[:1024]
    if data.lstrip()[:5] == b"%PDF-" or (suffix == ".pdf" and b"%PDF-" in head):
        from core.readers.pdf import read_pdf

        return read_pdf(data)
    if data.startswith(_OLE_MAGIC):
        from core.readers.doc import read_ole

        return read_ole(data, suffix)
    if data.startswith(_ZIP_MAGIC):
        kind = _zip_kind(data)
        if kind == "ofd":
            from core.readers.ofd import read_ofd

            return read_ofd(data)
        if kind == "xlsx":
            from core.readers.sheet import read_xlsx

            return read_xlsx(data)
        from core.readers.docx import read_docx

        return read_docx(data, suffix)
    from core.readers.image import looks_like_image

    if looks_like_image(head, suffix):
        from core.readers.image import read_image

        return read_image(data)
    if _looks_like_rtf(head):
        # Government sites often publish RTF under a .doc name.
        from core.readers.rtf import read_rtf

        return read_rtf(data)
    if suffix in {".mht", ".mhtml", ".doc", ".wps", ""} and _looks_like_mht(data[:4096]):
        from core.readers.html import read_mht

        return read_mht(data)
    if suffix in _HTML_SUFFIXES or (suffix not in {".txt", ".text"} and _looks_like_html(head)):
        # Web pages saved as .doc by government sites are HTML: read them as what they are.
        from core.readers.html import read_html

        return read_html(data)
    if suffix in {".txt", ".text", ""}:
        from core.readers.txt import read_txt

        return read_txt(data)
    if suffix in {".doc", ".wps"}:
        # Plain text saved under a Word name still reads as text; anything else is a broken file.
        from core.readers.txt import read_txt

        try:
            result = read_txt(data)
        except ReadError:
            result = None
        if result is not None and not result.warnings:
            result.warnings.append(f"这个 {suffix} 文件其实是纯文本，已按文本读取")
            return result
    if suffix in _FORMAT_NAMES:
        raise ReadError(f"{CORRUPT}（不是有效的 {_FORMAT_NAMES[suffix]} 文件）")
    raise ReadError(f"不支持的文件类型 {suffix}（支持 .txt .docx .pdf .html .doc .wps .rtf .ofd .xlsx .xls .et 和扫描图片）")


def _zip_kind(data: bytes) -> str:
    """'ofd', 'xlsx' or 'docx' (also for anything else: the .docx reader names what it is) by the parts."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {name.lstrip("/").lower() for name in archive.namelist()}
    except Exception:  # a broken zip: the .docx reader gives the reason
        return "docx"
    if "word/document.xml" in names:
        return "docx"
    if "ofd.xml" in names:
        return "ofd"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "docx"


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # "<!-- saved from url=… -->" (pages saved by IE) or a doctype may come before <html>.
    return start.startswith(b"<") and (b"<html" in start or b"<!doctype html" in start)


def _looks_like_mht(start: bytes) -> bool:
    lowered = start.lower()
    return b"mime-version:" in lowered and b"multipart/related" in lowered


def _looks_like_rtf(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf")
