"""`--self-test`: the headless end-to-end check passes on a checkout and fails loudly when something is broken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gui import selftest

REPO = Path(__file__).resolve().parents[2]


def _command() -> list[str]:
    if (REPO / "gui" / "__main__.py").exists():
        return [sys.executable, "-m", "gui", "--self-test"]
    return [sys.executable, "-c", "import gui.selftest, sys; sys.exit(gui.selftest.run())"]


def test_self_test_passes_in_a_subprocess(_isolated_home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        _command(), check=False, cwd=REPO, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = [line for line in done.stdout.splitlines() if line.startswith(("OK", "FAIL"))]
    assert len(lines) >= 10, output
    assert all(line.startswith("OK") for line in lines), output
    assert "主窗口 / main window" in done.stdout
    assert "PASSED" in done.stdout
    # the report also lands in the (isolated) user's log folder, for windowed builds without a console
    log = _isolated_home / "logs" / "selftest.log"
    assert "PASSED" in log.read_text(encoding="utf-8")
    # and the self-test used its own temporary home: no archive appeared in the user's folder
    assert not list(_isolated_home.glob("*.sqlite"))


def test_self_test_fails_without_bundled_samples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "resources"
    (empty / "samples").mkdir(parents=True)
    monkeypatch.setattr("core.paths.resources_dir", lambda: empty)
    assert selftest.run() == 1
    out = capsys.readouterr().out
    assert "FAIL 示例报告 / bundled samples" in out
    assert "FAILED" in out
