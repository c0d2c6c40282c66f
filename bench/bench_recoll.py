"""Recoll (Xapian) on the import benchmark's report files: index build, peak memory, size, query times.

    .venv/bin/python bench/bench_recoll.py --n 10000                    # corpus made here (bench_archive's)
    .venv/bin/python bench/bench_recoll.py --corpus DIR --archive A.sqlite  # an existing corpus; ours beside it

Skips with a message when Recoll is not installed (Debian: `apt-get install recoll`). Builds the same N
report-like files as bench/bench_archive.py (same generator and seed), writes a Recoll configuration into a
temporary folder (topdirs = the corpus, its own Xapian database, no spelling data), then times:
  index   `recollindex -z` from nothing: wall, CPU and peak RSS of recollindex and its helpers (getrusage of
          the children), the database's size on disk;
  query   `recollq -n 20 -A` (top 20 with abstracts, as our search gives snippets) for bench_archive's queries:
          one process per query, so its start and the opening of the database are included — the cost of a
          query that opens nothing is given apart; and the number of documents each query finds (`-Q -E`),
          against a brute-force substring count over the same files (Ctrl+F).
With --archive (an archive of the same N reports, e.g. bench_archive's), our Archive.search (top 20 with
snippets) is timed on the same queries in the same run; its sets are the substring truth (tests/core/test_search.py).
Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

import bench_archive  # noqa: E402


def children_usage() -> tuple[float, float]:
    """CPU seconds and peak RSS (MB, of the largest child) of the finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def write_config(conf: Path, corpus: Path) -> None:
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "recoll.conf").write_text(
        f"topdirs = {corpus}\n"
        f"dbdir = {conf / 'xapiandb'}\n"
        "noaspell = 1\n"  # no spelling dictionary build (not a search cost)
        "loglevel = 2\n"
        "idxflushmb = 50\n"
        "idxniceprio = 0\n",  # Recoll indexes at nice 19 by default: on a busy machine that is a wait, not work
        encoding="utf-8",
    )


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def recollq(conf: Path, *args: str) -> tuple[float, float, str]:
    """Wall ms, CPU ms and output of one recollq process."""
    cpu0, _ = children_usage()
    t = time.perf_counter()
    out = subprocess.run(["recollq", "-c", str(conf), *args], capture_output=True, text=True, check=False)
    wall = (time.perf_counter() - t) * 1000
    cpu1, _ = children_usage()
    return wall, (cpu1 - cpu0) * 1000, out.stdout


def result_count(output: str) -> int | None:
    match = re.search(r"^(\d+) results", output, re.MULTILINE)
    return int(match.group(1)) if match else None


def recoll_query(query: str) -> str:
    """Our query syntax in Recoll's: a term of several characters as a phrase (quoted), -term kept."""
    parts = []
    for term in query.split():
        negative = term.startswith("-")
        body = term[1:] if negative else term
        body = body.strip('"')
        parts.append(("-" if negative else "") + (f'"{body}"' if len(body) > 1 else body))
    return " ".join(parts)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=None, help="an existing corpus folder (else one is built)")
    parser.add_argument("--archive", type=Path, default=None, help="our archive of the same corpus, timed too")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if shutil.which("recollindex") is None or shutil.which("recollq") is None:
        print("Recoll is not installed (recollindex/recollq not found): skipped. Debian: apt-get install recoll")
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_recoll_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = args.corpus or work / "corpus"
        if args.corpus is None and not corpus.exists():
            bench_archive.build_corpus(corpus, args.n)
        files = sorted(corpus.rglob("*.txt"))
        size = sum(p.stat().st_size for p in files)
        print(f"corpus: {len(files)} files, {size / 1e6:.1f} MB in {corpus}", file=sys.stderr)
        conf = work / "recoll-conf"
        shutil.rmtree(conf, ignore_errors=True)
        write_config(conf, corpus)
        version = subprocess.run(["recollindex", "-v"], capture_output=True, text=True, check=False)
        load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        cpu0, _ = children_usage()
        t = time.perf_counter()
        subprocess.run(["recollindex", "-c", str(conf), "-z"], check=True, capture_output=True)
        index_s = time.perf_counter() - t
        cpu1, peak_mb = children_usage()
        db_mb = dir_mb(conf / "xapiandb")
        print(f"index: {index_s:.1f} s, CPU {cpu1 - cpu0:.1f} s, peak {peak_mb:.0f} MB, {db_mb:.0f} MB", file=sys.stderr)

        texts = [p.read_text(encoding="utf-8").lower() for p in files]
        queries = bench_archive.QUERIES_MULTI + bench_archive.QUERIES_SINGLE
        startup = [recollq(conf, "-Q", "zzqqxxnothing")[0] for _ in range(args.repeats)]
        rows = []
        for q in queries:
            walls, cpus = [], []
            for _ in range(args.repeats):
                wall, cpu, _out = recollq(conf, "-n", "20", "-A", recoll_query(q))
                walls.append(wall)
                cpus.append(cpu)
            found = result_count(recollq(conf, "-Q", "-E", recoll_query(q))[2])
            terms = [t.strip('"') for t in q.split()]
            want = [t for t in terms if not t.startswith("-")]
            unwanted = [t[1:] for t in terms if t.startswith("-")]
            truth = sum(1 for text in texts if all(w.lower() in text for w in want)
                        and not any(u.lower() in text for u in unwanted))
            rows.append((q, min(walls), min(cpus), found, truth, walls))
        ours: dict[str, float] = {}
        if args.archive is not None:
            from core.archive import Archive

            with Archive.open(args.archive, read_only=True) as archive:
                archive.search(queries[0])
                for q in queries:
                    best = 1e9
                    for _ in range(args.repeats):
                        archive._cache.clear()
                        c = time.thread_time()
                        archive.search(q, limit=20)
                        best = min(best, (time.thread_time() - c) * 1000)
                    ours[q] = best
        load_after = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        multi = [r for r in rows if r[0] in bench_archive.QUERIES_MULTI]
        single = [r for r in rows if r[0] in bench_archive.QUERIES_SINGLE]
        print(f"\n#### Recoll on {len(files):,} report files ({size / 1e6:.0f} MB) — "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print(f"Machine: {bench_archive.machine()}; {version.stdout.strip()}; load average {load_before} before,"
              f" {load_after} after. Command: `.venv/bin/python bench/bench_recoll.py"
              f"{' --n ' + str(args.n) if args.corpus is None else ' --corpus DIR'}"
              f"{' --archive A.sqlite' if args.archive else ''}`.\n")
        print("| measure | Recoll |\n|---|---|")
        print(f"| index build `recollindex -z`: wall (CPU, all processes) | {index_s:.1f} s ({cpu1 - cpu0:.1f} s) |")
        print(f"| peak RSS (largest process) | {peak_mb:.0f} MB |")
        print(f"| index on disk (Xapian database; the files stay where they are) | {db_mb:.0f} MB |")
        print(f"| a recollq process that opens the index and finds nothing: p50 wall | "
              f"{statistics.median(startup):.0f} ms |")
        for name, part in (("2+ characters", multi), ("1 character", single)):
            walls = [w for r in part for w in r[5]]
            print(f"| query top 20 + abstracts, {name}: p50 / p95 wall (best-of CPU p95) | "
                  f"{statistics.median(walls):.0f} / {percentile(walls, 0.95):.0f} ms "
                  f"({percentile([r[2] for r in part], 0.95):.0f} ms) |")
        print("\n| query | Recoll: documents found | substring truth | Recoll best wall ms |"
              + (" ours: best CPU ms (top 20 + snippets) |" if ours else ""))
        print("|---|---|---|---|" + ("---|" if ours else ""))
        for q, wall, _cpu, found, truth, _walls in rows:
            extra = f" {ours[q]:.1f} |" if q in ours else ""
            print(f"| `{q}` | {found} | {truth} | {wall:.0f} |{extra}")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
