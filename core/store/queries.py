"""Listing and search queries: the filters of Archive.list_ids/search as SQL, best match first for a search
(the newest RANK_WINDOW matches ranked by core.search.rank_scores, then the rest newest first)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from core import search
from core.store import index


class Rows(Protocol):
    """Runs one query and returns its rows (Archive._rows: SQLite's errors mapped to ArchiveErrors)."""

    def __call__(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

TagRef = str | int
Prefixes = dict[int, tuple[str, bool]]  # doc id → (the start of its text, whether that is all of it)

# Columns list_ids may sort by (whitelisted: they end up in SQL).
SORT_COLUMNS = frozenset({
    "id", "title", "source_name", "agency", "region", "report_year", "period", "publish_date",
    "doc_type", "fact_count", "imported_at", "size", "fmt", "late",
})
CHUNK = 500  # ids per IN (…) list


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def select(
    run: Rows,
    *,
    query: str | None,
    tags_all: Iterable[TagRef],
    tags_any: Iterable[TagRef],
    tags_none: Iterable[TagRef],
    year: int | None,
    agency: str | None,
    doc_type: str | None,
    deleted: bool,
    order_by: str | None,
    descending: bool,
    limit: int | None,
    prefixes: Prefixes | None = None,
) -> list[tuple[int, float]]:
    """Ids (and scores) of the documents passing every filter; with a query and order_by=None best first.
    `prefixes`, if given, receives the returned hits' text prefixes read for the ranking (Archive.search's
    snippets start from them)."""
    where: list[str] = ["d.deleted_at IS NOT NULL" if deleted else "d.deleted_at IS NULL"]
    params: list[Any] = []
    ranked = False
    parsed = search.ParsedQuery()
    if query is not None and query.strip():
        parsed = search.parse_query(query)
        if parsed.empty:
            return []  # something was typed, but nothing searchable
        if parsed.terms:
            ranked = True
            matches = run_index_matches(run, parsed, deleted=deleted)
            if matches is not None:  # the run index found the few candidates: they are checked already
                where.append(f"d.id IN ({','.join(map(str, matches))})" if matches else "0")
            else:
                # exclusions go into the same MATCH (FTS5's NOT), so FTS5 can stop at the newest matches
                expression = search.fts_expression(parsed.terms)
                if parsed.excluded:
                    expression = f"({expression}) NOT ({search.fts_any(parsed.excluded)})"
                where.append("d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
                params.append(expression)
        elif parsed.excluded:
            where.append("d.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(search.fts_any(parsed.excluded))
    if year is not None:
        where.append("d.report_year = ?")
        params.append(int(year))
    if agency is not None:
        where.append("d.agency = ?")
        params.append(agency)
    if doc_type is not None:
        where.append("d.doc_type = ?")
        params.append(doc_type)
    all_ids = tag_ids(run, tags_all)
    if all_ids is None:
        return []
    for tag_id in all_ids:
        where.append("d.id IN (SELECT doc_id FROM document_tags WHERE tag_id = ?)")
        params.append(tag_id)
    any_refs = list(tags_any)
    if any_refs:
        any_ids = tag_ids(run, any_refs, drop_missing=True) or []
        if not any_ids:
            return []
        where.append(
            f"d.id IN (SELECT doc_id FROM document_tags WHERE tag_id IN ({','.join('?' * len(any_ids))}))"
        )
        params.extend(any_ids)
    none_ids = tag_ids(run, tags_none, drop_missing=True) or []
    if none_ids:
        where.append(
            f"d.id NOT IN (SELECT doc_id FROM document_tags WHERE tag_id IN ({','.join('?' * len(none_ids))}))"
        )
        params.extend(none_ids)
    if order_by is None and ranked:
        unfiltered = len(where) == 2 and not deleted and len(params) == 1  # params[0]: the MATCH
        return _ranked(run, parsed, where, params, limit, unfiltered=unfiltered, prefixes=prefixes)
    direction = "DESC" if descending else "ASC"
    if order_by is None:
        order = f"d.imported_at {direction}, d.id {direction}"
    else:
        if order_by not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {order_by!r}")
        collate = " COLLATE NOCASE" if order_by in {"title", "source_name", "agency", "region"} else ""
        order = f"d.{order_by}{collate} {direction}, d.id {direction}"
    sql = f"SELECT d.id, 0.0 FROM documents d WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {max(0, int(limit))}"
    return [(int(r[0]), float(r[1])) for r in run(sql, params)]


def _ranked(run: Rows, parsed: search.ParsedQuery, where: list[str], params: list[Any], limit: int | None, *,
            unfiltered: bool, prefixes: Prefixes | None = None) -> list[tuple[int, float]]:
    """Matches best first: the newest RANK_WINDOW ranked (core.search.rank_scores), then the rest newest first.

    An unfiltered search wanting no more than the window asks FTS5 for the newest matches only (it
    stops there: the cost does not grow with the archive); otherwise every match is listed. The index
    holds trashed documents too, so the shortcut asks for the window plus their number.
    """
    window = search.RANK_WINDOW
    if unfiltered and limit is not None and limit <= window:
        # `> ''` (= IS NOT NULL for these timestamps) searches the index; IS NOT NULL scanned the table
        trashed = int(run("SELECT count(*) FROM documents WHERE deleted_at > ''")[0][0])
        rows = run(
            "SELECT d.id FROM (SELECT rowid AS doc_id FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?) m"
            " JOIN documents d ON d.id = m.doc_id WHERE d.deleted_at IS NULL ORDER BY d.id DESC LIMIT ?",
            (params[0], window + trashed, window),
        )
    else:
        rows = run(f"SELECT d.id FROM documents d WHERE {' AND '.join(where)} ORDER BY d.id DESC", params)
    ids = [int(r[0]) for r in rows]
    head = ids[:window]
    docs: list[tuple[int, str, bytes]] = []
    size = 3 * search.RANK_PREFIX
    for chunk in chunks(head):
        # the first RANK_PREFIX characters as UTF-8 bytes (cheaper than substr counting characters), counted
        # without decoding them (search.rank_scores_bytes)
        docs.extend((int(r[0]), str(r[1] or ""), bytes(r[2] or b"")) for r in run(
            f"SELECT d.id, d.title, substr(CAST(t.text AS BLOB), 1, {size}) FROM documents d"
            f" LEFT JOIN texts t ON t.doc_id = d.id WHERE d.id IN ({','.join('?' * len(chunk))})", chunk))
    scores = search.rank_scores_bytes(docs, parsed)
    head.sort(key=lambda doc_id: (-scores.get(doc_id, 0.0), -doc_id))
    result = [(doc_id, scores.get(doc_id, 0.0)) for doc_id in head]
    result.extend((doc_id, 0.0) for doc_id in ids[window:])
    result = result if limit is None else result[: max(0, int(limit))]
    if prefixes is not None:  # the shown hits' prefixes, for their snippets (whole when shorter than `size`)
        read = {doc_id: text for doc_id, _title, text in docs}
        for doc_id, _score in result:
            if doc_id in read:
                prefixes[doc_id] = (read[doc_id].decode("utf-8", "ignore"), len(read[doc_id]) < size)
    return result


# The run index (core.search.runs_query) narrows a term with 3+ ASCII digits/letters to the documents holding
# its tokens. Up to RUN_CANDIDATES of them are checked on their stored text (~30 µs each, whatever the
# archive's size); more, and the phrase query is cheaper (the term is common enough for FTS5 to find its
# matches soon).
RUN_CANDIDATES = 500


def run_index_matches(run: Rows, parsed: search.ParsedQuery, *, deleted: bool) -> list[int] | None:
    """The documents (newest first, trashed or not as `deleted` says) matching every term and no excluded
    one, found through the run index; None when it cannot narrow the search (no run of 3+ ASCII digits or
    letters or inner whitespace in any term, too many candidates, or no current run index)."""
    expression = search.runs_query(parsed.terms)
    if expression is None or run("SELECT value FROM meta WHERE key = 'runs_version'") != [(index.RUNS_VERSION,)]:
        return None  # no run index (an archive older than schema 7, read-only) or one of an earlier form
    candidates = [int(r[0]) for r in run(
        "SELECT rowid FROM fts_runs WHERE fts_runs MATCH ? ORDER BY rowid DESC LIMIT ?",
        (expression, RUN_CANDIDATES + 1))]
    if len(candidates) > RUN_CANDIDATES:
        return None
    state = "d.deleted_at > ''" if deleted else "d.deleted_at IS NULL"
    found: list[int] = []
    for chunk in chunks(candidates, 100):
        rows = run(
            f"SELECT d.id, d.title, t.text FROM documents d LEFT JOIN texts t ON t.doc_id = d.id"
            f" WHERE d.id IN ({','.join(map(str, chunk))}) AND {state}")
        found.extend(int(r[0]) for r in rows if search.text_matches(str(r[1] or ""), str(r[2] or ""), parsed))
    found.sort(reverse=True)
    return found


def tag_ids(run: Rows, refs: Iterable[TagRef], *, drop_missing: bool = False) -> list[int] | None:
    """Tag ids for names or ids; None when one is missing (unless drop_missing)."""
    out: list[int] = []
    for ref in refs:
        if isinstance(ref, int):
            rows = run("SELECT id FROM tags WHERE id = ?", (ref,))
        else:
            rows = run("SELECT id FROM tags WHERE name = ? COLLATE NOCASE", (str(ref).strip(),))
        if rows:
            out.append(int(rows[0][0]))
        elif not drop_missing:
            return None
    return out


def distinct_values(run: Rows, column: str) -> list[Any]:
    """Values present for a filter menu: 'report_year', 'agency', 'doc_type' or 'region'."""
    if column not in {"report_year", "agency", "doc_type", "region"}:
        raise ValueError(f"unknown column {column!r}")
    return [r[0] for r in run(
        f"SELECT DISTINCT {column} FROM documents WHERE deleted_at IS NULL AND {column} IS NOT NULL"
        f" ORDER BY {column}")]
