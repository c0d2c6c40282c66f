"""Heading outline and the required-parts check, on real report sentences and the samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.clean import clean_text
from core.sections import check_structure, classify_heading, classify_part, parse_sections


def _sample(samples_dir: Path, prefix: str) -> str:
    path = next(samples_dir.glob(f"{prefix}_*.txt"))
    return clean_text(path.read_text(encoding="utf-8"))


def test_four_levels_and_offsets() -> None:
    text = (
        "现将我局2021年法治政府建设工作开展情况报告如下:\n"
        "一、2021年法治政府建设的主要举措和成效\n"
        "（一）强化组织领导，落实法治政府建设主体责任\n"
        "1.加强规范性文件管理。根据《浙江省行政规范性文件管理办法》规定，严格管理规范性文件。\n"
        "（1）清理文件45件，其中继续有效的行政规范性文件30件。\n"
        "2.积极落实法律顾问制度。聘请律师事务所资深律师担任我局法律顾问。\n"
        "二、2021年度推进法治政府建设存在的不足和原因\n"
        "1.执法人员依法行政能力有待提升。\n"
    )
    sections = parse_sections(text)
    assert [(s.level, s.number) for s in sections] == [
        (1, "一"), (2, "（一）"), (3, "1"), (4, "（1）"), (3, "2"), (1, "二"), (3, "1"),
    ]
    first, sub = sections[0], sections[1]
    assert text[first.start :].startswith("一、2021年")
    assert first.end == sections[5].start  # ends where the next level-1 heading starts
    assert sub.end == sections[5].start
    assert sections[2].heading == "加强规范性文件管理"
    assert sections[2].end == sections[4].start
    assert sections[-1].end == len(text)
    assert [s.part for s in sections if s.level == 1] == [1, 2]
    assert all(s.part is None for s in sections if s.level > 1)


def test_decimal_numbers_and_yishi_are_not_headings() -> None:
    text = "一是总体谋划，明确任务。\n1.5亿元资金投入使用。\n2023.8.24召开会议。\n"
    assert parse_sections(text) == []


def test_heading_that_lost_its_line_break() -> None:
    text = (
        "现将有关情况报告如下。一、主要工作情况\n"
        "全年办理行政复议案件12件。二、存在的问题\n"
        "执法力量不足。会议要求：三要加强学习。\n"
    )
    sections = parse_sections(text)
    assert [(s.number, s.heading, s.part) for s in sections] == [
        ("一", "主要工作情况", 1),
        ("二", "存在的问题", 2),
    ]
    assert text[sections[0].start : sections[0].start + 2] == "一、"
    assert sections[0].end == sections[1].start


def test_first_heading_glued_without_punctuation() -> None:
    text = "现将有关情况报告如下一、主要工作情况\n正文。\n二、存在的问题\n正文。\n"
    sections = parse_sections(text)
    assert [(s.number, s.heading, s.part) for s in sections] == [("一", "主要工作情况", 1), ("二", "存在的问题", 2)]
    # and a lost "一、" does not hide the headings that follow
    text = "现将有关情况报告如下主要工作情况\n正文。\n二、存在的问题\n正文。\n三、下一步工作计划\n"
    assert [s.part for s in parse_sections(text)] == [2, 4]


def test_listed_numerals_are_not_headings() -> None:
    # 2014年南山区政府工作报告: "二、三产业" after a colon is a list of industries, not heading 二
    text = (
        "一、经济发展\n1、主要经济指标：全年实现本地生产总值3206.57亿元。\n"
        "2、产业结构：二、三产业比例为58.5:41.5。先进制造业占工业比重达80.45%。\n二、三产业协调发展。\n"
    )
    assert [(s.level, s.number) for s in parse_sections(text)] == [(1, "一"), (3, "1"), (3, "2")]


def test_inline_numbering_out_of_sequence_is_ignored() -> None:
    # "三、" right after a full stop, with no "二、" before: a list inside a sentence, not a heading
    text = "一、主要工作\n推进三项改革。三、五年来成效明显。\n"
    assert [s.number for s in parse_sections(text)] == ["一"]


@pytest.mark.parametrize(
    ("heading", "part"),
    [
        ("2023年法治政府建设主要工作及成效", 1),
        ("基本情况", 1),
        ("存在的主要问题", 2),
        ("2021年度推进法治政府建设存在的不足和原因", 2),
        ("主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况", 3),
        ("党政主要负责人履行推进法治建设第一责任人职责情况", 3),
        ("2022年工作思路", 4),
        ("下一步工作计划", 4),
        ("下一阶段总体思路和重点工作安排", 4),
        ("2024年工作安排", 4),
        ("其他需要报告的情况", 5),
    ],
)
def test_classify_heading(heading: str, part: int) -> None:
    assert classify_heading(heading) == part


def test_later_year_means_next_year_plan() -> None:
    # "推进措施" alone reads as part 1; after a 2023 heading, a 2024 heading is the plan (part 4)
    assert classify_heading("2024年法治政府建设推进措施") == 1
    assert classify_heading("2024年法治政府建设推进措施", earlier_year=2023) == 4
    assert classify_heading("2024年重点工作措施") == 4  # a part-4 variant listed in report-structure.md
    text = "一、2023年主要举措和成效\n正文。\n二、存在的不足\n正文。\n三、2024年法治政府建设推进措施\n正文。\n"
    assert [s.part for s in parse_sections(text)] == [1, 2, 4]


def test_suggestions_heading_is_the_plan_only_when_its_body_says_so() -> None:
    # a heading that only says 意见建议: the body decides (the agency's next steps, or requests upward)
    assert classify_heading("有关意见建议") is None
    plan = "下一步，我局将继续深化行政执法改革，重点抓好执法人员培训。"
    part, reason = classify_part("有关意见建议", plan)
    assert part == 4
    assert "下一步" in reason
    request = "建议上级部门统一组织执法业务培训，建立跨部门协调机制。"
    part, reason = classify_part("有关意见建议", request)
    assert part is None
    assert "向上级提出的建议" in reason
    text = "一、主要举措和成效\n正文。\n二、存在的不足\n正文。\n三、主要负责人履行职责情况\n正文。\n四、意见建议\n" + request
    sections = parse_sections(text)
    check = check_structure(sections, text, 2023, None)
    assert check.missing == [4]
    assert check.why[1].startswith("一、主要举措和成效") and "举措" in check.why[1]
    assert all(s.reason for s in sections if s.level == 1)


def test_samples_structure(samples_dir: Path) -> None:
    # 001 (南昌县): 四、有关意见建议 asks the province and city for training and a coordination mechanism;
    # it is not 下一年度推进法治政府建设的主要安排, so part 4 is missing (issue 9)
    text = _sample(samples_dir, "001")
    sections = parse_sections(text)
    check = check_structure(sections, text, 2023, "2023-11-21")
    assert check.present == [1, 2, 3]
    assert check.missing == [4]
    assert check.late is False
    last = [s for s in sections if s.level == 1][-1]
    assert last.heading == "有关意见建议" and last.part is None
    assert "建议省、市" in last.reason
    # 003 (余杭): no part-3 heading
    text = _sample(samples_dir, "003")
    sections = parse_sections(text)
    assert [s.heading for s in sections if s.level == 1] == [
        "2021年法治政府建设的主要举措和成效",
        "2021年度推进法治政府建设存在的不足和原因",
        "2022年工作思路",
    ]
    assert check_structure(sections, text, 2021, None).missing == [3]
    # 004 (罗湖): all four, part 3 numbered 三
    text = _sample(samples_dir, "004")
    sections = parse_sections(text)
    assert [s.part for s in sections if s.level == 1] == [1, 2, 3, 4]
    assert len([s for s in sections if s.level == 2]) == 12
    # 002 (秦淮, 2016-2020): 基本情况 / 目前存在的问题 / 下一阶段…工作安排
    text = _sample(samples_dir, "002")
    assert check_structure(parse_sections(text), text, 2020, "2020-09-27").missing == [3]


def test_unnumbered_heading_line_counts_for_the_check() -> None:
    text = "一、主要举措和成效\n正文。\n存在的不足和原因\n人员不足。\n下一年度工作安排\n继续推进。\n"
    check = check_structure(parse_sections(text), text, 2023, None)
    assert check.present == [1, 2, 4]
    assert check.missing == [3]
    assert check.late is None


def test_late_flag() -> None:
    assert check_structure([], "", 2023, "2024-04-01").late is False
    assert check_structure([], "", 2023, "2024-04-02").late is True
    assert check_structure([], "", 2023, "2023-12-30").late is False
    assert check_structure([], "", None, "2024-05-01").late is None
    assert check_structure([], "", 2023, None).late is None
    assert check_structure([], "", 2023, "").late is None


def test_corpus_work_report_outline(corpus_dir: Path) -> None:
    path = corpus_dir / "广东省政府工作报告_2014年.txt"
    text = clean_text(path.read_text(encoding="utf-8"))
    top = [s for s in parse_sections(text) if s.level == 1]
    assert top[0].heading == "2013年工作回顾"
    assert top[0].part == 1
    assert [s.number for s in top] == ["一", "二", "三", "四", "五"][: len(top)]
    assert top[1].part == 4  # 2014年 after 2013年: the year ahead
