"""Entry point, error handling and the worker: `python -m gui`, excepthook, self-test dispatch, job delivery."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from core.errors import ArchiveLockedError
from gui import app as gui_app
from gui import errors
from gui.worker import Worker
from tests.conftest import REPO


def error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.objectName() == "errorDialog"]


def close_boxes() -> None:
    for box in error_boxes():
        box.close()


def test_python_m_gui_creates_archive_and_shows_window(tmp_path: Path) -> None:
    archive = tmp_path / "子目录" / "新档案.sqlite"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", REPORT_ARCHIVE_STARTUP_TIMING="quit",
               REPORT_ARCHIVE_HOME=str(tmp_path / "home"))
    out = subprocess.run(
        [sys.executable, "-m", "gui", "--archive", str(archive)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "STARTUP_SHOWN" in out.stdout
    assert archive.is_file()
    # no traceback, nothing logged as an error
    assert "Traceback" not in out.stderr


def test_self_test_flag_dispatches_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    import gui.selftest

    monkeypatch.setattr(gui.selftest, "run", lambda: 3)
    assert gui_app.main(["--self-test"]) == 3


def test_choose_archive_prefers_flag_then_last_then_default(tmp_path: Path) -> None:
    from core.paths import default_archive_path
    from gui.settings import Settings

    flag = tmp_path / "x.sqlite"
    assert gui_app.choose_archive(flag) == flag.resolve()
    assert gui_app.choose_archive(None) == default_archive_path()
    last = tmp_path / "last.sqlite"
    last.write_bytes(b"")
    Settings().last_archive = last
    assert gui_app.choose_archive(None) == last


def test_unexpected_error_is_logged_and_shown_without_traceback(qtbot: QtBot) -> None:
    path = errors.setup_logging()
    try:
        raise RuntimeError("内部错误 xyz-123")
    except RuntimeError as exc:
        errors._excepthook(type(exc), exc, exc.__traceback__)
    boxes = error_boxes()
    assert boxes, "a message box is shown"
    text = boxes[-1].text()
    assert "Traceback" not in text and "xyz-123" not in text
    assert str(path) in text
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    log = path.read_text(encoding="utf-8")
    assert "Traceback" in log and "xyz-123" in log
    close_boxes()


def test_expected_error_shows_its_chinese_message(qtbot: QtBot) -> None:
    exc = ArchiveLockedError("档案正被另一个程序使用，请稍后再试。")
    errors._excepthook(type(exc), exc, None)
    assert error_boxes()[-1].text() == "档案正被另一个程序使用，请稍后再试。"
    close_boxes()


def test_worker_runs_jobs_in_order_with_throttled_progress(qtbot: QtBot, tmp_path: Path) -> None:
    worker = Worker(tmp_path / "w.sqlite", "test")
    seen: list[Any] = []
    progress: list[tuple[int, int]] = []
    thread_names: list[str] = []

    spent: list[float] = []

    def slow(_archive: Any, report: Any, _cancel: threading.Event) -> str:
        thread_names.append(threading.current_thread().name)
        started = time.monotonic()
        for i in range(1, 301):
            report(i, 300, f"第{i}个")
            time.sleep(0.001)
        spent.append(time.monotonic() - started)
        return "first"

    worker.submit(slow, on_done=seen.append, on_progress=lambda d, t, _m: progress.append((d, t)))
    worker.submit(lambda a, *_: a.count(), on_done=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert seen == ["first", 0]
    assert thread_names == ["archive-test"]
    # at most ~10 updates a second (plus the first and the last), and the last one is always delivered
    assert 1 <= len(progress) <= spent[0] / 0.1 + 2
    assert len(progress) < 300
    assert progress[-1] == (300, 300)
    worker.stop()


def test_worker_delivers_errors_and_honours_cancel(qtbot: QtBot, tmp_path: Path) -> None:
    worker = Worker(tmp_path / "w.sqlite", "test")
    failures: list[BaseException] = []

    def boom(*_: Any) -> None:
        raise ArchiveLockedError("档案被占用")

    with qtbot.waitSignal(worker.jobFailed, timeout=10_000):
        worker.submit(boom, on_error=failures.append)
    assert isinstance(failures[0], ArchiveLockedError)

    started = threading.Event()

    def until_cancelled(_a: Any, _p: Any, cancel: threading.Event) -> bool:
        started.set()
        return cancel.wait(10)

    results: list[Any] = []
    job = worker.submit(until_cancelled, on_done=results.append)
    assert started.wait(5)
    with qtbot.waitSignal(worker.jobFinished, timeout=10_000):
        job.cancel()
    assert results == [True]
    assert not worker.busy
    worker.stop()
