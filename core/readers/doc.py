"""Word 97–2003 .doc and WPS .wps: olefile + the piece table; headless LibreOffice as the fallback.

The main text of a Word 97 file is found through the File Information Block (FIB) at the start of the
WordDocument stream: fcClx/lcbClx point to the CLX in the table stream (0Table or 1Table, chosen by a FIB
flag); its PlcPcd maps character positions to pieces stored either as 8-bit cp1252 ("compressed") or as
UTF-16LE. The first ccpText characters are the body; field codes, cell marks and object anchors are
special characters handled here. Files this does not understand (some WPS writers, Word 6/95) go to
`soffice --headless --convert-to txt` when LibreOffice is installed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

from core.errors import ReadError
from core.models import ReadResult
from core.readers.limits import CONVERT_TIMEOUT_S, CORRUPT, check_text

_NEEDS_OFFICE = "无法读取这个 .doc/.wps 文件（可安装 LibreOffice 后重试）"
_ENCRYPTED = "文件已加密（设置了打开密码），请先在 Word/WPS 中取消密码后再导入"
_OFFICE_CANDIDATES = (
    "soffice",
    "libreoffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


class _Malformed(Exception):
    """The piece table could not be followed (a reason for the LibreOffice fallback)."""


def read_ole(data: bytes, suffix: str) -> ReadResult:
    """A compound (OLE2) file: Word 97+ .doc/.wps, or an encrypted Office file, or something else."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error, IndexError):
        if suffix in {".xls", ".et"}:
            raise ReadError(f"{CORRUPT}（Excel 表格 {suffix} 结构损坏）") from None
        return _fallback(data, suffix, "复合文档结构损坏")
    with ole:
        if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
            raise ReadError(_ENCRYPTED)
        if not ole.exists("WordDocument"):
            if ole.exists("Workbook") or ole.exists("Book"):
                from core.readers.sheet import read_xls

                return read_xls(data)  # .xls, or a WPS .et (an .xls inside)
            if ole.exists("PowerPoint Document"):
                raise ReadError("这是 PowerPoint 演示文稿（.ppt/.dps），不是 Word 文档，暂不支持导入")
            return _fallback(data, suffix, "不是 Word 文档")
        try:
            text = _piece_table_text(ole)
        except _Malformed as problem:
            return _fallback(data, suffix, str(problem))
        except (OSError, ValueError, struct.error, IndexError, UnicodeDecodeError):
            return _fallback(data, suffix, "文档结构异常")
        if not text.strip() and ole.exists("Data"):
            # Only pictures (a scan pasted into Word/WPS): they live in the Data stream.
            from core.readers.image import carve_pictures, ocr_pictures

            found = ocr_pictures(carve_pictures(ole.openstream("Data").read()), "文档中的图片")
            if found is not None:
                found.fmt = "doc"
                return found
    return ReadResult(text=check_text(text), warnings=[], fmt="doc", encoding=None)


def _piece_table_text(ole: object) -> str:
    stream = ole.openstream("WordDocument").read()  # type: ignore[attr-defined]
    if len(stream) < 0x200:
        raise _Malformed("WordDocument 太短")
    ident, nfib = struct.unpack_from("<HH", stream, 0)
    if ident != 0xA5EC:
        raise _Malformed("不是 Word 97 及以后版本的文档")
    if nfib < 101:
        raise _Malformed("Word 6/95 格式")
    flags = struct.unpack_from("<H", stream, 0x0A)[0]
    if flags & 0x0100:  # fEncrypted
        raise ReadError(_ENCRYPTED)
    table_name = "1Table" if flags & 0x0200 else "0Table"
    csw = struct.unpack_from("<H", stream, 32)[0]
    lw_count_at = 34 + csw * 2
    cslw = struct.unpack_from("<H", stream, lw_count_at)[0]
    lw_start = lw_count_at + 2
    ccp_text = struct.unpack_from("<i", stream, lw_start + 3 * 4)[0]
    fc_count_at = lw_start + cslw * 4
    cb_fc_lcb = struct.unpack_from("<H", stream, fc_count_at)[0]
    if cb_fc_lcb < 34:
        raise _Malformed("FIB 不完整")
    fc_clx, lcb_clx = struct.unpack_from("<II", stream, fc_count_at + 2 + 33 * 8)
    if not ole.exists(table_name):  # type: ignore[attr-defined]
        other = "0Table" if table_name == "1Table" else "1Table"
        if not ole.exists(other):  # type: ignore[attr-defined]
            raise _Malformed(f"缺少 {table_name}")
        table_name = other  # some writers set the flag wrong
    table = ole.openstream(table_name).read()  # type: ignore[attr-defined]
    if lcb_clx == 0 or fc_clx + lcb_clx > len(table):
        raise _Malformed("CLX 越界")
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: skip property modifiers
        size = struct.unpack_from("<h", clx, pos + 1)[0]
        pos += 3 + max(size, 0)
    if pos >= len(clx) or clx[pos] != 0x02:
        raise _Malformed("没有 Pcdt")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + lcb]
    if len(plc) < lcb or (lcb - 4) % 12:
        raise _Malformed("PlcPcd 损坏")
    pieces = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{pieces + 1}I", plc, 0)
    chunks: list[str] = []
    remaining = ccp_text if ccp_text > 0 else cps[-1]
    for index in range(pieces):
        if remaining <= 0:
            break
        count = min(cps[index + 1] - cps[index], remaining)
        if count < 0:
            raise _Malformed("PlcPcd 顺序错误")
        _, fc_value, _ = struct.unpack_from("<HIH", plc, (pieces + 1) * 4 + index * 8)
        if fc_value & 0x40000000:
            start = (fc_value & 0x3FFFFFFF) // 2
            raw = stream[start : start + count]
            piece = raw.decode("cp1252", errors="replace")
        else:
            start = fc_value & 0x3FFFFFFF
            raw = stream[start : start + 2 * count]
            piece = raw.decode("utf-16-le", errors="replace")
        if len(piece) < count:
            raise _Malformed("文字块越界")
        chunks.append(piece)
        remaining -= count
    return _plain("".join(chunks))


_FIELD_MARKS = re.compile(r"[\x13\x14\x15]")
_SPECIAL: dict[int, str | None] = {
    code: None for code in (*range(0x00, 0x07), 0x08, *range(0x0F, 0x1E), 0x1F)
}
_SPECIAL.update({0x0D: "\n", 0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x1E: "-", 0xA0: " "})
_CELL_ROW = re.compile(r"\x07\x07")


def _plain(text: str) -> str:
    """Word's special characters out: field codes (keep results), cell marks → tabs/rows, anchors out."""
    if "\x13" in text:
        out: list[str] = []
        depth_codes: list[bool] = []  # per open field: True while in its code part
        last = 0
        for match in _FIELD_MARKS.finditer(text):
            if not any(depth_codes):
                out.append(text[last : match.start()])
            mark = match.group()
            if mark == "\x13":
                depth_codes.append(True)
            elif mark == "\x14" and depth_codes:
                depth_codes[-1] = False
            elif mark == "\x15" and depth_codes:
                depth_codes.pop()
            last = match.end()
        if not any(depth_codes):
            out.append(text[last:])
        text = "".join(out)
    text = _CELL_ROW.sub("\n", text).replace("\x07", "\t")
    return text.translate(_SPECIAL)


def find_office() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for candidate in _OFFICE_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _fallback(data: bytes, suffix: str, problem: str, reason: str = _NEEDS_OFFICE) -> ReadResult:
    office = find_office()
    if office is None:
        raise ReadError(reason)
    text = convert_with_office(office, data, suffix or ".doc")
    result = ReadResult(
        text=check_text(text),
        warnings=[f"文件结构不标准（{problem}），已用 LibreOffice 转换读取"],
        fmt="doc",
        encoding=None,
    )
    return result


def convert_with_office(office: str, data: bytes, suffix: str) -> str:
    """Convert a document to UTF-8 text with a headless LibreOffice, in a private profile, with a timeout."""
    from core.readers.txt import decode_text

    with tempfile.TemporaryDirectory(prefix="report-archive-") as folder:
        work = Path(folder)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        out_dir = work / "out"
        out_dir.mkdir()
        profile = (work / "profile").as_uri()
        command = [
            office,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={profile}",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        try:
            subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=CONVERT_TIMEOUT_S,
                check=False,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0,
            )
        except subprocess.TimeoutExpired:
            raise ReadError("LibreOffice 转换超时，文件可能已损坏") from None
        except OSError:
            raise ReadError(_NEEDS_OFFICE) from None
        produced = out_dir / "input.txt"
        if not produced.is_file():
            raise ReadError(f"{CORRUPT}（LibreOffice 也无法转换这个文件）")
        text, _encoding, _warnings = decode_text(produced.read_bytes())
    return text
