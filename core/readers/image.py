"""Pictures: image files (.png .jpg .jpeg .tif .tiff incl. multi-page TIFF, .bmp) and the pictures inside
documents that have no text of their own, read by OCR (core.readers.ocr) one page/picture at a time."""

from __future__ import annotations

import io
import warnings
from typing import Any

from core.errors import ReadError
from core.models import ReadResult
from core.readers.limits import CORRUPT, check_text

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})
_MAX_PIXELS = 80_000_000  # a 300 dpi A0 scan; more is a decompression bomb or not a document
_MIN_SIDE = 320  # pixels: a smaller picture is an icon, a button, a logo
_TOO_BIG = "图片过大（超过 8000 万像素），无法识别"


def looks_like_image(head: bytes, suffix: str) -> bool:
    return (
        head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"))
        or (head.startswith(b"BM") and suffix == ".bmp")
    )


def _open(data: bytes) -> Any:
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ReadError(_TOO_BIG) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ReadError(f"{CORRUPT}（图片格式损坏或不受支持）") from None
    if width * height > _MAX_PIXELS:
        raise ReadError(_TOO_BIG)
    return image


def _frame(image: Any, index: int) -> Any:
    try:
        image.seek(index)
        frame = image.convert("RGB")
        frame.load()
    except (OSError, ValueError, EOFError, SyntaxError):
        raise ReadError(f"{CORRUPT}（图片第 {index + 1} 页损坏）") from None
    return frame


def read_image(data: bytes) -> ReadResult:
    """An image file: every page (frame) OCR'd; ReadError when OCR is off/missing or finds no text."""
    from core.readers import ocr

    image = _open(data)
    width, height = image.size
    if max(width, height) < _MIN_SIDE or min(width, height) < _MIN_SIDE // 4:
        image.close()
        # Icons and buttons of a saved web page's folder: not a scan of a document.
        raise ReadError(f"图片太小（{width}×{height} 像素），不像是扫描的文件，未做文字识别")
    frames = max(1, int(getattr(image, "n_frames", 1) or 1))
    try:
        result = ocr.ocr_pages(frames, lambda index: _frame(image, index))
    finally:
        image.close()
    if not result.text.strip():
        raise ReadError("图片中没有识别出文字")
    return ReadResult(
        text=check_text(result.text),
        warnings=ocr.note(result, "图片"),
        fmt="image",
        encoding=None,
        ocr_pages=result.pages,
        ocr_confidence=[line.confidence for line in result.lines],
    )


def ocr_pictures(pictures: list[bytes], what: str) -> ReadResult | None:
    """The text of a document's pictures (the document has no text of its own), or None when OCR is off,
    not installed or finds nothing: the caller then reports the document as it would without OCR."""
    from core.readers import ocr

    if not pictures:
        return None
    try:
        ocr.check_enabled()
    except ReadError:
        return None
    readable = []
    for picture in pictures:
        try:
            image = _open(picture)
        except ReadError:
            continue
        readable.append(image)
    if not readable:
        return None
    try:
        result = ocr.ocr_pages(len(readable), lambda index: _frame(readable[index], 0))
    finally:
        for image in readable:
            image.close()
    if not result.text.strip():
        return None
    return ReadResult(
        text=check_text(result.text),
        warnings=ocr.note(result, what),
        fmt="",
        encoding=None,
        ocr_pages=result.pages,
        ocr_confidence=[line.confidence for line in result.lines],
    )


def carve_pictures(blob: bytes, limit: int = 200) -> list[bytes]:
    """PNG and JPEG pictures embedded in a binary stream (a Word 97/WPS file's Data stream), by their
    signatures and end markers."""
    found: list[bytes] = []
    position = 0
    while len(found) < limit:
        png = blob.find(b"\x89PNG\r\n\x1a\n", position)
        jpeg = blob.find(b"\xff\xd8\xff", position)
        starts = [start for start in (png, jpeg) if start >= 0]
        if not starts:
            break
        start = min(starts)
        if start == png:
            end = blob.find(b"IEND", start)
            if end < 0:
                break
            end += 8  # "IEND" + CRC
        else:
            end = blob.find(b"\xff\xd9", start + 3)
            if end < 0:
                break
            end += 2
        if end - start > 1024:  # thumbnails and bullets are not worth reading
            found.append(blob[start:end])
        position = end
    return found
