"""Archive: open/create, documents, metadata overrides, facts, trash, check/backup, locks, read-only, disk full."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from core import Archive
from core.archive import is_network_path
from core.clean import clean_text
from core.errors import (
    ArchiveError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    DiskFullError,
)
from core.paths import default_archive_path
from core.readers import read_file
from tests.conftest import CORPUS, SAMPLES


@pytest.fixture
def archive(tmp_path: Path, samples_dir: Path) -> Archive:
    arch = Archive.open(tmp_path / "archive.sqlite")
    report = arch.import_paths([samples_dir], workers=0)
    assert report.count("imported") == 5
    yield arch  # type: ignore[misc]
    arch.close()


def _by_source(arch: Archive) -> dict[str, int]:
    return {d.source_name: d.id for d in arch.get_documents(arch.list_ids())}


def test_open_creates_missing_file_and_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "档案.sqlite"
    with Archive.open(path) as arch:
        assert arch.path == path
        assert arch.count() == 0
        assert arch.warnings == []
    assert path.is_file()


def test_open_none_uses_the_default_archive(_isolated_home: Path) -> None:
    with Archive.open() as arch:
        assert arch.path == default_archive_path()
        assert str(arch.path).startswith(str(_isolated_home))
    assert default_archive_path().is_file()


def test_documents_text_and_original_round_trip(archive: Archive) -> None:
    ids = archive.list_ids()
    assert len(ids) == archive.count() == 5
    docs = archive.get_documents(list(reversed(ids)))
    assert [d.id for d in docs] == list(reversed(ids))
    for doc in docs:
        source = SAMPLES / doc.source_name
        name, data = archive.get_original(doc.id)
        assert name == doc.source_name and data == source.read_bytes()
        assert doc.size == len(data)
        assert archive.get_text(doc.id) == clean_text(read_file(source).text)
        assert doc.fmt == "txt" and doc.title and not doc.deleted
    with pytest.raises(ArchiveError, match="没有编号"):
        archive.get_document(99999)
    assert archive.get_documents([99999]) == []


def test_analysis_is_stored(archive: Archive) -> None:
    by_source = _by_source(archive)
    doc_id = by_source["001_f44f9f962692f528.txt"]  # 南昌县人社局 2023 report
    doc = archive.get_document(doc_id)
    assert doc.report_year == 2023
    assert doc.agency is not None and "人力资源和社会保障局" in doc.agency
    analysis = archive.get_analysis(doc_id)
    assert analysis.title == doc.title
    assert analysis.sections and analysis.facts
    text = archive.get_text(doc_id)
    for fact in analysis.facts:
        assert 0 <= fact.start < fact.end <= len(text)
    assert doc.fact_count == len(analysis.facts) == len(archive.get_facts(doc_id))


def test_list_ids_sorting_and_filters(archive: Archive) -> None:
    docs = archive.get_documents(archive.list_ids(order_by="report_year", descending=False))
    years = [d.report_year for d in docs if d.report_year is not None]
    assert years == sorted(years)
    year = years[-1]
    assert set(archive.list_ids(year=year)) == {d.id for d in docs if d.report_year == year}
    agency = next(d.agency for d in docs if d.agency)
    assert set(archive.list_ids(agency=agency)) == {d.id for d in docs if d.agency == agency}
    doc_type = docs[0].doc_type
    assert set(archive.list_ids(doc_type=doc_type)) == {d.id for d in docs if d.doc_type == doc_type}
    with pytest.raises(ValueError):
        archive.list_ids(order_by="id; DROP TABLE documents")
    assert archive.list_ids(limit=2) == archive.list_ids()[:2]


def test_overrides_win_and_survive_reanalyse(archive: Archive) -> None:
    doc_id = archive.list_ids()[0]
    auto_title = archive.get_document(doc_id).title
    archive.set_metadata([doc_id], title="手工标题 甲乙丙", report_year=2011, agency="测试局")
    doc = archive.get_document(doc_id)
    assert (doc.title, doc.report_year, doc.agency) == ("手工标题 甲乙丙", 2011, "测试局")
    assert doc.overrides == {"title": "手工标题 甲乙丙", "report_year": 2011, "agency": "测试局"}
    assert archive.search_ids("甲乙丙") == [doc_id]  # the new title is indexed
    assert archive.reanalyse([doc_id]) == 1
    doc = archive.get_document(doc_id)
    assert (doc.title, doc.report_year, doc.agency) == ("手工标题 甲乙丙", 2011, "测试局")
    archive.set_metadata([doc_id], title=None)  # clearing an override brings the analyser's value back
    assert archive.get_document(doc_id).title == auto_title
    assert archive.search_ids("甲乙丙") == []
    with pytest.raises(ArchiveError):
        archive.set_metadata([doc_id], doc_type="不存在的类型")
    with pytest.raises(ArchiveError):
        archive.set_metadata([doc_id], report_year=20235)
    assert archive.check() == []


def test_user_edited_facts_survive_reanalyse(archive: Archive) -> None:
    doc_id = _by_source(archive)["001_f44f9f962692f528.txt"]
    facts = archive.get_facts(doc_id)
    assert len(facts) >= 3
    first, second, third = facts[0], facts[1], facts[2]
    assert first.id is not None and second.id is not None and third.id is not None
    corrected = archive.update_fact(first.id, value=first.value + 1000)
    assert corrected.status == "corrected" and corrected.value == first.value + 1000
    assert archive.update_fact(second.id, status="rejected").status == "rejected"
    assert archive.update_fact(third.id, status="confirmed").status == "confirmed"
    text = archive.get_text(doc_id)
    start = text.index("。") + 1
    manual = archive.add_fact(doc_id, start, start + 2, 7, "件", key="manual_key")
    assert manual.status == "manual" and manual.sentence
    archive.reanalyse([doc_id])
    after = {f.id: f for f in archive.get_facts(doc_id)}
    assert after[first.id].value == first.value + 1000 and after[first.id].status == "corrected"
    assert after[second.id].status == "rejected"
    assert after[third.id].status == "confirmed"
    assert after[manual.id].status == "manual"
    spans = [(f.start, f.end) for f in after.values()]
    assert len(spans) == len(set(spans)), "re-analysis duplicated a user-edited fact"
    assert second.id not in {f.id for f in archive.get_analysis(doc_id).facts}
    assert archive.get_document(doc_id).fact_count == sum(1 for f in after.values() if f.status != "rejected")
    assert archive.check() == []


def test_trash_restore_purge(archive: Archive) -> None:
    ids = archive.list_ids()
    victim, keep = ids[0], ids[1:]
    word = archive.get_text(victim)[:2]
    archive.trash([victim])
    assert archive.list_ids() == keep
    assert archive.trashed_ids() == [victim] == archive.list_ids(deleted=True)
    assert victim not in archive.search_ids(word)
    assert archive.get_document(victim).deleted
    archive.restore([victim])
    assert set(archive.list_ids()) == set(ids) and archive.trashed_ids() == []
    assert archive.purge([victim]) == 0, "purge only deletes documents already in the trash"
    archive.trash([victim])
    assert archive.purge([victim]) == 1
    assert victim not in archive.list_ids(deleted=True) + archive.list_ids()
    with pytest.raises(ArchiveError):
        archive.get_text(victim)
    assert archive.connection.execute("SELECT count(*) FROM facts WHERE doc_id = ?", (victim,)).fetchone()[0] == 0
    assert archive.check() == []


def test_check_finds_inconsistencies(archive: Archive) -> None:
    assert archive.check() == [] and archive.check(quick=True) == []
    doc_id = archive.list_ids()[0]
    archive.connection.execute("DELETE FROM originals WHERE doc_id = ?", (doc_id,))
    problems = archive.check()
    assert any("原始文件" in p for p in problems)


def test_rebuild_index(archive: Archive) -> None:
    before = archive.search_ids("复议")
    archive.rebuild_index()
    assert archive.search_ids("复议") == before and before
    assert archive.check() == []


def test_backup_is_a_consistent_copy(archive: Archive, tmp_path: Path) -> None:
    archive.tag_documents(archive.list_ids()[:2], ["备份前"])
    dest = archive.backup(tmp_path / "backups")
    assert dest.parent == tmp_path / "backups" and dest.is_file()
    with Archive.open(dest) as copy:
        assert copy.count() == archive.count()
        assert copy.check() == []
        assert {t.name for t in copy.tags()} == {"备份前"}
        assert copy.search_ids("复议") == archive.search_ids("复议")
    with pytest.raises(ArchiveError):
        archive.backup(archive.path)


def test_second_writer_gets_locked_error_not_a_corrupt_file(tmp_path: Path, samples_dir: Path) -> None:
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as first:
        first.import_paths([samples_dir], workers=0)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        arch = Archive.open(path, timeout=0.2)  # reading the schema works (WAL)
        with pytest.raises(ArchiveLockedError, match="其他程序"):
            arch.trash(arch.list_ids()[:1])
        with pytest.raises(ArchiveLockedError):
            arch.import_paths([CORPUS], workers=0)
    finally:
        other.execute("ROLLBACK")
        other.close()
    arch.trash(arch.list_ids()[:1])  # works once the other writer is gone
    assert arch.check() == []
    assert len(arch.trashed_ids()) == 1
    arch.close()


def test_connection_is_bound_to_its_thread(archive: Archive) -> None:
    errors: list[BaseException] = []

    def use() -> None:
        try:
            archive.count()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert errors and isinstance(errors[0], sqlite3.ProgrammingError)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file(tmp_path: Path, samples_dir: Path) -> None:
    folder = tmp_path / "ro"
    path = folder / "a.sqlite"
    with Archive.open(path) as arch:
        arch.import_paths([samples_dir], workers=0)
    path.chmod(stat.S_IRUSR)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(ArchiveReadOnlyError, match="只读"):
            Archive.open(path)
        with Archive.open(path, read_only=True) as arch:
            assert arch.count() == 5 and arch.warnings
            with pytest.raises(ArchiveReadOnlyError):
                arch.trash(arch.list_ids())
    finally:
        folder.chmod(stat.S_IRWXU)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_read_only_open_refuses_writes(tmp_path: Path, samples_dir: Path) -> None:
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as arch:
        arch.import_paths([samples_dir], workers=0)
    with Archive.open(path, read_only=True) as arch:
        assert arch.read_only and any("只读" in w for w in arch.warnings)
        assert arch.check() == [] and arch.check(quick=True) == []
        assert arch.count() == 5 and arch.search_ids("复议")
        with pytest.raises(ArchiveReadOnlyError):
            arch.trash(arch.list_ids()[:1])
        with pytest.raises(ArchiveReadOnlyError):
            arch.import_paths([samples_dir])
        with pytest.raises(ArchiveReadOnlyError):
            arch.create_tag("x")


def test_disk_full_loses_nothing(tmp_path: Path, samples_dir: Path, corpus_dir: Path) -> None:
    path = tmp_path / "a.sqlite"
    arch = Archive.open(path)
    arch.import_paths([samples_dir], workers=0)
    pages = arch.connection.execute("PRAGMA page_count").fetchone()[0]
    arch.connection.execute(f"PRAGMA max_page_count = {pages + 20}")  # the "disk" is nearly full
    with pytest.raises(DiskFullError, match="磁盘已满"):
        arch.import_paths([corpus_dir], workers=0)
    assert arch.count() == 5
    assert arch.check() == []
    arch.close()
    with Archive.open(path) as again:
        assert again.count() == 5 and again.check() == []


def test_network_paths_are_recognised(tmp_path: Path) -> None:
    assert is_network_path(Path("\\\\server\\share\\档案.sqlite"))
    assert is_network_path(Path("//server/share/a.sqlite"))
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "//nas/office /mnt/office cifs rw 0 0\n"
        "nas:/export /srv/nfs nfs4 rw 0 0\n"
        "tmpfs /tmp tmpfs rw 0 0\n"
    )
    assert is_network_path(Path("/mnt/office/报告/a.sqlite"), mounts)
    assert is_network_path(Path("/srv/nfs/a.sqlite"), mounts)
    assert not is_network_path(Path("/mnt/officer/a.sqlite"), mounts)
    assert not is_network_path(Path("/home/u/a.sqlite"), mounts)
    assert not is_network_path(tmp_path / "a.sqlite")


def test_copy_to_local(archive: Archive, tmp_path: Path) -> None:
    local = archive.copy_to_local()
    assert local.is_file() and local != archive.path
    with Archive.open(local) as copy:
        assert copy.count() == archive.count()
    explicit = archive.copy_to_local(tmp_path / "本机" / "副本.sqlite")
    assert explicit == tmp_path / "本机" / "副本.sqlite" and explicit.is_file()


def test_copying_the_file_is_a_full_backup(archive: Archive, tmp_path: Path) -> None:
    doc_id = archive.list_ids()[0]
    original = archive.get_original(doc_id)
    archive.close()
    copy = tmp_path / "copy.sqlite"
    shutil.copy(archive.path, copy)  # closed: the WAL has been checkpointed into the file
    with Archive.open(copy) as arch:
        assert arch.get_original(doc_id) == original
        assert arch.count() == 5


def test_stats_and_distinct_values(archive: Archive) -> None:
    stats = archive.stats()
    assert stats["documents"] == 5 and stats["trashed"] == 0 and stats["bytes"] > 0
    years = archive.distinct_values("report_year")
    assert years == sorted(years) and 2023 in years
    with pytest.raises(ValueError):
        archive.distinct_values("text")


def test_archive_on_a_network_share_warns_and_avoids_wal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          samples_dir: Path) -> None:
    import core.archive as archive_module

    monkeypatch.setattr(archive_module, "is_network_path", lambda _path, _mounts=None: True)
    with Archive.open(tmp_path / "share.sqlite") as arch:
        assert any("网络" in w and "本机" in w for w in arch.warnings)
        assert arch.connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        arch.import_paths([samples_dir], workers=0)
        local = arch.copy_to_local()
    monkeypatch.undo()
    with Archive.open(local) as copy:
        assert copy.warnings == [] and copy.count() == 5
        assert copy.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reanalyse_progress_cancel_and_workers(archive: Archive) -> None:
    ids = archive.list_ids(order_by="id", descending=False)
    before = {d.id: (d.title, d.report_year, d.fact_count) for d in archive.get_documents(ids)}
    archive.connection.execute("DELETE FROM facts WHERE doc_id = ? AND status = 'auto'", (ids[0],))
    archive.connection.execute("UPDATE documents SET fact_count = 0, report_year = NULL WHERE id = ?", (ids[0],))
    cancel = threading.Event()
    calls: list[int] = []

    def progress(done: int, total: int, _message: str) -> None:
        calls.append(done)
        assert total == len(ids)
        if done == 2:
            cancel.set()

    assert archive.reanalyse(progress=progress, cancel=cancel, workers=0) == 2
    assert calls == [1, 2]
    restored = archive.get_document(ids[0])
    assert (restored.title, restored.report_year, restored.fact_count) == before[ids[0]]
    assert archive.reanalyse(ids, workers=2) == len(ids)  # the worker-process path gives the same result
    assert {d.id: (d.title, d.report_year, d.fact_count) for d in archive.get_documents(ids)} == before
    assert archive.check() == []


def test_backup_to_an_impossible_place_fails_cleanly(archive: Archive, tmp_path: Path) -> None:
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ArchiveError, match="备份"):
        archive.backup(blocker / "备份.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []
    assert archive.check() == []


def test_damaged_files_are_reported_not_crashed_on(archive: Archive, tmp_path: Path) -> None:
    from core.errors import ArchiveCorruptError

    archive.close()
    size = archive.path.stat().st_size
    truncated = tmp_path / "truncated.sqlite"
    shutil.copy(archive.path, truncated)
    with open(truncated, "r+b") as handle:
        handle.truncate(size // 2)
    with pytest.raises(ArchiveCorruptError, match="损坏"):
        Archive.open(truncated)
    scribbled = tmp_path / "scribbled.sqlite"
    shutil.copy(archive.path, scribbled)
    with open(scribbled, "r+b") as handle:
        handle.seek(size // 3)
        handle.write(bytes(range(256)) * 32)
    try:
        arch = Archive.open(scribbled)
    except ArchiveCorruptError:
        return  # also acceptable: refused at open
    with arch:
        assert arch.check(), "check() must notice the damage"


def test_unwritable_file_is_refused_with_advice(tmp_path: Path, samples_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as arch:
        arch.import_paths([samples_dir], workers=0)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(ArchiveReadOnlyError, match="只读方式打开"):
        Archive.open(path)
    with Archive.open(path, read_only=True) as arch:  # what the message suggests
        assert arch.count() == 5
