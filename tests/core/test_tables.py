"""Facts from tables: rows × column headers, cell offsets, units from headers and captions (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.extract import analyse, read_clean
from core.indicators import default_dictionary
from core.tables import table_facts
from tests.conftest import SHARED
from tests.core.filemakers import make_docx

OPENNESS_TITLE = "云溪区2023年政府信息公开工作年度报告\n"


def _cells(text: str) -> list[tuple[float, str, str, str | None]]:
    return [(f.value, f.unit, text[f.start : f.end], f.key) for f in table_facts(text, default_dictionary())]


def test_pipe_table_rows_by_column_headers() -> None:
    text = OPENNESS_TITLE + (
        "二、主动公开政府信息情况\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "|---|---|---|---|\n"
        "| 规章 | 0 | 0 | 2 |\n"
        "| 行政规范性文件 | 6 | 3 | 41 |\n"
    )
    cells = _cells(text)
    assert [(v, u) for v, u, _, _ in cells] == [(0, "件"), (0, "件"), (2, "件"), (6, "件"), (3, "件"), (41, "件")]
    assert [raw for _, _, raw, _ in cells] == ["0", "0", "2", "6", "3", "41"]  # each fact sits on its cell
    keys = {raw: key for _, _, raw, key in cells[3:]}
    assert keys["6"] == "normdoc.issued" and keys["3"] == "normdoc.repealed"


def test_tab_separated_rows_and_a_money_header() -> None:
    text = OPENNESS_TITLE + (
        "信息内容\t本年处理决定数量\n行政许可\t1250\n行政处罚\t38\n"
        "信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t12.5\n"
    )
    assert [(v, u) for v, u, _, _ in _cells(text)] == [(1250, "件"), (38, "件"), (12.5, "万元")]


def test_space_aligned_pdf_rows_with_a_glued_header() -> None:
    text = OPENNESS_TITLE + "第二十条第（一）项\n信息内容本年制发件数本年废止件数现行有效件数\n规章1 0 3\n行政规范性文件7 2 30\n"
    cells = _cells(text)
    assert [v for v, _, _, _ in cells] == [1, 0, 3, 7, 2, 30]
    offsets = [f.start for f in table_facts(text, default_dictionary())]
    assert text[offsets[3] : offsets[3] + 1] == "7"


def test_request_table_counts_only_the_total_column() -> None:
    text = OPENNESS_TITLE + (
        "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n法人或其他组织\n总计\n"
        "一、本年新收政府信息公开申请数量12 3 0 0 1 0 16\n"
        "二、上年结转政府信息公开申请数量2 0 0 0 0 0 2\n"
        "（七）总计14 3 0 0 1 0 18\n"
    )
    cells = _cells(text)
    assert [v for v, _, _, _ in cells] == [16, 2, 18]
    assert cells[0][3] == "openness.requests"
    assert cells[1][3] is None  # carried over from last year: not this year's figure


def test_caption_unit_and_unnamed_tables() -> None:
    text = "表1 经费情况（单位：万元）\n项目\t2023年\t2024年\n办案经费\t12\t15\n"
    assert [(v, u) for v, u, _, _ in _cells(text)] == [(12, "万元"), (15, "万元")]
    # numbers with neither a header nor a unit are no facts
    assert _cells("编号 12 13 14\n说明文字，没有表头。\n") == []


def test_running_text_is_no_table() -> None:
    text = "2023年，我局办理行政复议案件12件，同比下降3件。\n现有执法人员45人。\n"
    assert _cells(text) == []


def test_docx_table_through_the_reader(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "公开年报.docx",
        ["云溪区2023年政府信息公开工作年度报告", "二、主动公开政府信息情况"],
        [[["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["行政规范性文件", "4", "1", "22"]]],
    )
    text = read_clean(path)
    analysis = analyse(text, path.name)
    cells = [f for f in analysis.facts if f.sentence.startswith("行政规范性文件")]
    assert [f.value for f in cells] == [4, 1, 22]
    assert all(f.unit == "件" and 0 < f.confidence < 1 for f in cells)
    assert analysis.doc_type == "政府信息公开工作年度报告"


def test_real_openness_report_pdf() -> None:
    path = SHARED / "realfiles" / "pdf01.pdf"
    if not path.is_file():
        pytest.skip("../shared/realfiles is not present")
    text = read_clean(path)
    facts = analyse(text, path.name).facts
    requests = [f for f in facts if f.key == "openness.requests"]
    assert requests  # the 本年新收 row's 总计
    issued = [f for f in facts if f.key == "normdoc.issued" and f.unit == "件"]
    assert issued and all(text[f.start : f.end].isdigit() for f in issued)
    # the applicant breakdown of the 申请 table gives no facts: per row at most its 总计
    lines = {f.sentence for f in facts if "申请数量" in f.sentence}
    for line in lines:
        assert sum(1 for f in facts if f.sentence == line) == 1


def test_an_empty_cell_keeps_the_cells_after_it_in_their_columns(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "公开年报.docx",
        ["云溪区2023年政府信息公开工作年度报告", "二、主动公开政府信息情况"],
        [[["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["行政规范性文件", "4", "", "22"]]],
    )
    text = read_clean(path)
    row = next(line for line in text.split("\n") if line.startswith("行政规范性文件"))
    assert row.split("\t") == ["行政规范性文件", "4", "", "22"]  # cleaning keeps the empty cell
    cells = [f for f in table_facts(text, default_dictionary()) if f.sentence == row]
    assert [(f.value, text[f.start : f.end]) for f in cells] == [(4, "4"), (22, "22")]
    assert cells[0].key == "normdoc.issued"
    assert cells[1].key != "normdoc.repealed"  # 22 stands under 现行有效件数, not under 本年废止件数


def test_an_empty_header_cell_stands_over_its_column() -> None:
    text = OPENNESS_TITLE + "项目\t本年制发件数\t\t现行有效件数\n行政规范性文件\t4\t9\t22\n"
    cells = _cells(text)
    assert [v for v, _, _, _ in cells] == [4, 22]  # the cell under the empty header has no name: no fact


def test_real_openness_report_texts_give_table_facts_on_their_cells() -> None:
    for name in ("pdf01.pdf", "pdf02.pdf"):
        path = SHARED / "realfiles" / name
        if not path.is_file():
            pytest.skip("../shared/realfiles is not present")
        text = read_clean(path)
        cells = table_facts(text, default_dictionary())
        assert len(cells) >= 20, name
        for fact in cells:
            assert text[fact.start : fact.end].replace(",", "").replace(".", "").isdigit()
            assert fact.unit == "件" or fact.unit.endswith("元")


def test_docx_request_table_with_merged_cells_gives_only_the_totals(tmp_path: Path) -> None:
    """The national 申请 table as a .docx writes it: merged header cells come out empty, the 总计 column last."""
    path = make_docx(
        tmp_path / "公开年报.docx",
        ["某区2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况"],
        [
            [
                ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况", "", "", "", "", "", ""],
                ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
                ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
                ["一、本年新收政府信息公开申请数量", "", "12", "3", "0", "0", "1", "0", "16"],
                ["二、上年结转政府信息公开申请数量", "", "2", "0", "0", "0", "0", "0", "2"],
                ["三、本年度办理结果", "（一）予以公开", "6", "2", "0", "0", "0", "0", "8"],
                ["", "（二）部分公开", "1", "0", "0", "0", "0", "0", "1"],
            ]
        ],
    )
    text = read_clean(path)
    cells = table_facts(text, default_dictionary())
    assert [(f.value, f.unit) for f in cells] == [(16, "件"), (2, "件"), (8, "件"), (1, "件")]
    assert cells[0].key == "openness.requests" and cells[1].key is None
    for fact in cells:  # each on the 总计 cell: the last number of its row
        line_end = text.index("\n", fact.start) if "\n" in text[fact.start :] else len(text)
        assert fact.end == line_end


def test_xlsx_table_with_an_empty_cell(tmp_path: Path) -> None:
    from tests.core.test_sheet import make_xlsx

    path = tmp_path / "公开年报.xlsx"
    path.write_bytes(
        make_xlsx(
            {
                "主动公开": [
                    ["某区2023年政府信息公开工作年度报告"],
                    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                    ["行政规范性文件", 5, None, 31],
                ]
            }
        )
    )
    text = read_clean(path)
    cells = [f for f in table_facts(text, default_dictionary()) if f.sentence.startswith("行政规范性文件")]
    assert [(f.value, text[f.start : f.end]) for f in cells] == [(5, "5"), (31, "31")]
    assert cells[0].key == "normdoc.issued" and cells[1].key != "normdoc.repealed"


def test_the_request_tables_reason_rows_name_no_other_areas_figure() -> None:
    text = OPENNESS_TITLE + (
        "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n法人或其他组织\n总计\n"
        "（三）不予公开\n7.属于行政执法案卷1 0 0 0 0 0 1\n"
    )
    assert [(v, key) for v, _, _, key in _cells(text)] == [(1, None)]


def test_a_unit_in_the_row_labels_brackets_gives_the_cells_their_unit(tmp_path: Path) -> None:
    """年度对照表: 指标 | 2023年 | 2024年 with the unit in the row label (（件）); the report year's column is the
    stated figure, the year before is not."""
    from core import domain

    text = ("某某县2024年法治政府建设年度报告\n主要数据\n指标\t2023年\t2024年\n受理行政复议案件（件）\t41\t57\n"
            "办结行政复议案件（件）\t39\t52\n备注\t无\t无\n")
    assert _cells(text) == [
        (41, "件", "41", "review.accepted"), (57, "件", "57", "review.accepted"),
        (39, "件", "39", "review.concluded"), (52, "件", "52", "review.concluded"),
    ]
    # a column named with its unit in brackets, pipe-separated
    piped = "| 项目 | 数量(件) |\n| --- | --- |\n| 审查行政规范性文件 | 16 |\n"
    assert [(v, u) for v, u, _raw, _key in _cells(piped)] == [(16, "件")]
    # the same table in a .docx, through the reader: the stated figure is the 2024 column's
    path = make_docx(tmp_path / "对照.docx", ["某某县2024年法治政府建设年度报告", "主要数据"],
                     [[["指标", "2023年", "2024年"], ["受理行政复议案件（件）", "41", "57"]]])
    clean = read_clean(path)
    analysis = analyse(clean, path.name)
    stated = domain.stated_facts(analysis.facts, 2024, clean)
    assert stated["review.accepted"].fact.value == 57
    assert [f.value for f, _role in stated["review.accepted"].excluded] == [41]
    # a bracket that is no unit gives nothing
    assert _cells("指标\t2023年\t2024年\n受理案件（其他）\t3\t4\n") == []
