"""`report-archive-cli backups --json` and `restore-backup PATH`, and a CLI write that waits and says so."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core import Archive, backups
from core.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "档案 一.sqlite"
    with Archive.open(path) as arc:
        arc.import_paths(sorted(SAMPLES.glob("*.txt")), workers=0)
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_backups_json_newest_first(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--db", str(archive), "backups", "--json")
    assert code == 0 and json.loads(out) == []
    with Archive.open(archive) as arc:
        total = arc.count()
        first = backups.make_backup(arc, now=dt.datetime(2025, 3, 1, 8, 0, 5))
        arc.trash(arc.list_ids()[:1])
        second = backups.make_backup(arc, now=dt.datetime(2025, 3, 2, 17, 30))
    code, out, _ = _run(capsys, "--db", str(archive), "backups", "--json")
    assert code == 0
    listed = json.loads(out)
    assert listed == [
        {"path": str(second), "created": "2025-03-02T17:30:00", "documents": total - 1},
        {"path": str(first), "created": "2025-03-01T08:00:05", "documents": total},
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", item["created"]) for item in listed)


def test_restore_backup_over_a_damaged_archive(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Archive.open(archive) as arc:
        total = arc.count()
        made = backups.make_backup(arc)
    assert made is not None
    damaged = b"\x00" * 100 + archive.read_bytes()[100:]
    archive.write_bytes(damaged)
    code, _, err = _run(capsys, "--db", str(archive), "list", "--json")
    assert code != 0 and "最新的可用备份" in err and f"（{total} 份文档）" in err  # names what can save you
    assert f"restore-backup \"{made}\"" in err
    code, out, err = _run(capsys, "--db", str(archive), "restore-backup", str(made))
    assert code == 0, err
    assert f"{total} 个文档" in out
    [aside] = archive.parent.glob("*.已损坏-*")
    assert aside.read_bytes() == damaged  # kept beside it, under a name that says so
    code, out, _ = _run(capsys, "--db", str(archive), "list", "--json")
    assert code == 0 and len(json.loads(out)) == total


def test_restore_backup_refuses_a_damaged_backup(archive: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "坏.sqlite"
    bad.write_bytes(b"garbage" * 500)
    before = archive.read_bytes()
    code, _, err = _run(capsys, "--db", str(archive), "restore-backup", str(bad))
    assert code != 0 and "损坏" in err
    assert archive.read_bytes() == before


_HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()  # held until the test says so: no race with how fast the CLI starts
conn.execute("COMMIT")
"""


def test_a_cli_write_waits_for_another_programs_write_and_says_so(archive: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(archive)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    cli: subprocess.Popen[str] | None = None
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        cli = subprocess.Popen([sys.executable, "-m", "core", "--db", str(archive), "tag", "add", "等待", "1"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        assert cli.stderr is not None
        first = cli.stderr.readline()  # the CLI says it waits while the other program holds the lock
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=120)
    assert cli is not None
    _out, err = cli.communicate(timeout=300)
    assert cli.returncode == 0, first + err
    assert "正在等待" in first
    conn = sqlite3.connect(archive)
    try:
        assert conn.execute("SELECT count(*) FROM tags WHERE name = '等待'").fetchone()[0] == 1
    finally:
        conn.close()
