"""Build test documents in code (.docx .pdf .doc .html .txt and broken variants); reusable by any test."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


# --- .docx -----------------------------------------------------------------------------------------


def docx_paragraph(text: str, num_id: int | None = None, level: int = 0) -> str:
    """WordprocessingML for one paragraph; `num_id` makes it an automatically numbered list item."""
    ppr = ""
    if num_id is not None:
        ppr = f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
    runs = "".join(
        f'<w:r><w:t xml:space="preserve">{escape(piece)}</w:t></w:r>' if piece else "<w:r><w:tab/></w:r>"
        for piece in _split_tabs(text)
    )
    return f"<w:p>{ppr}{runs}</w:p>"


def _split_tabs(text: str) -> list[str]:
    pieces: list[str] = []
    for index, piece in enumerate(text.split("\t")):
        if index:
            pieces.append("")
        if piece:
            pieces.append(piece)
    return pieces


def docx_table(rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{docx_paragraph(cell)}</w:tc>" for cell in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def docx_numbering(levels: Sequence[tuple[str, str]], num_id: int = 1) -> str:
    """numbering.xml with one list: levels = [(numFmt, lvlText)], e.g. [("chineseCounting", "%1、")]."""
    lvls = "".join(
        f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{escape(text)}"/></w:lvl>'
        for index, (fmt, text) in enumerate(levels)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W_NS}">'
        f'<w:abstractNum w:abstractNumId="0">{lvls}</w:abstractNum>'
        f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )


def make_docx_xml(path: Path, body_xml: str, numbering_xml: str | None = None) -> Path:
    """A .docx whose w:body holds `body_xml` (use docx_paragraph/docx_table to build it)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
        f"<w:body>{body_xml}<w:sectPr/></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
        if numbering_xml is not None:
            archive.writestr("word/numbering.xml", numbering_xml)
    return path


def make_docx(path: Path, paragraphs: Iterable[str], tables: Iterable[Sequence[Sequence[str]]] = ()) -> Path:
    """A minimal .docx: the paragraphs in order, then each table (a list of rows of cell texts)."""
    body = "".join(docx_paragraph(text) for text in paragraphs)
    body += "".join(docx_table(rows) for rows in tables)
    return make_docx_xml(path, body)


def make_zip_bomb_docx(path: Path, inflated_mb: int = 8) -> Path:
    """A .docx whose document.xml inflates to `inflated_mb` MB of spaces (~1 KB on disk per MB)."""
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=inflated_mb >= 2000) as stream:
            stream.write(f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode())
            for _ in range(inflated_mb):
                stream.write(chunk)
            stream.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def forge_declared_size(path: Path, size: int, member: str = "word/document.xml") -> Path:
    """Rewrite the declared inflated size of `member` (local and central headers) to a lie."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            start = found + 4
            name_len_offset = 26 if signature == b"PK\x03\x04" else 28
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            name_len = struct.unpack_from("<H", data, found + name_len_offset)[0]
            if bytes(data[found + name_offset : found + name_offset + name_len]) == name:
                if struct.unpack_from("<I", data, found + size_offset)[0] != 0xFFFFFFFF:
                    struct.pack_into("<I", data, found + size_offset, size)
    path.write_bytes(bytes(data))
    return path


# --- .pdf ------------------------------------------------------------------------------------------


def make_pdf(
    path: Path, lines: Iterable[str], *, password: str | None = None, lines_per_page: int = 40
) -> Path:
    """A text PDF in reportlab's built-in CJK font STSong-Light (no font file needed), one line per string.

    `password` sets an open password (the PDF is then encrypted).
    """
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    encrypt = pdfencrypt.StandardEncryption(password, canPrint=1) if password is not None else None
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    y = 800.0
    count = 0
    pdf.setFont("STSong-Light", 12)
    for line in lines:
        if count and count % lines_per_page == 0:
            pdf.showPage()
            pdf.setFont("STSong-Light", 12)
            y = 800.0
        pdf.drawString(50, y, line)
        y -= 18
        count += 1
    pdf.showPage()
    pdf.save()
    return path


def make_pdf_runs(path: Path, lines: Sequence[Sequence[tuple[str, str | float]]]) -> Path:
    """A one-page PDF whose lines are runs: ("cjk" | "latin", text) drawn one after the other with a
    3 pt gap (a font switch, as Word writes 2023年), or ("gap", points) to move right (a table cell)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    y = 800.0
    for runs in lines:
        x = 50.0
        for kind, value in runs:
            if kind == "gap":
                x += float(value)
                continue
            font = "STSong-Light" if kind == "cjk" else "Helvetica"
            pdf.setFont(font, 12)
            pdf.drawString(x, y, str(value))
            x += pdf.stringWidth(str(value), font, 12) + 3
        y -= 20
    pdf.showPage()
    pdf.save()
    return path


def make_rtf(path: Path, paragraphs: Iterable[str]) -> Path:
    """An RTF file as Word/WPS write it for Chinese: GBK hex escapes under \\ansicpg936, one \\par each."""
    body = []
    for paragraph in paragraphs:
        escaped = []
        for ch in paragraph:
            if ord(ch) < 0x80:
                escaped.append("\\" + ch if ch in "\\{}" else ch)
            else:
                escaped.append("".join(f"\\'{byte:02x}" for byte in ch.encode("gb18030")))
        body.append("\\pard " + "".join(escaped) + "\\par\n")
    document = (
        "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}"
        "{\\colortbl ;\\red255\\green0\\blue0;}{\\*\\generator WPS Office;}\n" + "".join(body) + "}"
    )
    path.write_bytes(document.encode("ascii"))
    return path


def make_mht(path: Path, html_body: str, title: str = "测试页面") -> Path:
    """A single-file web page (MHTML) as Word's 单个文件网页 or a browser writes it, base64 GBK HTML inside."""
    import base64

    page = f"<html><head><title>{escape(title)}</title></head><body>{html_body}</body></html>"
    encoded = base64.encodebytes(page.encode("gb18030")).decode("ascii")
    message = (
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        "------=_NextPart_01\r\n"
        'Content-Type: text/html; charset="gb2312"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{encoded}\r\n"
        "------=_NextPart_01--\r\n"
    )
    path.write_bytes(message.encode("ascii"))
    return path


def make_scanned_pdf(path: Path, pages: int = 1) -> Path:
    """A PDF whose pages are only an image (a scan): no text layer at all."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = _tiny_png(64, 64)
    import io

    pdf = canvas.Canvas(str(path))
    for _ in range(pages):
        pdf.drawImage(ImageReader(io.BytesIO(png)), 50, 300, width=400, height=400)
        pdf.showPage()
    pdf.save()
    return path


def _tiny_png(width: int, height: int) -> bytes:
    import zlib

    raw = b"".join(b"\x00" + bytes((x * 4 + y) % 256 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_raw_pdf(path: Path, content_stream: bytes, font_dict: bytes | None = None) -> Path:
    """A hand-written one-page PDF with the given content stream; `font_dict` is /F1 (default: a Type0
    Identity-H font with no ToUnicode map, i.e. text that extracts as garbage)."""
    if font_dict is None:
        font_dict = (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H "
            b"/DescendantFonts [5 0 R] >>"
        )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 7 0 R >>",
        font_dict,
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
        b"<< /Length %d >>\nstream\n" % len(content_stream) + content_stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_garbage_pdf(path: Path, glyphs: int = 300, first_cid: int = 0x1234, spread: int = 4000) -> Path:
    """A PDF whose CJK font has no ToUnicode map: pdfium extracts glyph ids, i.e. gibberish
    (CIDs from `first_cid`; small ones read as Latin-1 symbols, larger ones as other scripts)."""
    cids = b"".join(struct.pack(">H", first_cid + index * 37 % spread) for index in range(glyphs))
    lines = [cids[i : i + 60] for i in range(0, len(cids), 60)]
    content = b"BT /F1 12 Tf 50 800 Td 14 TL " + b" ".join(
        b"<" + line.hex().encode() + b"> ' " for line in lines
    )
    return make_raw_pdf(path, content + b" ET")


# --- .doc (Word 97 binary in a compound file) --------------------------------------------------------

_SECTOR = 512
_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (OLE2, version 3, 512-byte sectors) holding `streams` at the root.

    Every stream is padded to >= 4096 bytes so that none lives in the mini stream.
    """
    names = sorted(streams, key=lambda name: (len(name), name.upper()))
    datas = [streams[name].ljust(4096, b"\x00") for name in names]
    stream_sectors = [(len(data) + _SECTOR - 1) // _SECTOR for data in datas]
    entries = len(names) + 1
    dir_sectors = (entries * 128 + _SECTOR - 1) // _SECTOR
    body_sectors = dir_sectors + sum(stream_sectors)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + body_sectors:
        fat_sectors += 1
    fat = [_FATSECT] * fat_sectors
    dir_start = len(fat)
    fat += [*range(dir_start + 1, dir_start + dir_sectors), _END]
    starts = []
    for count in stream_sectors:
        start = len(fat)
        starts.append(start)
        fat += [*range(start + 1, start + count), _END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, *, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, right, child)
            + b"\x00" * 16
            + b"\x00" * 4
            + b"\x00" * 16
            + struct.pack("<IQ", start, size)
        )

    nostream = 0xFFFFFFFF
    directory = entry("Root Entry", 5, right=nostream, child=1 if names else nostream, start=_END, size=0)
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else nostream  # a right-leaning chain, sorted
        directory += entry(name, 2, right=right, child=nostream, start=starts[index], size=len(datas[index]))
    directory = directory.ljust(dir_sectors * _SECTOR, b"\x00")

    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *difat)
    )
    out = bytearray(header)
    out += struct.pack(f"<{len(fat)}I", *fat)
    out += directory
    for data in datas:
        out += data.ljust(((len(data) + _SECTOR - 1) // _SECTOR) * _SECTOR, b"\x00")
    return bytes(out)


def doc_streams(
    text: str, *, compressed: bool = False, encrypted: bool = False, table: str = "1Table"
) -> dict[str, bytes]:
    """WordDocument + table streams of a Word 97 file whose main text is `text` in one piece.

    Paragraphs end with \\r as in Word; `compressed` stores the piece as 8-bit cp1252 (ASCII only).
    """
    text_offset = 0x800
    encoded = text.encode("cp1252") if compressed else text.encode("utf-16-le")
    fib = bytearray(text_offset)
    flags = (0x0200 if table == "1Table" else 0) | (0x0100 if encrypted else 0)
    struct.pack_into("<HHHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0409, 0, flags)
    csw, cslw, cb_fc_lcb = 14, 22, 0x5D
    struct.pack_into("<H", fib, 32, csw)
    lw_start = 34 + csw * 2 + 2
    struct.pack_into("<H", fib, 34 + csw * 2, cslw)
    struct.pack_into("<I", fib, lw_start + 3 * 4, len(text))  # ccpText
    fc_start = lw_start + cslw * 4 + 2
    struct.pack_into("<H", fib, lw_start + cslw * 4, cb_fc_lcb)
    fc = (text_offset * 2) | 0x40000000 if compressed else text_offset
    # CLX: a Pcdt holding a PlcPcd with CPs [0, len] and one PCD.
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, fc, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    clx_offset = 0x200
    struct.pack_into("<II", fib, fc_start + 33 * 8, clx_offset, len(clx))
    word_document = bytes(fib) + encoded
    table_stream = b"\x00" * clx_offset + clx
    return {"WordDocument": word_document, table: table_stream}


def make_doc(path: Path, text: str, **options: bool | str) -> Path:
    """A Word 97 .doc (also valid as .wps) whose text is `text`; paragraphs separated by newlines."""
    word_text = text.replace("\n", "\r")
    if not word_text.endswith("\r"):
        word_text += "\r"
    path.write_bytes(write_cfb(doc_streams(word_text, **options)))  # type: ignore[arg-type]
    return path


def make_encrypted_docx(path: Path) -> Path:
    """What Word writes for a password-protected .docx: a compound file with an EncryptedPackage."""
    path.write_bytes(
        write_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 100, "EncryptedPackage": b"\x01" * 5000})
    )
    return path


# --- .html and .txt --------------------------------------------------------------------------------


def make_html(
    path: Path, body: str, title: str = "测试页面", *, charset: str | None = "utf-8", encoding: str = "utf-8"
) -> Path:
    """A web page: `body` is raw HTML put inside <body>; `charset` goes into a meta tag (None: no tag)."""
    meta = f'<meta charset="{charset}">' if charset else ""
    page = f"<!DOCTYPE html><html><head>{meta}<title>{escape(title)}</title></head><body>{body}</body></html>"
    path.write_bytes(page.encode(encoding))
    return path


def make_txt(path: Path, text: str, encoding: str = "utf-8", *, bom: bool = False) -> Path:
    boms = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}
    path.write_bytes((boms[encoding] if bom else b"") + text.encode(encoding))
    return path
