"""Text-reuse benchmark: what the reuse index costs the import, how long a check of a new report takes as the
archive grows, and the clause-hash index against MinHash/LSH (datasketch) on the same paragraphs.

    .venv/bin/python bench/bench_reuse.py --n 10000          # the full run (minutes)
    .venv/bin/python bench/bench_reuse.py --n 1000           # a quick one

The corpus is bench_archive's (each file a shuffled selection of one real report's paragraphs, so ~N/150
reports share every paragraph, and stock phrases of the work reports are shared by hundreds). Timed in one run:
  floor     bare FTS5 trigram build of the same files (bench_archive.floor_build);
  import    Archive.import_paths without and with the reuse index (index_document patched out in the
            first), first the first 1,000 files then the rest, each in a child process (wall and CPU);
  check     reuse.check of a newly imported report at 1,000 and at N reports (wall and thread CPU);
  refresh   computing every stored result afterwards (the window does this in the background);
  index     the clause-hash index vs datasketch MinHashLSH on paragraphs with their figures and one
            character changed (recall, build and query time) — when datasketch is installed.
Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_archive import build_corpus, floor_build, machine, sources  # noqa: E402

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[4])
from core import reuse
if sys.argv[3] == "off":
    reuse.index_document = lambda *a, **k: None
from core.archive import Archive
t, c = time.perf_counter(), time.process_time()
with Archive.open(sys.argv[1]) as archive:
    report = archive.import_paths(sys.argv[2].split("|"))
self_usage = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "seconds": time.perf_counter() - t,
    "cpu_main": time.process_time() - c,
    "cpu_children": children.ru_utime + children.ru_stime,
    "imported": report.count("imported"),
}))
"""


def child_import(db: Path, paths: list[Path], mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db), "|".join(map(str, paths)), mode, str(REPO)],
        check=True, capture_output=True, text=True,
        env={**os.environ, "REPORT_ARCHIVE_HOME": str(db.parent / "home")},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def time_new_checks(db: Path, extra: list[Path]) -> dict[str, float]:
    """Import each extra report, then time the check of that new report (wall and thread CPU)."""
    from core import reuse
    from core.archive import Archive

    walls: list[float] = []
    cpus: list[float] = []
    shares: list[float] = []
    with Archive.open(db) as archive:
        for path in extra:
            item = archive.import_paths([path], workers=0).items[0]
            if item.doc_id is None:
                continue
            t, c = time.perf_counter(), time.thread_time()
            result = reuse.check(archive.connection, item.doc_id)
            walls.append((time.perf_counter() - t) * 1000)
            cpus.append((time.thread_time() - c) * 1000)
            shares.append(result.reused_share)
        archive.trash([i for i in archive.list_ids(order_by="id", descending=True, limit=len(extra))])
        archive.purge(archive.trashed_ids())
    walls.sort()
    cpus.sort()
    return {
        "p50": statistics.median(walls), "p95": walls[min(len(walls) - 1, int(len(walls) * 0.95))],
        "max": walls[-1], "cpu_p95": cpus[min(len(cpus) - 1, int(len(cpus) * 0.95))],
        "share": statistics.mean(shares),
    }


def time_refresh(db: Path, sample: int) -> dict[str, float]:
    from core import reuse
    from core.archive import Archive

    with Archive.open(db) as archive:
        todo = reuse.pending(archive.connection)
        rng = random.Random(3)
        chosen = rng.sample(todo, min(sample, len(todo)))
        t, c = time.perf_counter(), time.thread_time()
        results = [reuse.check(archive.connection, d) for d in chosen]
        wall, cpu = time.perf_counter() - t, time.thread_time() - c
        size = {
            name: int(archive.connection.execute(
                f"SELECT sum(pgsize) FROM dbstat WHERE name LIKE '{name}%'").fetchone()[0] or 0)
            for name in ("reuse_postings", "reuse_signatures")
        } if _has_dbstat(archive.connection) else {}
    return {
        "per_doc_ms": wall / max(1, len(chosen)) * 1000, "cpu_per_doc_ms": cpu / max(1, len(chosen)) * 1000,
        "all_s": wall / max(1, len(chosen)) * len(todo), "docs": len(todo),
        "mean_share": statistics.mean(r.reused_share for r in results) if results else 0.0,
        **{f"mb_{k}": v / 1e6 for k, v in size.items()},
    }


def _has_dbstat(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1").fetchone()
    except sqlite3.Error:
        return False
    return True


def _bump(text: str, rng: random.Random) -> str:
    """Next year's figures and one character changed."""
    text = re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), text)
    chars = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
    if chars:
        i = rng.choice(chars)
        text = text[:i] + "某" + text[i + 1 :]
    return text


def compare_indexes(n_paragraphs: int) -> dict[str, float] | None:
    """Recall of a changed paragraph's original, build and query time: clause keys vs MinHash LSH."""
    from core import reuse

    rng = random.Random(11)
    paragraphs = sorted({p.strip() for t in sources() for p in t.split("\n") if len(p.strip()) >= 40})
    rng.shuffle(paragraphs)
    paragraphs = paragraphs[:n_paragraphs]
    queries = [(_bump(p, rng), n) for n, p in enumerate(paragraphs[: min(1000, len(paragraphs))])]
    # own: clause keys → paragraph ids
    t = time.perf_counter()
    index: dict[int, list[int]] = {}
    for n, p in enumerate(paragraphs):
        for key in reuse.signature(p).index_keys():
            index.setdefault(key, []).append(n)
    own_build = time.perf_counter() - t
    t = time.perf_counter()
    own_hits = 0
    for q, n in queries:
        found = {m for key in reuse.signature(q).index_keys() for m in index.get(key, ())[:48]}
        own_hits += n in found
    own_query = (time.perf_counter() - t) / len(queries) * 1000
    out = {"paragraphs": len(paragraphs), "queries": len(queries), "own_build_s": own_build,
           "own_query_ms": own_query, "own_recall": own_hits / len(queries)}
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return out

    def minhash(text: str) -> MinHash:
        norm = reuse.mask(reuse.normalise(text))
        m = MinHash(num_perm=128)
        m.update_batch([norm[i : i + 3].encode() for i in range(max(1, len(norm) - 2))])
        return m

    t = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for n, p in enumerate(paragraphs):
        lsh.insert(str(n), minhash(p))
    ds_build = time.perf_counter() - t
    t = time.perf_counter()
    ds_hits = 0
    for q, n in queries:
        ds_hits += str(n) in set(lsh.query(minhash(q)))
    ds_query = (time.perf_counter() - t) / len(queries) * 1000
    out.update({"ds_build_s": ds_build, "ds_query_ms": ds_query, "ds_recall": ds_hits / len(queries)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=40, help="new reports checked at each size")
    parser.add_argument("--refresh-sample", type=int, default=300)
    parser.add_argument("--paragraphs", type=int, default=20_000, help="paragraphs for the index comparison")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_reuse_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus"
        if not corpus.exists():
            build_corpus(corpus, args.n)
        extra_dir = work / "extra"
        if not extra_dir.exists():
            build_corpus(extra_dir, args.checks * 2, seed=99)
        extra = sorted(extra_dir.rglob("*.txt"))
        # distinct from the corpus: build_corpus numbers files from 1000 on; renumber the extras
        for n, path in enumerate(extra):
            text = path.read_text(encoding="utf-8").replace("编号", f"新编号{n}-", 1)
            path.write_text(text, encoding="utf-8")
        first = sorted(p for p in corpus.iterdir() if p.is_dir())[:1]
        rest = sorted(p for p in corpus.iterdir() if p.is_dir())[1:]
        size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
        print(f"corpus: {args.n} files, {size / 1e6:.1f} MB", file=sys.stderr)
        floor = floor_build(corpus, work / "floor.sqlite")
        print(f"floor {floor:.1f} s", file=sys.stderr)
        runs: dict[str, dict[str, float]] = {}
        checks: dict[str, dict[str, float]] = {}
        for mode in ("off", "on"):
            db = work / f"{mode}.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            a = child_import(db, first, mode)
            if mode == "on":
                checks["small"] = time_new_checks(db, extra[: args.checks])
            b = child_import(db, rest, mode) if rest else {"seconds": 0.0, "cpu_main": 0.0, "cpu_children": 0.0}
            runs[mode] = {k: a[k] + b[k] for k in ("seconds", "cpu_main", "cpu_children")}
            print(f"import {mode}: {runs[mode]}", file=sys.stderr)
        db = work / "on.sqlite"
        checks["large"] = time_new_checks(db, extra[args.checks :])
        refresh = time_refresh(db, args.refresh_sample)
        index = compare_indexes(args.paragraphs)
        small_n = min(args.n, 1000)
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        off, on = runs["off"], runs["on"]
        cs, cl = checks["small"], checks["large"]
        lines = [
            f"### Text reuse, {args.n:,} reports ({size / 1e6:.0f} MB) — {stamp}",
            f"Machine: {machine()}; load average at the end {load}. "
            f"Command: `.venv/bin/python bench/bench_reuse.py --n {args.n}`.",
            "",
            "| measure | result | target |",
            "|---|---|---|",
            f"| bare FTS5 trigram build — the floor | {floor:.1f} s | |",
            f"| import without the reuse index: wall (CPU main + workers) | {off['seconds']:.1f} s "
            f"({off['cpu_main']:.1f} + {off['cpu_children']:.1f} s) — {off['seconds'] / floor:.2f}× the floor | |",
            f"| import with the reuse index | {on['seconds']:.1f} s ({on['cpu_main']:.1f} + {on['cpu_children']:.1f} s)"
            f" — **{on['seconds'] / floor:.2f}×** the floor | ≤ 1.2× |",
            f"| reuse index's share of the import: wall / main-process CPU | "
            f"{(on['seconds'] - off['seconds']) / off['seconds'] * 100:+.1f}% / "
            f"{(on['cpu_main'] - off['cpu_main']) / max(off['cpu_main'], 1e-9) * 100:+.1f}% | |",
            f"| check of a new report at {small_n:,} reports: p50 / p95 / max (CPU p95) | "
            f"{cs['p50']:.1f} / {cs['p95']:.1f} / {cs['max']:.1f} ms ({cs['cpu_p95']:.1f}) | |",
            f"| check of a new report at {args.n:,} reports: p50 / p95 / max (CPU p95) | "
            f"{cl['p50']:.1f} / **{cl['p95']:.1f}** / {cl['max']:.1f} ms ({cl['cpu_p95']:.1f}) | ≤ 200 ms |",
            f"| per-report check cost, {args.n:,} vs {small_n:,} reports (p50) | {cl['p50'] / cs['p50']:.2f}× | flat |",
            f"| mean 重复率 of the new reports (each a shuffle of a report the archive already holds many of) | "
            f"{cs['share'] * 100:.0f}% / {cl['share'] * 100:.0f}% | |",
            f"| computing every stored result afterwards (background): per report (CPU) | "
            f"{refresh['per_doc_ms']:.1f} ms ({refresh['cpu_per_doc_ms']:.1f}) — {refresh['all_s']:.0f} s for "
            f"{refresh['docs']:,.0f} | |",
        ]
        if "mb_reuse_postings" in refresh:
            lines.append(f"| index on disk: postings / signatures | {refresh['mb_reuse_postings']:.1f} MB / "
                         f"{refresh['mb_reuse_signatures']:.1f} MB | |")
        if index is not None:
            lines.append(
                f"| index comparison on {index['paragraphs']:,.0f} paragraphs, {index['queries']:,.0f} with figures + one "
                f"character changed: clause keys — recall / build / query | {index['own_recall'] * 100:.1f}% / "
                f"{index['own_build_s']:.2f} s / {index['own_query_ms']:.2f} ms | |")
            if "ds_recall" in index:
                lines.append(
                    f"| same, datasketch MinHashLSH (128 permutations, 3-grams, threshold 0.5) | "
                    f"{index['ds_recall'] * 100:.1f}% / {index['ds_build_s']:.2f} s / {index['ds_query_ms']:.2f} ms | |")
        print("\n".join(lines))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
