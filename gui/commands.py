"""Undoable edits (QUndoCommand): tags, metadata and trash; each step runs on the writer worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Document
    from gui.worker import JobFn


class Host(Protocol):
    """What a command needs from the window: run a write and refresh what it touched."""

    def run_write(
        self,
        fn: JobFn,
        ids: Sequence[int] | None = None,
        name: str = "",
        on_done: Callable[[Any], None] | None = None,
    ) -> Any: ...


def tr(text: str) -> str:
    return QCoreApplication.translate("commands", text)


class TagCommand(QUndoCommand):
    """Add (or remove) tags on documents; undo touches only the documents that actually changed."""

    def __init__(self, host: Host, docs: Sequence[Document], names: Sequence[str], add: bool = True) -> None:
        names = [n.strip() for n in names if n.strip()]
        label = "、".join(names)
        super().__init__(
            (tr("加标签“{0}”") if add else tr("去掉标签“{0}”")).format(label)
        )
        self.host = host
        self.add = add
        self.ids = [d.id for d in docs]
        # per tag, the documents whose membership changes
        self.changed: dict[str, list[int]] = {}
        for name in names:
            if add:
                self.changed[name] = [d.id for d in docs if name not in d.tags]
            else:
                self.changed[name] = [d.id for d in docs if name in d.tags]

    def _apply(self, add: bool) -> None:
        changed = dict(self.changed)

        def job(archive: Archive, *_: Any) -> None:
            for name, ids in changed.items():
                if not ids:
                    continue
                if add:
                    archive.tag_documents(ids, [name])
                else:
                    archive.untag_documents(ids, [name])

        self.host.run_write(job, self.ids, name="tags")

    def redo(self) -> None:
        self._apply(self.add)

    def undo(self) -> None:
        self._apply(not self.add)


class MetadataCommand(QUndoCommand):
    """Set metadata fields on documents; undo restores each document's previous values."""

    def __init__(self, host: Host, docs: Sequence[Document], fields: dict[str, Any]) -> None:
        super().__init__(tr("修改文件信息（{0} 份）").format(len(docs)))
        self.host = host
        self.ids = [d.id for d in docs]
        self.fields = dict(fields)
        # undo restores each field as it was: the user's earlier override, or None = back to the analyser's value
        self.old = {d.id: {k: (d.overrides or {}).get(k) for k in fields} for d in docs}

    def redo(self) -> None:
        ids, fields = list(self.ids), dict(self.fields)

        def job(archive: Archive, *_: Any) -> None:
            archive.set_metadata(ids, **fields)

        self.host.run_write(job, self.ids, name="metadata")

    def undo(self) -> None:
        old = {k: dict(v) for k, v in self.old.items()}

        def job(archive: Archive, *_: Any) -> None:
            for doc_id, values in old.items():
                archive.set_metadata([doc_id], **values)

        self.host.run_write(job, self.ids, name="metadata")


class TrashCommand(QUndoCommand):
    """Move documents to the trash (undo restores them)."""

    def __init__(self, host: Host, ids: Sequence[int], restore: bool = False) -> None:
        super().__init__((tr("恢复 {0} 份文件") if restore else tr("删除 {0} 份文件")).format(len(ids)))
        self.host = host
        self.ids = list(ids)
        self.restore = restore

    def _run(self, to_trash: bool) -> None:
        ids = list(self.ids)

        def job(archive: Archive, *_: Any) -> None:
            if to_trash:
                archive.trash(ids)
            else:
                archive.restore(ids)

        self.host.run_write(job, self.ids, name="trash")

    def redo(self) -> None:
        self._run(not self.restore)

    def undo(self) -> None:
        self._run(self.restore)
