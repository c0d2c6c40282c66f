"""Size limits every reader enforces, and the Chinese reasons given when one is exceeded."""

from __future__ import annotations

from core.errors import ReadError

MAX_FILE_BYTES = 200 * 1024 * 1024  # refuse files over 200 MB before reading them
MAX_TEXT_CHARS = 20_000_000  # refuse extracted text over 20 M characters
MAX_XML_BYTES = 64 * 1024 * 1024  # refuse a .docx part that inflates past 64 MB (zip bombs)
CONVERT_TIMEOUT_S = 120  # seconds a LibreOffice conversion may take

TOO_LARGE = "文件过大（超过 200 MB），无法导入"
TEXT_TOO_LONG = "文件里的文字过多（超过 2000 万字），无法导入"
CORRUPT = "文件已损坏，无法读取"
BINARY = "文件内容不是文本（疑似二进制文件）"


def check_file_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ReadError(TOO_LARGE)


def check_text(text: str) -> str:
    """Return `text` unchanged, or refuse it when it is longer than any real report could be."""
    if len(text) > MAX_TEXT_CHARS:
        raise ReadError(TEXT_TOO_LONG)
    return text
