"""Undoable tag edits from the tag pane: rename, merge, delete (QUndoCommand; each step on the writer worker).

Tags are found by name when a step runs (a tag deleted and restored by undo gets a new id). Merge and
delete read, on the worker just before they change anything, which documents carried which tag (trashed
ones included) and the tag's colour, so undo puts every document back under its tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Tag
    from gui.commands import Host


def tr(text: str) -> str:
    return QCoreApplication.translate("tag_commands", text)


def _tag(archive: Archive, name: str) -> Tag | None:
    folded = name.casefold()
    return next((t for t in archive.tags() if t.name.casefold() == folded), None)


def _members(archive: Archive, name: str) -> list[int]:
    """Every document carrying the tag, trashed ones included."""
    live = archive.list_ids(tags_all=[name], order_by="imported_at")
    trashed = archive.list_ids(tags_all=[name], deleted=True, order_by="imported_at")
    return sorted(set(live) | set(trashed))


class RenameTagCommand(QUndoCommand):
    def __init__(self, host: Host, old: str, new: str) -> None:
        super().__init__(tr("重命名标签“{0}”为“{1}”").format(old, new))
        self.host, self.old, self.new = host, old, new

    def _rename(self, src: str, dst: str) -> None:
        def job(archive: Archive, *_: Any) -> None:
            tag = _tag(archive, src)
            if tag is not None:
                archive.rename_tag(tag.id, dst)

        self.host.run_write(job, None, name="tags")

    def redo(self) -> None:
        self._rename(self.old, self.new)

    def undo(self) -> None:
        self._rename(self.new, self.old)


class MergeTagsCommand(QUndoCommand):
    """Merge source tags into a destination; undo recreates the sources and takes back what dst gained."""

    def __init__(self, host: Host, sources: list[str], destination: str) -> None:
        super().__init__(tr("合并标签“{0}”到“{1}”").format("、".join(sources), destination))
        self.host, self.sources, self.destination = host, list(sources), destination
        self.before: dict[str, tuple[str, list[int]]] = {}  # source name → (colour, documents)
        self.gained: list[int] = []  # documents the destination did not carry before

    def redo(self) -> None:
        def job(archive: Archive, *_: Any) -> None:
            dst = _tag(archive, self.destination)
            if dst is None:
                return
            had = set(_members(archive, dst.name))
            before: dict[str, tuple[str, list[int]]] = {}
            src_ids = []
            for name in self.sources:
                tag = _tag(archive, name)
                if tag is not None and tag.id != dst.id:
                    before[tag.name] = (tag.color, _members(archive, tag.name))
                    src_ids.append(tag.id)
            self.before = before
            self.gained = sorted({d for _c, docs in before.values() for d in docs} - had)
            if src_ids:
                archive.merge_tags(src_ids, dst.id)

        self.host.run_write(job, None, name="tags")

    def undo(self) -> None:
        def job(archive: Archive, *_: Any) -> None:
            for name, (color, docs) in self.before.items():
                if _tag(archive, name) is None:
                    archive.create_tag(name, color)
                if docs:
                    archive.tag_documents(docs, [name])
            if self.gained:
                archive.untag_documents(self.gained, [self.destination])

        self.host.run_write(job, None, name="tags")


class DeleteTagCommand(QUndoCommand):
    """Delete a tag; undo recreates it with its colour on the same documents."""

    def __init__(self, host: Host, name: str) -> None:
        super().__init__(tr("删除标签“{0}”").format(name))
        self.host, self.name = host, name
        self.color = ""
        self.docs: list[int] = []

    def redo(self) -> None:
        def job(archive: Archive, *_: Any) -> None:
            tag = _tag(archive, self.name)
            if tag is None:
                return
            self.color, self.docs = tag.color, _members(archive, tag.name)
            archive.delete_tag(tag.id)

        self.host.run_write(job, None, name="tags")

    def undo(self) -> None:
        def job(archive: Archive, *_: Any) -> None:
            if _tag(archive, self.name) is None:
                archive.create_tag(self.name, self.color)
            if self.docs:
                archive.tag_documents(self.docs, [self.name])

        self.host.run_write(job, None, name="tags")
