"""Automatic backups: made after changes and daily, rotation that keeps what can save you, restoring."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from core import Archive, backups
from core.errors import ArchiveCorruptError, ArchiveDamagedError, ArchiveError, ArchiveLockedError

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def _variants(folder: Path, count: int, tag: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for i in range(count):
        body = texts[i % len(texts)].replace("云溪区", f"云溪区{tag}{i}号", 2)
        (folder / f"{tag}{i:03d}.txt").write_text(body, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("backup-template")
    path = folder / "template.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([_variants(folder / "files", 6, "甲")], workers=0)
        assert archive.count() == 6
    return path


@pytest.fixture
def archive(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "我的 档案#1"  # Chinese, a space and a '#' that a raw file: URI would misread
    path = folder / "archive.sqlite"
    with Archive.open(template, read_only=True) as source:
        source.backup(path)
    return path


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM documents WHERE deleted_at IS NULL").fetchone()[0])
    finally:
        conn.close()


def _at(day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute)


def test_backup_lands_under_user_data_with_date_and_count(archive: Path, _isolated_home: Path) -> None:
    with Archive.open(archive) as arc:
        made = backups.make_backup(arc, now=_at(1, 21, 30))
    assert made is not None and made.parent == _isolated_home / "backups"
    assert made.name.startswith("archive-") and made.name.endswith("-20250301-213000.sqlite")
    [info] = backups.backup_infos(archive)
    assert info.path == made and info.documents == 6 and info.created == _at(1, 21, 30)
    assert info.as_json() == {"path": str(made), "created": "2025-03-01T21:30:00", "documents": 6}
    assert not list(made.parent.glob("*.partial"))
    assert not Path(str(made) + "-wal").exists()  # one self-contained file


def test_backup_includes_uncommitted_wal_content_of_other_connections(archive: Path) -> None:
    with Archive.open(archive) as writer, Archive.open(archive) as other:
        writer.connection.execute("PRAGMA wal_autocheckpoint = 0")
        writer.trash(writer.list_ids()[:2])
        assert Path(str(archive) + "-wal").stat().st_size > 0
        made = backups.make_backup(other, now=_at(2))
    assert made is not None and _count(made) == 4


def test_daily_backup_once_a_day_and_after_changes_only(archive: Path) -> None:
    with Archive.open(archive) as arc:
        assert backups.daily_backup(arc, now=_at(1, 8)) is not None
        assert backups.daily_backup(arc, now=_at(1, 9)) is None  # today's exists
        assert backups.backup_if_changed(arc, now=_at(1, 10)) is None  # nothing changed
        arc.tag_documents(arc.list_ids()[:1], ["已核对"])
        assert backups.backup_if_changed(arc, now=_at(1, 11)) is not None
        assert backups.backup_if_changed(arc, now=_at(1, 12)) is None
    assert len(backups.list_backups(archive)) == 2


def test_an_empty_archive_is_never_backed_up(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "空.sqlite") as arc:
        assert backups.daily_backup(arc, now=_at(1)) is None
    assert backups.list_backups(tmp_path / "空.sqlite") == []


def test_rotation_keeps_recent_daily_and_the_last_larger_backup(archive: Path) -> None:
    with Archive.open(archive) as arc:
        assert backups.make_backup(arc, now=_at(1)) is not None  # 6 documents
        arc.trash(arc.list_ids()[:5])  # the clerk trashes nearly everything
        for day in range(2, 16):
            for hour in (9, 17):
                arc.tag_documents(arc.list_ids(), [f"第{day}天{hour}"])
                assert backups.backup_if_changed(arc, now=_at(day, hour)) is not None
    kept = backups.backup_infos(archive)
    created = [i.created for i in kept]
    assert created[:3] == [_at(15, 17), _at(15, 9), _at(14, 17)]  # the newest few
    for day in range(9, 16):  # a daily series: the newest of each of the last 7 days
        assert _at(day, 17) in created
    assert _at(1) in created  # the last backup larger than the archive is now
    assert [i.documents for i in kept if i.created == _at(1)] == [6]
    assert len(kept) == 3 + 5 + 1  # nothing else piles up (two of the newest are daily ones too)


def test_rotation_stays_within_a_share_of_the_disk(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Copies of a big archive: the oldest kept ones go first once they would pass BUDGET_SHARE of the disk;
    the newest, the last larger one and the newest non-empty one stay even beyond it."""
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    size = archive.stat().st_size
    disk = {"total": 10 ** 12}
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(disk["total"], 0, 10 ** 11))  # free: plenty
    with Archive.open(archive) as arc:
        assert backups.make_backup(arc, now=_at(1)) is not None  # 6 documents: the last larger one, later
        arc.trash(arc.list_ids()[:2])
        for day in range(2, 9):
            arc.tag_documents(arc.list_ids(), [f"第{day}天"])
            assert backups.backup_if_changed(arc, now=_at(day)) is not None
        unlimited = [i.created for i in backups.backup_infos(archive)]
        assert len(unlimited) == 8  # 7 days + the larger one: a big disk keeps them all
        disk["total"] = int(4.5 * size / backups.BUDGET_SHARE)  # room for about four copies
        arc.tag_documents(arc.list_ids(), ["第9天"])
        assert backups.backup_if_changed(arc, now=_at(9)) is not None
        kept = backups.backup_infos(archive)
        assert sum(i.size for i in kept) <= disk["total"] * backups.BUDGET_SHARE
        assert [i.created for i in kept] == [_at(9), _at(8), _at(7), _at(1)]  # newest first; the larger stays
        disk["total"] = size  # not even one copy fits: still the newest and the larger one
        arc.tag_documents(arc.list_ids(), ["第10天"])
        assert backups.backup_if_changed(arc, now=_at(10)) is not None
    assert [i.created for i in backups.backup_infos(archive)] == [_at(10), _at(1)]


def test_other_archives_backups_are_not_listed_or_pruned(archive: Path, tmp_path: Path, template: Path) -> None:
    other = tmp_path / "archive-old.sqlite"  # its stem starts like ours
    with Archive.open(template, read_only=True) as source:
        source.backup(other)
    with Archive.open(other) as arc:
        theirs = backups.make_backup(arc, now=_at(1))
    with Archive.open(archive) as arc:
        for day in range(2, 20):
            arc.tag_documents(arc.list_ids()[:1], [str(day)])
            backups.backup_if_changed(arc, now=_at(day))
    assert theirs is not None and theirs.exists()
    assert backups.list_backups(other) == [theirs]
    assert theirs not in backups.list_backups(archive)


def test_damaged_archive_is_not_backed_up_and_keeps_the_good_copies(archive: Path) -> None:
    with Archive.open(archive) as arc:
        good = backups.make_backup(arc, now=_at(1))
    assert good is not None
    data = bytearray(archive.read_bytes())
    data[4096 * 3 : 4096 * 6] = os.urandom(4096 * 3)  # damage data pages, keep the schema
    archive.write_bytes(bytes(data))
    try:
        with Archive.open(archive) as arc:
            backups.make_backup(arc, now=_at(2))
    except ArchiveError as error:
        assert "损坏" in str(error) or "备份" in str(error)
    assert backups.list_backups(archive) == [good]


def test_damage_message_names_the_newest_usable_backup(archive: Path) -> None:
    with Archive.open(archive) as arc:
        made = backups.make_backup(arc, now=_at(1, 18, 5))
    assert made is not None
    archive.write_bytes(b"\x00" * 100 + archive.read_bytes()[100:])
    with pytest.raises(ArchiveDamagedError) as info:
        Archive.open(archive)
    message = str(info.value)
    assert "2025-03-01 18:05 的备份（6 份文档）" in message and "从备份恢复" in message
    assert info.value.backup is not None and info.value.backup.path == made


def test_restore_keeps_a_copy_of_the_current_state_and_never_deletes(archive: Path) -> None:
    with Archive.open(archive) as arc:
        made = backups.make_backup(arc, now=_at(1))
        arc.trash(arc.list_ids()[:4])
    assert made is not None and _count(archive) == 2
    aside = backups.restore_backup(made, archive)
    assert aside is not None and ".恢复前-" in aside.name and aside.parent == archive.parent
    assert _count(aside) == 2  # nothing lost: the newer state is kept beside it
    assert _count(archive) == 6
    assert made.exists()
    second = backups.restore_backup(made, archive)  # the same second: a new name, the first stays
    assert second is not None and second != aside and aside.exists()
    with Archive.open(archive) as arc:
        assert arc.check() == []


def test_restore_of_a_damaged_archive_moves_it_aside(archive: Path) -> None:
    with Archive.open(archive) as arc:
        made = backups.make_backup(arc, now=_at(1))
    assert made is not None
    damaged = b"\x00" * 100 + archive.read_bytes()[100:]
    archive.write_bytes(damaged)
    wal = Path(str(archive) + "-wal")
    wal.write_bytes(b"what may be left of the last writes" * 50)
    aside = backups.restore_backup(made, archive)
    assert aside is not None and ".已损坏-" in aside.name
    assert aside.read_bytes() == damaged  # kept exactly as it was
    assert Path(str(aside) + "-wal").read_bytes() == b"what may be left of the last writes" * 50  # with its WAL
    with Archive.open(archive) as arc:
        assert arc.count() == 6 and arc.check() == []


def test_restore_refuses_a_damaged_backup_and_changes_nothing(archive: Path, tmp_path: Path) -> None:
    bad = tmp_path / "archive-20250101.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    before = archive.read_bytes()
    with pytest.raises(ArchiveCorruptError) as info:
        backups.restore_backup(bad, archive)
    assert "损坏" in str(info.value)
    assert archive.read_bytes() == before


@pytest.mark.parametrize("writing", [True, False])
def test_restore_refuses_while_another_connection_has_the_archive(archive: Path, writing: bool) -> None:
    with Archive.open(archive) as arc:
        made = backups.make_backup(arc, now=_at(1))
    assert made is not None
    other = sqlite3.connect(archive, isolation_level=None)
    other.execute("SELECT count(*) FROM documents").fetchone()  # an idle reader is enough
    if writing:
        other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ArchiveLockedError) as info:
            backups.restore_backup(made, archive)
        assert "其他程序" in str(info.value)
    finally:
        if writing:
            other.execute("ROLLBACK")
        other.close()
    assert not list(archive.parent.glob("*.恢复前-*"))


def test_restore_into_a_missing_archive(tmp_path: Path, archive: Path) -> None:
    with Archive.open(archive) as arc:
        made = backups.make_backup(arc, now=_at(1))
    assert made is not None
    target = tmp_path / "新 档案.sqlite"
    assert backups.restore_backup(made, target) is None
    assert _count(target) == 6


def test_disk_full_during_backup_leaves_no_partial_and_keeps_old_copies(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import DiskFullError
    from core.store import connection as archive_file
    from tests.core import sqlite_errors

    with Archive.open(archive) as arc:
        old = backups.make_backup(arc, now=_at(1))
        assert old is not None

        def full(_source: sqlite3.Connection, dest: Path) -> Path:
            raise sqlite_errors.disk_full()

        monkeypatch.setattr(archive_file, "copy_database", full)
        arc.tag_documents(arc.list_ids()[:1], ["新"])
        with pytest.raises(DiskFullError) as info:
            backups.backup_if_changed(arc, now=_at(2))
    assert "磁盘空间不足" in str(info.value)
    assert backups.list_backups(archive) == [old]


def test_a_backup_that_would_fill_the_disk_is_not_started(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy needing more than the disk has left (bar the reserve) is refused before a byte is written."""
    import shutil
    from collections import namedtuple

    from core.errors import DiskFullError

    with Archive.open(archive) as arc:
        old = backups.make_backup(arc, now=_at(1))
        assert old is not None
        need = archive.stat().st_size
        usage = namedtuple("usage", "total used free")
        room = {"free": need + backups.MIN_FREE_AFTER_BACKUP - 4096}  # just short of copy + reserve
        monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10 ** 12, 0, room["free"]))
        arc.tag_documents(arc.list_ids()[:1], ["新"])
        with pytest.raises(DiskFullError) as info:
            backups.backup_if_changed(arc, now=_at(2))
        assert "磁盘空间不足" in str(info.value) and "本次未备份" in str(info.value)
        assert backups.list_backups(archive) == [old]
        assert not list(backups.backups_dir().glob("*.partial*"))
        room["free"] = need + backups.MIN_FREE_AFTER_BACKUP + 10 ** 7  # enough: the same backup goes ahead
        made = backups.backup_if_changed(arc, now=_at(2))
    assert made is not None and backups.list_backups(archive) == [made, old]
    assert _count(made) == _count(archive)


def test_legacy_daily_names_are_listed(archive: Path) -> None:
    legacy = backups.backups_dir() / f"{backups._prefix(archive)}-20240101.sqlite"
    with Archive.open(archive, read_only=True) as arc:
        arc.backup(legacy)
    [info] = backups.backup_infos(archive)
    assert info.path == legacy and info.created.date() == dt.date(2024, 1, 1) and info.documents == 6


def test_rotate_backups_makes_todays_copy_while_the_archive_is_open(archive: Path) -> None:
    with Archive.open(archive) as arc:
        arc.trash(arc.list_ids()[:1])
        made = backups.rotate_backups(archive)
        assert made is not None and _count(made) == 5
        assert backups.rotate_backups(archive) is None
