"""Several programs on one archive: the issue's reproduction, and a stress test with kill -9.

A process that holds several connections (as the window does: its table, writer, reader, compare and
trend windows) writes tags and metadata in a loop while other processes open, read, search, check, back
up and close the same archive — and then get killed at random moments. Afterwards SQLite's
integrity_check is ok and every write A reported as committed is there.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import Archive
from tests.robustness.conftest import REPO, audit_archive, child_env
from tests.robustness.test_archive_states import _variants

_OPEN_AND_CLOSE = "import sys\nfrom core import Archive\nArchive.open(sys.argv[1]).close()\n"
_TAG_NAMES = (
    "import json, sys\nfrom core import Archive\n"
    "with Archive.open(sys.argv[1]) as a:\n    print(json.dumps(sorted(t.name for t in a.tags()), ensure_ascii=False))\n"
)


def _python(code: str, *args: str, home: Path) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=child_env(home),
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _integrity(path: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def test_issue_reproduction_second_program_does_not_delete_our_wal(tmp_path: Path, _isolated_home: Path) -> None:
    """The exact reproduction of the issue: one process opens the archive twice (as the window does for its
    reader and writer), writes a tag, then another process opens and closes it. On the old code the first
    process's header check (a Python open()/close() of the live file) had dropped its POSIX locks, so the
    other process deleted the -wal/-shm still in use: later writes vanished and the file ended malformed."""
    path = tmp_path / "档案.sqlite"
    first = Archive.open(path)
    second = Archive.open(path)
    try:
        first.create_tag("甲")
        _python(_OPEN_AND_CLOSE, str(path), home=_isolated_home)
        assert Path(str(path) + "-wal").exists() and Path(str(path) + "-shm").exists(), (
            "another program deleted the -wal/-shm files this process still uses")
        second.create_tag("乙")
        # a third program sees the write made after the second one came and went
        assert json.loads(_python(_TAG_NAMES, str(path), home=_isolated_home)) == ["乙", "甲"]
        # and as the user saw it: the project's own CLI `list --json` (read-only) beside the window
        listed = subprocess.run([sys.executable, "-m", "core", "--db", str(path), "list", "--json"], cwd=REPO,
                                env=child_env(_isolated_home), capture_output=True, text=True, encoding="utf-8",
                                timeout=300, check=False)
        assert listed.returncode == 0, listed.stderr
        assert Path(str(path) + "-wal").exists()
        second.create_tag("丙")
    finally:
        first.close()
        second.close()
    assert _integrity(path) == [("ok",)]
    with Archive.open(path) as archive:
        assert sorted(t.name for t in archive.tags()) == ["丙", "乙", "甲"]


# Process A: holds three connections like the window, opens a passing fourth now and then (compare or
# trend window), and writes a tag and a title on one document per step; prints each write once committed.
_WRITER = r"""
import json, sys
from core import Archive
path, steps, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
table, writer, reader = Archive.open(path), Archive.open(path), Archive.open(path)
ids = writer.list_ids(order_by="id", descending=False)
for step in range(steps):
    doc = ids[step % len(ids)]
    if step % 2 == 0:
        writer.tag_documents([doc], [f"{prefix}{step}"])
        print(json.dumps({"tag": f"{prefix}{step}", "doc": doc}, ensure_ascii=False), flush=True)
    else:
        writer.set_metadata([doc], title=f"{prefix}标题{step}")
        print(json.dumps({"title": f"{prefix}标题{step}", "doc": doc}, ensure_ascii=False), flush=True)
    table.get_documents(ids[:3])
    reader.search_ids("法治")
    if step % 7 == 0:
        with Archive.open(path) as passing:  # a compare or trend window
            passing.count()
for archive in (table, writer, reader):
    archive.close()
print("DONE", flush=True)
"""

# Processes B and C: open, read, search, check, back up and close, in a loop until the stop file appears.
_VISITOR = r"""
import os, sys, time
from pathlib import Path
from core import Archive, backups
path, stop, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
round_ = 0
while not stop.exists():
    round_ += 1
    read_only = round_ % 4 == 0  # now and then as the CLI's read-only look
    with Archive.open(path, read_only=read_only) as archive:
        ids = archive.list_ids()
        archive.get_documents(ids[:20])
        archive.search("法治政府")
        if round_ % 3 == 0:
            assert archive.check(quick=True) == [], archive.check(quick=True)
        if round_ % 5 == 0:
            archive.backup(out / f"{os.getpid()}-{round_}.sqlite")
        if round_ % 9 == 0 and not read_only:
            archive.tag_documents([], [])  # an empty write transaction
            backups.make_backup(archive)
    if round_ == 1:
        (out / f"ready-{os.getpid()}").touch()
    time.sleep(0.02)
print("rounds", round_, flush=True)
"""


def _start(code: str, *args: str, home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=child_env(home),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


def _wait_ready(out: Path, count: int) -> None:
    deadline = time.monotonic() + 300  # a hang guard only
    while len(list(out.glob("ready-*"))) < count:
        assert time.monotonic() < deadline, "the visitors never started"
        time.sleep(0.05)


def _writes(output: str) -> list[dict[str, object]]:
    lines = output.strip().splitlines()
    assert lines and lines[-1] == "DONE", output[-2000:]
    return [json.loads(line) for line in lines[:-1]]


def _assert_all_present(path: Path, writes: list[dict[str, object]]) -> None:
    assert _integrity(path) == [("ok",)]
    with Archive.open(path) as archive:
        docs = {doc.id: doc for doc in archive.get_documents(archive.list_ids())}
        last_title: dict[object, object] = {}
        for write in writes:
            if "tag" in write:
                assert write["tag"] in docs[int(str(write["doc"]))].tags, f"lost write {write}"
            else:
                last_title[write["doc"]] = write["title"]
        for doc_id, title in last_title.items():
            assert docs[int(str(doc_id))].title == title, f"lost title {title} of document {doc_id}"
    audit_archive(path)


@pytest.fixture
def busy_archive(tmp_path: Path) -> Path:
    path = tmp_path / "共用 档案.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([_variants(tmp_path / "报告", 6, "共用")], workers=0)
        assert archive.count() == 6
    return path


def test_writer_with_several_connections_and_visitors_side_by_side(
    busy_archive: Path, tmp_path: Path, _isolated_home: Path
) -> None:
    stop, out = tmp_path / "stop", tmp_path / "copies"
    out.mkdir()
    visitors = [_start(_VISITOR, str(busy_archive), str(stop), str(out), home=_isolated_home) for _ in range(2)]
    _wait_ready(out, 2)
    writer = _start(_WRITER, str(busy_archive), "500", "甲", home=_isolated_home)
    try:
        output, errors = writer.communicate(timeout=600)
        assert writer.returncode == 0, errors[-3000:]
    finally:
        stop.touch()
        results = [v.communicate(timeout=300) for v in visitors]
    for visitor, (stdout, stderr) in zip(visitors, results, strict=True):
        assert visitor.returncode == 0, stderr[-3000:]
        assert stdout.startswith("rounds"), stdout
    _assert_all_present(busy_archive, _writes(output))
    copies = sorted(out.glob("*.sqlite"))
    assert copies, "the visitors made no backup"
    for copy in copies[-3:]:
        assert _integrity(copy) == [("ok",)]


def test_visitors_killed_at_random_moments_lose_nothing(
    busy_archive: Path, tmp_path: Path, _isolated_home: Path
) -> None:
    stop, out = tmp_path / "stop", tmp_path / "copies"
    out.mkdir()
    rng = random.Random(15)
    visitors = [_start(_VISITOR, str(busy_archive), str(stop), str(out), home=_isolated_home) for _ in range(2)]
    _wait_ready(out, 2)
    writer = _start(_WRITER, str(busy_archive), "800", "乙", home=_isolated_home)
    killed = 0
    try:
        while writer.poll() is None:
            time.sleep(rng.uniform(0.1, 0.6))
            slot = rng.randrange(len(visitors))
            visitors[slot].kill()  # SIGKILL (TerminateProcess on Windows): mid-read, mid-backup, mid-check
            visitors[slot].wait(timeout=60)
            killed += 1
            visitors[slot] = _start(_VISITOR, str(busy_archive), str(stop), str(out), home=_isolated_home)
        output, errors = writer.communicate(timeout=600)
        assert writer.returncode == 0, errors[-3000:]
    finally:
        stop.touch()
        for visitor in visitors:
            visitor.kill()
            visitor.communicate(timeout=60)
    assert killed >= 2
    print(f"visitors killed: {killed}")
    assert not Path(str(busy_archive) + "-journal").exists()
    _assert_all_present(busy_archive, _writes(output))
