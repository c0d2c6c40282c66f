"""kill -9 during an import, at random moments: the archive opens, is whole, and a re-run completes it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.robustness.conftest import BUNDLED_SAMPLES, REPO, audit_archive, child_env, sha256

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and sessions are POSIX")


def _variants(folder: Path, count: int) -> dict[str, str]:
    """`count` distinct small reports made from the bundled samples; returns name → sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_SAMPLES.glob("*.txt"))]
    sources = {}
    for i in range(count):
        text = texts[i % len(texts)].replace("云溪区", f"云溪区第{i}片区", 3) + f"\n（编号{i:04d}）\n"
        path = folder / f"报告 {i:03d}.txt"
        path.write_text(text, encoding="utf-8")
        sources[path.name] = sha256(path.read_bytes())
    return sources


def _session_processes(sid: int) -> list[int]:
    """Processes still alive in session `sid` (the killed import and any helper it spawned)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            alive.append(int(entry.name))
    return alive


def _kill_during_import(db: Path, folder: Path, home: Path, delay: float) -> tuple[str, int]:
    """Start the CLI import, SIGKILL its main process after `delay` s; (what happened, orphans)."""
    errors = db.with_name(db.name + ".stderr")
    with errors.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "core", "--db", str(db), "import", str(folder), "--json"],
            cwd=REPO, env=child_env(home), stdout=subprocess.DEVNULL, stderr=stderr,
            start_new_session=True,
        )
    try:
        code = proc.wait(timeout=delay)
        tail = errors.read_text(encoding="utf-8", errors="replace").strip()[-300:]
        return (f"finished first (exit {code})" + (f": {tail}" if code else "")), 0
    except subprocess.TimeoutExpired:
        pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Helpers (spawned pool workers) must notice their parent is gone and exit by themselves.
    deadline = time.monotonic() + 60  # a hang guard: they go within a fraction of a second
    while (left := _session_processes(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return "killed", len(left)


def _crash_and_recover(db: Path, folder: Path, sources: dict[str, str], home: Path, *,
                       rounds: int, max_delay: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    log = [f"seed {seed} (rerun with ROBUSTNESS_SEED={seed})"]
    orphan_counts = []
    for round_no in range(rounds):
        delay = rng.uniform(0.2, max_delay)
        what, orphans = _kill_during_import(db, folder, home, delay)
        orphan_counts.append(orphans)
        try:
            state = audit_archive(db, sources) if db.exists() else {"count": 0}
        except AssertionError as error:
            raise AssertionError("\n".join([*log, f"round {round_no}: kill at {delay:.2f} s", str(error)])) from error
        log.append(f"round {round_no}: kill at {delay:.2f} s → {state['count']} documents, "
                   f"{what}, {orphans} orphans")
    # A normal re-run completes the import: every file is in, nothing failed, no duplicate rows.
    done = subprocess.run(
        [sys.executable, "-m", "core", "--db", str(db), "import", str(folder), "--json"],
        cwd=REPO, env=child_env(home), capture_output=True, text=True, encoding="utf-8", timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    final = audit_archive(db, sources)
    assert final["names"] == sorted(sources), "a file is missing or stored twice after the re-run"
    # Checked last, so that the archive checks above run for every round first.
    assert sum(orphan_counts) == 0, "\n".join([
        *log, "worker processes outlived the killed import: each pool worker needs a parent-death watchdog",
        "(e.g. a thread waiting on multiprocessing.parent_process().sentinel, then os._exit)"])
    return log


def test_kill_once_then_rerun(tmp_path: Path, _isolated_home: Path) -> None:
    folder = tmp_path / "待导入 报告"
    sources = _variants(folder, 60)  # ≥ 40 files: the import uses its spawned worker pool
    log = _crash_and_recover(tmp_path / "档案.sqlite", folder, sources, _isolated_home,
                             rounds=1, max_delay=2.6, seed=int(os.environ.get("ROBUSTNESS_SEED", time.time())))
    print("\n".join(log))


@pytest.mark.slow
def test_kill_many_times_on_real_reports(tmp_path: Path, _isolated_home: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    sources = {p.name: sha256(p.read_bytes()) for p in CORPUS.iterdir() if p.is_file()}
    seed = int(os.environ.get("ROBUSTNESS_SEED", time.time()))
    log = _crash_and_recover(tmp_path / "档案.sqlite", CORPUS, sources, _isolated_home,
                             rounds=10, max_delay=8.0, seed=seed)
    print("\n".join(log))
