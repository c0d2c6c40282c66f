"""设置 → 自动导入文件夹: a real report copied into the watched folder is imported while the app runs."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from core.errors import SearchCancelledError
from gui.main_window import MainWindow
from tests.conftest import CORPUS
from tests.gui.conftest import make_window


def test_a_report_dropped_into_the_watched_folder_is_imported_once(qtbot: QtBot, tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    window = make_window(qtbot, tmp_path / "archive.sqlite")
    try:
        watcher = window.folder_watcher
        assert watcher.watch is None and not watcher.timer.isActive()  # off until a folder is set
        window.settings.watched_folder = inbox
        window.settingsChanged.emit(["watched_folder"])
        assert watcher.folder == inbox and watcher.timer.isActive()

        report = sorted(CORPUS.rglob("*.txt"))[0]
        shutil.copy(report, inbox / report.name)
        (inbox / "说明.md").write_text("不是报告", encoding="utf-8")

        def poll_until_imported() -> bool:
            if not watcher._busy and not window._import_jobs:
                watcher.poll()  # a file must look the same on two polls before it is imported
            return window.archive is not None and window.archive.count() == 1

        qtbot.waitUntil(poll_until_imported, timeout=120_000)
        doc = window.archive.get_documents(window.archive.list_ids())[0]
        assert doc.source_name == report.name
        qtbot.waitUntil(lambda: not window._import_jobs and not watcher._busy, timeout=60_000)
        for _ in range(3):  # unchanged: never imported again
            watcher.poll()
            qtbot.waitUntil(lambda: not watcher._busy, timeout=30_000)
        assert not window._import_jobs and window.archive.count() == 1

        window.settings.watched_folder = None
        window.settingsChanged.emit(["watched_folder"])
        assert watcher.watch is None and not watcher.timer.isActive()
    finally:
        window.close()


def test_each_keystroke_interrupts_the_listing_before_it(qtbot: QtBot, window: MainWindow) -> None:
    """Typing fast: a listing still running when the next keystroke arrives is interrupted on the reader,
    and the table ends with the last query's matches."""
    archive = window.archive
    assert archive is not None
    reader = window.reader
    assert reader is not None
    started = threading.Event()

    def slow(a: Any, *_: Any) -> None:
        started.set()
        # a statement that runs until interrupted (a recursive count with no end)
        a.connection.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")

    errors: list[BaseException] = []
    reader.submit(slow, on_error=errors.append, name="list")
    assert started.wait(30)
    assert reader.interrupt("list") is True
    # the job may not have reached its statement yet (an interrupt with nothing running is a no-op): the next
    # keystroke interrupts again, as this does until the job ends
    qtbot.waitUntil(lambda: bool(errors) or (reader.interrupt("list") and False), timeout=60_000)
    assert isinstance(errors[0], SearchCancelledError | sqlite3.OperationalError)  # raw SQL here: "interrupted"
    for text in ("复", "复议", "行政复议"):
        window.search_box.setText(text)
        window.listing.refresh()
    expected = archive.search_ids("行政复议")
    qtbot.waitUntil(lambda: window.model.query == "行政复议", timeout=30_000)
    assert sorted(window.model.ids) == sorted(expected)
