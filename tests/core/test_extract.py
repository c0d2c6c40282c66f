"""analyse() and extract_file(): the assembled Analysis and the `extract --json` dictionary."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from core.errors import ArchiveError
from core.extract import analyse, analysis_to_json, extract_file, read_clean
from core.models import DOC_TYPES, Analysis

REPORT = """南平县市场监督管理局2022年法治政府建设年度报告
2022年,我局深入推进法治政府建设,现将有关情况报告如下。
一、2022年推进法治政府建设的主要举措和成效
(一)严格规范公正文明执法
全年共办理行政处罚案件312件,罚没金额86.5万元。受理行政复议案件4件,未发生被纠错案件。
二、存在的不足和原因
执法队伍专业化水平有待提高。
三、党政主要负责人履行推进法治建设第一责任人职责情况
局党组中心组集体学法6次。
四、2023年推进法治政府建设的主要安排
继续加强执法监督。
南平县市场监督管理局
2023年1月15日
"""

JSON_KEYS = {
    "title",
    "agency",
    "region",
    "report_year",
    "period",
    "publish_date",
    "doc_type",
    "evidence",
    "confidence",  # additive: 0–1 per metadata field (issue 9)
    "sections",
    "structure",
    "indicators",
    "text",
}
FACT_KEYS = {"key", "name", "value", "unit", "qualifier", "direction", "start", "end", "sentence", "confidence"}


def _check_contract(result: dict[str, object]) -> None:
    assert set(result) == JSON_KEYS
    text = result["text"]
    assert isinstance(text, str)
    assert result["doc_type"] in DOC_TYPES
    structure = result["structure"]
    assert isinstance(structure, dict)
    assert set(structure) == {"present", "missing", "late", "why"}  # why: additive (issue 9)
    indicators = result["indicators"]
    assert isinstance(indicators, list)
    for fact in indicators:
        assert set(fact) == FACT_KEYS
        assert 0 <= fact["start"] < fact["end"] <= len(text)
        assert text[fact["start"] : fact["end"]] in fact["sentence"]
    evidence = result["evidence"]
    assert isinstance(evidence, dict)
    for span in evidence.values():
        assert isinstance(span, list)
        assert 0 <= span[0] <= span[1] <= len(text)
    sections = result["sections"]
    assert isinstance(sections, list)
    for section in sections:
        assert set(section) == {"level", "number", "heading", "part", "start", "end", "reason"}  # reason: additive
    json.dumps(result, ensure_ascii=False)


def test_analyse_assembles_metadata_sections_and_facts() -> None:
    analysis = analyse(REPORT, "report.txt")
    assert isinstance(analysis, Analysis)
    assert analysis.report_year == 2022
    assert analysis.doc_type == "法治政府建设年度报告"
    assert analysis.publish_date == "2023-01-15"
    assert analysis.sections
    assert analysis.structure.present
    facts = {(f.value, f.unit, f.key) for f in analysis.facts}
    assert (312, "件", "enforcement.penalty_cases") in facts
    assert (86.5, "万元", "enforcement.fines") in facts
    assert (0, "件", "review.corrected") in facts
    assert (6, "次", "education.leader_study") in facts
    # Years, dates and section numbers are not facts.
    assert all(f.value not in (2022, 2023) for f in analysis.facts)


def test_analyse_survives_empty_and_odd_text() -> None:
    for text in ("", "\n\n", "12345", "第一", "。。。", "%" * 50):
        analysis = analyse(text)
        assert analysis.doc_type in DOC_TYPES
        assert isinstance(analysis.facts, list)


def test_extract_file_txt_in_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    path.write_bytes(REPORT.encode("gb18030"))
    result = extract_file(path)
    _check_contract(result)
    assert result["report_year"] == 2022
    indicators = result["indicators"]
    assert isinstance(indicators, list)
    values = [(fact["value"], fact["unit"]) for fact in indicators]
    assert (312, "件") in values


def test_extract_file_docx(tmp_path: Path) -> None:
    document = docx.Document()
    for line in REPORT.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(str(path))
    result = extract_file(path)
    _check_contract(result)
    text = result["text"]
    assert isinstance(text, str)
    indicators = result["indicators"]
    assert isinstance(indicators, list)
    spans = [text[f["start"] : f["end"]] for f in indicators]
    assert "312件" in spans
    assert "86.5万元" in spans


def test_extract_file_matches_analyse_of_the_cleaned_text(samples_dir: Path) -> None:
    path = sorted(samples_dir.glob("*.txt"))[0]
    result = extract_file(path)
    _check_contract(result)
    text = read_clean(path)
    assert result["text"] == text
    assert result == analysis_to_json(analyse(text, path.name), text)


def test_extract_file_unreadable_raises_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError):
        extract_file(tmp_path / "missing.docx")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ArchiveError) as info:
        extract_file(broken)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))
