"""The whole flow (import, search, extract, tags, export, backup) works with every socket call refused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.conftest import BUNDLED_SAMPLES, REPO, child_env

# Run in a fresh interpreter so that every lazy import (jieba, openpyxl, readers) happens under the guard.
_FLOW = r"""
import socket, sys
from pathlib import Path

class NetworkUsed(RuntimeError):
    pass

def refuse(*args, **kwargs):
    raise NetworkUsed(f"network access attempted: {args[:2]!r}")

socket.socket = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
socket.gethostbyname = refuse
socket.socketpair = refuse

from core import Archive
from core.backups import rotate_backups
from core.export import export_xlsx
from core.extract import extract_file
from openpyxl import load_workbook

samples, work = Path(sys.argv[1]), Path(sys.argv[2])
with Archive.open(work / "档案.sqlite") as archive:
    report = archive.import_paths([samples], workers=1)
    assert not [i for i in report.items if i.outcome.value == "failed"], report
    ids = archive.list_ids()
    assert archive.search("行政复议", limit=5)
    assert archive.suggest_tags(ids[0], n=5)
    out = export_xlsx(archive, work / "导出.xlsx", ids)
    assert len(list(load_workbook(out, read_only=True)["报告"].iter_rows())) == len(ids) + 1
    assert rotate_backups(archive.path) is not None
    assert archive.check() == []
for path in samples.iterdir():
    assert extract_file(path)["indicators"], path
print("flow ok", len(ids))
"""


def test_whole_flow_without_network(tmp_path: Path, _isolated_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FLOW, str(BUNDLED_SAMPLES), str(tmp_path)],
        cwd=REPO, env=child_env(_isolated_home), capture_output=True, text=True, encoding="utf-8",
        timeout=180, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert done.stdout.strip().startswith("flow ok")


def test_import_pool_without_network_or_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker pool (≥ 40 files) is spawned, never forked (Windows has no fork; Qt threads make it
    unsafe on Linux), and talks over pipes, never sockets."""
    from core import Archive

    folder = tmp_path / "多份"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(BUNDLED_SAMPLES.glob("*.txt"))]
    for i in range(45):
        (folder / f"{i:02d}.txt").write_text(texts[i % len(texts)] + f"\n编号{i}\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(os, "fork", refuse)  # spawn starts children with fork_exec, never os.fork
    with Archive.open(tmp_path / "档案.sqlite") as archive:
        report = archive.import_paths([folder])
        assert archive.count() == 45, [(i.path, i.reason) for i in report.items if i.reason]
