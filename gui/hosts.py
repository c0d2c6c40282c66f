"""What the document viewer and the export dialog need from the window that holds them, as Protocols
(gui.main_window.MainWindow is the one implementation; neither module imports it, so no import cycle, and
a test can build either with a small fake host)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gui.commands import Host

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QStatusBar, QTabWidget

    from core.archive import Archive
    from gui.models import DocumentTableModel
    from gui.settings import Settings
    from gui.tag_pane import TagPane
    from gui.worker import Worker


class ExportHost(Protocol):
    """The export dialog: which documents are selected or listed, the settings, the writer worker."""

    model: DocumentTableModel
    settings: Settings
    worker: Worker | None
    total_count: int
    trash_mode: bool

    def selected_ids(self) -> list[int]: ...


class ViewerHost(Host, Protocol):
    """The document viewer: the open archive and its workers, and the window's undoable edits."""

    archive: Archive | None
    archive_path: Path
    read_only: bool
    worker: Worker | None
    reader: Worker | None
    settings: Settings
    tabs: QTabWidget
    tag_pane: TagPane
    undo_stack: QUndoStack

    def statusBar(self) -> QStatusBar: ...

    def open_previous_year(self, doc_id: int) -> None: ...

    def set_metadata(self, ids: Sequence[int], fields: dict[str, Any]) -> None: ...

    def tag_documents(self, ids: Sequence[int], tag_name: str) -> None: ...

    def untag_documents(self, ids: Sequence[int], tag_name: str) -> None: ...
