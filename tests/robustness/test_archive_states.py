"""Archives in trouble: locked by another process, read-only, disk full, newer version, damaged, foreign."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core import Archive
from core.errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    ArchiveVersionError,
    DiskFullError,
)
from tests.robustness.conftest import BUNDLED_SAMPLES, CJK, audit_archive, sha256

_HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
conn.execute("ROLLBACK")
"""


def _variants(folder: Path, count: int, tag: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_SAMPLES.glob("*.txt"))]
    for i in range(count):
        body = texts[i % len(texts)].replace("云溪区", f"云溪区{tag}{i}号", 2)
        (folder / f"{tag}{i:03d}.txt").write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "我的 档案.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([_variants(tmp_path / "初始", 4, "初始")])
        assert archive.count() == 4
    return path


def _chinese(error: BaseException) -> str:
    message = str(error)
    assert CJK.search(message), f"not a Chinese message: {message!r}"
    return message


def test_archive_locked_by_another_process(archive_path: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(archive_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(ArchiveLockedError) as info:
            with Archive.open(archive_path, timeout=0.5) as archive:
                archive.import_paths([_variants(tmp_path / "新", 2, "新")])
        assert "使用" in _chinese(info.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    # once the other program lets go, everything is there and the import goes through
    with Archive.open(archive_path) as archive:
        assert archive.count() == 4
        archive.import_paths([tmp_path / "新"])
        assert archive.count() == 6
    audit_archive(archive_path)


def test_read_only_open_refuses_writes_but_reads(archive_path: Path, tmp_path: Path) -> None:
    with Archive.open(archive_path, read_only=True) as archive:
        assert archive.count() == 4
        assert archive.search("行政复议")
        with pytest.raises(ArchiveReadOnlyError) as info:
            archive.import_paths([_variants(tmp_path / "新", 1, "新")])
        _chinese(info.value)


def test_read_only_file(archive_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(archive_path.read_bytes())
    archive_path.chmod(0o444)
    try:
        if os.geteuid() == 0:
            # root ignores permission bits: make os.access report what an ordinary user would see
            real_access = os.access
            monkeypatch.setattr(os, "access", lambda p, mode, **kw: (
                False if mode & os.W_OK and Path(p) == archive_path else real_access(p, mode, **kw)))
        with pytest.raises(ArchiveReadOnlyError) as info:
            Archive.open(archive_path)
        assert "只读" in _chinese(info.value)
    finally:
        archive_path.chmod(0o644)
    assert sha256(archive_path.read_bytes()) == before


def test_disk_full_loses_nothing(archive_path: Path, tmp_path: Path) -> None:
    more = _variants(tmp_path / "更多", 30, "更多")
    with Archive.open(archive_path) as archive:
        pages = archive.connection.execute("PRAGMA page_count").fetchone()[0]
        # SQLite reports SQLITE_FULL ("database or disk is full") once the file would pass this size
        archive.connection.execute(f"PRAGMA max_page_count = {pages + 3}")
        try:
            report = archive.import_paths([more])
        except ArchiveError as error:
            assert isinstance(error, DiskFullError), repr(error)
            assert "磁盘" in _chinese(error)
        else:
            failed = [item for item in report.items if item.outcome.value == "failed"]
            assert failed, "the page limit never hit"
            assert all("磁盘" in item.reason for item in failed), [i.reason for i in failed]
    state = audit_archive(archive_path)
    assert state["count"] >= 4  # the documents stored before the disk filled up are all there
    with Archive.open(archive_path) as archive:  # space again: the same import completes
        archive.import_paths([more])
        assert archive.count() == 34
    audit_archive(archive_path)


def test_archive_from_a_newer_version_is_refused_untouched(archive_path: Path) -> None:
    conn = sqlite3.connect(archive_path)
    conn.execute("PRAGMA user_version = 9999")
    conn.commit()
    conn.close()
    before = sha256(archive_path.read_bytes())
    with pytest.raises(ArchiveVersionError) as info:
        Archive.open(archive_path)
    assert "版本" in _chinese(info.value)
    assert sha256(archive_path.read_bytes()) == before


@pytest.mark.parametrize("damage", ["random", "truncated", "zeroed_header"])
def test_damaged_archive_is_refused_untouched(archive_path: Path, damage: str) -> None:
    data = archive_path.read_bytes()
    if damage == "random":
        data = os.urandom(len(data))
    elif damage == "truncated":
        data = data[: len(data) // 3]
    else:
        data = b"\x00" * 100 + data[100:]
    for companion in ("-wal", "-shm"):
        Path(str(archive_path) + companion).unlink(missing_ok=True)
    archive_path.write_bytes(data)
    try:
        with Archive.open(archive_path) as archive:
            problems = archive.check()
            assert problems, "a damaged archive passed check()"
    except ArchiveError as error:
        assert isinstance(error, ArchiveCorruptError), repr(error)
        _chinese(error)
    assert archive_path.read_bytes() == data


def test_another_programs_sqlite_file_is_not_modified(tmp_path: Path) -> None:
    foreign = tmp_path / "别的软件.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('张三')")
    conn.commit()
    conn.close()
    before = sha256(foreign.read_bytes())
    with pytest.raises(ArchiveCorruptError) as info:
        Archive.open(foreign)
    _chinese(info.value)
    assert sha256(foreign.read_bytes()) == before, (
        "Archive.open modified another program's SQLite file (e.g. switched it to WAL before the schema check)")


@pytest.mark.parametrize("damage", ["random", "zeroed_header", "pages"])
def test_damaged_archive_names_its_backup_and_the_cli_restores_it(
    archive_path: Path, tmp_path: Path, damage: str, _isolated_home: Path
) -> None:
    """The issue's end: a damaged archive says which backup can save it, and restore-backup brings it back."""
    import json

    from core import backups
    from tests.robustness.conftest import REPO, child_env

    with Archive.open(archive_path) as archive:
        made = backups.make_backup(archive)
    assert made is not None
    data = bytearray(archive_path.read_bytes())
    if damage == "random":
        data = bytearray(os.urandom(len(data)))
    elif damage == "zeroed_header":
        data[:100] = b"\x00" * 100
    else:
        data[4096 * 2 :] = os.urandom(len(data) - 4096 * 2)  # the schema page survives, the rest does not
    archive_path.write_bytes(bytes(data))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "core", "--db", str(archive_path), *args], cwd=REPO,
                              env=child_env(_isolated_home), capture_output=True, text=True, encoding="utf-8",
                              timeout=300, check=False)

    checked = cli("check")
    assert checked.returncode != 0
    if "最新的可用备份" in checked.stderr:  # SQLite could not even open it
        assert "（4 份文档）" in checked.stderr and "restore-backup" in checked.stderr
    listed = json.loads(cli("backups", "--json").stdout)
    assert [item["documents"] for item in listed] == [4] and listed[0]["path"] == str(made)
    restored = cli("restore-backup", str(made))
    assert restored.returncode == 0, restored.stderr
    [aside] = archive_path.parent.glob("*.已损坏-*.sqlite")
    assert aside.read_bytes() == bytes(data)  # the damaged file is kept, under a name that says so
    state = audit_archive(archive_path)
    assert state["count"] == 4
