"""Interrupted work resumes: after a kill -9 mid-import, the archive says how many files landed and the
rest can be imported; finished and cancelled imports leave nothing to resume."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core import Archive
from core.ingest import resume
from core.models import Outcome
from tests.killed_import import kill_import_midway

GUARD_S = 300  # a hang guard for waiting on the child; it is killed long before

@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_a_killed_import_is_offered_again_with_what_landed(tmp_path: Path, corpus_dir: Path) -> None:
    files = [str(p) for p in sorted(corpus_dir.glob("*.txt"))[:30]]
    (tmp_path / "不支持.xyz").write_text("x", encoding="utf-8")
    files.insert(0, str(tmp_path / "不支持.xyz"))  # a phase-1 failure: done, not pending
    db = tmp_path / "a.sqlite"
    Archive.open(db).close()
    out = kill_import_midway(db, files, guard_s=GUARD_S)
    assert b"finished" not in out, "the import finished before it could be killed"
    with Archive.open(db) as arch:
        stored = arch.count()
        found = arch.interrupted_import()
        assert found is not None
        assert found.total == len(files)
        assert found.landed == stored and 0 < stored < 30
        assert found.done == stored + 1  # the unsupported file had its outcome too
        assert found.pending == len(files) - found.done
        report = arch.resume_import(found.run_id, workers=0)
        assert report.count(Outcome.IMPORTED) == found.pending
        assert {Path(i.path).name for i in report.items}.isdisjoint({"不支持.xyz"})
        assert arch.count() == 30 and arch.check() == []
        assert arch.interrupted_import() is None


def test_finished_and_cancelled_imports_leave_nothing_to_resume(tmp_path: Path, samples_dir: Path) -> None:
    files = sorted(samples_dir.glob("*.txt"))
    with Archive.open(tmp_path / "a.sqlite") as arch:
        arch.import_paths(files[:2], workers=0)
        assert arch.interrupted_import() is None
        cancel = threading.Event()
        cancel.set()
        assert arch.import_paths(files[2:], cancel=cancel, workers=0).cancelled
        assert arch.interrupted_import() is None
        rows = arch.connection.execute("SELECT count(*) FROM import_runs").fetchone()[0]
        assert rows == 0


def test_an_import_running_in_another_program_is_not_interrupted(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.sqlite") as arch:
        other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            run_id = resume.start_run(arch.connection, ["甲.txt", "乙.txt"])
            arch.connection.execute("UPDATE import_runs SET pid = ? WHERE id = ?", (other.pid, run_id))
            assert arch.interrupted_import() is None  # alive: still running over there
        finally:
            other.kill()
            other.wait()
        found = arch.interrupted_import()
        assert found is not None and (found.total, found.landed, found.pending) == (2, 0, 2)
        arch.discard_interrupted_import(found.run_id)
        assert arch.interrupted_import() is None
