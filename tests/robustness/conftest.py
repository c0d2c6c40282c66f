"""Helpers for the robustness suite: subprocess runs of the import with peak memory, archive audits."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLED_SAMPLES = REPO / "resources" / "samples"
CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4}")

# Run in a child process: import paths into an archive, print the report and the peak memory as JSON.
_IMPORT_SCRIPT = """
import json, resource, sys
from core import Archive


def peak_kb():
    # VmHWM is this process image's own peak: ru_maxrss may carry the peak of the process that forked
    # this interpreter (a test run grown large) over the exec
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


db, *paths = sys.argv[1:]
with Archive.open(db) as archive:
    report = archive.import_paths(paths, workers=1)
    count = archive.count()
print(json.dumps({
    "items": [{"path": i.path, "outcome": i.outcome.value, "reason": i.reason, "id": i.doc_id}
              for i in report.items],
    "count": count,
    "maxrss_kb": peak_kb(),
    "cpu_s": sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                 for f in ("ru_utime", "ru_stime")),
}, ensure_ascii=False))
"""


@dataclass
class ImportRun:
    items: list[dict[str, Any]]
    count: int
    maxrss_mb: float
    seconds: float  # wall time, for the log only: never asserted (the machine is shared)
    cpu_s: float = 0.0  # CPU time of the import process and its reaped workers

    def by_name(self) -> dict[str, dict[str, Any]]:
        return {Path(item["path"]).name: item for item in self.items}


def child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ, REPORT_ARCHIVE_HOME=str(home), PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_import(db: Path, paths: list[Path], home: Path, timeout: float = 600) -> ImportRun:
    """Import in a fresh interpreter (so ru_maxrss is this import's peak alone)."""
    import time

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_SCRIPT, str(db), *map(str, paths)],
        cwd=REPO, env=child_env(home), capture_output=True, text=True, encoding="utf-8",
        timeout=timeout, check=False,
    )
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return ImportRun(data["items"], data["count"], data["maxrss_kb"] / 1024, seconds, data.get("cpu_s", 0.0))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def audit_archive(db: Path, sources: dict[str, str] | None = None) -> dict[str, Any]:
    """Open the archive after a crash and check it: SQLite integrity, the app's own check, every document whole.

    `sources` maps a file name to the sha256 of its bytes: each stored original must match it.
    """
    from core import Archive

    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    assert integrity == [("ok",)], integrity
    with Archive.open(db) as archive:
        problems = archive.check()
        assert problems == [], problems
        ids = archive.list_ids()
        assert archive.count() == len(ids)
        for doc in archive.get_documents(ids):
            text = archive.get_text(doc.id)
            assert text.strip(), f"document {doc.id} has no text"
            name, original = archive.get_original(doc.id)
            assert original, f"document {doc.id} lost its original"
            assert name == doc.source_name
            if sources is not None:
                assert sources.get(name) == sha256(original), f"original of {name} differs from the file"
            for fact in archive.get_facts(doc.id):
                assert 0 <= fact.start < fact.end <= len(text), (doc.id, fact)
            probe = CJK_RUN.search(text)
            if probe:
                assert doc.id in archive.search_ids(probe.group()), f"document {doc.id} missing from the index"
        return {"count": len(ids), "names": sorted(d.source_name for d in archive.get_documents(ids))}


@pytest.fixture
def bundled_samples() -> Path:
    assert BUNDLED_SAMPLES.is_dir()
    return BUNDLED_SAMPLES
