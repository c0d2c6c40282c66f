"""The 标签 and 结构 sorts of the archive table (gui.listing.sort_in_python, reader thread) read only the columns
they need; their order is the one the columns show (Document.tags joined, structure rank), on real reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.archive import Archive
from core.models import Document
from gui.listing import sort_in_python


def _tag_key(d: Document) -> tuple[str, int]:
    return "、".join(d.tags) or "\uffff", d.id


def _structure_key(d: Document) -> tuple[int, int, int, int]:
    annual = d.doc_type in ("法治政府建设年度报告", "法治政府建设工作报告")
    return 0 if annual else 1, len(d.missing_parts), 1 if d.late else 0, d.id


@pytest.mark.parametrize("descending", [False, True])
def test_tag_and_structure_sorts_follow_the_documents(filled_archive: Path, descending: bool) -> None:
    with Archive.open(filled_archive) as archive:
        ids = archive.list_ids()
        assert len(ids) >= 10
        # tags of varied names and case, some documents with several, some with none
        archive.tag_documents(ids[::2], ["乙类"])
        archive.tag_documents(ids[::3], ["Alpha", "甲类"])
        archive.tag_documents(ids[1:2], ["beta"])
        archive.trash(ids[-1:])  # a trashed document among the ids still sorts like the others
        docs = archive.get_documents(ids)
        for key, order in (("@tags", _tag_key), ("@structure", _structure_key)):
            expected = [d.id for d in sorted(docs, key=order, reverse=descending)]
            assert sort_in_python(archive, ids, key, descending) == expected, key
        subset = ids[1::2]
        expected = [d.id for d in sorted(archive.get_documents(subset), key=_tag_key, reverse=descending)]
        assert sort_in_python(archive, subset, "@tags", descending) == expected
