"""GUI fixtures: archives built from ../shared reports (once per session, copied per test) and a main window."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from tests.conftest import CORPUS, SAMPLES

CORPUS_COUNT = 10


def shared_reports(n_corpus: int = CORPUS_COUNT) -> list[Path]:
    """The five sample reports plus the first n corpus reports (sorted, so stable)."""
    if not SAMPLES.is_dir() or not CORPUS.is_dir():
        pytest.skip("../shared/samples or ../shared/corpus is not present")
    files = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    files += sorted(p for p in CORPUS.iterdir() if p.is_file())[:n_corpus]
    return files


@pytest.fixture(scope="session")
def template_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with the samples and 10 corpus reports, imported once per test session."""
    from core.archive import Archive

    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    with Archive.open(path) as archive:
        report = archive.import_paths(shared_reports(), workers=0)
        assert all(item.outcome == "imported" for item in report.items), report.items
    return path


@pytest.fixture
def filled_archive(template_archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    shutil.copy(template_archive, path)
    return path


def open_document(window: MainWindow, doc_id: int) -> None:
    """window.open_document, then wait until the viewer shows it (the document is read on the reader).

    A QEventLoop, not QSignalSpy.wait: the spy's wait holds Python's GIL, so the reader thread could not run."""
    from PySide6.QtCore import QEventLoop, QTimer

    viewer = window.viewer
    shown: list[int] = []
    failed: list[BaseException] = []
    loop = QEventLoop()

    def on_loaded(i: int) -> None:
        shown.append(i)
        loop.quit()

    def on_failed(_i: int, exc: BaseException) -> None:
        failed.append(exc)
        loop.quit()

    viewer.loaded.connect(on_loaded)
    viewer.loadFailed.connect(on_failed)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    try:
        window.open_document(doc_id)
        if not shown and not failed:
            timer.start(30_000)
            loop.exec()
    finally:
        timer.stop()
        viewer.loaded.disconnect(on_loaded)
        viewer.loadFailed.disconnect(on_failed)
    assert shown == [doc_id], f"document {doc_id} did not show ({failed})"


def make_window(qtbot: QtBot, path: Path) -> MainWindow:
    window = MainWindow(path)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        window.show()
    return window


@pytest.fixture
def window(qtbot: QtBot, filled_archive: Path) -> Iterator[MainWindow]:
    win = make_window(qtbot, filled_archive)
    yield win
    win.close()


@pytest.fixture
def empty_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = make_window(qtbot, tmp_path / "new" / "empty.sqlite")
    yield win
    win.close()


@pytest.fixture(autouse=True)
def _no_suggestion_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows in tests do not warm jieba in the background (test_suggest_warm_up turns it on)."""
    monkeypatch.setenv("REPORT_ARCHIVE_WARM_UP", "0")
    # a window writes its 设置 into the environment (Settings.apply_to_environment): undone after each test
    for name in ("REPORT_ARCHIVE_OCR", "REPORT_ARCHIVE_OCR_MAX_PAGES", "REPORT_ARCHIVE_BACKUP_DIR",
                 "REPORT_ARCHIVE_BACKUP_DAYS"):
        monkeypatch.setenv(name, os.environ.get(name, ""))  # remembers the value (or its absence) to restore
        monkeypatch.delenv(name)
