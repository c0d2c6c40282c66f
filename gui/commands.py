"""Undoable edits (QUndoCommand): tags (also rename and merge), metadata, trash and figures; each step runs
on the writer worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Document, Fact
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


class FactCommand(QUndoCommand):
    """Change a figure: its status (确认/否决), its value and unit (更正), its indicator (归入指标).

    Undo puts back what the figure was (value, unit, indicator and status, 自动识别 included)."""

    def __init__(self, host: Host, doc_id: int, facts: Sequence[Fact], changes: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.host = host
        self.doc_id = doc_id
        self.changes = dict(changes)
        self.old = [(f.id, f.value, f.unit, f.key, f.name, f.status) for f in facts if f.id is not None]

    def redo(self) -> None:
        ids, changes = [fact_id for fact_id, *_ in self.old], dict(self.changes)

        def job(archive: Archive, *_: Any) -> None:
            for fact_id in ids:
                archive.update_fact(fact_id, **changes)

        self.host.run_write(job, [self.doc_id], name="facts")

    def undo(self) -> None:
        old = list(self.old)

        def job(archive: Archive, *_: Any) -> None:
            for fact_id, value, unit, key, name, status in old:
                archive.update_fact(fact_id, value=value, unit=unit, key=key or "", name=name, status=status)

        self.host.run_write(job, [self.doc_id], name="facts")


class AddFactCommand(QUndoCommand):
    """A figure the clerk marks in the text (手工添加), with its indicator; undo removes it again."""

    def __init__(self, host: Host, doc_id: int, fact: Fact) -> None:
        super().__init__(tr("添加指标“{0}”").format(fact.name or fact.sentence[:12]))
        self.host = host
        self.doc_id = doc_id
        self.fact = fact
        self.added: list[int] = []  # the stored fact's id (set on the worker, read by a later step there)

    def redo(self) -> None:
        fact, doc_id, added = self.fact, self.doc_id, self.added

        def job(archive: Archive, *_: Any) -> Fact:
            stored = archive.add_fact(doc_id, fact.start, fact.end, fact.value, fact.unit, fact.key, fact.name)
            added[:] = [stored.id] if stored.id is not None else []
            return stored

        self.host.run_write(job, [self.doc_id], name="facts")

    def undo(self) -> None:
        added = self.added

        def job(archive: Archive, *_: Any) -> None:
            for fact_id in added:
                archive.delete_fact(fact_id)
            added.clear()

        self.host.run_write(job, [self.doc_id], name="facts")
