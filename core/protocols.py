"""What core's modules need from an archive, as Protocols (core.archive.Archive is the one implementation;
a module typed against these does not import the facade, so no import cycle)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from core.models import Analysis, Document, Fact


class ArchiveLike(Protocol):
    """The documents, their facts and texts (what the Excel export reads)."""

    def list_ids(self) -> list[int]: ...

    def get_documents(self, ids: Sequence[int]) -> list[Document]: ...

    def get_facts(self, doc_id: int) -> list[Fact]: ...

    def get_text(self, doc_id: int) -> str: ...


class ArchiveReader(ArchiveLike, Protocol):
    """An open archive as trend, the reporting grid, agency merges, reuse and the review queue read it."""

    read_only: bool

    @property
    def connection(self) -> sqlite3.Connection: ...

    def list_ids(self, *, agency: str | None = None) -> list[int]: ...  # Archive.list_ids takes more filters

    def get_document(self, doc_id: int) -> Document: ...

    def get_analysis(self, doc_id: int) -> Analysis: ...

    def distinct_values(self, column: str) -> list[Any]: ...


class ArchiveWriter(ArchiveReader, Protocol):
    """An archive that core's own modules may write to (one write transaction at a time)."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...
