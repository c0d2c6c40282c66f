"""The archive: one SQLite file holding documents, originals, cleaned text, facts, tags and the index."""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from core import domain, reuse, search, tags
from core import schema as _schema
from core.errors import (
    ArchiveCorruptError,
    ArchiveDamagedError,
    ArchiveError,
    ArchiveLockedError,
    ArchiveReadOnlyError,
    DiskFullError,
    from_sqlite,
    sqlite_kind,
)
from core.ingest import TimeLimit, pipeline
from core.ingest import resume as _resume
from core.ingest import run as ingest_run
from core.ingest.resume import InterruptedImport
from core.models import (
    DOC_TYPES,
    META_FIELDS,
    Analysis,
    Document,
    Fact,
    ImportReport,
    SearchHit,
    Section,
    StructureCheck,
    Tag,
)
from core.paths import default_archive_path, user_data_dir
from core.schema import ensure_schema, inspect_file
from core.store import connection as archive_file
from core.store import documents, index, maintenance, queries, records

log = logging.getLogger(__name__)

FACT_STATUSES = domain.FACT_STATUSES
SORT_COLUMNS = queries.SORT_COLUMNS
is_network_path = archive_file.is_network_path  # public as core.archive.is_network_path (docs/interfaces.md)
_FIRST_WAIT = 0.5  # seconds a write waits for another program's lock before saying so

TagRef = str | int


class Archive:
    """An open archive file (one SQLite connection).

    Thread rule: one Archive object (one connection) per thread — `check_same_thread` stays on, so a
    connection used from another thread raises. All writes (import, tags, trash, metadata) come from one
    worker thread; the GUI thread may call only the cheap reads (a page of rows via get_documents,
    count, tags). Other threads open their own Archive on the same path; WAL lets them read while the
    writer writes, and a second writer waits up to `timeout` seconds, then gets ArchiveLockedError.

    `warnings` lists Chinese notes for the user (network share, read-only); empty when all is well.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False,
                 warnings: list[str] | None = None, migration_backup: Path | None = None,
                 timeout: float = 5.0) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only
        self.warnings: list[str] = list(warnings or [])
        self.migration_backup = migration_backup
        self.timeout = timeout
        # Called (from the thread that writes) with a Chinese sentence when a write has to wait for another
        # program's write lock; the CLI prints it, the window shows it in the status bar.
        self.on_wait: Callable[[str], None] | None = None
        self._closed = False
        self._cache: OrderedDict[tuple[Any, ...], list[tuple[int, float]]] = OrderedDict()
        self._cache_version: tuple[int, int] = (-1, -1)

    # --- opening and closing -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, timeout: float = 5.0, read_only: bool = False) -> Archive:
        """Open (creating a missing file and folder) and migrate an archive; see the class docstring."""
        target = Path(path).expanduser() if path is not None else default_archive_path()
        warnings: list[str] = []
        network = is_network_path(target)
        if network:
            warnings.append(
                "档案位于网络共享文件夹上。多人同时写入可能损坏档案，且速度较慢；建议复制到本机后再使用。"
            )
        if target.is_dir():
            raise ArchiveCorruptError(f"“{target}”是一个文件夹，不是档案文件。")
        exists = target.exists()
        if not exists:
            if read_only:
                raise ArchiveCorruptError(f"档案文件不存在：{target}")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveReadOnlyError(f"无法创建档案所在的文件夹：{target.parent}（{exc.strerror}）") from exc
        # The header is read through the connection below (inspect_file), never with open(): see
        # core.store.connection — closing a descriptor of a live archive drops this process's SQLite locks.
        elif not read_only and not (os.access(target, os.W_OK) and os.access(target.parent, os.W_OK)):
            raise ArchiveReadOnlyError(
                f"档案文件或其所在文件夹是只读的，无法修改：{target}。可以以只读方式打开，或复制到可写的位置。"
            )
        if read_only:
            warnings.append("档案以只读方式打开，不能导入、修改或删除。")
        try:
            conn = archive_file.connect(target, timeout=timeout, read_only=read_only)
        except sqlite3.Error as exc:
            raise _with_advice(_as_archive_error(exc, target), target) from exc
        try:
            # Look before touching: another program's file or a newer archive is refused unchanged.
            version = inspect_file(conn)
            if read_only:
                if version < _schema.OLDEST_READABLE_VERSION:
                    raise ArchiveReadOnlyError("只读档案版本较旧，需要升级后才能打开；请复制到可写的位置再打开。")
                backup = None
            else:
                archive_file.prepare_for_writing(conn, network=network)
                backup = ensure_schema(conn, target)
            conn.execute("SELECT count(*) FROM documents").fetchone()
        except sqlite3.Error as exc:
            conn.close()
            raise _with_advice(_as_archive_error(exc, target), target) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, target, read_only=read_only, warnings=warnings, migration_backup=backup, timeout=timeout)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                if not self.read_only:
                    self._conn.execute("PRAGMA analysis_limit = 400")  # keeps closing quick on big archives
                    self._conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self._conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({str(self.path)!r})"

    # --- low-level helpers ---------------------------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection (for core modules such as export; the GUI never runs SQL)."""
        return self._conn

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _as_archive_error(exc, self.path) from exc

    def _begin_immediate(self, conn: sqlite3.Connection) -> None:
        """BEGIN IMMEDIATE; when another program holds the write lock, say so (on_wait) and keep waiting."""
        waiting = self.on_wait is not None and self.timeout > _FIRST_WAIT
        try:
            if waiting:
                conn.execute(f"PRAGMA busy_timeout = {int(_FIRST_WAIT * 1000)}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not waiting or sqlite_kind(exc) is not ArchiveLockedError:
                    raise
            assert self.on_wait is not None
            self.on_wait(f"档案正被其他程序或窗口写入，正在等待（最多 {self.timeout:.0f} 秒）…")
            conn.execute(f"PRAGMA busy_timeout = {int((self.timeout - _FIRST_WAIT) * 1000)}")
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _as_archive_error(exc, self.path) from exc
        finally:
            if waiting:
                try:
                    conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
                except sqlite3.Error:
                    pass

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; typed errors for locked / full / read-only, nothing half-written."""
        if self.read_only:
            raise ArchiveReadOnlyError("档案以只读方式打开，不能修改。")
        conn = self._conn
        self._begin_immediate(conn)
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise _as_archive_error(exc, self.path) from exc
        except BaseException:
            _rollback(conn)
            raise

    # --- import --------------------------------------------------------------------------------------

    def import_paths(
        self,
        paths: Iterable[str | Path],
        progress: ingest_run.Progress | None = None,
        cancel: threading.Event | None = None,
        *,
        workers: int | None = None,
        time_limit: TimeLimit | None = None,
    ) -> ImportReport:
        """Import files and folders (recursive); see core.ingest_run.run_import (`time_limit` per file:
        core.ingest.TimeLimit, default 30 s + 10 s per MB)."""
        if self.read_only:
            raise ArchiveReadOnlyError("档案以只读方式打开，不能导入。")
        try:
            return ingest_run.run_import(self._conn, paths, progress, cancel, workers=workers,
                                       archive_path=self.path, time_limit=time_limit)
        except sqlite3.Error as exc:
            raise _as_archive_error(exc, self.path) from exc

    def interrupted_import(self) -> InterruptedImport | None:
        """An import that was killed before it finished (core.ingest.resume): how many of its files
        landed and how many are left; None when there is none. One small query: fine on the GUI thread."""
        try:
            return _resume.interrupted(self._conn)
        except sqlite3.Error as exc:
            log.warning("could not look for an interrupted import: %s", exc)
            return None

    def resume_import(
        self,
        run_id: int,
        progress: ingest_run.Progress | None = None,
        cancel: threading.Event | None = None,
        *,
        workers: int | None = None,
        time_limit: TimeLimit | None = None,
    ) -> ImportReport:
        """Import the files an interrupted import had not done yet (a new import of them)."""
        if self.read_only:
            raise ArchiveReadOnlyError("档案以只读方式打开，不能导入。")
        try:
            paths = _resume.pending_paths(self._conn, run_id)
            _resume.discard(self._conn, run_id)
        except sqlite3.Error as exc:
            raise _as_archive_error(exc, self.path) from exc
        return self.import_paths(paths, progress, cancel, workers=workers, time_limit=time_limit)

    def discard_interrupted_import(self, run_id: int) -> None:
        """Forget an interrupted import: the user does not want the rest of its files."""
        if self.read_only:
            return
        try:
            _resume.discard(self._conn, run_id)
        except sqlite3.Error as exc:
            raise _as_archive_error(exc, self.path) from exc

    # --- documents -----------------------------------------------------------------------------------

    def known_sources(self, folder: str | Path | None = None) -> dict[str, tuple[int, int]]:
        """Absolute source path → (size, st_mtime_ns) of the archived documents imported from files (under `folder`).

        For the watched folder (core.watch): a file whose size and time match was imported unchanged.
        """
        sql = "SELECT source_path, size, source_mtime_ns FROM documents WHERE source_mtime_ns IS NOT NULL"
        params: list[Any] = []
        if folder is not None:
            prefix = os.path.join(os.path.abspath(folder), "")
            sql += " AND source_path >= ? AND source_path < ?"
            params += [prefix, prefix + "\U0010ffff"]
        return {str(r[0]): (int(r[1]), int(r[2])) for r in self._rows(sql, params)}

    def interrupt(self) -> None:
        """Stop the statement running on this archive's connection (a search, a listing); any thread may call it.

        The interrupted call raises SearchCancelledError; a later call runs normally. Meant for the reader
        connection: each keystroke's search cancels the previous one.
        """
        self._conn.interrupt()

    def count(self, *, deleted: bool = False) -> int:
        where = "deleted_at > ''" if deleted else "deleted_at IS NULL"  # > '': an index search, see core.store.queries._ranked
        return int(self._rows(f"SELECT count(*) FROM documents WHERE {where}")[0][0])

    def list_ids(
        self,
        *,
        query: str | None = None,
        tags_all: Iterable[TagRef] = (),
        tags_any: Iterable[TagRef] = (),
        tags_none: Iterable[TagRef] = (),
        year: int | None = None,
        agency: str | None = None,
        doc_type: str | None = None,
        deleted: bool = False,
        order_by: str | None = "imported_at",
        descending: bool = True,
        limit: int | None = None,
    ) -> list[int]:
        """Ids of the documents passing every filter; with a query and order_by=None, best match first."""
        return [doc_id for doc_id, _score in self._select(
            query=query, tags_all=tags_all, tags_any=tags_any, tags_none=tags_none, year=year,
            agency=agency, doc_type=doc_type, deleted=deleted, order_by=order_by, descending=descending,
            limit=limit,
        )]

    def _select(self, prefixes: queries.Prefixes | None = None, **kw: Any) -> list[tuple[int, float]]:
        """_query with a small cache for searches (the GUI repeats them: backspace, sorting, paging).

        Entries are valid while neither this connection (total_changes) nor any other (data_version)
        has committed a change. `prefixes` (queries.select) is filled only when the search runs.
        """
        for name in ("tags_all", "tags_any", "tags_none"):
            kw[name] = tuple(kw[name])  # may be one-shot iterables: used for the key and the query
        query = kw.get("query")
        if query is None or not query.strip():
            return queries.select(self._rows, prefixes=prefixes, **kw)
        key = tuple(sorted(kw.items()))
        try:
            version = (int(self._conn.execute("PRAGMA data_version").fetchone()[0]), self._conn.total_changes)
        except sqlite3.Error as exc:
            raise _as_archive_error(exc, self.path) from exc
        if version != self._cache_version:
            self._cache.clear()
            self._cache_version = version
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return list(hit)
        result = queries.select(self._rows, prefixes=prefixes, **kw)
        self._cache[key] = result
        while len(self._cache) > 32:
            self._cache.popitem(last=False)
        return list(result)

    def get_documents(self, ids: Iterable[int]) -> list[Document]:
        """Documents in the order of `ids` (unknown ids are skipped)."""
        wanted = [int(i) for i in ids]
        found: dict[int, Document] = {}
        for chunk in queries.chunks(wanted):
            marks = ",".join("?" * len(chunk))
            for row in self._rows(f"SELECT {records.DOC_COLUMNS} FROM documents WHERE id IN ({marks})", chunk):
                found[int(row[0])] = records.document(row)
            for doc_id, name in self._rows(
                f"SELECT dt.doc_id, t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id"
                f" WHERE dt.doc_id IN ({marks}) ORDER BY t.name COLLATE NOCASE",
                chunk,
            ):
                if int(doc_id) in found:
                    found[int(doc_id)].tags.append(str(name))
        return [found[i] for i in wanted if i in found]

    def get_document(self, doc_id: int) -> Document:
        docs = self.get_documents([doc_id])
        if not docs:
            raise ArchiveError(f"档案中没有编号为 {doc_id} 的文档。")
        return docs[0]

    def get_text(self, doc_id: int) -> str:
        rows = self._rows("SELECT text FROM texts WHERE doc_id = ?", (doc_id,))
        if not rows:
            raise ArchiveError(f"档案中没有编号为 {doc_id} 的文档。")
        return str(rows[0][0])

    def get_original(self, doc_id: int) -> tuple[str, bytes]:
        rows = self._rows("SELECT name, data FROM originals WHERE doc_id = ?", (doc_id,))
        if not rows:
            raise ArchiveError(f"档案中没有编号为 {doc_id} 的文档。")
        return str(rows[0][0]), bytes(rows[0][1])

    def get_warnings(self, doc_id: int) -> list[str]:
        """What the reader or pipeline noted when importing the document (Chinese)."""
        rows = self._rows("SELECT warnings FROM documents WHERE id = ?", (doc_id,))
        return list(json.loads(rows[0][0])) if rows else []

    def flagged_ids(self, flag: str) -> list[int]:
        """Ids of the (not deleted) documents carrying an import flag: "garbled" (文字可能是乱码: the text may
        be mojibake) or "ocr" (the text was read by OCR from a scan), found by their stored warnings."""
        from core.readers.flags import FLAG_MARKERS

        marker = FLAG_MARKERS[flag]
        rows = self._rows(
            "SELECT id FROM documents WHERE deleted_at IS NULL AND instr(warnings, ?) > 0 ORDER BY id",
            (marker,),
        )
        return [int(row[0]) for row in rows]

    def get_analysis(self, doc_id: int) -> Analysis:
        """Stored analysis: metadata with the user's overrides, sections, structure, non-rejected facts."""
        rows = self._rows(
            "SELECT d.title, d.agency, d.region, d.report_year, d.period, d.publish_date, d.doc_type, a.auto_meta,"
            " a.sections, a.structure FROM documents d JOIN analyses a ON a.doc_id = d.id WHERE d.id = ?",
            (doc_id,),
        )
        if not rows:
            raise ArchiveError(f"档案中没有编号为 {doc_id} 的文档。")
        row = rows[0]
        auto = json.loads(row[7])
        evidence = {k: (int(v[0]), int(v[1])) for k, v in (auto.get("evidence") or {}).items()}
        structure = json.loads(row[9]) or {}
        return Analysis(
            title=row[0], agency=row[1], region=row[2], report_year=row[3], period=row[4],
            publish_date=row[5], doc_type=row[6], evidence=evidence,
            sections=[Section(**s) for s in json.loads(row[8])],
            structure=StructureCheck(
                present=list(structure.get("present", [])),
                missing=list(structure.get("missing", [])),
                late=structure.get("late"),
            ),
            facts=[f for f in self.get_facts(doc_id) if f.status != "rejected"],
        )

    def set_metadata(self, ids: Iterable[int], **fields: Any) -> None:
        """Override metadata fields (META_FIELDS) for documents; None clears an override (back to auto).

        Overrides win over the analyser and survive reanalyse().
        """
        for name, value in fields.items():
            if name not in META_FIELDS:
                raise ValueError(f"unknown metadata field {name!r}")
            if name == "doc_type" and value is not None and value not in DOC_TYPES:
                raise ArchiveError(f"文档类型“{value}”无效，应为：{'、'.join(DOC_TYPES)}")
            if name == "report_year" and value is not None:
                if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2100:
                    raise ArchiveError(f"年份“{value}”无效，应为 1949–2100 之间的整数。")
        with self._write() as conn:
            for doc_id in ids:
                row = conn.execute(
                    "SELECT d.overrides, a.auto_meta, d.source_name, d.title, d.indexed_title FROM documents d"
                    " JOIN analyses a ON a.doc_id = d.id WHERE d.id = ?",
                    (doc_id,),
                ).fetchone()
                if row is None:
                    continue
                overrides = json.loads(row[0])
                for name, value in fields.items():
                    if value is None:
                        overrides.pop(name, None)
                    else:
                        overrides[name] = value.strip() if isinstance(value, str) else value
                meta = documents.effective_metadata(json.loads(row[1]), overrides, row[2])
                self._update_meta(conn, int(doc_id), meta, overrides, old_indexed_title=row[4])
                reuse.on_metadata(conn, [int(doc_id)])

    def _update_meta(self, conn: sqlite3.Connection, doc_id: int, meta: dict[str, Any],
                     overrides: dict[str, Any], *, old_indexed_title: str) -> None:
        conn.execute(
            "UPDATE documents SET title=?, agency=?, region=?, report_year=?, period=?, publish_date=?,"
            " doc_type=?, overrides=? WHERE id=?",
            (meta["title"], meta["agency"], meta["region"], meta["report_year"], meta["period"],
             meta["publish_date"], meta["doc_type"], json.dumps(overrides, ensure_ascii=False), doc_id),
        )
        self._reindex_title(conn, doc_id, str(meta["title"]), old_indexed_title)

    def _reindex_title(self, conn: sqlite3.Connection, doc_id: int, title: str, old_indexed: str) -> None:
        new_indexed = search.index_form(title)
        if new_indexed == old_indexed:
            return
        body = search.index_form(self.get_text(doc_id))
        index.unindex_document(conn, doc_id, old_indexed, body)
        index.index_document(conn, doc_id, new_indexed, body)
        conn.execute("UPDATE documents SET indexed_title = ? WHERE id = ?", (new_indexed, doc_id))

    def reanalyse(self, ids: Iterable[int] | None = None, progress: ingest_run.Progress | None = None,
                  cancel: threading.Event | None = None, *, workers: int | None = None) -> int:
        """Run analyse() again on stored texts; overrides and user-edited facts are kept. Returns the count.

        Like import, many documents are analysed in worker processes; each document is updated in one
        transaction, so a cancel or crash leaves every document either old or new.
        """
        if self.read_only:
            raise ArchiveReadOnlyError("档案以只读方式打开，不能重新分析。")
        if ids is not None:
            targets = [int(i) for i in ids]
        else:
            targets = [int(r[0]) for r in self._rows("SELECT id FROM documents ORDER BY id")]

        def jobs() -> Iterator[tuple[int, str, str]]:
            for doc_id in targets:
                rows = self._rows("SELECT source_name FROM documents WHERE id = ?", (doc_id,))
                if rows:
                    yield doc_id, self.get_text(doc_id), str(rows[0][0])

        n_workers = ingest_run._pool_size(len(targets), workers)
        results: Iterator[tuple[int, str, Analysis | None]]
        if n_workers > 0:
            results = ingest_run.ordered_map(pipeline.analyse_job, jobs(), n_workers, pipeline.crashed_analysis)
        else:
            results = (pipeline.analyse_job(*job) for job in jobs())
        done = 0
        try:
            for doc_id, source_name, analysis in results:
                if cancel is not None and cancel.is_set():
                    break
                done += 1
                if analysis is not None:
                    self._store_reanalysis(doc_id, source_name, analysis)
                if progress is not None:
                    progress(done, len(targets), f"{source_name}：已重新分析")
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()
        return done

    def _store_reanalysis(self, doc_id: int, source_name: str, analysis: Analysis) -> None:
        with self._write() as conn:
            row = conn.execute("SELECT overrides, indexed_title FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:  # purged meanwhile
                return
            overrides = json.loads(row[0])
            cols = documents.analysis_columns(analysis, overrides, source_name)
            conn.execute(
                "UPDATE documents SET missing_parts=?, late=?, analysed_at=? WHERE id=?",
                (cols["missing_parts"], cols["late"], cols["analysed_at"], doc_id),
            )
            conn.execute(
                "INSERT OR REPLACE INTO analyses(doc_id, auto_meta, sections, structure) VALUES (?, ?, ?, ?)",
                (doc_id, cols["auto_meta"], cols["sections"], cols["structure"]),
            )
            meta = {name: cols[name] for name in META_FIELDS}
            self._update_meta(conn, doc_id, meta, overrides, old_indexed_title=row[1])
            # A span the user touched keeps the user's facts; the analyser's facts there are added only beyond
            # their number (备案率、及时率和合格率均为100% is three facts: confirming one keeps the other two),
            # those with a key no kept fact has first.
            kept: dict[tuple[int, int], list[str | None]] = {}
            for r in conn.execute("SELECT start, end, key FROM facts WHERE doc_id = ? AND status != 'auto'", (doc_id,)):
                kept.setdefault((int(r[0]), int(r[1])), []).append(r[2])
            conn.execute("DELETE FROM facts WHERE doc_id = ? AND status = 'auto'", (doc_id,))
            fresh: list[Fact] = []
            at_span: dict[tuple[int, int], list[Fact]] = {}
            for f in analysis.facts:
                if (f.start, f.end) in kept:
                    at_span.setdefault((f.start, f.end), []).append(f)
                else:
                    fresh.append(f)
            for span, candidates in at_span.items():
                keys = kept[span]
                room = len(candidates) - len(keys)
                if room > 0:
                    taken = set(keys)
                    fresh.extend(sorted(candidates, key=lambda f: f.key in taken)[:room])
            fresh.sort(key=lambda f: (f.start, f.end))
            documents.insert_facts(conn, doc_id, fresh)
            from core import rejections
            from core.review import LOW_CONFIDENCE

            rejections.apply(conn, [doc_id], LOW_CONFIDENCE)  # shapes 否决 in 待核对 stay out of the queue
            records.refresh_fact_count(conn, doc_id)

    # --- facts ---------------------------------------------------------------------------------------

    def get_facts(self, doc_id: int) -> list[Fact]:
        rows = self._rows(
            "SELECT id, key, name, value, unit, qualifier, direction, start, end, sentence, status, confidence"
            " FROM facts WHERE doc_id = ? ORDER BY start, id",
            (doc_id,),
        )
        return [records.fact(r) for r in rows]

    def update_fact(self, fact_id: int, *, value: float | None = None, unit: str | None = None,
                    key: str | None = None, status: str | None = None, name: str | None = None) -> Fact:
        """Correct, confirm or reject a fact; a changed value/unit/key marks it 'corrected'."""
        if status is not None and status not in FACT_STATUSES:
            raise ValueError(f"unknown fact status {status!r}")
        changes: dict[str, Any] = {}
        if value is not None:
            changes["value"] = float(value)
        if unit is not None:
            changes["unit"] = unit.strip()
        if key is not None:
            changes["key"] = key or None
            changes["name"] = name
        elif name is not None:
            changes["name"] = name
        if status is None and changes:
            status = "corrected"
        if status is not None:
            changes["status"] = status
        changes["updated_at"] = records.now()
        with self._write() as conn:
            row = conn.execute("SELECT doc_id, status FROM facts WHERE id = ?", (fact_id,)).fetchone()
            if row is None:
                raise ArchiveError(f"没有编号为 {fact_id} 的数据项。")
            if row[1] == "manual" and changes.get("status") == "corrected":
                changes["status"] = "manual"
            sets = ", ".join(f"{column} = ?" for column in changes)
            conn.execute(f"UPDATE facts SET {sets} WHERE id = ?", [*changes.values(), fact_id])
            records.refresh_fact_count(conn, int(row[0]))
            fact = conn.execute(
                "SELECT id, key, name, value, unit, qualifier, direction, start, end, sentence, status"
                " FROM facts WHERE id = ?", (fact_id,),
            ).fetchone()
        return records.fact(fact)

    def add_fact(  # noqa: PLR0917 - the documented signature (docs/interfaces.md)
        self, doc_id: int, start: int, end: int, value: float, unit: str,
                 key: str | None = None, name: str | None = None) -> Fact:
        """A fact the user marked by hand (status 'manual'); offsets index into the cleaned text."""
        text = self.get_text(doc_id)
        if not 0 <= start < end <= len(text):
            raise ArchiveError("所选位置超出了文档范围。")
        sentence = records.sentence_around(text, start, end)
        fact = Fact(value=float(value), unit=unit, start=start, end=end, sentence=sentence, key=key or None,
                    name=name, status="manual")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO facts(doc_id, key, name, value, unit, qualifier, direction, start, end, sentence,"
                " status, updated_at) VALUES (?,?,?,?,?,'',NULL,?,?,?,'manual',?)",
                (doc_id, fact.key, fact.name, fact.value, fact.unit, start, end, sentence, records.now()),
            )
            fact.id = int(cur.lastrowid or 0)
            records.refresh_fact_count(conn, doc_id)
        return fact

    def delete_fact(self, fact_id: int) -> None:
        """Remove a figure the user added by hand (undo of add_fact); a found figure is rejected instead."""
        with self._write() as conn:
            row = conn.execute("SELECT doc_id, status FROM facts WHERE id = ?", (fact_id,)).fetchone()
            if row is None:
                return
            if row[1] != "manual":
                raise ArchiveError("只能删除手工添加的数据项；识别出的数据项请标为已否决。")
            conn.execute("DELETE FROM facts WHERE id = ?", (fact_id,))
            records.refresh_fact_count(conn, int(row[0]))

    # --- search --------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        tags_all: Iterable[TagRef] = (),
        tags_any: Iterable[TagRef] = (),
        tags_none: Iterable[TagRef] = (),
        year: int | None = None,
        agency: str | None = None,
        doc_type: str | None = None,
        deleted: bool = False,
    ) -> list[SearchHit]:
        """Best matches first (higher score = better) with a snippet of the original text."""
        parsed = search.parse_query(query)
        if not parsed.terms and not parsed.excluded:
            return []
        prefixes: queries.Prefixes = {}  # the texts' starts read for the ranking: most snippets need no more
        ranked = self._select(
            query=query, tags_all=tags_all, tags_any=tags_any, tags_none=tags_none, year=year, agency=agency,
            doc_type=doc_type, deleted=deleted, order_by=None, descending=True, limit=limit, prefixes=prefixes,
        )
        if not ranked:
            return []
        ids = [doc_id for doc_id, _ in ranked]
        marks = ",".join("?" * len(ids))
        titles = {int(r[0]): str(r[1]) for r in self._rows(
            f"SELECT id, title FROM documents WHERE id IN ({marks})", ids)}
        snippets: dict[int, tuple[str, list[tuple[int, int]]]] = {}
        for doc_id, (start, whole) in prefixes.items():
            found = search.make_snippet(start, parsed) if whole else search.snippet_from_prefix(start, parsed)
            if found is not None:
                snippets[doc_id] = found
        rest = [doc_id for doc_id in ids if doc_id not in snippets]
        if rest:
            for r in self._rows(
                    f"SELECT doc_id, text FROM texts WHERE doc_id IN ({','.join('?' * len(rest))})", rest):
                snippets[int(r[0])] = search.make_snippet(str(r[1]), parsed)
        hits = []
        for doc_id, score in ranked:
            snippet, highlights = snippets.get(doc_id) or search.make_snippet("", parsed)
            hits.append(SearchHit(doc_id=doc_id, title=titles.get(doc_id, ""), snippet=snippet, score=score,
                                  highlights=highlights))
        return hits

    def search_ids(self, query: str, **filters: Any) -> list[int]:
        """All matching ids, best first."""
        filters.setdefault("order_by", None)
        return self.list_ids(query=query, **filters)

    # --- tags ----------------------------------------------------------------------------------------

    def tags(self) -> list[Tag]:
        """All tags with the number of (non-trashed) documents carrying each."""
        return tags.list_tags(self._conn)

    def create_tag(self, name: str, color: str = "") -> Tag:
        with self._write() as conn:
            return tags.create_tag(conn, name, color)

    def rename_tag(self, tag_id: int, name: str) -> None:
        with self._write() as conn:
            tags.rename_tag(conn, tag_id, name)

    def merge_tags(self, src_ids: Iterable[int], dst_id: int) -> None:
        with self._write() as conn:
            tags.merge_tags(conn, list(src_ids), dst_id)

    def delete_tag(self, tag_id: int) -> None:
        with self._write() as conn:
            tags.delete_tag(conn, tag_id)

    def set_tag_color(self, tag_id: int, color: str) -> None:
        with self._write() as conn:
            tags.set_tag_color(conn, tag_id, color)

    def tag_documents(self, doc_ids: Iterable[int], tag_names: Iterable[str]) -> None:
        """Add tags (created when missing) to many documents at once."""
        with self._write() as conn:
            tags.tag_documents(conn, list(doc_ids), list(tag_names))

    def untag_documents(self, doc_ids: Iterable[int], tag_names: Iterable[str]) -> None:
        with self._write() as conn:
            tags.untag_documents(conn, list(doc_ids), list(tag_names))

    def suggest_tags(self, doc_id: int, n: int = 8) -> list[str]:
        """Tag suggestions: metadata (year, region, agency type, doc type) and archive-weighted keywords.

        The keyword part imports jieba lazily (seconds, ~130 MB): call it off the GUI thread.
        """
        return tags.suggest_tags(self, doc_id, n)

    # --- trash ---------------------------------------------------------------------------------------

    def trash(self, ids: Iterable[int]) -> None:
        with self._write() as conn:
            for chunk in queries.chunks([int(i) for i in ids]):
                conn.execute(
                    f"UPDATE documents SET deleted_at = ? WHERE deleted_at IS NULL AND id IN ({','.join('?' * len(chunk))})",
                    [records.now(), *chunk],
                )
                reuse.on_trash(conn, chunk)

    def restore(self, ids: Iterable[int]) -> None:
        with self._write() as conn:
            for chunk in queries.chunks([int(i) for i in ids]):
                conn.execute(
                    f"UPDATE documents SET deleted_at = NULL WHERE id IN ({','.join('?' * len(chunk))})", chunk
                )
                reuse.on_restore(conn, chunk)

    def trashed_ids(self) -> list[int]:
        return [int(r[0]) for r in self._rows(
            "SELECT id FROM documents WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC")]

    def purge(self, ids: Iterable[int]) -> int:
        """Delete documents for good — only ones already in the trash. Returns how many were purged."""
        wanted = [int(i) for i in ids]
        purged = 0
        with self._write() as conn:
            for doc_id in wanted:
                row = conn.execute(
                    "SELECT d.indexed_title, t.text FROM documents d JOIN texts t ON t.doc_id = d.id"
                    " WHERE d.id = ? AND d.deleted_at IS NOT NULL",
                    (doc_id,),
                ).fetchone()
                if row is None:
                    continue
                index.unindex_document(conn, doc_id, row[0], search.index_form(row[1]))
                conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
                purged += 1
        return purged

    # --- maintenance ---------------------------------------------------------------------------------

    def check(self, *, quick: bool = False) -> list[str]:
        """Problems found (Chinese, empty = all well): SQLite integrity, foreign keys, index, counts.

        About 5 s for 10,000 reports; `quick=True` (quick_check, no index check) about 1.5 s.
        """
        return maintenance.check(self._conn, quick=quick, read_only=self.read_only)

    def rebuild_index(self) -> None:
        """Rebuild the full-text index from the stored texts (repairs an index check() complains about)."""
        with self._write() as conn:
            maintenance.rebuild_index(conn)

    def backup(self, dest: str | Path) -> Path:
        """A consistent copy of the archive (core.store.connection.copy_database: SQLite backup API; fine while open).

        `dest` is a file, or a folder (an existing one, or a path without a suffix) that gets a dated name.
        """
        target = Path(dest).expanduser()
        if target.is_dir() or not target.suffix:
            target = target / f"{self.path.stem}-备份-{datetime.now():%Y%m%d-%H%M%S}{self.path.suffix or '.sqlite'}"
        if target.resolve() == self.path.resolve():
            raise ArchiveError("备份文件不能与档案本身是同一个文件。")
        try:
            archive_file.copy_database(self._conn, target)
        except sqlite3.Error as exc:
            raise _as_archive_error(exc, target) from exc
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DiskFullError(f"磁盘已满，未能写入备份文件 {target}。档案本身没有改变。") from exc
            raise ArchiveReadOnlyError(f"无法写入备份文件 {target}：{exc.strerror or exc}") from exc
        return target

    def copy_to_local(self, dest: str | Path | None = None) -> Path:
        """Copy this archive (e.g. on a network share) to a local folder; returns the copy's path."""
        if dest is None:
            folder = user_data_dir() / "本机副本"
            dest = folder / f"{self.path.stem}{self.path.suffix or '.sqlite'}"
        return self.backup(dest)

    def stats(self) -> dict[str, int]:
        """Counts for a status line: documents, trashed, tags, facts, file size in bytes."""
        return maintenance.stats(self._rows, self.path)

    def distinct_values(self, column: str) -> list[Any]:
        """Values present for a filter menu: 'report_year', 'agency', 'doc_type' or 'region'."""
        return queries.distinct_values(self._rows, column)


# --- module helpers ----------------------------------------------------------------------------------


def _with_advice(error: Exception, path: Path) -> Exception:
    """A damaged archive's message names the newest usable backup and what it holds (core.backups)."""
    if type(error) is not ArchiveCorruptError or _schema.FOREIGN_MESSAGE in str(error):
        return error
    from core import backups

    try:
        newest = backups.newest_usable(path)
        known = newest is not None or bool(backups.list_backups(path))  # backed up before: it was one of ours
    except Exception:  # the advice must never hide the real error
        log.exception("looking for backups of %s failed", path)
        newest, known = None, False
    what = "已损坏" if known else "已损坏或不是报告档案"
    return ArchiveDamagedError(f"档案“{path.name}”{what}，无法读取（{path}）。\n{backups.advice(newest)}", newest)


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        log.exception("rollback failed")


def _as_archive_error(exc: sqlite3.Error, path: Path | None) -> Exception:
    mapped = from_sqlite(exc, path)
    if isinstance(mapped, ArchiveError):
        return mapped
    if type(exc) is sqlite3.DatabaseError:  # "file is not a database", "database disk image is malformed"
        return ArchiveCorruptError(f"档案文件已损坏或不是报告档案（{path}）：{exc}")
    return exc
