"""Indicator × year tables over real reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core import Archive
from core.clean import clean_text
from core.compare import fact_group, fact_label, signed_value
from core.extract import analyse
from core.models import Document
from core.trend import TrendSource, agencies_in, build_trend, trend_for_documents
from tests.conftest import CORPUS, SAMPLES

NANSHAN = ("2022年南山区政府工作报告_2022.txt", "2023年南山区政府工作报告_2023.txt", "2024年南山区政府工作报告_2024.txt")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    if not CORPUS.is_dir() or not SAMPLES.is_dir():
        pytest.skip("../shared is not present")
    ar = Archive.open(tmp_path / "archive.sqlite")
    ar.import_paths([CORPUS / n for n in NANSHAN] + [next(SAMPLES.glob("004_*.txt"))])
    yield ar
    ar.close()


def test_three_years_of_one_district(archive: Archive) -> None:
    ids = archive.list_ids()
    agencies = agencies_in(archive, ids)
    assert agencies[0] == ("深圳市南山区人民政府", 3)
    table = trend_for_documents(archive, ids, agency="深圳市南山区人民政府")
    assert table.years == [2022, 2023, 2024]
    assert table.rows
    multi = [r for r in table.rows if len(r.values) >= 2]
    assert multi, "three work reports of one district repeat some indicators"
    # Every cell is the first statement of that indicator in that year's report.
    for row in table.rows[:40]:
        for year, value in row.values.items():
            doc_id = table.doc_for_year[year]
            text = archive.get_text(doc_id)
            facts = sorted(archive.get_facts(doc_id), key=lambda f: f.start)
            first = next(f for f in facts if fact_group(f, fact_label(f, text)) == row.group)
            assert value == signed_value(first)
    matrix = table.to_matrix()
    assert matrix[0] == ["指标", "单位", "2022", "2023", "2024"]
    assert len(matrix) == len(table.rows) + 1


def test_newest_report_of_a_year_wins() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present")
    text = clean_text(next(SAMPLES.glob("004_*.txt")).read_text(encoding="utf-8"))
    facts = analyse(text).facts
    older = Document(1, "甲", "a.txt", agency="甲局", report_year=2020, publish_date="2021-01-10")
    newer = Document(2, "乙", "b.txt", agency="甲局", report_year=2020, publish_date="2021-02-10")
    undated = Document(3, "丙", "c.txt", agency="甲局")
    table = build_trend([TrendSource(newer, facts, text), TrendSource(older, [], text), TrendSource(undated, facts, text)])
    assert table.years == [2020]
    assert table.doc_for_year == {2020: 2}
    assert sorted(table.skipped) == [1, 3]
    keyed = {f.key for f in facts if f.key}
    assert keyed and keyed <= {r.key for r in table.rows}  # keyed indicators stay even in one year
