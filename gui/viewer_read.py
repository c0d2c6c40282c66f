"""What the document viewer reads of a document, on a reader thread (never on the GUI thread)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Analysis, Document, Fact
    from core.reuse_model import ReuseResult

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LoadedDocument:
    """What the viewer shows of one document, read together on the reader thread."""

    doc: Document
    text: str
    analysis: Analysis
    facts: list[Fact]
    warnings: list[str]
    reuse: ReuseResult | None
    reuse_sources: dict[int, Document]


def read_document(archive: Archive, doc_id: int) -> LoadedDocument:
    """Read everything the viewer shows of `doc_id` (runs on a reader thread)."""
    from core import reuse
    from gui.reuse_view import source_documents

    try:
        warnings = archive.get_warnings(doc_id)
    except Exception as exc:  # an older archive without the column: the header shows none
        log.debug("warnings unavailable: %s", exc)
        warnings = []
    try:
        found = reuse.stored(archive.connection, doc_id)
        sources = source_documents(archive, found)
    except Exception as exc:  # computed on demand by the panel instead
        log.debug("stored reuse unavailable: %s", exc)
        found, sources = None, {}
    return LoadedDocument(
        archive.get_document(doc_id), archive.get_text(doc_id), archive.get_analysis(doc_id),
        archive.get_facts(doc_id), list(warnings), found, sources,
    )


def write_original(archive: Archive, doc_id: int) -> Path:
    """Write the stored original of `doc_id` to the cache folder (runs on a reader thread); returns its path."""
    from core.paths import cache_dir

    name, data = archive.get_original(doc_id)
    folder = cache_dir() / "originals" / str(doc_id)
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", Path(name).name) or f"document-{doc_id}"
    path = folder / safe
    path.write_bytes(data)
    return path
