"""core.domain: the figure a report states (real sentences from ../shared and our own), units, words, rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import domain
from core.extract import analyse, read_clean
from core.facts import extract_facts
from core.models import Fact
from core.paths import resource
from tests.conftest import GOLD, SAMPLES, SHARED

SIFA_2024 = resource("samples", "青禾市云溪区司法局2024年法治政府建设年度报告.docx")


def _facts(text: str) -> list[Fact]:
    return extract_facts(text)


def _stated(text: str, key: str, year: int | None) -> float | None:
    statement = domain.stated_fact([f for f in _facts(text) if f.key == key], year, text)
    return statement.fact.value if statement is not None else None


# ---------------------------------------------------------------------------------------------- the three cases


def test_sample_2024_review_rate_is_this_years_not_the_tables_previous_year() -> None:
    text = read_clean(SIFA_2024)
    analysis = analyse(text)
    stated = domain.stated_facts(analysis.facts, analysis.report_year, text)
    rate = stated["review.correction_rate"]
    assert rate.fact.value == 12.7
    assert [(f.value, role) for f, role in rate.excluded] == [(13.1, domain.OTHER_YEAR)]
    # 审结 lands on its own indicator, not on 收案
    assert stated["review.concluded"].fact.value == 276
    assert stated["review.received"].fact.value == 318


def test_shared_sample_from_to_takes_the_end_value(samples_dir: Path) -> None:
    path = next(samples_dir.glob("002_*.txt"))
    text = read_clean(path)
    analysis = analyse(text)
    rates = [f for f in analysis.facts if f.key == "litigation.head_appearance_rate"]
    statement = domain.stated_fact(rates, analysis.report_year, text)
    assert statement is not None
    start = next(f for f, role in statement.excluded if role == domain.START)
    # the chosen figure is the one the 从…升至… phrase ends with
    assert re.match(r"\s*[升提增上至到]", text[start.end : start.end + 3])
    assert statement.fact.start > start.end and text[start.end : statement.fact.start].endswith(("至", "到"))


# ---------------------------------------------------------------------------------------------- general shapes


@pytest.mark.parametrize(
    ("text", "key", "year", "expected"),
    [
        # 从A升至B / 由A提高到B / 从某年的A增加到某年的B: B
        ("全区行政机关负责人出庭应诉率从35.2%升至88.6%。", "litigation.head_appearance_rate", 2022, 88.6),
        ("行政机关负责人出庭应诉率由60%提高到100%。", "litigation.head_appearance_rate", 2022, 100),
        ("负责人出庭应诉率由2021年的72%提高至2022年的96%。", "litigation.head_appearance_rate", 2022, 96),
        # this year against last year in a sentence: the report year's figure
        ("行政复议直接纠错率为9.8%，2021年为11.2%。", "review.correction_rate", 2022, 9.8),
        ("2021年行政复议直接纠错率为11.2%，今年直接纠错率为9.8%。", "review.correction_rate", 2022, 9.8),
        ("直接纠错率9.8%，上年同期为11.2%。", "review.correction_rate", 2022, 9.8),
        # a stated total wins over a first, partial mention
        ("其中涉及市场监管的行政复议案件12件。全年共收到行政复议申请57件。", "review.received", 2022, 57),
        # a target is never the report's figure; nor a later year's plan
        ("力争行政机关负责人出庭应诉率达到100%。", "litigation.head_appearance_rate", 2022, None),
        ("2023年行政机关负责人出庭应诉率达到100%。", "litigation.head_appearance_rate", 2022, None),
    ],
)
def test_stated_value_shapes(text: str, key: str, year: int, expected: float | None) -> None:
    assert _stated(text, key, year) == expected


def test_table_column_of_the_report_year() -> None:
    text = "指标\t2021年\t2022年\n行政复议直接纠错率\t11.2%\t9.8%\n"
    assert _stated(text, "review.correction_rate", 2022) == 9.8
    text = "指标\t本年\t上年\n行政复议直接纠错率\t9.8%\t11.2%\n"
    assert _stated(text, "review.correction_rate", 2022) == 9.8
    text = "指标\t目标值\t完成值\n行政机关负责人出庭应诉率\t100%\t95%\n"
    assert _stated(text, "litigation.head_appearance_rate", 2022) == 95
    # without the text the table row is read as written: the first figure
    facts = [f for f in _facts(text) if f.key == "litigation.head_appearance_rate"]
    assert [f.value for f in facts] == [100, 95]
    stated = domain.stated_fact(facts, 2022)
    assert stated is not None and stated.fact.value == 100


def test_other_bodies_and_changes_are_not_the_figure() -> None:
    fact = Fact(value=91.0, unit="%", start=0, end=0, sentence="全市平均出庭应诉率91%", key="litigation.head_appearance_rate")
    assert domain.fact_role(fact, 2022) == domain.OTHER_BODY
    fact = Fact(value=3.0, unit="%", start=0, end=0, sentence="败诉率同比下降3%", key="litigation.loss_rate",
                direction="down")
    assert domain.fact_role(fact, 2022) == domain.CHANGE
    fact = Fact(value=3.0, unit="%", start=0, end=0, sentence="同比下降3%", key="litigation.change", direction="down")
    assert domain.fact_role(fact, 2022) == domain.OWN


def test_a_persons_word_wins_even_over_the_rule() -> None:
    a = Fact(value=13.1, unit="%", start=0, end=5, sentence="2021年为13.1%", key="review.correction_rate",
             status="confirmed")
    b = Fact(value=12.7, unit="%", start=9, end=14, sentence="纠错率12.7%", key="review.correction_rate")
    statement = domain.stated_fact([b, a], 2022)
    assert statement is not None and statement.fact is a and statement.verified
    rejected = Fact(value=12.7, unit="%", start=9, end=14, sentence="纠错率12.7%", key="review.correction_rate",
                    status="rejected")
    assert domain.stated_fact([rejected], 2022) is None


def _shared_texts() -> list[Path]:
    found = sorted(SAMPLES.glob("*.txt")) + sorted((GOLD / "dev").glob("*.txt"))
    found += sorted((SHARED / "corpus").rglob("*.txt"))
    return found


_FROM_TO = re.compile(
    r"(?:从|由)(?:\d{4}年的?)?(\d+(?:\.\d+)?)(%|件|个|家|项|人|名|万元|亿元|次)"
    r"(?:上升|提高|提升|增加|增长|下降|降低|减少|跃升)?(?:至|到)(?:\d{4}年的?)?(\d+(?:\.\d+)?)"
)


def test_real_from_to_sentences_start_value_is_never_the_figure() -> None:
    """Every 从A…至B in the shared reports (read at run time): A is a start value, B is not."""
    texts = _shared_texts()
    if not texts:
        pytest.skip("../shared is not present")
    checked = 0
    for path in texts:
        text = read_clean(path)
        matches = list(_FROM_TO.finditer(text))
        if not matches:
            continue
        facts = _facts(text)
        by_start = {f.start: f for f in facts}
        for m in matches:
            a = by_start.get(m.start(1))
            b = by_start.get(m.start(3))
            if a is None or b is None:
                continue
            assert domain.fact_role(a, None, text) == domain.START, (path.name, m.group(0))
            assert domain.fact_role(b, None, text) != domain.START, (path.name, m.group(0))
            checked += 1
    assert checked >= 20


_YEAR_AGAINST = re.compile(r"(\d{4})年(?:同期)?为(\d+(?:\.\d+)?)")


def test_real_sentences_naming_another_year_are_that_years() -> None:
    """`…2015年为7.5…` style clauses in the shared reports: the figure is the named year's."""
    checked = 0
    for path in _shared_texts():
        text = read_clean(path)
        matches = list(_YEAR_AGAINST.finditer(text))
        if not matches:
            continue
        by_start = {f.start: f for f in _facts(text)}
        for m in matches:
            fact = by_start.get(m.start(2))
            if fact is None:
                continue
            year = int(m.group(1))
            assert domain.fact_role(fact, year + 1, text) == domain.OTHER_YEAR, (path.name, m.group(0))
            assert domain.fact_role(fact, year, text) == domain.OWN, (path.name, m.group(0))
            checked += 1
    if not checked:
        pytest.skip("no such sentence in ../shared")


# ---------------------------------------------------------------------------------------------- words and rules


def test_units_one_table() -> None:
    assert domain.unit_scale("亿元") == ("元", 1e8)
    assert domain.unit_scale("万件") == ("件", 1e4)
    assert domain.unit_scale("宗") == ("件", 1.0) and domain.same_unit("起", "件")
    assert domain.unit_scale("百万元") == ("元", 1e6)
    assert domain.unit_scale("个百分点") == ("个百分点", 1.0) and domain.unit_scale("百分点") == ("百分点", 1.0)
    assert domain.convert(1.2, "亿元", "万元") == pytest.approx(12000)
    assert domain.convert(3, "件", "%") is None
    assert domain.same_unit("名", "人") and not domain.same_unit("次", "户次")


def test_late_rule_and_where_it_applies() -> None:
    assert domain.is_late(2023, "2024-04-02") is True
    assert domain.is_late(2023, "2024-04-01") is False
    assert domain.is_late(None, "2024-04-02") is None and domain.is_late(2023, "") is None
    assert domain.structure_applies("法治政府建设年度报告")
    for other in ("政府工作报告", "法治政府建设工作报告", "会议纪要", "其他"):
        assert not domain.structure_applies(other)


def test_grid_states_worst_first() -> None:
    assert [s.code for s in domain.GRID_STATES] == ["missing", "parts", "late", "in"]
    assert domain.grid_state("逾期、缺项").code == "parts"  # type: ignore[union-attr]
    assert domain.grid_state("已报送（2份）").code == "in"  # type: ignore[union-attr]
    assert domain.grid_state("in").label == "已报送"  # type: ignore[union-attr]
    assert domain.grid_state("？") is None


def test_one_word_for_each_thing_everywhere() -> None:
    """The tables that used to disagree now are core.domain's."""
    from core import compare, export, export_compare

    assert export.PART_NAMES is domain.PART_NAMES and compare.REQUIRED_PART_NAMES is domain.PART_NAMES
    assert export.STATUS_NAMES is domain.STATUS_NAMES and domain.STATUS_NAMES["rejected"] == "已否决"
    assert [c for c, _, _ in export_compare.GRID_STATUSES] == [s.code for s in domain.GRID_STATES]
    assert export_compare.unit_scale("宗") == domain.unit_scale("宗")
    assert compare.split_unit("万元") == (1e4, "元")


def test_year_sentences_were_found() -> None:
    found = sum(len(_YEAR_AGAINST.findall(read_clean(p))) for p in _shared_texts())
    if not _shared_texts():
        pytest.skip("../shared is not present")
    assert found >= 1


def test_compare_computes_a_change_only_for_the_same_indicator_in_the_same_unit() -> None:
    from core.compare import compare_figures

    def fact(value: float, unit: str, key: str | None, start: int, sentence: str) -> Fact:
        return Fact(value=value, unit=unit, start=start, end=start + 3, sentence=sentence, key=key)

    a = [fact(58, "名", "enforcement.officers", 0, "持证执法人员58名"),
         fact(37, "件", "enforcement.penalty_cases", 10, "行政处罚案件37件"),
         fact(4, "期", "education.trainings", 20, "培训4期")]
    b = [fact(1342, "人", "enforcement.officers", 0, "持证执法人员1342人"),
         fact(12, "宗", "enforcement.penalty_cases", 10, "行政处罚案件12宗"),
         fact(56, "场", "education.trainings", 20, "培训56场")]
    rows = {r.key: r for r in compare_figures(a, "", b, "")}
    assert rows["enforcement.officers"].diff == 1284  # 名 and 人 count people alike
    assert rows["enforcement.penalty_cases"].diff == -25  # 件/宗 alike
    trainings = rows["education.trainings"]
    assert trainings.diff is None and trainings.pct is None and "单位不同" in trainings.note
    # the figure each report states: the end of 从A升至B, this year's, never a target
    a = [fact(29.4, "%", "litigation.head_appearance_rate", 0, "出庭率从29.4%升至91.11%"),
         fact(91.11, "%", "litigation.head_appearance_rate", 5, "出庭率从29.4%升至91.11%")]
    b = [fact(100, "%", "litigation.head_appearance_rate", 0, "力争出庭率达到100%"),
         fact(95, "%", "litigation.head_appearance_rate", 9, "出庭率95%")]
    row = compare_figures(a, "", b, "", 2020, 2021)[0]
    assert (row.value_a, row.value_b) == (91.11, 95) and row.diff == pytest.approx(3.89)


@pytest.mark.parametrize(
    ("sentence", "key"),
    [
        ("今年审结行政复议案件48件。", "review.concluded"),
        ("依法办结行政复议案件45件。", "review.concluded"),
        ("受理行政复议案件51件。", "review.accepted"),
        ("全年收案56件。", "review.received"),
        ("新收行政复议案件60件。", "review.received"),
        ("经审理，纠错7件。", "review.corrected"),
    ],
)
def test_review_verbs_land_on_their_own_indicators(sentence: str, key: str) -> None:
    keys = [f.key for f in _facts(sentence)]
    assert keys == [key], (sentence, keys)
