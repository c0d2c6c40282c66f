"""The reader thread while typing: listings queued behind another job are dropped when a newer one comes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from core import Archive
from core.errors import SearchCancelledError
from gui.worker import Worker


def test_queued_listings_are_superseded_not_run(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    Archive.open(path).close()
    reader = Worker(path, name="reader")
    try:
        release = threading.Event()
        ran: list[str] = []
        errors: list[tuple[str, BaseException]] = []
        done: list[str] = []

        def job(name: str) -> Any:
            def fn(_archive: Archive, *_: Any) -> str:
                ran.append(name)
                if name == "snippets":
                    release.wait(30)  # a snippet job holds the reader while keystrokes arrive
                return name
            return fn

        reader.submit(job("snippets"), on_done=done.append, name="snippets")
        qtbot.waitUntil(lambda: ran == ["snippets"], timeout=30_000)
        for n in range(3):  # three keystrokes: each interrupts the listing before it and queues its own
            reader.interrupt("list")
            reader.submit(job(f"list{n}"), on_done=done.append,
                          on_error=lambda exc, n=n: errors.append((f"list{n}", exc)), name="list")
        release.set()
        qtbot.waitUntil(lambda: not reader.busy, timeout=30_000)
        assert ran == ["snippets", "list2"] and done == ["snippets", "list2"]
        assert [name for name, _exc in errors] == ["list0", "list1"]
        assert all(isinstance(exc, SearchCancelledError) for _name, exc in errors)
    finally:
        reader.stop()
