"""Rotating daily backups: one copy a day, N kept, a bad copy never replaces good ones, restore moves aside."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from core import backups
from core.errors import ArchiveCorruptError, ArchiveError, ArchiveLockedError


def _make_archive(path: Path, rows: int = 3, *, wal: bool = True) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS doc (id INTEGER PRIMARY KEY, text TEXT)")
    conn.executemany("INSERT INTO doc (text) VALUES (?)", [(f"报告 {i}",) for i in range(rows)])
    conn.commit()
    conn.close()


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM doc").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "我的 档案#1"  # Chinese, a space and a '#' that a raw file: URI would misread
    folder.mkdir()
    path = folder / "archive.sqlite"
    _make_archive(path)
    return path


def test_one_backup_per_day_under_user_data(archive: Path, _isolated_home: Path) -> None:
    day = dt.date(2025, 3, 1)
    first = backups.rotate_backups(archive, today=day)
    assert first is not None
    assert first == _isolated_home / "backups" / backups._backup_name(archive, day)
    assert first.name.startswith("archive-") and first.name.endswith("-20250301.sqlite")
    assert _count(first) == 3
    assert backups.rotate_backups(archive, today=day) is None  # at most one a day
    assert backups.list_backups(archive) == [first]
    assert not list(first.parent.glob("*.partial"))


def test_backup_includes_uncheckpointed_wal_content(archive: Path) -> None:
    holder = sqlite3.connect(archive)  # keeps the WAL from being checkpointed into the main file
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.executemany("INSERT INTO doc (text) VALUES (?)", [("新",)] * 5)
    holder.commit()
    try:
        assert Path(str(archive) + "-wal").stat().st_size > 0
        made = backups.rotate_backups(archive, today=dt.date(2025, 3, 2))
        assert made is not None
        assert _count(made) == 8
        assert not Path(str(made) + "-wal").exists()  # a backup is one self-contained file
    finally:
        holder.close()


def test_keeps_only_the_newest_n(archive: Path) -> None:
    start = dt.date(2025, 1, 1)
    for offset in range(10):
        backups.rotate_backups(archive, keep=4, today=start + dt.timedelta(days=offset))
    kept = backups.list_backups(archive)
    assert [p.name for p in kept] == [backups._backup_name(archive, dt.date(2025, 1, d)) for d in (10, 9, 8, 7)]


def test_other_archives_backups_are_not_listed_or_pruned(archive: Path, tmp_path: Path) -> None:
    other = tmp_path / "archive-old.sqlite"  # its stem starts like ours
    _make_archive(other)
    theirs = backups.rotate_backups(other, today=dt.date(2024, 12, 31))
    for offset in range(3):
        backups.rotate_backups(archive, keep=2, today=dt.date(2025, 1, 1 + offset))
    assert theirs is not None and theirs.exists()
    assert all(p.name.startswith(backups._prefix(archive) + "-2025") for p in backups.list_backups(archive))
    assert backups.list_backups(other) == [theirs]


def test_missing_archive_makes_no_backup(tmp_path: Path) -> None:
    assert backups.rotate_backups(tmp_path / "nope.sqlite") is None


def test_corrupt_archive_keeps_existing_backups(archive: Path) -> None:
    good = backups.rotate_backups(archive, keep=1, today=dt.date(2025, 1, 1))
    assert good is not None
    archive.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    for companion in ("-wal", "-shm"):
        Path(str(archive) + companion).unlink(missing_ok=True)
    with pytest.raises(ArchiveError) as info:
        backups.rotate_backups(archive, keep=1, today=dt.date(2025, 1, 2))
    assert "备份" in str(info.value)
    assert backups.list_backups(archive) == [good]  # the good copy was not rotated away
    assert _count(good) == 3


def test_restore_moves_current_aside_and_never_deletes(archive: Path) -> None:
    made = backups.rotate_backups(archive, today=dt.date(2025, 2, 1))
    assert made is not None
    _make_archive(archive, rows=10)  # the archive moves on after the backup: 13 rows
    assert _count(archive) == 13
    aside = backups.restore_backup(made, archive)
    assert aside is not None and aside.exists()
    assert ".before-restore-" in aside.name
    assert _count(aside) == 13  # nothing lost: the newer state is kept beside it
    assert _count(archive) == 3
    assert made.exists()  # the backup itself stays
    # a second restore in the same second does not overwrite the first aside copy
    second = backups.restore_backup(made, archive)
    assert second is not None and second != aside and aside.exists()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(archive: Path, tmp_path: Path) -> None:
    bad = tmp_path / "archive-20250101.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    before = archive.read_bytes()
    with pytest.raises(ArchiveCorruptError) as info:
        backups.restore_backup(bad, archive)
    assert "损坏" in str(info.value)
    assert archive.read_bytes() == before


def test_restore_refuses_while_another_connection_writes(archive: Path) -> None:
    made = backups.rotate_backups(archive, today=dt.date(2025, 2, 1))
    assert made is not None
    writer = sqlite3.connect(archive, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ArchiveLockedError) as info:
            backups.restore_backup(made, archive)
        assert "其他程序" in str(info.value)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _count(archive) == 3
    assert not list(archive.parent.glob("*.before-restore-*"))


def test_restore_into_a_missing_archive(tmp_path: Path, archive: Path) -> None:
    made = backups.rotate_backups(archive, today=dt.date(2025, 2, 1))
    assert made is not None
    target = tmp_path / "新 档案.sqlite"
    assert backups.restore_backup(made, target) is None
    assert _count(target) == 3


def test_disk_full_during_backup_leaves_no_partial_and_keeps_old_copies(
    archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.errors import DiskFullError

    old = backups.rotate_backups(archive, keep=1, today=dt.date(2025, 1, 1))
    assert old is not None

    def full(_source: Path, dest: Path) -> None:
        dest.write_bytes(b"half a copy")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "_copy_database", full)
    with pytest.raises(DiskFullError) as info:
        backups.rotate_backups(archive, keep=1, today=dt.date(2025, 1, 2))
    assert "磁盘空间不足" in str(info.value)
    assert backups.list_backups(archive) == [old]
    assert not list(old.parent.glob("*.partial"))


def test_backup_while_another_connection_writes(archive: Path) -> None:
    writer = sqlite3.connect(archive, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO doc (text) VALUES ('未提交')")
    try:
        made = backups.rotate_backups(archive, today=dt.date(2025, 4, 1))  # WAL: readers are not blocked
        assert made is not None
        assert _count(made) == 3  # the uncommitted row is not in the copy
    finally:
        writer.execute("COMMIT")
        writer.close()


def test_real_archive_round_trip(tmp_path: Path) -> None:
    """Back up a real archive, change it, restore: the app opens the restored file with the old contents."""
    from core import Archive

    samples = Path(__file__).resolve().parents[2] / "resources" / "samples"
    path = tmp_path / "档案 库" / "archive.sqlite"
    with Archive.open(path) as archive:
        files = sorted(p for p in samples.iterdir() if p.is_file())
        archive.import_paths(files[:2])
        made = backups.rotate_backups(archive.path, today=dt.date(2025, 5, 1))  # while open, as the GUI does
        archive.import_paths(files[2:])
        assert archive.count() == len(files) == 5
    assert made is not None
    aside = backups.restore_backup(made, path)
    assert aside is not None
    with Archive.open(path) as restored:
        assert restored.count() == 2
        assert restored.check() == []
        assert restored.search("行政复议")
    with Archive.open(aside) as previous:  # the state before the restore is still a working archive
        assert previous.count() == 5


def test_same_named_archives_in_two_folders_keep_separate_backups(tmp_path: Path) -> None:
    first = tmp_path / "甲" / "archive.sqlite"
    second = tmp_path / "乙" / "archive.sqlite"
    for path in (first, second):
        path.parent.mkdir()
        _make_archive(path)
    mine = backups.rotate_backups(first, keep=1, today=dt.date(2025, 1, 1))
    theirs = backups.rotate_backups(second, keep=1, today=dt.date(2025, 1, 2))
    assert mine is not None and theirs is not None and mine != theirs
    assert backups.list_backups(first) == [mine]  # the other one's newer backup neither listed
    assert backups.list_backups(second) == [theirs]
    assert mine.exists()  # nor did it prune ours
