"""Agency names: normalisation, aliases stored in the archive, previous year, the reporting grid."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import Archive
from core.agencies import (
    ANNUAL_REPORT,
    AliasError,
    agency_names,
    canonical_agency,
    grid_for_archive,
    is_late,
    load_aliases,
    merge_agencies,
    normalise_agency,
    previous_year_document,
    remove_alias,
    reporting_grid,
    split_agency,
)
from core.models import Document
from tests.conftest import CORPUS, SAMPLES

NANSHAN = {
    2017: "2017年南山区政府工作报告_2017.txt",
    2022: "2022年南山区政府工作报告_2022.txt",
    2023: "2023年南山区政府工作报告_2023.txt",
}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    if not SAMPLES.is_dir() or not CORPUS.is_dir():
        pytest.skip("../shared is not present")
    files = [next(SAMPLES.glob(p + "_*.txt")) for p in ("001", "003", "004")]
    files += [CORPUS / name for name in NANSHAN.values()]
    ar = Archive.open(tmp_path / "archive.sqlite")
    report = ar.import_paths(files)
    assert all(item.doc_id for item in report.items)
    yield ar
    ar.close()


def _id(archive: Archive, name: str) -> int:
    return next(d.id for d in archive.get_documents(archive.list_ids()) if d.source_name == name)


def test_normalise_drops_spacing_and_punctuation_only() -> None:
    assert normalise_agency(" 深圳市 罗湖区\u3000人力资源局。") == "深圳市罗湖区人力资源局"
    assert normalise_agency("（深圳市）罗湖区人力资源局") == normalise_agency("(深圳市)罗湖区人力资源局")
    assert normalise_agency("南山区人民政府") != normalise_agency("深圳市南山区人民政府")
    assert normalise_agency("罗湖区人力资源局") != normalise_agency("罗湖区人力资源和社会保障局")
    assert normalise_agency(None) == "" and normalise_agency("  ") == ""


def test_canonical_follows_alias_chains_without_looping() -> None:
    aliases = {"甲局": "乙局", "乙局": "丙局"}
    assert canonical_agency("甲 局", aliases) == "丙局"
    looping = {"甲局": "乙局", "乙局": "甲局"}
    assert canonical_agency("甲局", looping) in {"甲局", "乙局"}


def test_merge_is_stored_in_the_archive_file(archive: Archive) -> None:
    assert load_aliases(archive) == {}
    merge_agencies(archive, ["深圳市罗湖区人力资源局"], "深圳市罗湖区人力资源和社会保障局")
    aliases = load_aliases(archive)
    assert canonical_agency("深圳市罗湖区人力资源局", aliases) == "深圳市罗湖区人力资源和社会保障局"
    # Another connection on the same file sees the table: copying the file keeps the merge.
    with sqlite3.connect(archive.path) as conn:
        rows = conn.execute("SELECT alias, canonical FROM agency_aliases").fetchall()
    assert rows == [("深圳市罗湖区人力资源局", "深圳市罗湖区人力资源和社会保障局")]
    # Merging the canonical name on takes its aliases along.
    merge_agencies(archive, ["深圳市罗湖区人力资源和社会保障局"], "罗湖区人社局")
    aliases = load_aliases(archive)
    assert canonical_agency("深圳市罗湖区人力资源局", aliases) == "罗湖区人社局"
    remove_alias(archive, "深圳市罗湖区人力资源局")
    assert canonical_agency("深圳市罗湖区人力资源局", load_aliases(archive)) == "深圳市罗湖区人力资源局"
    with pytest.raises(AliasError):
        merge_agencies(archive, ["甲"], "  ")


def test_previous_year_uses_canonical_names(archive: Archive) -> None:
    id_2017, id_2022, id_2023 = (_id(archive, NANSHAN[y]) for y in (2017, 2022, 2023))
    assert previous_year_document(archive, id_2023) == id_2022
    assert previous_year_document(archive, id_2022) == id_2017  # the latest earlier year when one is missing
    assert previous_year_document(archive, id_2017) is None
    archive.set_metadata([id_2022], agency="南山区政府")
    assert previous_year_document(archive, id_2023) == id_2017
    merge_agencies(archive, ["南山区政府"], archive.get_document(id_2023).agency or "")
    assert previous_year_document(archive, id_2023) == id_2022


def test_reporting_grid_of_the_archive(archive: Archive) -> None:
    grid = grid_for_archive(archive)
    docs = archive.get_documents(archive.list_ids())
    annual = [d for d in docs if d.doc_type == ANNUAL_REPORT and d.agency and d.report_year]
    assert annual
    assert set(grid.agencies) == {normalise_agency(d.agency) for d in annual}
    years = [d.report_year for d in annual]
    assert grid.years == list(range(min(years), max(years) + 1))  # type: ignore[type-var]
    for doc in annual:
        cell = grid.cell(normalise_agency(doc.agency), doc.report_year)  # type: ignore[arg-type]
        assert doc.id in cell.doc_ids
        assert cell.status in {"in", "late", "parts"}
    reported = {(normalise_agency(d.agency), d.report_year) for d in annual}
    missing = [(a, y) for a in grid.agencies for y in grid.years if (a, y) not in reported]
    assert missing and all(grid.cell(a, y).status == "missing" and grid.cell(a, y).label == "未报送" for a, y in missing)
    assert sum(grid.counts().values()) == len(grid.agencies) * len(grid.years)
    # Work reports appear only when their type is asked for.
    everything = grid_for_archive(archive, doc_types=None)
    assert "深圳市南山区人民政府" in everything.agencies and "深圳市南山区人民政府" not in grid.agencies
    names = agency_names(archive)
    assert names["深圳市南山区人民政府"] == 3


def test_grid_flags_late_and_missing_parts_and_merges() -> None:
    docs = [
        Document(1, "甲局2020年报告", "a.txt", agency="甲局", report_year=2020, publish_date="2021-03-20",
                 doc_type=ANNUAL_REPORT),
        Document(2, "甲局2021年报告", "b.txt", agency="甲局", report_year=2021, publish_date="2022-05-06",
                 doc_type=ANNUAL_REPORT),
        Document(3, "乙局2021年报告", "c.txt", agency="乙 局", report_year=2021, publish_date="2022-02-01",
                 doc_type=ANNUAL_REPORT, missing_parts=[2]),
        Document(4, "丙局2022年报告", "d.txt", agency="丙局", report_year=2022, doc_type=ANNUAL_REPORT),
        Document(5, "丙局纪要", "e.txt", agency="丙局", report_year=2020, doc_type="会议纪要"),
    ]
    assert is_late(docs[0]) is False and is_late(docs[1]) is True and is_late(docs[3]) is None
    grid = reporting_grid(docs, {})
    assert grid.years == [2020, 2021, 2022]
    assert grid.cell("甲局", 2020).status == "in"
    assert grid.cell("甲局", 2021).status == "late" and grid.cell("甲局", 2021).label == "逾期"
    assert grid.cell("乙局", 2021).status == "parts"
    assert grid.cell("丙局", 2020).status == "missing"  # minutes do not count as an annual report
    merged = reporting_grid(docs, {"乙局": "甲局"})
    assert merged.agencies == ["丙局", "甲局"]
    cell = merged.cell("甲局", 2021)
    assert cell.doc_ids == [2, 3] and cell.late and cell.missing_parts == [2]
    assert cell.label == "逾期、缺项（2份）"


def test_read_only_archive_refuses_a_merge_in_chinese(archive: Archive) -> None:
    path = archive.path
    archive.close()
    with Archive.open(path, read_only=True) as ro, pytest.raises(AliasError, match="只读"):
        merge_agencies(ro, ["甲局"], "乙局")


def test_split_undoes_every_merge_into_an_agency(archive: Archive) -> None:
    merge_agencies(archive, ["甲局", "乙局"], "丙局")
    merge_agencies(archive, ["丁局"], "甲局")  # 丁 → 甲 → 丙
    assert canonical_agency("丁局", load_aliases(archive)) == "丙局"
    assert sorted(split_agency(archive, "丙局")) == ["丁局", "乙局", "甲局"]
    assert load_aliases(archive) == {}


def test_choosing_a_merged_name_as_the_new_name_renames_the_group(archive: Archive) -> None:
    merge_agencies(archive, ["乙局"], "丙局")  # 乙 → 丙
    merge_agencies(archive, ["丙局", "乙局"], "乙局")  # the user now wants 乙局 as the name
    aliases = load_aliases(archive)
    assert canonical_agency("丙局", aliases) == "乙局" and canonical_agency("乙局", aliases) == "乙局"
