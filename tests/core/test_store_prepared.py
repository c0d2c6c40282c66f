"""The import's writes: rows prepared in the worker (core.store.documents.prepare) are the rows stored from
an analysis, and the full-text index rows a batch holds back (PendingIndex) land exactly once per document."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from core import Archive, reuse
from core.ingest import pipeline
from core.models import Outcome
from core.store import documents

_TIMES = {"imported_at", "analysed_at", "source_mtime_ns"}


def _files(corpus_dir: Path, n: int) -> list[Path]:
    return sorted(corpus_dir.glob("*.txt"))[:n]


def _table(archive: Archive, table: str) -> list[tuple[Any, ...]]:
    conn = archive._conn
    names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in _TIMES]
    columns = ", ".join(names)
    return conn.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}").fetchall()


def _indexed_ids(archive: Archive) -> list[int]:
    return [int(r[0]) for r in archive._conn.execute("SELECT id FROM fts_docsize ORDER BY id")]


def test_rows_prepared_by_the_worker_are_the_rows_stored_from_the_analysis(tmp_path: Path, corpus_dir: Path) -> None:
    files = _files(corpus_dir, 6)
    with Archive.open(tmp_path / "import.sqlite") as imported, Archive.open(tmp_path / "direct.sqlite") as direct:
        report = imported.import_paths(files, workers=0)  # _process_path: item.prepared, no analysis
        assert [i.outcome for i in report.items] == [Outcome.IMPORTED] * len(files)
        conn = direct._conn
        conn.execute("BEGIN")
        for path in files:
            item = pipeline.process_bytes(str(path), path.read_bytes())
            assert item.prepared is None and item.analysis is not None
            documents.store_document(conn, item)  # prepared here, from the analysis, index rows at once
        conn.execute("COMMIT")
        for table in ("documents", "analyses", "texts", "originals", "facts", "reuse_postings", "reuse_signatures"):
            assert _table(imported, table) == _table(direct, table), table
        assert _table(imported, "facts")  # the comparison compared something
        for query in ("行政复议", "2023年", "的", "规范性文件 -复议"):
            assert [h.doc_id for h in imported.search(query)] == [h.doc_id for h in direct.search(query)], query


def test_a_document_that_fails_to_store_leaves_no_index_row(tmp_path: Path, corpus_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(corpus_dir, 4)
    real = reuse.index_document
    calls: list[int] = []

    def fail_the_second(conn: sqlite3.Connection, doc_id: int, text: str, **kw: Any) -> None:
        calls.append(doc_id)
        if len(calls) == 2:
            raise sqlite3.IntegrityError("simulated")
        real(conn, doc_id, text, **kw)

    monkeypatch.setattr(reuse, "index_document", fail_the_second)
    with Archive.open(tmp_path / "a.sqlite") as archive:
        report = archive.import_paths(files, workers=0)
        outcomes = [i.outcome for i in report.items]
        assert outcomes == [Outcome.IMPORTED, Outcome.FAILED, Outcome.IMPORTED, Outcome.IMPORTED]
        assert "保存到档案时出错" in report.items[1].reason
        ids = [int(i.doc_id or 0) for i in report.items if i.outcome is Outcome.IMPORTED]
        assert _indexed_ids(archive) == sorted(ids) == sorted(archive.list_ids())
        assert not archive.search(max(files[1].read_text(encoding="utf-8").splitlines(), key=len)[:12])


@pytest.mark.parametrize("flush_chars", [1, documents.PendingIndex.FLUSH_CHARS])
def test_every_document_is_indexed_once_across_batches_and_flushes(tmp_path: Path, corpus_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   flush_chars: int) -> None:
    files = _files(corpus_dir, 5)
    monkeypatch.setattr(documents, "BATCH_DOCS", 2)
    monkeypatch.setattr(documents.PendingIndex, "FLUSH_CHARS", flush_chars)
    with Archive.open(tmp_path / "a.sqlite") as archive:
        report = archive.import_paths(files, workers=0)
        ids = [int(i.doc_id or 0) for i in report.items if i.outcome is Outcome.IMPORTED]
        assert len(ids) == len(files)
        assert _indexed_ids(archive) == ids
        for path, doc_id in zip(files, ids, strict=True):
            line = max(path.read_text(encoding="utf-8").splitlines(), key=len)[:12]
            assert doc_id in [h.doc_id for h in archive.search(line, limit=100)]


@pytest.mark.parametrize("return_bytes", [pipeline.RETURN_BYTES, 0])
def test_a_file_changed_after_its_analysis_is_not_stored(tmp_path: Path, corpus_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch, return_bytes: int) -> None:
    # The worker sends small files' bytes back (checked against the file's size and time), larger ones are
    # read again (checked against the hash): either way a file edited meanwhile fails, the others import.
    files = _files(corpus_dir, 3)
    for path in files:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    copies = [tmp_path / path.name for path in files]
    moving = copies[1]
    real = pipeline._process_path

    def process_then_edit(path: str, digest: str) -> pipeline.Processed:
        item = real(path, digest)
        assert bool(item.data) == (return_bytes > 0)
        if path == str(moving):
            moving.write_bytes(moving.read_bytes()[::-1][:1000])
        return item

    from core.ingest import run

    monkeypatch.setattr(pipeline, "RETURN_BYTES", return_bytes)
    monkeypatch.setattr(run, "_process_path", process_then_edit)
    with Archive.open(tmp_path / "a.sqlite") as archive:
        report = archive.import_paths(copies, workers=0)
        assert [i.outcome for i in report.items] == [Outcome.IMPORTED, Outcome.FAILED, Outcome.IMPORTED]
        assert "修改" in report.items[1].reason
        stored = [bytes(r[0]) for r in archive._conn.execute("SELECT data FROM originals ORDER BY doc_id")]
        assert stored == [files[0].read_bytes(), files[2].read_bytes()]
