"""Offline OCR on pictures made here in code: image files, scanned PDFs, text-less .docx/.doc, the page
limit, progress, cancel, settings; and that nothing of the engine loads until a scan is met."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.errors import ReadError
from core.readers import ocr, read_bytes
from core.readers.flags import flags_of
from tests.core.filemakers import doc_streams, write_cfb

pytestmark = pytest.mark.skipif(not ocr.available(), reason="the OCR models are not installed")

LATIN = "Annual Report 2024 No 4518"
CHINESE = "全年办理行政复议案件45件"


def _cjk_font() -> str | None:
    if shutil.which("fc-list") is None:
        return None
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    # A CJK font with Latin letters and digits too (Droid Sans Fallback has none).
    files.sort(key=lambda name: ("wqy" not in name.lower() and "noto" not in name.lower(), name))
    return files[0] if files else None


def picture(lines: list[str], *, size: int = 40, width: int = 1200):  # type: ignore[no-untyped-def]
    """A white page with black lines of text (a print-out photographed straight)."""
    from PIL import Image, ImageDraw, ImageFont

    needs_cjk = any(ord(ch) > 0x2000 for line in lines for ch in line)
    if needs_cjk:
        path = _cjk_font()
        if path is None:
            pytest.skip("no Chinese font on this machine to draw the test picture")
        font = ImageFont.truetype(path, size)
    else:
        font = ImageFont.load_default(size=size)
    image = Image.new("RGB", (width, 120 + len(lines) * size * 2), "white")
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((80, 60 + index * size * 2), line, fill="black", font=font)
    return image


def encoded(image, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "fmt"), [("扫描.png", "PNG"), ("扫描.jpg", "JPEG"), ("扫描.bmp", "BMP")])
def test_image_files_are_read_and_marked_as_ocr(name: str, fmt: str) -> None:
    result = read_bytes(encoded(picture([LATIN]), fmt), name)
    assert result.fmt == "image" and result.ocr_pages == 1
    assert result.text.replace(" ", "") == LATIN.replace(" ", "")
    assert flags_of(result.warnings) == {"ocr"}
    assert len(result.ocr_confidence) == 1 and result.ocr_confidence[0] > 0.8


def test_chinese_print_out() -> None:
    result = read_bytes(encoded(picture([CHINESE + "。", "同比下降23.8%。"]), "PNG"), "扫描.png")
    assert result.text.split("\n") == [CHINESE + "。", "同比下降23.8%。"]


def _tiff(pages: list[list[str]]) -> bytes:
    images = [picture(lines) for lines in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate")
    return buffer.getvalue()


def test_multi_page_tiff_progress_and_page_limit() -> None:
    data = _tiff([["Page one 111"], ["Page two 222"], ["Page three 333"]])
    seen: list[tuple[int, int, int]] = []
    with ocr.ocr_session(progress=lambda p: seen.append((p.planned, p.done, p.seconds_budget))):
        result = read_bytes(data, "多页.tif")
    assert result.ocr_pages == 3 and "111" in result.text and "333" in result.text
    assert result.text.index("111") < result.text.index("222") < result.text.index("333")
    assert seen == [(3, 0, 270), (3, 1, 270), (3, 2, 270), (3, 3, 270)]
    with ocr.ocr_session(max_pages=2):
        limited = read_bytes(data, "多页.tiff")
    assert limited.ocr_pages == 2 and "333" not in limited.text
    assert any("只识别了前 2 页" in warning for warning in limited.warnings)


def test_cancel_between_pages() -> None:
    data = _tiff([["Page one 111"], ["Page two 222"]])
    pages_done: list[int] = []
    with ocr.ocr_session(progress=lambda p: pages_done.append(p.done), cancelled=lambda: bool(pages_done and pages_done[-1] >= 1)):
        with pytest.raises(ocr.OcrCancelled):
            read_bytes(data, "多页.tif")
    assert pages_done == [0, 1]  # stopped before the second page


def test_turned_off_and_missing_say_why(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encoded(picture([LATIN]), "PNG")
    with ocr.ocr_session(enabled=False), pytest.raises(ReadError) as error:
        read_bytes(data, "a.png")
    assert str(error.value) == ocr.DISABLED
    monkeypatch.setenv("REPORT_ARCHIVE_OCR", "0")
    with pytest.raises(ReadError) as error:
        read_bytes(data, "a.png")
    assert str(error.value) == ocr.DISABLED
    monkeypatch.delenv("REPORT_ARCHIVE_OCR")
    monkeypatch.setattr(ocr, "model_dir", lambda: None)
    with pytest.raises(ReadError) as error:
        read_bytes(data, "a.png")
    assert str(error.value) == ocr.MISSING


def _scanned_pdf(pages: list[list[str]]) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for lines in pages:
        image = picture(lines)
        pdf.drawImage(ImageReader(image), 30, 500, width=535, height=535 * image.size[1] / image.size[0])
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_scanned_pdf_pages_are_ocrd() -> None:
    result = read_bytes(_scanned_pdf([["Scanned page 1357"], ["Second page 2468"]]), "扫描件.pdf")
    assert result.fmt == "pdf" and result.ocr_pages == 2
    assert "1357" in result.text and "2468" in result.text
    assert flags_of(result.warnings) == {"ocr"}
    with ocr.ocr_session(enabled=False), pytest.raises(ReadError) as error:
        read_bytes(_scanned_pdf([["Scanned page 1357"]]), "扫描件.pdf")
    assert "关闭" in str(error.value)


def test_docx_whose_only_content_is_a_picture() -> None:
    png = encoded(picture([LATIN]), "PNG")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    document = (
        f'<w:document xmlns:w="{w}" xmlns:r="{r}" xmlns:a="{a}"><w:body><w:p><w:r><w:drawing>'
        f'<a:blip r:embed="rId5"/></w:drawing></w:r></w:p></w:body></w:document>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        'Target="media/image1.png"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", document)
        package.writestr("word/_rels/document.xml.rels", rels)
        package.writestr("word/media/image1.png", png)
    result = read_bytes(buffer.getvalue(), "截图.docx")
    assert result.fmt == "docx" and result.ocr_pages == 1
    assert "2024" in result.text and flags_of(result.warnings) == {"ocr"}


def test_wps_whose_only_content_is_a_picture() -> None:
    png = encoded(picture([LATIN]), "PNG")
    streams = doc_streams("\r")
    streams["Data"] = b"\x00" * 68 + png + b"\x00" * 16  # a picture record's header, the PNG, padding
    result = read_bytes(write_cfb(streams), "扫描.wps")
    assert result.fmt == "doc" and "2024" in result.text and flags_of(result.warnings) == {"ocr"}


def test_bomb_and_broken_pictures_are_refused() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 0, 0, 0, 0)) + chunk(b"IEND", b"")
    with pytest.raises(ReadError) as error:
        read_bytes(huge, "巨大.png")
    assert "图片过大" in str(error.value)
    with pytest.raises(ReadError) as error:
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "坏.png")
    assert "损坏" in str(error.value)
    with pytest.raises(ReadError) as error:
        read_bytes(encoded(picture([]), "PNG"), "空白.png")
    assert "没有识别出文字" in str(error.value)
    from PIL import Image

    with pytest.raises(ReadError) as error:
        read_bytes(encoded(Image.new("RGB", (120, 40), "white"), "PNG"), "按钮.png")
    assert "图片太小" in str(error.value)


def test_layout_rows_cells_and_paragraphs() -> None:
    line = ocr.OcrLine
    lines = [
        line("2024年", 0.99, (400, 100, 480, 130)),
        line("指标", 0.99, (100, 102, 160, 128)),  # same row, far left: a table cell
        line("行政复议", 0.9, (100, 150, 220, 180)),
        line("45", 0.9, (400, 151, 430, 179)),
    ]
    assert ocr.layout(lines) == "指标\t2024年\n行政复议\t45"


def test_engine_is_not_loaded_until_a_scan_is_met(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("全年办理行政复议案件45件。", encoding="utf-8")
    code = (
        "import sys; from core.readers import read_file; read_file(sys.argv[1]);"
        "import core.importer, core.archive;"
        "bad = [m for m in ('onnxruntime', 'numpy', 'PIL', 'cv2') if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.txt")], capture_output=True, text=True,
                          check=False, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stdout + done.stderr
