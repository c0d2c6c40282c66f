"""Write the bundled sample .docx from its .txt twin (deterministic bytes; run after editing the .txt)."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
# The .docx is the only copy shipped: its text lives outside resources/ so the samples hold no near-duplicate.
SOURCE = Path(__file__).resolve().parent / "sample_sources" / "青禾市云溪区司法局2024年法治政府建设年度报告.txt"
TARGET = SAMPLES / SOURCE.with_suffix(".docx").name
FIXED_TIME = datetime(2025, 2, 20, 9, 0, 0)

# A small table of the review figures, as real reports often carry one after the paragraph.
TABLE_AFTER = "（二）全面实施新修订的行政复议法"
TABLE_ROWS = [
    ("指标", "2023年", "2024年"),
    ("新收行政复议案件（件）", "236", "318"),
    ("审结行政复议案件（件）", "198", "276"),
    ("直接纠错率", "13.1%", "12.7%"),
]


def _set_font(run: object, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def build(source: Path = SOURCE) -> bytes:
    lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    doc = Document()
    doc.core_properties.author = "青禾市云溪区司法局"
    doc.core_properties.title = lines[0]
    doc.core_properties.created = FIXED_TIME
    doc.core_properties.modified = FIXED_TIME
    doc.core_properties.last_modified_by = "青禾市云溪区司法局"
    for index, line in enumerate(lines):
        para = doc.add_paragraph()
        if index == 0:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(para.add_run(line), "方正小标宋简体", 22)
            continue
        if index >= len(lines) - 2:  # signature block: agency and date, right-aligned
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_font(para.add_run(line), "仿宋_GB2312", 16)
            continue
        if re.match(r"^[一二三四五六七八九十]+、", line):
            _set_font(para.add_run(line), "黑体", 16)
        elif re.match(r"^（[一二三四五六七八九十]+）", line) and len(line) < 40:
            _set_font(para.add_run(line), "楷体_GB2312", 16, bold=True)
        else:
            para.paragraph_format.first_line_indent = Pt(32)
            _set_font(para.add_run(line), "仿宋_GB2312", 16)
        if line == TABLE_AFTER:
            table = doc.add_table(rows=len(TABLE_ROWS), cols=3)
            table.style = "Table Grid"
            for r, row in enumerate(TABLE_ROWS):
                for c, cell_text in enumerate(row):
                    table.cell(r, c).text = cell_text
    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps so that re-running the script changes no byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main() -> int:
    data = build()
    TARGET.write_bytes(data)
    print(f"wrote {TARGET} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
