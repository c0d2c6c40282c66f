"""The 报告 sheet as a stable form: fixed columns, templates, print settings, traceable and checked values."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from core import Archive, domain, export_templates
from core.export import REPORT_BASE, export_xlsx, load_indicators, write_workbook
from core.models import Document, Fact, StructureCheck
from core.paths import resource
from core.xlsx_util import ExportError, FastSheet, check_openpyxl_internals


@pytest.fixture
def sample_archive(tmp_path: Path) -> Archive:
    archive = Archive.open(tmp_path / "a.sqlite")
    archive.import_paths([resource("samples")], workers=0)
    return archive


def _headers(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return [c.value for c in next(wb["报告"].iter_rows(max_row=1))]
    finally:
        wb.close()


def _row_of(ws: object, headers: list[str], doc_id: int) -> dict[str, object]:
    for cells in ws.iter_rows(min_row=2):  # type: ignore[attr-defined]
        if cells[1].value == doc_id:
            return dict(zip(headers, cells, strict=True))
    raise AssertionError(doc_id)


def test_same_columns_whatever_the_reports(sample_archive: Archive, tmp_path: Path) -> None:
    ids = sample_archive.list_ids()
    outs = []
    for n, chosen in enumerate((ids, ids[:1], ids[2:4], [])):
        out = tmp_path / f"e{n}.xlsx"
        export_xlsx(sample_archive, out, chosen)
        outs.append(_headers(out))
    assert all(h == outs[0] for h in outs)
    assert len(outs[0]) == len(REPORT_BASE) + len(load_indicators())


def test_the_samples_values_are_the_reports_own(sample_archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "samples.xlsx"
    export_xlsx(sample_archive, out)
    wb = load_workbook(out)
    ws = wb["报告"]
    headers = [c.value for c in ws[1]]
    doc_id = next(d.id for d in sample_archive.get_documents(sample_archive.list_ids())
                  if d.agency and "司法局" in d.agency and d.report_year == 2024)
    row = _row_of(ws, headers, doc_id)
    rate = row["行政复议(直接)纠错率（%）"]
    assert rate.value == 12.7  # type: ignore[attr-defined]
    assert row["行政复议审结(办结)数"].value == 276  # type: ignore[attr-defined]
    # the cell links to its statement in 指标明细
    link = rate.hyperlink.location  # type: ignore[attr-defined]
    target = wb["指标明细"][link.split("!")[1]]
    assert "12.7%" in target.value
    facts = wb["指标明细"]
    fact_headers = [c.value for c in facts[1]]
    taken = fact_headers.index("报告表取值")
    assert wb["指标明细"].cell(row=target.row, column=taken + 1).value == "是"
    other = [c for c in facts.iter_rows(min_row=2) if c[0].value == doc_id and c[6].value == 13.1]
    assert other and other[0][taken].value == domain.ROLE_NAMES[domain.OTHER_YEAR]
    # nobody checked these yet: the row says so; nothing is green
    assert str(row["核对状态"].value).startswith(domain.UNVERIFIED)  # type: ignore[attr-defined]


def test_chinese_only_keys_hidden_and_print_settings(sample_archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "print.xlsx"
    export_xlsx(sample_archive, out)
    wb = load_workbook(out)
    for name in ("报告", "指标明细", "说明"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.fitToHeight == 0, name
        if name == "报告" and ws.page_setup.fitToWidth > 1:  # every indicator: too wide for one readable page
            assert ws.print_title_cols == "$A:$D"  # 序号…发布机关 repeat on every page
        else:
            assert ws.page_setup.fitToWidth == 1, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_title_rows in ("1:1", "$1:$1"), name
        assert ws.freeze_panes == "A2", name
    rep = wb["报告"]
    assert not any("." in str(c.value) and str(c.value).isascii() for row in rep.iter_rows() for c in row
                   if isinstance(c.value, str))
    facts = wb["指标明细"]
    key_col = [c.value for c in facts[1]].index("指标键") + 1
    from openpyxl.utils import get_column_letter

    assert facts.column_dimensions[get_column_letter(key_col)].hidden
    assert any(c.value == "review.received" for c in facts[get_column_letter(key_col)])  # kept for other programs


def test_templates_choose_and_order_the_columns(sample_archive: Archive, tmp_path: Path) -> None:
    name = export_templates.save_template("行政复议", ["review.correction_rate", "review.received", "nope.none"])
    assert export_templates.template_names() == [export_templates.ALL_INDICATORS, "行政复议"]
    out = tmp_path / "t.xlsx"
    export_xlsx(sample_archive, out, template=name)
    headers = _headers(out)
    assert headers[len(REPORT_BASE):] == ["行政复议(直接)纠错率（%）", "行政复议申请(收案)数"]
    assert load_workbook(out)["报告"].page_setup.fitToWidth == 1  # a narrow form fits the page width
    # the default template is a setting the window and the CLI share
    export_templates.set_default_template(name)
    assert export_templates.default_template() == name
    out2 = tmp_path / "t2.xlsx"
    export_xlsx(sample_archive, out2)
    assert _headers(out2) == headers
    export_templates.delete_template(name)
    assert export_templates.default_template() == export_templates.ALL_INDICATORS
    with pytest.raises(ExportError):
        export_templates.save_template("", ["review.received"])
    with pytest.raises(ExportError):
        export_templates.save_template(export_templates.ALL_INDICATORS, ["review.received"])


def test_user_confirmed_values_are_marked(tmp_path: Path) -> None:
    doc = Document(id=1, title="甲局2022年法治政府建设年度报告", source_name="a.txt", agency="甲局", report_year=2022,
                   doc_type="法治政府建设年度报告")
    facts = [
        Fact(value=12, unit="件", start=0, end=3, sentence="收到12件", key="review.received", status="corrected"),
        Fact(value=95, unit="%", start=5, end=8, sentence="出庭应诉率95%", key="litigation.head_appearance_rate"),
    ]
    out = tmp_path / "v.xlsx"
    write_workbook(out, [(doc, StructureCheck(), facts)], load_indicators(), 1)
    wb = load_workbook(out)
    ws = wb["报告"]
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, ws[2], strict=True))
    assert row["行政复议申请(收案)数"].fill.fgColor.rgb.endswith("E2EFDA")
    assert not row["行政机关负责人出庭应诉率（%）"].fill.fgColor.rgb.endswith("E2EFDA")
    assert row["核对状态"].value == f"{domain.UNVERIFIED} 1 项"


def test_openpyxl_internals_are_where_the_fast_writer_expects_them(tmp_path: Path) -> None:
    """Fails loudly when openpyxl changes the private members FastSheet relies on (pinned < 3.2)."""
    check_openpyxl_internals()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    sheet = FastSheet(ws, ["甲", "乙"], [8, 8])
    sheet.append(["一", 2])
    sheet.finish()
    check_openpyxl_internals(ws)  # after the swap the writer's file is ours
    out = tmp_path / "f.xlsx"
    wb.save(out)
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<pageSetup" in xml and 'orientation="landscape"' in xml
    assert load_workbook(out)["表"]["A2"].value == "一"


def test_a_changed_openpyxl_is_refused_with_a_chinese_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")
    with pytest.raises(ExportError, match="openpyxl"):
        check_openpyxl_internals()


def test_a_further_sheet_or_column_is_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core import export

    sheet = export.ExtraSheet("测试表", (("文档ID", "文档编号"), ("测试列", "与早先文档相同的文字占比")),
                              lambda r: [[r.doc.id, 0.25]])
    column = export.ReportColumn("测试列", "与早先文档相同的文字占比", lambda _r: 0.25)
    monkeypatch.setattr(export, "EXTRA_SHEETS", [sheet])
    monkeypatch.setattr(export, "REPORT_COLUMNS", [*export.REPORT_COLUMNS, column])
    assert export.sheet_names() == ("报告", "指标明细", "测试表", "说明")  # the only further sheet here
    doc = Document(id=7, title="甲", source_name="a.txt", report_year=2022)
    out = tmp_path / "x.xlsx"
    write_workbook(out, [(doc, StructureCheck(), [])], load_indicators(), 1)
    wb = load_workbook(out)
    assert wb.sheetnames == ["报告", "指标明细", "测试表", "说明"]
    assert [c.value for c in wb["测试表"][2]] == [7, 0.25]
    headers = [c.value for c in wb["报告"][1]]
    assert wb["报告"].cell(row=2, column=headers.index("测试列") + 1).value == 0.25
    described = {(r[0].value, r[1].value) for r in wb["说明"].iter_rows(min_row=2)}
    assert ("测试表", "测试列") in described and ("报告", "测试列") in described


def test_reanalysis_keeps_a_persons_figures_and_the_others_of_a_shared_span(tmp_path: Path) -> None:
    from tests.core.filemakers import make_txt

    path = make_txt(tmp_path / "甲局2023年法治政府建设年度报告.txt",
                    "甲局2023年法治政府建设年度报告\n一、主要举措和成效\n全年制定规范性文件5件，报备率、报备及时率均达100%。\n")
    with Archive.open(tmp_path / "r.sqlite") as archive:
        archive.import_paths([path], workers=0)
        doc_id = archive.list_ids()[0]
        shared = [f for f in archive.get_facts(doc_id) if f.unit == "%"]
        assert len(shared) == 2 and shared[0].id is not None
        archive.update_fact(shared[0].id, status="confirmed")
        archive.reanalyse([doc_id], workers=0)
        after = [f for f in archive.get_facts(doc_id) if f.unit == "%"]
        assert sorted(f.status for f in after) == ["auto", "confirmed"]
        assert {f.key for f in after} == {f.key for f in shared}
