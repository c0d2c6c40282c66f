"""Tags: create/rename/merge/delete/colour, tagging many documents, AND/OR/NOT filters, suggestions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core import Archive
from core.errors import ArchiveError
from core.paths import cache_dir
from core.tags import STOP_WORDS, agency_type, metadata_suggestions


@pytest.fixture
def arch(tmp_path: Path, samples_dir: Path, corpus_dir: Path) -> Iterator[Archive]:
    archive = Archive.open(tmp_path / "a.sqlite")
    files = sorted(samples_dir.glob("*.txt")) + sorted(corpus_dir.glob("*.txt"))[:7]
    assert archive.import_paths(files, workers=0).count("imported") == 12
    yield archive
    archive.close()


def _counts(arch: Archive) -> dict[str, int]:
    return {t.name: t.count for t in arch.tags()}


def test_create_rename_colour_delete(arch: Archive) -> None:
    tag = arch.create_tag("  重点  关注 ", "#FF0000")
    assert tag.name == "重点 关注" and tag.color == "#ff0000" and tag.count == 0
    with pytest.raises(ArchiveError, match="已存在"):
        arch.create_tag("重点 关注")
    with pytest.raises(ArchiveError, match="不能为空"):
        arch.create_tag("   ")
    with pytest.raises(ArchiveError, match="颜色"):
        arch.create_tag("别的", "red")
    other = arch.create_tag("其他")
    with pytest.raises(ArchiveError, match="合并"):
        arch.rename_tag(other.id, "重点 关注")
    arch.rename_tag(tag.id, "重点")
    arch.set_tag_color(tag.id, "#00ff00")
    assert {(t.name, t.color) for t in arch.tags()} == {("重点", "#00ff00"), ("其他", "")}
    arch.tag_documents(arch.list_ids()[:2], ["重点"])
    arch.delete_tag(tag.id)
    assert [t.name for t in arch.tags()] == ["其他"]
    assert all(not d.tags for d in arch.get_documents(arch.list_ids()))
    with pytest.raises(ArchiveError):
        arch.delete_tag(tag.id)


def test_tag_many_untag_counts_and_trash(arch: Archive) -> None:
    ids = arch.list_ids(order_by="id", descending=False)
    arch.tag_documents(ids[:6], ["甲", "乙"])
    arch.tag_documents(ids[4:8], ["乙"])  # tagging twice is harmless
    assert _counts(arch) == {"甲": 6, "乙": 8}
    arch.untag_documents(ids[:2], ["乙", "不存在的标签"])
    assert _counts(arch) == {"甲": 6, "乙": 6}
    assert arch.get_document(ids[0]).tags == ["甲"]
    assert arch.get_document(ids[4]).tags == ["乙", "甲"] or arch.get_document(ids[4]).tags == ["甲", "乙"]
    arch.trash([ids[3]])
    assert _counts(arch) == {"甲": 5, "乙": 5}, "trashed documents are not counted"
    arch.restore([ids[3]])
    arch.tag_documents([999999], ["幽灵"])  # unknown documents are ignored, the tag is created
    assert _counts(arch)["幽灵"] == 0


def test_merge(arch: Archive) -> None:
    ids = arch.list_ids(order_by="id", descending=False)
    arch.tag_documents(ids[:3], ["人社"])
    arch.tag_documents(ids[2:5], ["人力社保"])
    arch.tag_documents(ids[6:7], ["社保"])
    by_name = {t.name: t.id for t in arch.tags()}
    arch.merge_tags([by_name["人力社保"], by_name["社保"], by_name["人社"]], by_name["人社"])
    assert _counts(arch) == {"人社": 6}
    assert set(arch.list_ids(tags_all=["人社"])) == set(ids[:5]) | {ids[6]}


def test_and_or_not_filters(arch: Archive) -> None:
    ids = arch.list_ids(order_by="id", descending=False)
    a, b = set(ids[:6]), set(ids[3:9])
    arch.tag_documents(sorted(a), ["A"])
    arch.tag_documents(sorted(b), ["B"])
    every = set(ids)
    tag_ids = {t.name: t.id for t in arch.tags()}
    assert set(arch.list_ids(tags_all=["A", "B"])) == a & b
    assert set(arch.list_ids(tags_all=[tag_ids["A"], "b"])) == a & b  # ids or names, any case
    assert set(arch.list_ids(tags_any=["A", "B"])) == a | b
    assert set(arch.list_ids(tags_none=["A"])) == every - a
    assert set(arch.list_ids(tags_all=["A"], tags_none=["B"])) == a - b
    assert set(arch.list_ids(tags_any=["A", "B"], tags_none=["A"])) == b - a
    assert arch.list_ids(tags_all=["A", "不存在"]) == []
    assert arch.list_ids(tags_any=["不存在"]) == []
    assert set(arch.list_ids(tags_none=["不存在"])) == every


def test_agency_types_and_metadata_suggestions() -> None:
    assert agency_type("南昌县人力资源和社会保障局") == "人社"
    assert agency_type("某区司法局") == "司法"
    assert agency_type("某市市场监督管理局") == "市场监管"
    assert agency_type("深圳市龙岗区人民政府") == "政府"
    assert agency_type(None) is None and agency_type("某某公司") is None
    got = metadata_suggestions(
        {"report_year": 2023, "region": "江西省南昌市南昌县", "agency": "南昌县人力资源和社会保障局",
         "doc_type": "法治政府建设年度报告"}
    )
    assert got == ["2023年", "南昌县", "人社", "法治政府建设年度报告"]
    assert metadata_suggestions({"doc_type": "其他"}) == []
    assert metadata_suggestions({"region": "浙江省杭州市余杭区"}) == ["余杭区"]  # not 市余杭区 (杭州 ends in 州)
    assert metadata_suggestions({"region": "山东省济南市市中区"}) == ["市中区"]


def test_suggestions_for_a_report(arch: Archive) -> None:
    doc = next(d for d in arch.get_documents(arch.list_ids()) if d.source_name == "001_f44f9f962692f528.txt")
    arch.tag_documents([doc.id], ["2023年"])  # a tag it already has is not suggested again
    suggestions = arch.suggest_tags(doc.id, n=8)
    assert len(suggestions) == 8 and len(set(suggestions)) == 8
    assert "人社" in suggestions and "2023年" not in suggestions
    assert not STOP_WORDS & set(suggestions)
    text = arch.get_text(doc.id)
    keywords = [s for s in suggestions if s not in {"人社", doc.region, doc.doc_type}]
    assert all(word in text for word in keywords[-3:]), keywords
    # jieba's cache goes to the per-user cache folder under a fixed name.
    assert (cache_dir() / "jieba.cache").is_file()
    # Keyword candidates are cached in the archive: the second call is the same.
    assert arch.suggest_tags(doc.id, n=8) == suggestions
