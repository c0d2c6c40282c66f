"""The review queue (待核对): unkeyed facts grouped by phrase pattern; assigning a key to a group teaches the
per-user dictionary; undo; schema version 3 (issue 9, core half of point 5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import schema
from core.archive import Archive
from core.extract import analyse
from core.indicators import reload_default, user_path
from core.review import assign_key, fill_patterns, phrase_pattern, review_groups, synonym_of, undo_assignment

REPORTS = {
    "甲镇.txt": "甲镇2023年法治政府建设情况报告\n2023年，我镇共培育法律明白人35名，办理行政复议案件2件。\n",
    "乙镇.txt": "乙镇2023年法治政府建设情况报告\n今年以来培育法律明白人12名，组织普法讲座3场。\n",
    "丙镇.txt": "丙镇2023年法治政府建设情况报告\n本年度，全镇培育法律明白人8名。\n",
}


@pytest.fixture(autouse=True)
def _fresh_dictionary() -> Iterator[None]:
    reload_default()  # the per-test user folder (conftest) has no user synonyms yet
    yield
    reload_default()


def _archive(tmp_path: Path) -> Archive:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    archive = Archive.open(tmp_path / "a.sqlite")
    archive.import_paths([folder], workers=0)
    return archive


def test_phrase_pattern_drops_time_words_and_the_number() -> None:
    text = "2023年，我镇全年共印发行政规范性文件12件。"
    at = text.index("12")
    assert phrase_pattern(text, at, at + 2, "件") == "印发行政规范性文件N件"
    assert synonym_of("印发行政规范性文件N件") == "印发行政规范性文件"
    assert synonym_of("N件") is None
    assert synonym_of("随机抽查了N宗") == "随机抽查"
    assert synonym_of("满意率均N%") is None  # 满意率 alone names no one indicator


def test_groups_assign_learn_and_undo(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        groups = {g.pattern: g for g in review_groups(archive)}
        group = groups["培育法律明白人N名"]
        assert (group.count, group.documents, group.unit) == (3, 3, "名")
        assert "法律明白人" in group.example
        assert "办理行政复议案件N件" not in groups  # keyed with confidence: not queued

        done = assign_key(archive, group.pattern, "education.trainees")
        assert done.synonym == "培育法律明白人" and done.synonym_added
        assert "培育法律明白人N名" not in {g.pattern for g in review_groups(archive)}
        facts = [f for doc_id in archive.list_ids() for f in archive.get_facts(doc_id) if f.unit == "名"]
        assert {(f.key, f.status) for f in facts} == {("education.trainees", "corrected")}
        # the per-user dictionary learned the shape: a later text is placed by itself
        assert "培育法律明白人" in user_path().read_text(encoding="utf-8")
        assert analyse("全年培育法律明白人20名。").facts[0].key == "education.trainees"
        # a user's assignment survives re-analysis
        archive.reanalyse(workers=0)
        facts = [f for doc_id in archive.list_ids() for f in archive.get_facts(doc_id) if f.unit == "名"]
        assert {f.status for f in facts} == {"corrected"} and len(facts) == 3

        undo_assignment(archive, done)
        facts = [f for doc_id in archive.list_ids() for f in archive.get_facts(doc_id) if f.unit == "名"]
        assert {(f.key, f.status) for f in facts} == {(None, "auto")}
        assert "培育法律明白人" not in user_path().read_text(encoding="utf-8")
        assert analyse("全年培育法律明白人20名。").facts[0].key is None


def test_unknown_key_or_empty_group_is_a_clear_error(tmp_path: Path) -> None:
    from core.errors import ArchiveError

    with _archive(tmp_path) as archive:
        with pytest.raises(ArchiveError, match="指标代码"):
            assign_key(archive, "培育法律明白人N名", "no.such_key")
        with pytest.raises(ArchiveError, match="没有待核对"):
            assign_key(archive, "不存在的说法N件", "education.trainees")


def test_version_2_archive_gets_confidence_and_patterns(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    _archive(tmp_path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX idx_facts_pattern")
    conn.execute("ALTER TABLE facts DROP COLUMN pattern")
    conn.execute("ALTER TABLE facts DROP COLUMN confidence")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Archive.open(path) as archive:
        assert archive.migration_backup is not None
        assert review_groups(archive) == []  # old rows have no pattern yet
        assert fill_patterns(archive) > 0
        assert "培育法律明白人N名" in {g.pattern for g in review_groups(archive)}
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    finally:
        conn.close()


def test_documents_in_the_trash_are_not_queued(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        first = archive.list_ids()[0]
        archive.trash([first])
        group = {g.pattern: g for g in review_groups(archive)}["培育法律明白人N名"]
        assert (group.count, group.documents) == (2, 2)


def test_reject_a_group_facts_of_a_group_and_the_number_in_the_example(tmp_path: Path) -> None:
    from core.review import document_types, group_facts, number_span, reject_group

    with _archive(tmp_path) as archive:
        group = {g.pattern: g for g in review_groups(archive)}["培育法律明白人N名"]
        assert group.span is not None and group.example[group.span[0] : group.span[1]].endswith("名")
        facts = group_facts(archive, group.pattern)
        assert len(facts) == 3 and {f.title for f in facts} == {"甲镇2023年法治政府建设情况报告",
                                                               "乙镇2023年法治政府建设情况报告",
                                                               "丙镇2023年法治政府建设情况报告"}
        for fact in facts:
            assert fact.span is not None
            assert fact.sentence[fact.span[0] : fact.span[1]] == f"{fact.value:g}名"
        done = reject_group(archive, group.pattern)
        assert done.key == "" and not done.synonym_added
        assert {f.status for d in archive.list_ids() for f in archive.get_facts(d) if f.unit == "名"} == {"rejected"}
        assert group.pattern not in {g.pattern for g in review_groups(archive)}
        archive.reanalyse(workers=0)  # a 否决 survives re-analysis too
        assert {f.status for d in archive.list_ids() for f in archive.get_facts(d) if f.unit == "名"} == {"rejected"}
        undo_assignment(archive, done)
        assert {f.status for d in archive.list_ids() for f in archive.get_facts(d) if f.unit == "名"} == {"auto"}
        # a type filter: only documents of that type are queued
        assert document_types(archive)[0][1] == 3
        kind = document_types(archive)[0][0]
        assert {g.pattern for g in review_groups(archive, doc_type=kind)} == {g.pattern for g in review_groups(archive)}
        assert review_groups(archive, doc_type="没有这种类型") == []
    # the number of the pattern, not an earlier one of the sentence
    sentence = "办结3件，培育法律明白人35名。"
    assert number_span(sentence, "培育法律明白人N名", "名") == (sentence.index("35"), sentence.index("35") + 3)


def test_phrase_pattern_keeps_only_the_words_of_its_own_figure() -> None:
    def pattern_of(text: str, number: str, unit: str) -> str:
        at = text.rindex(number)
        return phrase_pattern(text, at, at + len(number) + len(unit), unit)

    assert pattern_of("公布不予处罚事项3项、从轻处罚事项1项和减轻处罚事项2项。", "2", "项") == "减轻处罚事项N项"
    assert pattern_of("2021年，某某区共印发区政府规范性文件11份。", "11", "份") == "印发区政府规范性文件N份"
    text = "共审查《某某区关于进一步加强和改进行政执法协调监督工作的若干实施办法》等规范性文件2件。"
    assert pattern_of(text, "2", "件") == "规范性文件N件"
    # words that name both figures stay with the second
    assert pattern_of("能耗和水耗分别下降3%和5%。", "5", "%") == "能耗和水耗分别下降N%和N%"
    assert pattern_of("新建2个和改建3个。", "3", "个") == "新建N个和改建N个"  # 改建 alone is too short to name it


def _statuses(archive: Archive, doc_id: int, unit: str = "名") -> set[str]:
    return {f.status for f in archive.get_facts(doc_id) if f.unit == unit}


def test_a_rejected_shape_is_not_queued_again_in_later_imports(tmp_path: Path) -> None:
    """否决 teaches the archive: the same phrase shape in a report imported later comes in rejected (not
    queued, not exported) — in documents of the type the 否决 was made for — and undo forgets it."""
    from core import rejections
    from core.review import reject_group

    with _archive(tmp_path) as archive:
        kind = str(archive.get_document(archive.list_ids()[0]).doc_type)
        done = reject_group(archive, "培育法律明白人N名", doc_type=kind)
        assert done.learned and rejections.rejected(archive.connection) == [("培育法律明白人N名", kind)]
        later = tmp_path / "later"
        later.mkdir()
        (later / "丁镇.txt").write_text(
            "丁镇2024年法治政府建设情况报告\n全年培育法律明白人41名，组织普法讲座6场。\n", encoding="utf-8")
        (later / "戊镇.txt").write_text(  # another type of report: the 否决 was for the type above only
            "戊镇人民代表大会常务委员会会议纪要\n会议指出，全年培育法律明白人27名。\n", encoding="utf-8")
        report = archive.import_paths([later], workers=0)
        ding, wu = (next(i.doc_id for i in report.items if i.path.endswith(n)) for n in ("丁镇.txt", "戊镇.txt"))
        assert ding is not None and wu is not None
        assert _statuses(archive, ding) == {"rejected"}
        assert _statuses(archive, ding, "场") == {"auto"}  # other figures of the report are untouched
        assert archive.get_document(wu).doc_type != kind and _statuses(archive, wu) == {"auto"}
        assert {g.documents for g in review_groups(archive) if g.pattern == "培育法律明白人N名"} == {1}  # 戊镇 only
        archive.reanalyse([ding], workers=0)  # re-analysis keeps what was learned
        assert _statuses(archive, ding) == {"rejected"}
        undo_assignment(archive, done)  # forgets it: the next import queues the shape again
        assert rejections.rejected(archive.connection) == []
        (later / "己镇.txt").write_text(
            "己镇2024年法治政府建设情况报告\n本年度培育法律明白人9名。\n", encoding="utf-8")
        again = archive.import_paths([later / "己镇.txt"], workers=0)
        assert again.items[0].doc_id is not None and _statuses(archive, again.items[0].doc_id) == {"auto"}


def test_version_8_archive_gets_the_rejection_table(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        path = archive.path
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE rejected_patterns")
    conn.execute("PRAGMA user_version = 8")
    conn.commit()
    conn.close()
    with Archive.open(path) as archive:
        assert archive.migration_backup is None  # an empty table: no copy needed
        from core.review import reject_group

        assert reject_group(archive, "培育法律明白人N名").learned
