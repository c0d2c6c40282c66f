"""Maintenance of an archive's database: the integrity check (检查档案) and rebuilding the full-text index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from core import search
from core.store import index
from core.store.queries import Rows


def check(conn: sqlite3.Connection, *, quick: bool = False, read_only: bool = False) -> list[str]:
    """Problems found (Chinese, empty = all well): SQLite integrity, foreign keys, index, counts.

    About 5 s for 10,000 reports; `quick=True` (quick_check, no index check) about 1.5 s.
    """
    problems: list[str] = []
    try:
        pragma = "PRAGMA quick_check" if quick else "PRAGMA integrity_check"
        result = [str(r[0]) for r in conn.execute(pragma).fetchall()]
        if result != ["ok"]:
            problems.extend(f"数据库完整性检查：{line}" for line in result[:20])
        for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
            problems.append(f"表 {table} 第 {rowid} 行引用了不存在的 {parent} 记录")
    except sqlite3.DatabaseError as exc:
        problems.append(f"数据库已损坏：{exc}")
        return problems
    if not quick and not read_only:  # the FTS check is an INSERT command: needs a writable file
        try:
            conn.execute("INSERT INTO fts(fts, rank) VALUES ('integrity-check', 0)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"全文索引损坏（{exc}），需要重建索引")
    try:
        counts = {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("documents", "analyses", "texts", "originals", "fts_docsize")
        }
    except sqlite3.DatabaseError as exc:
        problems.append(f"数据库已损坏：{exc}")
        return problems
    for table in ("analyses", "texts", "originals", "fts_docsize"):
        if counts[table] != counts["documents"]:
            what = {"analyses": "分析结果", "texts": "文字", "originals": "原始文件",
                    "fts_docsize": "全文索引条目"}[table]
            problems.append(f"文档数（{counts['documents']}）与{what}数（{counts[table]}）不一致")
    bad = conn.execute(
        "SELECT count(*) FROM documents d WHERE d.fact_count !="
        " (SELECT count(*) FROM facts f WHERE f.doc_id = d.id AND f.status != 'rejected')"
    ).fetchone()[0]
    if bad:
        problems.append(f"{bad} 个文档的数据项计数与数据项表不一致")
    return problems


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Refill the full-text index from the stored texts (inside the caller's write transaction)."""
    index.clear(conn)
    for doc_id, title, text in conn.execute(
        "SELECT d.id, d.title, t.text FROM documents d JOIN texts t ON t.doc_id = d.id"
    ).fetchall():
        indexed = search.index_form(title)
        index.index_document(conn, doc_id, indexed, search.index_form(text))
        conn.execute("UPDATE documents SET indexed_title = ? WHERE id = ?", (indexed, doc_id))
    index.mark_runs_current(conn)


def stats(run: Rows, path: Path) -> dict[str, int]:
    """Counts for a status line: documents, trashed, tags, facts, file size in bytes."""
    return {
        "documents": int(run("SELECT count(*) FROM documents WHERE deleted_at IS NULL")[0][0]),
        "trashed": int(run("SELECT count(*) FROM documents WHERE deleted_at IS NOT NULL")[0][0]),
        "tags": int(run("SELECT count(*) FROM tags")[0][0]),
        "facts": int(run("SELECT count(*) FROM facts WHERE status != 'rejected'")[0][0]),
        "bytes": path.stat().st_size if path.exists() else 0,
    }
