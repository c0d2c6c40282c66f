"""Excel export: the workbook read back with openpyxl (and LibreOffice when installed), built from gold facts."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import subprocess
import threading
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core import domain
from core.export import (
    FACT_COLUMNS,
    REPORT_BASE,
    ExportError,
    IndicatorColumn,
    _header_name,
    export_xlsx,
    load_indicators,
    normalise,
    read_indicator_tsv,
    summarise,
    write_workbook,
)
from core.models import Document, Fact, StructureCheck
from core.xlsx_util import MAX_CELL_CHARS, safe_text, text_width
from tests.conftest import DOMAIN, GOLD, SAMPLES

INJECTIONS = [
    '=HYPERLINK("http://example.invalid","点我")',
    "=1+1",
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "＝１＋１",
    "＋号开头",
    "－号开头",
    "＠某局",
    "\t=1+1",
    "\r=2+2",
    "=cmd|' /C calc'!A0",
]


def _read_tsv(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:] if line.strip()]


def report_headers(indicators: list[IndicatorColumn]) -> list[str]:
    used: set[str] = set()
    return [_header_name(ind, used) for ind in indicators]


def gold_documents() -> list[tuple[Document, StructureCheck, list[Fact]]]:
    """Documents and facts of the five gold-annotated samples (metadata and figures as annotated)."""
    if not (GOLD / "seeds_gold.tsv").is_file():
        pytest.skip("../shared/gold is not present")
    meta = _read_tsv(GOLD / "seeds_meta.tsv")
    gold = _read_tsv(GOLD / "seeds_gold.tsv")
    names = {ind.key: ind.name for ind in load_indicators()}
    by_doc: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in gold:
        by_doc[row["doc"]].append(row)
    out = []
    for i, m in enumerate(meta, 1):
        years = m["report_year"]
        text_path = SAMPLES / m["doc"]
        text = text_path.read_text(encoding="utf-8") if text_path.is_file() else ""
        facts = []
        for row in by_doc[m["doc"]]:
            start = max(text.find(row["raw_span"]), 0)
            key = row.get("key") or None
            facts.append(Fact(value=float(row["value"]), unit=row["unit"], start=start,
                              end=start + len(row["raw_span"]), sentence=row["raw_span"], key=key,
                              name=names.get(key, row["indicator"]) if key else row["indicator"]))
        doc = Document(
            id=100 + i, title=m["title"], source_name=m["doc"], agency=m["agency"], region=m["region"],
            report_year=int(years[-4:]), period=years if "-" in years else None,
            publish_date=m["publish_date"] or None, doc_type=m["doc_type"], tags=["样本"],
            fact_count=len(facts), missing_parts=[4] if i == 2 else [], late=None if i == 1 else i == 5,
        )
        out.append((doc, StructureCheck(missing=doc.missing_parts, late=doc.late), facts))
    return out


def _rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    wb = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One LibreOffice user profile for the module (a fresh profile costs seconds per start)."""
    return tmp_path_factory.mktemp("lo-profile")


def _soffice_csv(books: list[Path], outdir: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    """Every sheet of every book to UTF-8 CSV (<stem>-<sheet>.csv) through LibreOffice Calc; must succeed."""
    outdir.mkdir(exist_ok=True)
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(outdir), *map(str, books)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


@pytest.fixture(scope="module")
def gold_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[Document, StructureCheck, list[Fact]]]]:
    docs = gold_documents()
    out = tmp_path_factory.mktemp("gold") / "导出.xlsx"
    write_workbook(out, docs, load_indicators(), len(docs), selection="测试：金标准样本")
    return out, docs


def test_gold_workbook_sheets_headers_and_counts(gold_book: Any) -> None:
    out, docs = gold_book
    wb = load_workbook(out)
    assert wb.sheetnames == ["报告", "指标明细", "重复段落", "说明"]
    rep, fac = wb["报告"], wb["指标明细"]
    # exactly one header row, then one row per item
    assert [c.value for c in rep[1]][: len(REPORT_BASE)] == [h for h, _ in REPORT_BASE]
    assert [c.value for c in fac[1]] == [h for h, _ in FACT_COLUMNS]
    assert rep.max_row == 1 + len(docs)
    n_facts = sum(len(f) for _, _, f in docs)
    assert fac.max_row == 1 + n_facts
    assert rep.freeze_panes == "A2" and fac.freeze_panes == "A2"
    assert rep.auto_filter.ref and fac.auto_filter.ref == f"A1:{get_column_letter(len(FACT_COLUMNS))}{1 + n_facts}"
    # document rows carry real types
    row = {h.value: c.value for h, c in zip(rep[1], rep[2], strict=True)}
    assert row["文档ID"] == docs[0][0].id and row["报告年度"] == docs[0][0].report_year
    assert isinstance(row["发布日期"], dt.datetime)
    assert row["发布日期"].date().isoformat() == docs[0][0].publish_date
    second = {h.value: c.value for h, c in zip(rep[1], rep[3], strict=True)}
    assert second["结构缺项"] == "下一年度主要安排"
    # the five-part rule and the deadline are for annual reports only: minutes say so instead of "missing"
    for r in range(2, rep.max_row + 1):
        cells = {h.value: c.value for h, c in zip(rep[1], rep[r], strict=True)}
        annual = cells["文档类型"] == "法治政府建设年度报告"
        assert (cells["结构缺项"] == "不适用") is not annual
        assert (cells["是否逾期"] == "不适用") is not annual
    assert any(c.value == "不适用" for c in rep["L"][1:])
    assert second["时段"] is None and {h.value: c.value for h, c in zip(rep[1], rep[4], strict=True)}["时段"]


def test_gold_fact_rows_are_numbers_that_match_the_gold_file(gold_book: Any) -> None:
    out, docs = gold_book
    rows = _rows(out, "指标明细")[1:]
    gold_values = [f.value for _, _, facts in docs for f in sorted(facts, key=lambda f: (f.start, f.end))]
    assert all(isinstance(r[6], int | float) and not isinstance(r[6], bool) for r in rows)
    assert sorted(float(r[6]) for r in rows) == sorted(gold_values)
    units = {r[7] for r in rows}
    assert "%" in units and "万元" in units
    # money rows have a thousands format; others stay General
    wb = load_workbook(out)
    fac = wb["指标明细"]
    for cells in fac.iter_rows(min_row=2):
        if str(cells[7].value).endswith("元"):
            assert cells[6].number_format == "#,##0.00"
        else:
            assert cells[6].number_format == "General"


def test_report_indicator_columns_totals_and_disagreements(gold_book: Any) -> None:
    out, docs = gold_book
    all_inds = load_indicators()
    inds = {i.key: i for i in all_inds}
    wb = load_workbook(out)
    rep = wb["报告"]
    headers = [c.value for c in rep[1]]
    keys_present = {f.key for _, _, facts in docs for f in facts if f.key}
    indicator_headers = headers[len(REPORT_BASE):]
    # a fixed form: every dictionary indicator, once, in the dictionary's order, whatever the documents state
    assert len(indicator_headers) == len(all_inds)
    assert [next(k for k in inds if h.startswith(inds[k].name)) for h in indicator_headers] == [i.key for i in all_inds]
    # every indicator column is named by its indicator and explained (with its key) in 说明
    notes = _rows(out, "说明")
    explained = {r[1]: r[2] for r in notes[1:] if r[0] == "报告"}
    for key in keys_present:
        header = next(h for h in indicator_headers if h.startswith(inds[key].name))
        assert key in explained[header]
    # Chinese headers only: no indicator key is visible on 报告
    assert not any(re.search(r"[a-z]+\.[a-z_]+", str(h)) for h in headers)

    # a document with several different statements of one indicator: the stated value (core.domain), marked
    for r, (doc, _, facts) in enumerate(docs, 2):
        groups: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            if f.key:
                groups[f.key].append(f)
        for key, group in groups.items():
            col = headers.index(next(h for h in indicator_headers if h.startswith(inds[key].name))) + 1
            cell = rep.cell(row=r, column=col)
            statement = domain.stated_fact(group, doc.report_year)
            if statement is None:
                assert cell.value is None
                continue
            ind = IndicatorColumn(key, inds[key].name, inds[key].area, inds[key].kind)
            values = {normalise(f, ind) for f in statement.eligible}
            assert isinstance(cell.value, int | float), (doc.id, key)
            if len(values) > 1:
                assert cell.comment is not None and cell.comment.text.startswith("多处数值不一致")
                for v in values:
                    assert f"{v:g}" in cell.comment.text
                assert cell.fill.fgColor.rgb.endswith("FFF2CC")
            else:
                assert cell.comment is None
            totals = [f for f in statement.eligible if domain.states_total(f)]
            expected = totals[0] if totals else statement.eligible[0]
            assert cell.value == pytest.approx(normalise(expected, ind))
            # traceable: the cell links to the 指标明细 row of its statement
            assert cell.hyperlink is not None and cell.hyperlink.location.startswith("'指标明细'!K")
            row = int(cell.hyperlink.location.split("!K")[1])
            linked = wb["指标明细"].cell(row=row, column=11).value
            assert linked == expected.sentence and wb["指标明细"].cell(row=row, column=14).value == "是"


def test_inspections_example_from_gold() -> None:
    # 001: 检查在建工程项目84个 / 日常巡查用人单位158家 / 共检查用人单位73户次 → the total (共) wins
    docs = gold_documents()
    _doc, _, facts = docs[1]
    summary = summarise(facts, {i.key: i for i in load_indicators()})
    s = summary["enforcement.inspections"]
    assert s.value == 73
    assert s.note is not None and "84" in s.note and "158" in s.note


def test_summary_rules() -> None:
    ind = {i.key: i for i in load_indicators()}

    def fact(value: float, unit: str, sentence: str, key: str, *, status: str = "auto",
             direction: str | None = None, start: int = 0) -> Fact:
        return Fact(value=value, unit=unit, start=start, end=start + 2, sentence=sentence, key=key, status=status,
                    direction=direction)

    s = summarise([fact(12, "件", "收到申请12件", "review.received", start=1),
                   fact(15, "件", "全年共收到15件", "review.received", start=5)], ind)
    assert s["review.received"].value == 15
    # a user-confirmed figure beats the heuristic; a rejected one is ignored entirely
    s = summarise([fact(12, "件", "收到12件", "review.received", status="confirmed", start=1),
                   fact(15, "件", "合计15件", "review.received", start=5),
                   fact(99, "件", "共99件", "review.received", status="rejected", start=9)], ind)
    assert s["review.received"].value == 12 and s["review.received"].note is not None
    assert "99" not in s["review.received"].note
    # money in 万元, 下降 negative for a change, 万 prefix expanded for counts
    assert summarise([fact(1.2, "亿元", "罚没1.2亿元", "enforcement.fines")], ind)["enforcement.fines"].value == 12000
    assert summarise([fact(3000, "元", "罚没3000元", "enforcement.fines")], ind)["enforcement.fines"].value == 0.3
    assert summarise([fact(23.8, "%", "下降23.8%", "litigation.change", direction="down")],
                     ind)["litigation.change"].value == -23.8
    assert summarise([fact(2.5, "万件", "办理2.5万件", "disputes.hotline_requests")],
                     ind)["disputes.hotline_requests"].value == 25000
    assert summarise([fact(95.5, "%", "出庭率95.5%", "litigation.head_appearance_rate")],
                     ind)["litigation.head_appearance_rate"].value == 95.5


def _injection_docs() -> list[tuple[Document, StructureCheck, list[Fact]]]:
    docs = []
    for i, text in enumerate(INJECTIONS, 1):
        doc = Document(id=i, title=text, source_name=f"{text}.docx", agency=text, tags=[text, "正常"],
                       report_year=2023, publish_date="2024-02-30" if i == 1 else "2024-03-01")
        facts = [Fact(value=float(i), unit="件", start=0, end=1, sentence=text, key="review.received",
                      name=text, qualifier=text)]
        docs.append((doc, StructureCheck(), facts))
    long_doc = Document(id=99, title="控制字符\x1f\x00\x07标题\ufffe", source_name="x.txt", agency="A" * 40_000)
    docs.append((long_doc, StructureCheck(), [Fact(value=1, unit="件", start=0, end=1, sentence="句" * 40_000)]))
    return docs


def test_document_text_never_becomes_a_formula(tmp_path: Path) -> None:
    out = tmp_path / "inj.xlsx"
    write_workbook(out, _injection_docs(), load_indicators(), len(INJECTIONS) + 1)
    for name, xml in _sheet_xml(out).items():
        assert not re.search(r"<f[ >]", xml), name
    wb = load_workbook(out)
    for sheet in ("报告", "指标明细"):
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        title_col = headers.index("标题")
        agency_col = headers.index("发布机关")
        for row, text in zip(ws.iter_rows(min_row=2), INJECTIONS, strict=False):
            assert row[title_col].data_type == "s" and row[title_col].value == text
            assert row[agency_col].data_type == "s" and row[agency_col].value == text
    facts = wb["指标明细"]
    for row, text in zip(facts.iter_rows(min_row=2), INJECTIONS, strict=False):
        assert row[10].value == text and row[10].data_type == "s"  # 原句
        assert row[5].value == text and row[8].value == text  # 指标, 限定词
    # an impossible date stays empty rather than failing; control characters dropped; long text capped
    rep = wb["报告"]
    assert rep.cell(row=2, column=8).value is None
    last = next(rep.iter_rows(min_row=rep.max_row, values_only=True))
    assert last[2] == "控制字符标题"
    assert len(last[3]) == MAX_CELL_CHARS
    last_fact = next(facts.iter_rows(min_row=facts.max_row, values_only=True))
    assert len(last_fact[10]) == MAX_CELL_CHARS


def test_safe_text_and_widths() -> None:
    assert safe_text("a\x00b\x1fc\x7fd\ud800e") == "abcde"
    assert safe_text("保留\t制表\n换行") == "保留\t制表\n换行"
    assert len(safe_text("x" * 50_000)) == MAX_CELL_CHARS
    assert text_width("行政复议") == 8 and text_width("abcd") == 4 and text_width("ＡＢ") == 4


def test_column_widths_fit_chinese_text_and_are_capped(gold_book: Any) -> None:
    out, docs = gold_book
    wb = load_workbook(out)
    rep = wb["报告"]
    longest_title = max(text_width(d.title) for d, _, _ in docs)
    # a long title wraps in a bounded column (the document columns of a narrow form fit one printed page)
    assert rep.column_dimensions["C"].width == min(33, longest_title + 1)
    assert rep["C2"].alignment.wrap_text
    fac = wb["指标明细"]
    assert fac.column_dimensions["K"].width == 60  # 原句 capped
    for ws in (rep, fac, wb["说明"]):  # every column has its width
        for col in range(1, ws.max_column + 1):
            letter = get_column_letter(col)
            assert ws.column_dimensions[letter].customWidth, (ws.title, letter)
            assert 6 <= ws.column_dimensions[letter].width <= 60
    assert fac.column_dimensions["A"].width < 12


def test_notes_sheet_describes_every_column(gold_book: Any) -> None:
    out, docs = gold_book
    notes = _rows(out, "说明")
    assert notes[0] == ("工作表", "项目", "说明")
    described = {(r[0], r[1]) for r in notes[1:]}
    for sheet in ("报告", "指标明细"):
        header = _rows(out, sheet)[0]
        for h in header:
            assert (sheet, h) in described, (sheet, h)
    info = {r[1]: r[2] for r in notes if r[0] == "导出信息"}
    assert info["文档数"] == str(len(docs))
    assert info["选择条件"] == "测试：金标准样本"
    assert info["程序版本"].startswith("报告档案")
    dt.datetime.strptime(info["导出时间"], "%Y-%m-%d %H:%M:%S")


def test_progress_per_document_and_sheet_subset(tmp_path: Path) -> None:
    docs = gold_documents()
    calls: list[tuple[int, int, str]] = []
    out = write_workbook(tmp_path / "a.xlsx", docs, load_indicators(), len(docs),
                         progress=lambda d, t, m: calls.append((d, t, m)), sheets=["指标明细"])
    assert [c[0] for c in calls[: len(docs)]] == list(range(1, len(docs) + 1))
    assert all(c[1] == len(docs) for c in calls)
    assert load_workbook(out, read_only=True).sheetnames == ["指标明细"]
    with pytest.raises(ExportError, match="未知的工作表"):
        write_workbook(tmp_path / "b.xlsx", docs, load_indicators(), len(docs), sheets=["Sheet1"])
    assert not (tmp_path / "b.xlsx").exists()


def test_cancel_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    docs = gold_documents() * 3
    out = tmp_path / "导出.xlsx"
    out.write_bytes(b"old workbook")
    cancel = threading.Event()

    def progress(done: int, total: int, message: str) -> None:
        if done == 4:
            cancel.set()

    assert write_workbook(out, docs, load_indicators(), len(docs), progress, cancel) is None
    assert out.read_bytes() == b"old workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["导出.xlsx"]
    # cancelled through the archive adapter too, before anything is read
    assert export_xlsx(FakeArchive(docs[:5]), out, cancel=cancel) is None
    assert out.read_bytes() == b"old workbook"


def test_missing_folder_is_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="文件夹不存在"):
        write_workbook(tmp_path / "nope" / "a.xlsx", gold_documents(), load_indicators(), 5)


def test_empty_export_still_has_headers(tmp_path: Path) -> None:
    out = write_workbook(tmp_path / "empty.xlsx", [], load_indicators(), 0)
    assert _rows(out, "报告") == [tuple(h for h, _ in REPORT_BASE) + tuple(report_headers(load_indicators()))]
    assert _rows(out, "指标明细") == [tuple(h for h, _ in FACT_COLUMNS)]


def test_indicator_tsv_fallback_matches_the_domain_file() -> None:
    if not (DOMAIN / "indicators.tsv").is_file():
        pytest.skip("../shared/domain is not present")
    rows = read_indicator_tsv(DOMAIN / "indicators.tsv")
    lines = (DOMAIN / "indicators.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == len([line for line in lines if line.strip()])
    by_key = {r.key: r for r in rows}
    first = lines[0].split("\t")
    assert by_key[first[0]].name == first[2] and by_key[first[0]].units == tuple(first[4].split(";"))


class FakeArchive:
    """The three archive calls export_xlsx makes, over the gold documents."""

    def __init__(self, docs: list[tuple[Document, StructureCheck, list[Fact]]]) -> None:
        self.docs = {d.id: (d, f) for d, _, f in docs}

    def list_ids(self) -> list[int]:
        return sorted(self.docs, reverse=True)

    def get_documents(self, ids: Any) -> list[Document]:
        return [self.docs[i][0] for i in reversed(list(ids)) if i in self.docs]  # any order

    def get_facts(self, doc_id: int) -> list[Fact]:
        return self.docs[doc_id][1]


def test_export_xlsx_over_an_archive_keeps_the_selection_order(tmp_path: Path) -> None:
    docs = gold_documents()
    archive = FakeArchive(docs)
    ids = [docs[3][0].id, docs[0][0].id, 424242]
    out = export_xlsx(archive, tmp_path / "sel.xlsx", ids)
    rows = _rows(out, "报告")
    assert [r[1] for r in rows[1:]] == ids[:2]
    notes = {r[1]: r[2] for r in _rows(out, "说明")}
    assert "3 篇" in notes["选择条件"] and str(ids[0]) in notes["选择条件"]
    out = export_xlsx(archive, tmp_path / "all.xlsx")
    assert [r[1] for r in _rows(out, "报告")[1:]] == archive.list_ids()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook(tmp_path: Path, gold_book: Any, lo_profile: Path) -> None:
    out, docs = gold_book
    inj = write_workbook(tmp_path / "inj.xlsx", _injection_docs()[:-1], load_indicators(), len(INJECTIONS))
    conv = tmp_path / "csv"
    result = _soffice_csv([out, inj], conv, lo_profile)
    for book in (out, inj):
        for sheet in ("报告", "指标明细", "说明"):
            path = conv / f"{book.stem}-{sheet}.csv"
            assert path.is_file(), (sheet, result.stdout, result.stderr)
            rows = list(csv.reader(path.open(encoding="utf-8")))
            assert rows[0] == [str(c) for c in _rows(book, sheet)[0]]
            if sheet == "指标明细":
                expected = sum(len(f) for _, _, f in (docs if book == out else _injection_docs()[:-1]))
                assert len(rows) == 1 + expected
                assert all(float(r[6]) == float(r[6]) for r in rows[1:])
        if book == inj:
            rows = list(csv.reader((conv / f"{book.stem}-报告.csv").open(encoding="utf-8")))
            # LibreOffice shows the text as written: nothing was evaluated (=1+1 would show 2)
            assert [r[2] for r in rows[1:]] == [t.replace("\r", "\n") for t in INJECTIONS]


# ---------------------------------------------------------------- comparison, trend, grid workbooks

from core.export_compare import (  # noqa: E402
    export_comparison_xlsx,
    export_grid_xlsx,
    export_trend_xlsx,
    unit_scale,
)


def _first_values(facts: list[Fact]) -> dict[str, Fact]:
    out: dict[str, Fact] = {}
    for f in sorted(facts, key=lambda f: f.start):
        if f.key:
            out.setdefault(f.key, f)
    return out


def test_comparison_workbook_from_two_gold_reports(tmp_path: Path) -> None:
    docs = gold_documents()
    (doc_a, _, facts_a), (doc_b, _, facts_b) = docs[3], docs[4]
    first_a, first_b = _first_values(facts_a), _first_values(facts_b)
    keys = sorted(set(first_a) | set(first_b))
    rows = [(k, (first_a.get(k) or first_b[k]).name or k,
             first_a[k].value if k in first_a else None, first_a[k].unit if k in first_a else "",
             first_b[k].value if k in first_b else None, first_b[k].unit if k in first_b else "")
            for k in keys]
    rows.append(("x.money", "=1+1 罚没", 1.2, "亿元", 8000.0, "万元"))
    rows.append(("x.units", "@单位不同", 3.0, "件", 4.0, "人"))
    out = export_comparison_xlsx(tmp_path / "对比.xlsx", doc_a, doc_b, rows)
    for name, xml in _sheet_xml(out).items():
        assert not re.search(r"<f[ >]", xml), name
    table = _rows(out, "对比")
    header = table[0]
    assert header[0] == "指标" and doc_a.agency in header[2] and doc_b.agency in header[4]
    assert len(table) == 1 + len(rows)
    both = 0
    for (key, _, a, unit_a, b, unit_b), got in zip(rows, table[1:], strict=True):
        assert got[1] == key
        if a is not None and b is not None and unit_scale(unit_a)[0] == unit_scale(unit_b)[0]:
            b_in_a = b * unit_scale(unit_b)[1] / unit_scale(unit_a)[1]
            assert got[6] == pytest.approx(b_in_a - a)
            if a:
                assert got[7] == pytest.approx((b_in_a - a) / abs(a))
            both += 1
        else:
            assert got[6] is None and got[8]
    assert both >= 3  # the money row, review.received (1件 vs 4宗) and litigation.cases (14件 vs 1宗)
    assert table[-2][0] == "=1+1 罚没" and table[-2][6] == pytest.approx(-0.4)
    assert "单位不同" in table[-1][8]
    notes = {(r[0], r[1]): r[2] for r in _rows(out, "说明")}
    assert notes[("A", "标题")] == doc_a.title and notes[("B", "文档ID")] == str(doc_b.id)
    ws = load_workbook(out)["对比"]
    pct_cells = [row[7] for row in ws.iter_rows(min_row=2) if row[7].value is not None]
    assert pct_cells and all(c.number_format == "0.0%" for c in pct_cells)


def test_trend_workbook_has_a_native_line_chart_over_its_table(tmp_path: Path) -> None:
    years = [2021, 2022, 2023]
    rows = [
        ("review.received", "行政复议申请(收案)数", "件", {2021: 10.0, 2022: 12.0}),
        ("litigation.head_appearance_rate", "=出庭率", "%", {2021: 80.0, 2023: 95.5}),
        ("enforcement.fines", "罚没金额", "万元", {2022: 415.65}),
        ("none.at.all", "无数据", "件", {}),
    ]
    out = export_trend_xlsx(tmp_path / "趋势.xlsx", "南昌县人力资源和社会保障局", years, rows)
    table = _rows(out, "趋势")
    assert table[0] == ("指标", "指标键", "单位", "2021年", "2022年", "2023年")
    assert table[1][3:] == (10, 12, None)
    assert table[2][0] == "=出庭率" and table[2][3:] == (80, None, 95.5)
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = "".join(z.read(n).decode("utf-8") for n in charts)
    assert len(charts) == 3  # one per unit that has data: 件, %, 万元
    assert "<lineChart>" in xml or "<c:lineChart>" in xml
    assert "'趋势'!$D$2:$F$2" in xml and "'趋势'!$D$1:$F$1" in xml
    assert 'dispBlanksAs val="gap"' in xml
    wb = load_workbook(out)
    assert wb["趋势"]["E4"].number_format == "#,##0.00"
    with pytest.raises(ExportError):
        export_trend_xlsx(tmp_path / "none.xlsx", "某局", [], rows)


def test_grid_workbook_statuses_and_fills(tmp_path: Path) -> None:
    agencies = ["甲局", "乙局", "丙局"]
    years = [2022, 2023]
    cells = {("甲局", 2022): "已报送", ("甲局", 2023): "逾期、缺项", ("乙局", 2022): "late", ("丙局", 2023): "in"}
    out = export_grid_xlsx(tmp_path / "收报.xlsx", agencies, years, cells)
    table = _rows(out, "收报情况")
    assert table[0] == ("单位", "2022年", "2023年", "已报送年数")
    assert table[1] == ("甲局", "已报送", "逾期、缺项", 2)
    assert table[2] == ("乙局", "逾期", "未报送", 1)
    assert table[3] == ("丙局", "未报送", "已报送", 1)
    ws = load_workbook(out)["收报情况"]
    assert ws["B2"].fill.fgColor.rgb.endswith("C6EFCE")
    assert ws["C2"].fill.fgColor.rgb.endswith("F8CBAD")  # the worst part of a combined status
    assert ws["B3"].fill.fgColor.rgb.endswith("FFEB9C")
    assert ws["C3"].fill.fgColor.rgb.endswith("FFC7CE")
    legend = {r[1]: r[2] for r in _rows(out, "说明") if r[0] == "图例"}
    assert legend["未报送"].startswith("2 格") and legend["已报送"].startswith("2 格")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_small_workbooks(tmp_path: Path, lo_profile: Path) -> None:
    trend = export_trend_xlsx(tmp_path / "t.xlsx", "某局", [2021, 2022], [("k", "指标", "件", {2021: 1.0, 2022: 2.0})])
    grid = export_grid_xlsx(tmp_path / "g.xlsx", ["某局"], [2021], {("某局", 2021): "缺项"})
    _soffice_csv([trend, grid], tmp_path, lo_profile)
    rows = list(csv.reader((tmp_path / "t-趋势.csv").open(encoding="utf-8")))
    assert rows == [["指标", "指标键", "单位", "2021年", "2022年"], ["指标", "k", "件", "1", "2"]]
    rows = list(csv.reader((tmp_path / "g-收报情况.csv").open(encoding="utf-8")))
    assert rows[1] == ["某局", "缺项", "1"]


def test_comparison_takes_the_compare_views_figure_rows(tmp_path: Path) -> None:
    from core.compare import FigureRow

    fa = Fact(value=12, unit="件", start=0, end=3, sentence="受理行政复议案件12件", key="review.accepted")
    fb = Fact(value=15, unit="宗", start=0, end=3, sentence="受理行政复议案件15宗", key="review.accepted")
    rows = [
        FigureRow("行政复议", "review.accepted", "行政复议受理数", "件", fa, fb, 12, 15, 3, 25.0, note="单位不同"),
        FigureRow("其他", None, "=只在B", "件", None, fb, None, 15, None, None),
    ]
    out = export_comparison_xlsx(tmp_path / "fig.xlsx", None, None, rows)
    table = _rows(out, "对比")
    assert table[0][2] == "A值（文档A）"
    assert table[1][:8] == ("行政复议受理数", "review.accepted", 12, "件", 15, "宗", 3, 0.25)
    assert "单位不同" in table[1][8] and table[1][9:] == (fa.sentence, fb.sentence)
    assert table[2][0] == "=只在B" and table[2][2] is None and table[2][8] == "仅B文档有此指标"


def test_export_through_a_real_archive(tmp_path: Path, samples_dir: Path) -> None:
    from core import Archive

    with Archive.open(tmp_path / "archive.sqlite") as archive:
        archive.import_paths([samples_dir])
        ids = archive.list_ids()
        assert ids
        facts = {i: archive.get_facts(i) for i in ids}
        docs = {d.id: d for d in archive.get_documents(ids)}
        out = export_xlsx(archive, tmp_path / "archive.xlsx", ids, selection="标签：无")
    assert out is not None
    reports = _rows(out, "报告")
    assert [r[1] for r in reports[1:]] == ids
    assert [r[2] for r in reports[1:]] == [docs[i].title for i in ids]
    rows = _rows(out, "指标明细")[1:]
    assert len(rows) == sum(len(f) for f in facts.values())
    by_doc: dict[int, list[float]] = defaultdict(list)
    for r in rows:
        by_doc[r[0]].append(float(r[6]))
    for i in ids:
        assert sorted(by_doc[i]) == sorted(float(f.value) for f in facts[i])
    assert {r[1]: r[2] for r in _rows(out, "说明")}["选择条件"] == "标签：无"


def test_facts_continue_on_a_second_sheet_past_the_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.export

    monkeypatch.setattr(core.export, "MAX_SHEET_ROWS", 40)  # Excel's is 1,048,576; the logic is the same
    docs = gold_documents()
    n_facts = sum(len(f) for _, _, f in docs)
    out = write_workbook(tmp_path / "split.xlsx", docs, load_indicators(), len(docs))
    wb = load_workbook(out, read_only=True)
    names = wb.sheetnames
    wb.close()
    expected = [f"指标明细{i}" if i > 1 else "指标明细" for i in range(1, -(-n_facts // 39) + 1)]
    assert names == ["报告", *expected, "重复段落", "说明"]
    header = tuple(h for h, _ in FACT_COLUMNS)
    rows = []
    for name in expected:
        sheet = _rows(out, name)
        assert sheet[0] == header and len(sheet) <= 40
        rows += sheet[1:]
    assert len(rows) == n_facts
    notes = {r[1]: r[2] for r in _rows(out, "说明")}
    assert notes["工作表"] == "、".join(["报告", *expected, "重复段落", "说明"])


def test_comments_are_capped_but_every_disagreement_is_highlighted(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import core.export

    monkeypatch.setattr(core.export, "MAX_COMMENTS", 1)
    docs = gold_documents()
    by_key = {i.key: i for i in load_indicators()}
    disagreements = sum(1 for _, _, f in docs for s in summarise(f, by_key).values() if s.note)
    assert disagreements >= 2
    out = write_workbook(tmp_path / "cap.xlsx", docs, load_indicators(), len(docs))
    rep = load_workbook(out)["报告"]
    cells = [c for row in rep.iter_rows(min_row=2) for c in row]
    assert sum(1 for c in cells if c.comment is not None) == 1
    assert sum(1 for c in cells if c.fill.fgColor.rgb and c.fill.fgColor.rgb.endswith("FFF2CC")) == disagreements


def test_trend_and_grid_take_the_core_tables(tmp_path: Path) -> None:
    from core.agencies import GridCell
    from core.trend import TrendRow

    rows = [TrendRow("行政复议", "review.received", "行政复议申请(收案)数", "件", {2022: 4.0, 2023: 6.0})]
    out = export_trend_xlsx(tmp_path / "t.xlsx", "某局", [2022, 2023], rows)
    assert _rows(out, "趋势")[1] == ("行政复议申请(收案)数", "review.received", "件", 4, 6)
    cells = {("某局", 2022): GridCell("某局", 2022, doc_ids=[1], late=True),
             ("某局", 2023): GridCell("某局", 2023, doc_ids=[2, 3])}
    out = export_grid_xlsx(tmp_path / "g.xlsx", ["某局"], [2022, 2023], cells)
    row = _rows(out, "收报情况")[1]
    assert row == ("某局", cells[("某局", 2022)].label, cells[("某局", 2023)].label, 2)
    ws = load_workbook(out)["收报情况"]
    assert ws["B2"].fill.fgColor.rgb.endswith("FFEB9C") and ws["C2"].fill.fgColor.rgb.endswith("C6EFCE")


from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=12))
@example(texts=["\x00", " ", "\r", "a\rb", "\ud800", "&<>\"'", "\t", "\n\n", "＝", "]]>", "&amp;"])
def test_any_text_round_trips_through_both_sheet_writers(tmp_path: Path, texts: list[str]) -> None:
    # 指标明细 is hand-written XML (FastSheet), 报告 is openpyxl's: both must keep any text as text
    docs = []
    for i, text in enumerate(texts, 1):
        doc = Document(id=i, title=text, source_name="x.txt", agency=text)
        docs.append((doc, StructureCheck(), [Fact(value=i, unit=text[:4], start=0, end=1, sentence=text)]))
    out = write_workbook(tmp_path / "any.xlsx", docs, [], len(docs))
    for name, xml in _sheet_xml(out).items():
        assert not re.search(r"<f[ >]", xml), name
    reports = _rows(out, "报告")[1:]
    facts = _rows(out, "指标明细")[1:]
    for text, rep, fact in zip(texts, reports, facts, strict=True):
        expected = safe_text(text) or None
        assert rep[2] == expected and fact[1] == expected and fact[10] == expected


def test_os_trouble_becomes_chinese_errors_and_leaves_no_temp_file(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from core.errors import DiskFullError

    docs = gold_documents()
    (tmp_path / "是文件夹.xlsx").mkdir()
    with pytest.raises(ExportError, match="无法写入"):
        write_workbook(tmp_path / "是文件夹.xlsx", docs, load_indicators(), len(docs))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["是文件夹.xlsx"]

    def locked(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError, match="Excel/WPS"):
        write_workbook(tmp_path / "a.xlsx", docs, load_indicators(), len(docs))

    def full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(DiskFullError, match="磁盘空间不足"):
        export_comparison_xlsx(tmp_path / "b.xlsx", None, None, [("k", "指标", 1.0, "件", 2.0, "件")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["是文件夹.xlsx"]


def test_odd_values_stay_numbers_or_empty(tmp_path: Path) -> None:
    values = [0.0, -5.0, 1e20, 12345678.9, 0.1 + 0.2, float("nan"), float("inf"), 3.0]
    facts = [Fact(value=v, unit="件", start=i, end=i + 1, sentence=f"数值{i}", key="review.received")
             for i, v in enumerate(values)]
    doc = Document(id=1, title="数值", source_name="x.txt")
    out = write_workbook(tmp_path / "odd.xlsx", [(doc, StructureCheck(), facts)], load_indicators(), 1)
    got = [r[6] for r in _rows(out, "指标明细")[1:]]
    assert got[:5] == [0, -5, 1e20, 12345678.9, pytest.approx(0.3)]
    assert got[5] is None and got[6] is None and got[7] == 3
    report = _rows(out, "报告")[1]
    assert report[-1] == 0  # the first finite statement; NaN/inf never reach the 报告 sheet


def test_a_total_marker_counts_only_in_the_numbers_own_clause() -> None:
    from core.export import states_total

    def fact(value: float, unit: str, sentence: str) -> Fact:
        return Fact(value=value, unit=unit, start=0, end=1, sentence=sentence, key="litigation.cases")

    first = fact(139, "件", "一审行政诉讼案件139件，败诉案件5件，败诉率3.6%。")
    later = fact(1, "件", "全年主持召开区政府常务会议研究法治政府建设议题4次，带头出庭应诉行政诉讼案件1件，作出批示12次。")
    total = fact(152, "件", "全年共办理行政诉讼案件152件。")
    assert not states_total(later)  # 全年 belongs to the meetings' clause
    assert states_total(total)
    assert not states_total(first)
    summary = summarise([first, later], {})["litigation.cases"]
    assert summary.value == 139  # the first statement, not the one whose sentence merely contains 全年
    assert summarise([first, total], {})["litigation.cases"].value == 152
