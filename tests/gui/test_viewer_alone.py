"""The document viewer needs only what gui.hosts.ViewerHost names: it is built here without the main window."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow, QTabWidget
from pytestqt.qtbot import QtBot

from core.archive import Archive
from gui.settings import Settings


class _Tags:
    def tags(self) -> list[Any]:
        return []


class FakeHost(QMainWindow):
    """A window that is not gui.main_window.MainWindow: an open archive, no workers, edits recorded."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.archive_path = path
        self.archive: Archive | None = Archive.open(path, read_only=True)
        self.read_only = True
        self.worker = None
        self.reader = None
        self.settings = Settings()
        self.tabs = QTabWidget(self)
        self.tag_pane = _Tags()
        self.undo_stack = QUndoStack(self)
        self.calls: list[tuple[str, Any]] = []

    def run_write(self, fn: Any, ids: Sequence[int] | None = None, name: str = "",
                  on_done: Callable[[Any], None] | None = None) -> None:
        self.calls.append(("run_write", name))

    def open_previous_year(self, doc_id: int) -> None:
        self.calls.append(("previous", doc_id))

    def set_metadata(self, ids: Sequence[int], fields: dict[str, Any]) -> None:
        self.calls.append(("metadata", fields))

    def tag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        self.calls.append(("tag", tag_name))

    def untag_documents(self, ids: Sequence[int], tag_name: str) -> None:
        self.calls.append(("untag", tag_name))


@pytest.fixture
def host(qtbot: QtBot, filled_archive: Path) -> Iterator[FakeHost]:
    fake = FakeHost(filled_archive)
    qtbot.addWidget(fake)
    yield fake
    if fake.archive is not None:
        fake.archive.close()


def test_viewer_is_built_and_loads_a_document_without_the_main_window(qtbot: QtBot, host: FakeHost) -> None:
    from gui.viewer import DocumentViewer

    assert host.archive is not None
    doc_id = host.archive.list_ids()[0]
    text = host.archive.get_text(doc_id)
    viewer = DocumentViewer(host)
    host.tabs.addTab(viewer, "阅读")
    try:
        with qtbot.waitSignal(viewer.loaded, timeout=30_000):
            viewer.load(doc_id)  # read on a thread of its own: the host has no reader
        assert viewer.doc_id == doc_id
        assert viewer.text.toPlainText() == text
        assert not viewer.saveMetaButton.isEnabled()  # the host's archive is read-only
    finally:
        if viewer._suggester is not None:
            viewer._suggester.stop(5)


def test_viewer_and_export_dialog_do_not_import_the_main_window() -> None:
    import ast

    for name in ("viewer", "export_dialog", "hosts"):
        tree = ast.parse((Path(__file__).parents[2] / "gui" / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert "gui.main_window" not in imported, name
