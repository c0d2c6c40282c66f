"""Numeric fact extraction: the annotation conventions, offsets, the gold set, real corpus text, speed."""

from __future__ import annotations

import importlib.util
import math
import re
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clean import clean_text
from core.extract import analyse, read_clean
from core.facts import extract_facts, iter_number_spans, parse_fact_at
from core.models import Fact
from tests.conftest import GOLD, REPO, SHARED


def _facts(text: str) -> list[tuple[float, str]]:
    return [(fact.value, fact.unit) for fact in extract_facts(text)]


def _one(text: str) -> Fact:
    facts = extract_facts(text)
    assert len(facts) == 1, [(f.value, f.unit, text[f.start : f.end]) for f in facts]
    return facts[0]


# --- what IS a fact -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("全年受理行政复议案件56件。", 56, "件", ""),
        ("共收缴罚没款326.5万元。", 326.5, "万元", ""),
        ("累计处理群众诉求12万余件。", 12, "万件", "余"),
        ("惠及群众3万余户。", 3, "万户", "余"),
        ("开展普法宣传活动300余场。", 300, "场", "余"),
        ("发放补贴1,250万元。", 1250, "万元", ""),
        ("群众满意率超过98%。", 98, "%", "超过"),
        ("听证率80%以上。", 80, "%", "以上"),
        ("纠错率10%左右。", 10, "%", "左右"),
        ("参训人员约500人。", 500, "人", "约"),
        ("出庭应诉率达100%。", 100, "%", "达"),
        ("全年审查合同 86 份。", 86, "份", ""),
        ("走访农户45户(次)。", 45, "户(次)", ""),
        ("完成投资2.6亿元。", 2.6, "亿元", ""),
        ("挽回经济损失200余万元。", 200, "万元", "余"),
        ("发放宣传册3000本。", 3000, "本", ""),
        ("接听来电3000余通。", 3000, "通", "余"),
        ("走访群众120人(次)。", 120, "人(次)", ""),
        ("研发人员全时当量达3.8万人年。", 3.8, "万人年", "达"),
    ],
)
def test_number_unit_qualifier(text: str, value: float, unit: str, qualifier: str) -> None:
    fact = _one(text)
    assert (fact.value, fact.unit, fact.qualifier) == (value, unit, qualifier)
    assert str(int(value)) in text[fact.start : fact.end].replace(",", "")
    assert fact.sentence == text


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("举办领导干部法治培训班的三期培训。", 3, "期"),
        ("邀请专家开展专题辅导十余场。", 10, "场"),
        ("组织执法人员两千余人参加考试。", 2000, "人"),
        ("参加区政府常务会议近千次。", 1000, "次"),
        ("全年发生行政诉讼案件一宗。", 1, "宗"),
        ("分三批下放审批事项。", 3, "批"),
        ("完成投资三点五亿元。", 3.5, "亿元"),
        ("群众满意率达到百分之九十八点五。", 98.5, "%"),
    ],
)
def test_chinese_numerals(text: str, value: float, unit: str) -> None:
    fact = _one(text)
    assert (fact.value, fact.unit) == (value, unit)


def test_explicit_zeros() -> None:
    text = "全年未发生行政复议被纠错案件,行政诉讼实现零败诉。"
    facts = extract_facts(text)
    assert [(f.value, f.unit) for f in facts] == [(0, "件"), (0, "件")]
    assert [f.key for f in facts] == ["review.corrected", "litigation.lost"]
    assert text[facts[0].start : facts[0].end] == "未发生行政复议被纠错案件"
    # A goal is not a result.
    assert extract_facts("力争实现零败诉。") == []
    # 无…败诉案件 and a rate stated as 0.
    zeros = extract_facts("全年无行政诉讼败诉案件，行政复议纠错率为0。")
    assert [(f.value, f.unit, f.key) for f in zeros] == [
        (0, "件", "litigation.lost"),
        (0, "%", "review.correction_rate"),
    ]


def test_ranks() -> None:
    fact = _one("法治政府建设考核位列全市第一。")
    assert (fact.value, fact.unit, fact.key) == (1, "名", "assessment.rank")
    assert _one("年度考评排名全省第3。").value == 3
    assert _one("在全区绩效考核中名列第二名。").value == 2
    # Ordinals that are not ranks.
    assert _facts("位列全市第一方阵。坚持第一责任人职责。把安全放在第一位。") == []


def test_several_facts_in_one_phrase() -> None:
    text = "规范性文件报备率、及时率及规范率均达100%。"
    facts = extract_facts(text)
    assert [f.value for f in facts] == [100, 100, 100]
    assert len({(f.start, f.end) for f in facts}) == 1
    assert [f.key for f in facts] == [
        "normdoc.filing_rate",
        "normdoc.filing_timely_rate",
        "normdoc.filing_compliance_rate",
    ]
    # Without 均 the names form one indicator.
    assert len(extract_facts("建议提案满意率和基本满意率达100%。")) == 1


def test_rise_and_fall() -> None:
    rise = extract_facts("负责人出庭率从35.2%升至92.5%。")
    assert [(f.value, f.direction) for f in rise] == [(35.2, None), (92.5, "up")]
    assert {f.key for f in rise} == {"litigation.head_appearance_rate"}
    fall = extract_facts("行政诉讼案件和败诉案件同比分别下降12.5%、40%。")
    assert [(f.value, f.direction) for f in fall] == [(12.5, "down"), (40, "down")]
    assert all(f.value > 0 for f in fall)


def test_respective_values_follow_their_names() -> None:
    facts = extract_facts("收到行政复议申请和行政诉讼案件分别为12件、30件。")
    assert [(f.value, f.key) for f in facts] == [(12, "review.received"), (30, "litigation.cases")]
    rates = extract_facts("学法考试参考率、合格率分别为100%、98%。")
    assert [(f.value, f.key) for f in rates] == [(100, "education.exam_rate"), (98, "education.exam_rate")]


def test_scraping_damage() -> None:
    # A lost 、 between two percentages, a space before the unit, a stray 个 before 家.
    assert _facts("两类案件分别下降23.8%67.4%实现双下降") == [(23.8, "%"), (67.4, "%")]
    assert _facts("梳理权力事项1319 项。") == [(1319, "项")]
    assert _facts("约谈9个家欠薪单位。") == [(9, "家")]
    # A date that lost its 年月日 is not a fact.
    assert _facts("第三次主任会议2023824上午召开,20227月至20236期间") == []


# --- what is NOT a fact ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2023年5月12日,我局召开会议。",
        "根据《关于印发实施意见的通知》(赣人社发【2023】6号)文件精神。",
        "索引号:11360121014567890X/2023-00123",
        "举报投诉电话:0791-85722422。",
        "畅通12345政务服务便民热线。",
        "一、主要工作\n(一)加强组织领导\n1.强化学习",
        "区二届人大常委会第三十次会议文件",
        "发布时间:2023-09-12 浏览数:2868",
        "来源：区司法局 发布时间：2023-01-20 10:30:15 浏览次数：1523次 字号：【大 中 小】",
        "粤ICP备05076235号 | 粤公网安备 44030502001234号 | 网站标识码：4403050001 第1页 共3页",
        "苏ICP备05012345号-1",
        "最佳浏览分辨率1024*768",
        "征求意见期限不低于7个工作日。",
        "严格执行2人以上执法规定。",
        "在全市15个省级以上开发区中首家组建审批局。",
        "成为全省3个试点地区之一。",
        "主要负责同志数十次作出批示。",
        "落实行政执法三项制度,增强四个意识、做到两个维护。",
        "推动一批项目落地,办好一件事。",
        "对“1+3+N”机制和《30条措施》进行评估。",
        "引进超10亿元项目。",
        "每年至少组织2次集中学法。",
        "每季度开展1次执法案卷评查。",
        "存在以下3个方面问题,分3个阶段推进,办理时限5个工作日。",
    ],
)
def test_not_facts(text: str) -> None:
    assert extract_facts(text) == [], [(f.value, f.unit) for f in extract_facts(text)]


TYPICAL = """全年共收到行政复议申请45件，受理41件，审结38件，其中维持26件，撤销3件，调解和解结案4件，直接纠错率为12.2%。
本年度以区政府为被告的行政诉讼案件共32件，已审结28件，败诉2件，败诉率为7.1%，出庭应诉率达100%。
全年制定行政规范性文件12件。审查各类合同186份，出具法律意见书52份。
全年共查办行政处罚案件1523件，罚没款合计586.3万元，开展行政检查4382次。
全区共有持证执法人员1356名，组织执法人员培训8期，参训620人次。
全年主动公开政府信息3256条，受理政府信息公开申请87件。
全区共有人民调解组织215个，人民调解员1380名，调处矛盾纠纷4211件，调解成功率98.6%。
办理法律援助案件1021件，为受援人挽回经济损失1380万元。
办理人大代表建议126件、政协委员提案158件，满意率98%。
举办领导干部法治讲座4场，组织国家工作人员学法考试，参考率100%。
重大行政决策事项5项全部纳入目录管理。12345热线受理群众诉求2.3万件，按时办结率99.8%。
医疗机构检查检验结果互认项目增至325个。"""


def test_keys_on_typical_report_phrasing() -> None:
    keys = [(fact.value, fact.key) for fact in extract_facts(TYPICAL)]
    assert keys == [
        (45, "review.received"),
        (41, "review.accepted"),
        (38, "review.concluded"),
        (26, "review.upheld"),
        (3, "review.corrected"),
        (4, "review.settled"),
        (12.2, "review.correction_rate"),
        (32, "litigation.cases"),
        (28, None),
        (2, "litigation.lost"),
        (7.1, "litigation.loss_rate"),
        (100, "litigation.head_appearance_rate"),
        (12, "normdoc.issued"),
        (186, "counsel.documents_reviewed"),
        (52, "counsel.documents_reviewed"),
        (1523, "enforcement.penalty_cases"),
        (586.3, "enforcement.fines"),
        (4382, "enforcement.inspections"),
        (1356, "enforcement.officers"),
        (8, "enforcement.trainings"),
        (620, "enforcement.trainees"),
        (3256, "openness.proactive"),
        (87, "openness.requests"),
        (215, "disputes.mediation_orgs"),
        (1380, "disputes.mediators"),
        (4211, "disputes.mediated"),
        (98.6, "disputes.mediation_success_rate"),
        (1021, "disputes.legal_aid_cases"),
        (1380, "disputes.losses_recovered"),
        (126, "npc.suggestions"),
        (158, "npc.proposals"),
        (98, "npc.satisfaction_rate"),
        (4, "education.trainings"),
        (100, "education.exam_rate"),
        (5, "decision.major"),
        (2.3, "disputes.hotline_requests"),
        (99.8, "disputes.hotline_on_time_rate"),
        (325, None),
    ]


def test_generic_words_need_their_area() -> None:
    # 审结 is a 行政复议 synonym; in a sentence about 行政诉讼 it names nothing.
    review, court = extract_facts("收到行政复议申请45件，审结38件。行政诉讼案件32件，审结28件。")[1::2]
    assert review.key == "review.concluded"
    assert court.key is None
    # 同比增长 alone does not make a figure the 行政诉讼 change.
    assert _one("地区生产总值同比增长6.5%。").key is None
    assert _one("行政诉讼案件同比下降12%。").key == "litigation.change"
    # Several keys share 受理: the sentence's area picks one.
    assert _one("劳动人事争议仲裁院全年受理案件860件。").key == "disputes.labor_cases"
    assert _one("全年受理政府信息公开申请87件。").key == "openness.requests"


def test_scores() -> None:
    fact = _one("法治政府建设考评得分95.5分。")
    assert (fact.value, fact.unit, fact.key) == (95.5, "分", "assessment.score")
    assert extract_facts("用时10分钟,分别推进。") == []


def test_restatement_is_kept_once() -> None:
    text = "行政机关负责人出庭率达到了100%。总结如下。行政机关负责人出庭率达到了100%。"
    assert len(extract_facts(text)) == 1


def test_offsets_and_sentences() -> None:
    text = "一、基本情况\n全年共办理行政处罚案件2121件,罚没金额415.65万元;受理行政复议案件18件。"
    facts = extract_facts(text)
    assert [text[f.start : f.end] for f in facts] == ["2121件", "415.65万元", "18件"]
    assert [f.key for f in facts] == ["enforcement.penalty_cases", "enforcement.fines", "review.accepted"]
    assert facts[0].name == "行政处罚案件数"
    assert facts[2].sentence == "受理行政复议案件18件。"


def test_parse_fact_at_a_selection() -> None:
    text = "今年共办结依申请公开件37件,办结率100%。"
    start = text.index("37")
    fact = parse_fact_at(text, start, start + 3)
    assert fact is not None
    assert (fact.value, fact.unit, fact.key) == (37, "件", "openness.requests")
    # A bare number the extractor would skip is still taken when the user selects it.
    bare = parse_fact_at("编号2023", 2, 6)
    assert bare is not None
    assert (bare.value, bare.unit) == (2023, "")
    assert parse_fact_at(text, 0, 3) is None
    zero = parse_fact_at("今年行政诉讼实现零败诉。", 8, 11)
    assert zero is not None
    assert (zero.value, zero.unit, zero.key) == (0, "件", "litigation.lost")
    long_text = "一、情况\n" * 200 + "出庭应诉率达到100%。"
    at = long_text.index("100")
    selected = parse_fact_at(long_text, at, at + 4)
    assert selected is not None
    assert (selected.value, selected.qualifier, selected.key) == (
        100,
        "达到",
        "litigation.head_appearance_rate",
    )
    assert long_text[selected.start : selected.end] == "100%"
    assert parse_fact_at(text, 5, 5) is None
    assert list(iter_number_spans(text)) == [(start, start + 3), (text.index("100"), text.index("100") + 4)]


# --- the gold set -------------------------------------------------------------------------------------------
def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", REPO / "bench" / "score_extraction.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_scorer_matching_rule() -> None:
    scorer = _scorer()
    text = "报备率、及时率及规范率均达100%。依法废止10件,失效5件。"
    gold = [
        scorer.GoldFact(
            "d", "及时率", 100, "%", "报备率、及时率及规范率均达100%", "normdoc.filing_timely_rate"
        ),
        scorer.GoldFact("d", "报备率", 100, "%", "报备率、及时率及规范率均达100%", "normdoc.filing_rate"),
        scorer.GoldFact("d", "失效", 5, "件", "失效5件", ""),
        scorer.GoldFact("d", "不存在", 7, "件", "不在文中7件", ""),
    ]
    facts = extract_facts(text)
    pairs, missing = scorer.match_doc(gold, facts, text)
    assert missing == [3]
    # Same span, three predictions: the two gold rows pair with the predictions carrying their keys.
    assert facts[pairs[0]].key == "normdoc.filing_timely_rate"
    assert facts[pairs[1]].key == "normdoc.filing_rate"
    assert facts[pairs[2]].value == 5
    assert len(set(pairs.values())) == 3
    # A value that differs does not match even inside the span.
    wrong = [scorer.GoldFact("d", "x", 10, "件", "失效5件", "")]
    assert scorer.match_doc(wrong, facts, text)[0] == {}


def test_gold_precision_recall_and_keys(samples_dir: Path) -> None:
    scorer = _scorer()
    gold = scorer.load_gold(GOLD / "seeds_gold.tsv")
    docs = sorted({row.doc for row in gold})
    predicted = matched = keyed = keyed_hit = 0
    for doc in docs:
        text = read_clean(samples_dir / doc)
        facts = analyse(text, doc).facts
        rows = [row for row in gold if row.doc == doc]
        pairs, missing_span = scorer.match_doc(rows, facts, text)
        assert not missing_span
        predicted += len(facts)
        matched += len(pairs)
        keyed += sum(1 for row in rows if row.key)
        keyed_hit += sum(1 for gi, pi in pairs.items() if rows[gi].key and facts[pi].key == rows[gi].key)
        for fact in facts:
            assert 0 <= fact.start < fact.end <= len(text)
            assert fact.sentence and text[fact.start : fact.end] in fact.sentence
    assert matched / predicted >= 0.97
    assert matched / len(gold) >= 0.95
    assert keyed_hit / keyed >= 0.90


# --- real unannotated reports ---------------------------------------------------------------------------------
def test_corpus_facts_are_not_dates_names_or_ordinals(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.glob("*.txt"))[::10]
    assert files
    total = 0
    for path in files:
        text = read_clean(path)
        for fact in extract_facts(text):
            total += 1
            span = text[fact.start : fact.end]
            assert fact.value == 0 or re.search(r"[\d零〇一二两三四五六七八九十百千万亿]", span)
            following = text[fact.end : fact.end + 2]
            assert not re.match(r"年(?!度)|月|日|号", following), (
                span,
                text[fact.start - 10 : fact.end + 10],
            )
            assert text[max(0, fact.start - 1) : fact.start] != "第" or fact.unit == "名"
            assert fact.value >= 0
    assert total > 100


def test_fifty_thousand_characters_are_fast(corpus_dir: Path) -> None:
    text = ""
    for path in sorted(corpus_dir.glob("*.txt")):
        text += read_clean(path)
        if len(text) >= 50_000:
            break
    text = text[:50_000]
    extract_facts(text)
    started = time.process_time()
    facts = extract_facts(text)
    elapsed = time.process_time() - started
    assert facts
    assert elapsed < 2.0  # CPU time, ~40 ms measured (bench/score_extraction.py times it)


_ALPHABET = "0123456789.,，%％ 一二两三十百千万亿零点余多近约第共全区市年月日件宗次人名个家项率为达均、。；：“”《》()（）\n+-/案败诉未发生无"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_any_text_gives_well_formed_facts(text: str) -> None:
    for fact in extract_facts(text):
        assert 0 <= fact.start < fact.end <= len(text)
        assert math.isfinite(fact.value)
        assert fact.value >= 0
        assert fact.direction in (None, "up", "down")
        assert fact.sentence.strip() == fact.sentence
        assert text[fact.start : fact.end].strip() in fact.sentence
    for start in range(0, len(text), 7):
        parse_fact_at(text, start, start + 9)


def test_text_without_punctuation_stays_fast_and_bounded() -> None:
    # Scraped pages can run for thousands of characters without a full stop.
    for text in (
        "开展执法检查5次" * 3000,
        "行政复议" * 50_000 + "12件",
        "报备率、及时率" * 3000 + "均达100%",
    ):
        started = time.process_time()
        facts = extract_facts(text)
        assert time.process_time() - started < 5
        assert facts
        assert all(len(fact.sentence) <= 401 for fact in facts)
    # A list of names sharing one number is split only when it is short.
    assert len(extract_facts("报备率、及时率" * 3000 + "均达100%")) == 1


# --- per-document bounds (hostile, number-dense files) ----------------------------------------------------


def _number_dense(megabytes: int) -> str:
    """Every line a different set of figures, so nothing collapses as a restatement."""
    lines = []
    size = 0
    i = 0
    while size < megabytes * 1024 * 1024:
        line = f"第{i % 97 + 1}组收到申请{i}件，审结{i % 1000 + 3}件，纠错率{i % 100}.{i % 10}%，罚款{i % 500}万元。\n"
        lines.append(line)
        size += len(line.encode())
        i += 1
    return "".join(lines)


def test_number_dense_5mb_text_is_capped_and_bounded_in_time() -> None:
    from core import facts as facts_module

    text = _number_dense(5)
    started = time.process_time()
    result = facts_module.extract_facts_bounded(text)
    elapsed = time.process_time() - started
    assert elapsed < 60, f"{elapsed:.1f} s of CPU"
    assert result.truncated and result.stopped_by == "facts"
    assert 0 < result.read_chars < len(text) and result.total_chars == len(text)
    # stopped in the chunk where MAX_FACTS raw facts were reached (restatements then dropped)
    assert facts_module.MAX_FACTS // 2 < len(result.facts) < 2 * facts_module.MAX_FACTS
    assert all(fact.end <= result.read_chars for fact in result.facts)
    assert result.warning is not None and "数字过多" in result.warning
    # extract_facts (the contract callers use) applies the same bound
    assert len(extract_facts(text)) == len(result.facts)
    # analyse() passes the note on for the import report
    analysis = analyse(text[:400_000], "统计.txt")
    assert analysis.warnings and "数字过多" in analysis.warnings[0]


def test_character_cap_stops_at_a_sentence_end() -> None:
    from core.facts import extract_facts_bounded

    text = "本年度共收到行政复议申请12件。\n" + "依法行政工作持续推进。" * 2000 + "审结行政诉讼案件8件。"
    whole = extract_facts_bounded(text)
    assert not whole.truncated and whole.warning is None and len(whole.facts) == 2
    capped = extract_facts_bounded(text, max_chars=1000)
    assert capped.truncated and capped.stopped_by == "chars"
    assert capped.read_chars <= 1000 and text[capped.read_chars - 1] in "。\n"
    assert [(f.value, f.unit) for f in capped.facts] == [(12.0, "件")]
    assert capped.warning is not None and "文件过长" in capped.warning


def test_reading_in_chunks_finds_what_one_pass_finds(corpus_dir: Path) -> None:
    """Chunks end just after a sentence delimiter, which no pattern crosses: same facts as one pass."""
    from core.fact_rules import _follow_activity, _unkey_parts
    from core.facts import FactExtractor, _Context, _drop_restatements

    text = "\n".join(read_clean(path) for path in sorted(corpus_dir.glob("*.txt"))[:12])
    assert len(text) > 150_000  # several chunks
    extractor = FactExtractor()
    chunked = extractor.extract_bounded(text, max_facts=10**9, max_chars=10**9)
    assert not chunked.truncated
    raw = extractor._extract_range(_Context.build(text), 0, len(text))
    _follow_activity(raw, extractor.dictionary)
    _unkey_parts(raw, text)
    one_pass = _drop_restatements(text, raw)
    assert chunked.facts == one_pass


def test_a_leader_appearing_in_court_is_not_the_case_count() -> None:
    text = "一审行政诉讼案件139件。区长带头出庭应诉行政诉讼案件1件，各部门负责人出庭应诉案件42件。"
    keys = [(fact.value, fact.key) for fact in extract_facts(text)]
    assert keys == [
        (139, "litigation.cases"),
        (1, "litigation.head_appearances"),
        (42, "litigation.head_appearances"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "下一步，力争全区政务服务事项网办率达到95%。",
        "2024年确保规范性文件备案审查率保持100%。",
        "争取年底前再建成调解工作室6个。",
        "依法对（个人2000元以上、法人3万元以上）的罚款告知听证权利。",
    ],
)
def test_targets_and_bracketed_thresholds_are_not_facts(text: str) -> None:
    assert extract_facts(text) == [], [(f.value, f.unit) for f in extract_facts(text)]


def test_held_out_style_keys() -> None:
    # Synonyms and units added after the held-out check (tests/core/heldout).
    assert _one("全年审核各类涉法事务218件。").key == "normdoc.legality_reviews"
    assert _one("全街道共建成人民调解委员会14个。").key == "disputes.mediation_orgs"
    assert _one("开展法治宣传活动12场次。").key == "education.campaigns"
    assert _one("共评查行政执法案卷86卷。").key == "enforcement.case_reviews"
    assert _one("组织参加行政执法资格考试，通过率93.5%。").key == "education.exam_rate"
    assert _one("重大行政决策事项中召开听证会3场。").key == "decision.hearings"
    # 列席政府常务会议 also matches with the report's own level written in: 列席县政府常务会议.
    assert _one("法律顾问列席县政府常务会议12次。").key == "counsel.meetings"
    # A result stays a fact when no target word governs its clause.
    assert _one("全年网办率达到95%。").value == 95


def test_not_corrected_or_lost_are_zeros() -> None:
    facts = extract_facts("全年办理行政复议案件5件、行政诉讼案件2件，均未被纠错或败诉。")
    zeros = [(f.value, f.key) for f in facts if f.value == 0]
    assert zeros == [(0, "review.corrected"), (0, "litigation.lost")]
    assert [(f.value, f.key) for f in extract_facts("全年行政诉讼案件未败诉。")] == [(0, "litigation.lost")]
    # A zero promised is not a zero reached.
    assert extract_facts("力争全年行政复议案件未被纠错。") == []


# --- shapes of real reports (issue 9) -------------------------------------------------------------------
def _keyed(text: str) -> list[tuple[float, str, str | None]]:
    return [(f.value, f.unit, f.key) for f in extract_facts(text)]


def test_legal_adviser_as_actor_decides_the_counsel_key() -> None:
    text = "常年法律顾问全年共代理各类行政复议案件9件，参加局务会、专题论证会等会议21次，审核各类合同协议56份。"
    assert _keyed(text) == [
        (9, "件", "counsel.cases_represented"),
        (21, "次", "counsel.meetings"),
        (56, "份", "counsel.documents_reviewed"),
    ]
    # without the adviser the same case count is the agency's 复议 figure, and convening a meeting is no counsel key
    assert _keyed("全年共收到行政复议案件9件。")[0][2] == "review.received"
    assert _keyed("召开专题部署会议4次。")[0][2] is None
    # the adviser counted (聘请法律顾问3名) or another subject after it: the agency's own cases
    assert _keyed("聘请法律顾问3名，全年办理行政复议案件12件。")[1][2] == "review.received"
    assert _keyed("法律顾问审核合同20份，我局全年办理行政复议案件12件。")[1][2] == "review.received"


def test_shapes_of_the_development_set_get_their_keys() -> None:
    cases = {
        "出台（修订）规范性文件7个": "normdoc.issued",
        "代理诉讼案件5起": "counsel.cases_represented",
        "修改各种法律文书18份": "counsel.documents_reviewed",
        "出具法律意见书3次": "counsel.documents_reviewed",
        "办理人大议案建议6件": "npc.suggestions",
        "排查生产经营单位及重点场所120家次": "enforcement.inspections",
        "开展执法人员跟班轮训9人次": "enforcement.trainees",
        "持有行政执法资格证人员有27人": "enforcement.officers",
    }
    for sentence, key in cases.items():
        keys = [k for _, _, k in _keyed(sentence + "。")]
        assert keys == [key], sentence


def test_people_count_after_a_training_count_is_its_trainees() -> None:
    facts = _keyed("组织干部职工开展法治培训6场次，覆盖300余人次。")
    assert facts == [(6, "场次", "education.trainings"), (300, "人次", "education.trainees")]


def test_parts_of_a_total_split_by_level_stay_unkeyed() -> None:
    facts = _keyed("现有调解组织96个，其中街道调委会8家，社区调委会88家。")
    assert [k for _, _, k in facts] == ["disputes.mediation_orgs", None, None]
    # a named kind of item after 其中 keeps its key
    facts = _keyed("进驻事项210项，其中“一件事”事项30项。")
    assert [k for _, _, k in facts] == ["service.items", "service.items"]
    assert _keyed("区级取消政务服务事项12项。")[0][2] is None  # another action than the stock of items


def test_explicit_zeros_of_real_shapes() -> None:
    assert [(v, u) for v, u, _ in _keyed("辖区内无森林火情、亡人火警。")] == [(0, "起"), (0, "起")]
    assert [(v, u) for v, u, _ in _keyed("安全生产“零事故”。")] == [(0, "起")]
    assert [(v, u) for v, u, _ in _keyed("未认领事项数量为0。")] == [(0, "项")]
    assert [(v, u) for v, u, _ in _keyed("经审查，未发现排除限制竞争的政策文件。")] == [(0, "件")]


def test_shares_frequencies_and_parameters() -> None:
    assert [(v, u) for v, u, _ in _keyed("实现了85%以上的许可事项全程网办。")] == [(85, "%")]
    assert _keyed("对项目库按5%比例进行抽查，抽查频率1年2次。") == []
    assert [(v, u) for v, u, _ in _keyed("生态环境执法工作取得三个全省第一。")] == [(3, "个")]


def test_figures_of_courts_are_counts_about_others() -> None:
    text = (
        "云溪区统计局2023年法治政府建设情况报告\n"
        "区法院少年法庭全年审结刑事案件14件、民事案件30件。\n"
        "我局全年办理行政复议案件3件。\n"
        "我局答复检察院检察建议书2件。\n"
    )
    values = [(f.value, f.unit) for f in analyse(text, "x.txt").facts]
    assert values == [(3, "件"), (2, "件")]
    # a court's figure about the administration (行政诉讼) is the agency's concern
    facts = analyse("某区人民政府2023年法治政府建设情况报告\n全年区法院受理行政诉讼案件35件。\n", "y.txt").facts
    assert [(f.value, f.key) for f in facts] == [(35, "litigation.cases")]


def test_development_set_facts_bar() -> None:
    dev = GOLD / "dev" / "gold.tsv"
    if not dev.is_file():
        pytest.skip("../shared/gold/dev is not present")
    scorer = _scorer()
    gold = scorer.load_gold(dev)
    docs = sorted({g.doc for g in gold})
    n_pred = n_gold = matched = keyed = keyed_hit = 0
    for doc in docs:
        text = read_clean(GOLD / "dev" / f"{doc}.txt")
        facts = analyse(text, f"{doc}.txt").facts
        golds = [g for g in gold if g.doc == doc]
        pairs, _ = scorer.match_doc(golds, facts, text)
        n_pred += len(facts)
        n_gold += len(golds)
        matched += len(pairs)
        keyed += sum(1 for g in golds if g.key)
        keyed_hit += sum(1 for gi, pi in pairs.items() if golds[gi].key and facts[pi].key == golds[gi].key)
    assert matched / n_pred >= 0.97
    assert matched / n_gold >= 0.95
    assert keyed_hit / keyed >= 0.90


def test_an_unplaceable_figure_stays_unkeyed() -> None:
    # a bare generic word whose object is another kind of thing names no indicator (key precision first)
    assert _keyed("系统上共受理来信件35件。")[0][2] is None
    assert _keyed("问题线索办结率100%。")[0][2] is None
    assert _keyed("梳理政务服务事项清单12个。")[0][2] is None
    assert [k for _, _, k in _keyed("将3项行政许可事项经办权限调整为区级。")] == [None]
    assert _keyed("全年受理行政复议申请35件。")[0][2] == "review.accepted"


def test_rates_joined_without_jun_share_one_number() -> None:
    facts = _keyed("全程网办率以及不见面率达100%。")
    assert [(v, u) for v, u, _ in facts] == [(100, "%"), (100, "%")]
    assert len(_keyed("满意率和基本满意率达100%。")) == 1  # one compound figure


def test_size_of_another_bodys_policy_package_is_no_fact() -> None:
    text = "云溪区统计局2023年法治政府建设情况报告\n全面落实国家20条稳经济政策措施和省15条助企政策，我局制定配套措施6条。\n"
    assert [(f.value, f.unit) for f in analyse(text, "x.txt").facts] == [(6, "条")]


# --- keys from the clause's structure (fixtures in the tests' own words) -------------------------------


def _keys(text: str) -> list[tuple[float, str | None]]:
    return [(fact.value, fact.key) for fact in extract_facts(text)]


def test_a_bare_rate_word_names_its_indicator_only_where_the_sentence_says_the_area() -> None:
    assert _keys("走访重点企业，企业满意率95%。") == [(95, None)]
    assert _keys("医院急诊抢救成功率91%。") == [(91, None)]
    assert _keys("办理群众诉求2000件，满意率98%。") == [
        (2000, "disputes.hotline_requests"),
        (98, "disputes.hotline_satisfaction_rate"),
    ]


def test_publishing_counts_are_education_figures_only_about_law() -> None:
    assert _keys("门户网站全年发布信息300条。") == [(300, None)]
    assert _keys("普法公众号全年发布信息300条。") == [(300, "education.content_published")]


def test_the_heading_tells_the_area_of_the_figures_below_it() -> None:
    assert _keys("（二）加强普法宣传\n全年开展专题培训6场。") == [(6, "education.trainings")]
    assert _keys("（二）发展旅游服务\n全年开展专题培训6场。") == [(6, None)]


def test_two_joined_objects_sharing_one_number_name_neither() -> None:
    assert _keys("办理人大代表建议和政协提案120件。") == [(120, None)]
    assert _keys("办理人大代表建议30件、政协提案20件。") == [(30, "npc.suggestions"), (20, "npc.proposals")]


def test_a_noun_right_after_a_number_is_that_numbers_object() -> None:
    keys = _keys("审议5项重大行政决策事项及3项听证事项。")
    assert keys == [(5, "decision.major"), (3, "decision.hearings")]


def test_a_breakdown_in_brackets_is_not_the_agencys_figure() -> None:
    keys = _keys("收到行政复议申请40件，不予受理9件（其中转送5件，告知处理4件），受理31件。")
    assert keys == [
        (40, "review.received"),
        (9, "review.not_accepted"),
        (5, None),
        (4, None),
        (31, "review.accepted"),
    ]


def test_only_a_rank_in_a_law_assessment_is_the_assessment_rank() -> None:
    assert _keys("法治政府建设考核全市第一。")[0][1] == "assessment.rank"
    assert _keys("深化法治建设，群众安全感全市第一。")[0][1] is None


def test_discipline_cases_are_not_enforcement_cases() -> None:
    assert _keys("严肃执纪问责，全年共立案15宗。") == [(15, None)]


def test_a_users_own_synonym_names_its_key_anywhere(tmp_path: Path) -> None:
    from core.indicators import add_user_synonym, load_dictionary

    add_user_synonym("education.content_published", "推送图文", tmp_path)
    dictionary = load_dictionary(tmp_path)
    assert [f.key for f in extract_facts("门户网站推送图文300条。", dictionary)] == [
        "education.content_published"
    ]


def test_ensured_results_count_in_the_years_work_but_not_in_the_plans() -> None:
    text = (
        "一、2023年主要工作\n组织全员学法考试，确保参考率和通过率均达到100%。\n"
        "二、2024年工作安排\n继续组织学法考试，确保参考率达到100%。\n"
    )
    facts = extract_facts(text)
    assert [(f.value, f.key) for f in facts] == [(100, "education.exam_rate"), (100, "education.exam_rate")]
    assert all(f.start < text.index("二、") for f in facts)
    # a part headed by a later year than the part before it is the plan, whatever its heading says
    later = "一、2023年工作回顾\n审结案件9件。\n二、2024年主要任务\n确保审查率达到100%。\n"
    assert [f.value for f in extract_facts(later)] == [9]
    assert extract_facts("力争纠错率控制在10%以内。") == []


def test_quoted_names_sharing_one_share_are_one_fact_each() -> None:
    facts = extract_facts("许可事项的“当场办”和“网上办”占比均达到100%。")
    assert [f.value for f in facts] == [100, 100]


def test_a_chinese_numeral_counting_the_items_just_listed() -> None:
    assert [f.value for f in extract_facts("修订了甲会议、乙会议、丙会议三份议事规则。")] == [3]
    assert [f.value for f in extract_facts("向街道和执法、服务两个领域集中。")] == [2]
    assert extract_facts("修订了甲会议、乙会议三份议事规则。") == []  # two items named, three counted: no list count


def test_real_dev_sentences_of_these_shapes_are_read() -> None:
    """The dev set's 确保…均达到 / “甲”和“乙”…均达到 / listed-items numerals, read from ../shared at run time."""
    gold = SHARED / "gold" / "dev" / "gold.tsv"
    if not gold.is_file():
        pytest.skip("../shared/gold/dev is not present")
    rows = [line.split("\t") for line in gold.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    shapes = re.compile(r"^确保.{1,20}均达到\d|”和“.{1,12}”.{0,6}均达到\d|、[^、，。]{1,12}[二三四五六七八九]份")
    wanted = [row for row in rows if shapes.search(row[4])]
    assert len(wanted) >= 3
    for row in wanted:
        text = read_clean(SHARED / "gold" / "dev" / f"{row[0]}.txt")
        at = text.find(clean_text(row[4]))
        assert at >= 0
        found = [f for f in extract_facts(text) if at <= f.start < at + len(row[4])]
        assert any(math.isclose(f.value, float(row[2])) for f in found), row[4]


def test_criminal_cases_are_no_enforcement_figure() -> None:
    assert _keys("全年刑事立案320宗，同比下降5%。")[0] == (320, None)
    assert _keys("全年立案查处违法行为320宗。") == [(320, "enforcement.penalty_cases")]


def test_issuer_level_between_verb_and_document_and_general_units() -> None:
    assert _keys("全年印发县政府规范性文件7份。") == [(7, "normdoc.issued")]
    assert _keys("出台规范性文件9项、废止4项。") == [(9, "normdoc.issued"), (4, "normdoc.repealed")]
    assert _keys("完成各类人民调解300余宗。") == [(300, "disputes.mediated")]
    assert _keys("依申请公开政府信息6件，主动公开政府信息900条。") == [(6, "openness.requests"), (900, "openness.proactive")]


def test_a_cut_indicator_needs_its_verb_near_the_figure() -> None:
    assert _keys("排查要求证明材料的事项80项，逐项核对，证明材料120件已取消。") == [
        (80, None),
        (120, "service.certificates_cut"),
    ]


def test_a_negated_verb_names_no_indicator() -> None:
    assert _keys("行政复议案件13件，其中审结10件。")[1] == (10, "review.concluded")
    assert _keys("收到行政复议申请20件，不受理2件。") == [(20, "review.received"), (2, "review.not_accepted")]


def test_review_and_suits_about_information_requests_are_not_the_agencys_review_figures() -> None:
    assert [k for _, k in _keys("政府信息公开行政复议12件，其中结果维持5件。")] == [None, None]
    assert _keys("全年收到行政复议申请12件。") == [(12, "review.received")]


def test_listed_verbs_sharing_one_object_and_number_name_none() -> None:
    assert _keys("全年制定、修改、废止规范性文件6份。") == [(6, None)]
    assert _keys("全年废止规范性文件6份。") == [(6, "normdoc.repealed")]


def test_a_noun_before_a_later_number_belongs_to_the_earlier_one() -> None:
    keys = _keys("督办30件人大代表建议、25件政协委员提案。")
    assert keys == [(30, "npc.suggestions"), (25, "npc.proposals")]


def test_coverage_predicates_and_health_lectures_are_no_indicator_counts() -> None:
    assert _keys("40个社区、12家企业实现法律顾问全覆盖。") == [(40, None), (12, None)]
    assert _keys("启动健康计划，举办健康知识专题讲座30场。") == [(30, None)]


def test_rates_listed_before_their_numbers_without_fenbie() -> None:
    keys = _keys("调解成功率、仲裁结案率达90%、96%。")
    assert keys == [(90, "disputes.mediation_success_rate"), (96, None)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["未发生", "没有出现", "零", "无", "率", "为", "0", "0%", "败诉", "案件", "事故", "投诉", "行政",
                         "复议", "，", "。", "的", "论", "是", "1"]),
        max_size=30,
    ),
    st.integers(0, 40),
    st.integers(0, 80),
)
def test_negated_zeros_are_found_as_a_full_scan_finds_them(pieces: list[str], pos: int, endpos: int) -> None:
    from core.fact_context import _finditer_from
    from core.facts import _NEGATED_ZERO_FIRSTS, _NEGATED_ZERO_RE

    text = "".join(pieces)
    expected = [m.span() for m in _NEGATED_ZERO_RE.finditer(text, pos, endpos)]
    assert [m.span() for m in _finditer_from(_NEGATED_ZERO_RE, _NEGATED_ZERO_FIRSTS, text, pos, endpos)] == expected
    assert [m.span() for m in _finditer_from(_NEGATED_ZERO_RE, _NEGATED_ZERO_FIRSTS, text, 0, None)] == [
        m.span() for m in _NEGATED_ZERO_RE.finditer(text)
    ]
