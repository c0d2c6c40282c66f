"""Tag suggestions start without a wait: the window warms the keyword model in the background."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.archive import Archive
from gui.main_window import MainWindow
from tests.gui.conftest import make_window


def test_window_caches_keywords_in_the_background(
    qtbot: QtBot, filled_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORT_ARCHIVE_WARM_UP", "1")
    with sqlite3.connect(filled_archive) as conn:
        conn.execute("DELETE FROM keywords")
    w: MainWindow = make_window(qtbot, filled_archive)
    with qtbot.waitSignal(w.suggestionsWarm, timeout=120_000) as signal:
        w.schedule_suggestion_warm_up(0)
    segmented = signal.args[0]
    assert isinstance(segmented, int) and segmented == w.total_count  # 15 reports: all of them
    with Archive.open(filled_archive) as archive:
        cached = archive.connection.execute("SELECT count(*) FROM keywords").fetchone()[0]
        assert cached == segmented
        newest = archive.list_ids(order_by="id")[-1]
        from core import tags

        def no_jieba() -> None:
            raise AssertionError("a warmed archive needs no segmentation for a suggestion")

        monkeypatch.setattr(tags, "_jieba", no_jieba)
        assert archive.suggest_tags(newest)
    w.close()


def test_warm_up_is_cancelled_with_the_archive(qtbot: QtBot, filled_archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_ARCHIVE_WARM_UP", "1")
    w = make_window(qtbot, filled_archive)
    cancel = w.schedule_suggestion_warm_up(60_000)
    assert cancel is not None and not cancel.is_set()
    w.close()
    assert cancel.is_set()
