"""Import and search benchmark: N report-like files vs a bare FTS5 trigram build of the same text.

    .venv/bin/python bench/bench_archive.py --n 10000            # the full run (minutes)
    .venv/bin/python bench/bench_archive.py --n 500 --workers 0  # a quick one
    .venv/bin/python bench/bench_archive.py --search-scale 100000  # search only, on a fast-built archive

Builds the corpus from ../shared/samples and ../shared/corpus into a temporary folder outside the
repository (each file a shuffled selection of one real report's paragraphs plus a unique number, so
deduplication keeps all of them), then times in the same run:
  floor   read every file and insert it into an FTS5 trigram table (content stored), one transaction;
  import  Archive.import_paths end to end (read, clean, analyse, dedup, store original + text + facts + index),
          in a child process whose peak RSS and CPU time are measured (main process and its analysis workers);
  again   the same folder imported a second time (every file unchanged: skipped by path, size and mtime);
  search  top 20 with snippets for 1-character and 2+-character queries, p50/p95 over repeats.
Prints a Markdown section for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("REPORT_ARCHIVE_SHARED", REPO.parent / "shared"))
TARGET_BYTES = 13_000  # per file: 10,000 files ≈ 130 MB, like the floor measured in DESIGN.md

QUERIES_MULTI = [
    "复议", "出庭", "行政复议", "出庭应诉", "政府建", "应诉工", "法治政府建设", "营商环境", "依法行政",
    "行政执法", "规范性文件", "民生", "2023年", "重大行政决策", "\"行政 诉讼\"", "复议 -出庭", "深圳 教育",
    "编号9999", "公共法律服务", "垃圾分类",
]
QUERIES_SINGLE = ["的", "法", "税", "治", "区", "矛", "港", "诉", "医", "水"]


def sources() -> list[str]:
    files = sorted((SHARED / "samples").glob("*.txt")) + sorted((SHARED / "corpus").rglob("*.txt"))
    if not files:
        sys.exit(f"no source reports under {SHARED}")
    return [f.read_text(encoding="utf-8") for f in files]


def build_corpus(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    texts = sources()
    paragraphs = [[p for p in t.split("\n") if p.strip()] for t in texts]
    total = 0
    for i in range(n):
        k = rng.randrange(len(texts))
        paras = paragraphs[k]
        first = paras[0]
        body = paras[1:]
        rng.shuffle(body)
        out = [first, f"编号{i + 1000}"]
        size = len(first.encode()) + 12
        for p in body:
            out.append(p)
            size += len(p.encode()) + 1
            if size >= TARGET_BYTES:
                break
        data = ("\n".join(out) + "\n").encode("utf-8")
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"report_{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


_FLOOR_STEPS: list[dict[str, float]] = []  # floor_build's per-`every` wall and CPU seconds


def floor_build(folder: Path, db_path: Path, every: int = 0) -> tuple[float, float]:
    """The floor; with `every`, also records (in _FLOOR_STEPS) the wall and CPU seconds of each `every` files."""
    _FLOOR_STEPS.clear()
    started, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(name, body, tokenize='trigram')")
    conn.execute("BEGIN")
    mark = (started, cpu)
    for i, path in enumerate(sorted(folder.rglob("*.txt")), 1):
        conn.execute("INSERT INTO t(name, body) VALUES (?, ?)", (path.name, path.read_text(encoding="utf-8")))
        if every and i % every == 0:
            now = (time.perf_counter(), time.process_time())
            _FLOOR_STEPS.append({"done": i, "wall": now[0] - mark[0], "cpu": now[1] - mark[1]})
            print(f"floor {i}: {now[0] - mark[0]:.1f} s ({now[1] - mark[1]:.1f} s CPU) for the last {every}",
                  file=sys.stderr, flush=True)
            mark = now
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started, time.process_time() - cpu


_FLOOR_CHILD = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import bench_archive
wall, cpu = bench_archive.floor_build(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[4]))
print(json.dumps({"wall": wall, "cpu": cpu, "steps": bench_archive._FLOOR_STEPS}))
"""


def start_floor(folder: Path, db_path: Path, every: int) -> subprocess.Popen[str]:
    """The floor in a child process (for --side-by-side); its result is the JSON line on its stdout."""
    return subprocess.Popen([sys.executable, "-c", _FLOOR_CHILD, str(folder), str(db_path), str(REPO / "bench"),
                             str(every)], stdout=subprocess.PIPE, text=True)


def report_lines(rng: random.Random, paragraphs: list[list[str]], i: int) -> list[str]:
    """A report-like text of about TARGET_BYTES: a real report's first line, a numbered 编号 line, then its
    other paragraphs shuffled (the same shape fast_build stores and the index bench measures)."""
    paras = paragraphs[rng.randrange(len(paragraphs))]
    body = paras[1:]
    rng.shuffle(body)
    out, size = [paras[0], f"编号{i + 1000}"], 0
    for p in body:
        out.append(p)
        size += len(p.encode())
        if size >= TARGET_BYTES:
            break
    return out


def fast_build(path: Path, n: int, seed: int = 7) -> float:
    """An archive of n generated reports stored and indexed by core.importer.store_document (no files)."""
    sys.path.insert(0, str(REPO))
    from core import importer, search
    from core.archive import Archive

    rng = random.Random(seed)
    texts = sources()
    paragraphs = [[p for p in t.split("\n") if p.strip()] for t in texts]
    started = time.perf_counter()
    with Archive.open(path) as archive:
        conn = archive.connection
        conn.execute("BEGIN")
        for i in range(n):
            text = "\n".join(report_lines(rng, paragraphs, i)) + "\n"
            item = importer.Processed(path=f"report_{i:06d}.txt", name=f"report_{i:06d}.txt", size=len(text),
                                      sha_original=f"o{i}", text=text, sha_text=f"t{i}",
                                      index_body=search.index_form(text))
            importer.store_document(conn, item)
            if i % 1000 == 999:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
        conn.execute("COMMIT")
    return time.perf_counter() - started


_CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[4])
from core.archive import Archive
workers = None if sys.argv[3] == "auto" else int(sys.argv[3])
every = int(sys.argv[5])
tick = os.sysconf("SC_CLK_TCK")

def cpu_all():
    # this process + its live workers (/proc) + the ones already ended (RUSAGE_CHILDREN)
    total = time.process_time()
    total += sum(getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f) for f in ("ru_utime", "ru_stime"))
    me = str(os.getpid())
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                total += (int(fields[11]) + int(fields[12])) / tick
    return total

steps = []
mark = [time.perf_counter(), cpu_all(), time.process_time()]
def progress(done, total, message):
    if every and done % every == 0 and done and (not steps or steps[-1]["done"] != done):
        now = [time.perf_counter(), cpu_all(), time.process_time()]
        steps.append({"done": done, "wall": now[0] - mark[0], "cpu": now[1] - mark[1], "main_cpu": now[2] - mark[2]})
        print(json.dumps(steps[-1]), file=sys.stderr, flush=True)
        mark[:] = now

t = time.perf_counter()
with Archive.open(sys.argv[1]) as archive:
    report = archive.import_paths([sys.argv[2]], progress=progress, workers=workers)
elapsed = time.perf_counter() - t
print(json.dumps({
    "seconds": elapsed,
    "imported": report.count("imported"), "duplicate": report.count("duplicate"), "failed": report.count("failed"),
    "failures": [i.reason for i in report.items if i.outcome == "failed"][:5],
    "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "cpu": sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)),
    "steps": steps,
}))
"""


def run_import(folder: Path, db_path: Path, workers: str, code: Path = REPO, every: int = 0) -> dict[str, Any]:
    """Our import in a child process running the code in `code` (default: this checkout)."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db_path), str(folder), workers, str(code), str(every)],
        check=True, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "REPORT_ARCHIVE_HOME": str(db_path.parent / "home")},
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def commit_of(code: Path) -> str:
    out = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                         check=False)
    dirty = subprocess.run(["git", "-C", str(code), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return (out.stdout.strip() or "?") + (" + uncommitted changes" if dirty else "")


def time_searches(db_path: Path, queries: list[str], repeats: int) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from core.archive import Archive

    times: list[float] = []
    cpu: list[float] = []
    hits_per_query: dict[str, int] = {}
    best_cpu: dict[str, float] = {}
    with Archive.open(db_path) as archive:
        archive.search(queries[0])  # warm the page cache
        for _ in range(repeats):
            for q in queries:
                archive._cache.clear()  # time real searches, not the repeat cache (every query is distinct)
                t, c = time.perf_counter(), time.thread_time()
                hits = archive.search(q, limit=20)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.thread_time() - c) * 1000)
                best_cpu[q] = min(best_cpu.get(q, 1e9), cpu[-1])
                hits_per_query[q] = len(hits)
    times.sort()
    cpu.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
        "max": times[-1],
        "cpu_p95": cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))],
        # each query's best CPU over the repeats, then the p95 over queries: steadier on a loaded machine
        "best_cpu_p95": sorted(best_cpu.values())[min(len(best_cpu) - 1, int(len(best_cpu) * 0.95))],
        "slowest": max(best_cpu, key=lambda q: best_cpu[q]),
        "empty": sum(1 for v in hits_per_query.values() if v == 0),
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30 if hasattr(os, "sysconf") else 0
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", default="auto", help="analysis processes: auto or a number (0 = none)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and archives")
    parser.add_argument("--every", type=int, default=10_000,
                        help="print the floor's and the import's wall and CPU time per this many files (0: off)")
    parser.add_argument("--side-by-side", action="store_true",
                        help="run the floor (its own process) and the import at the same time: compare CPU times")
    parser.add_argument("--code", type=Path, default=REPO,
                        help="checkout whose core the import child runs (default: this one); its commit is printed")
    parser.add_argument("--search-only", type=Path, default=None, metavar="ARCHIVE",
                        help="only time searches on an existing archive")
    parser.add_argument("--search-scale", type=int, default=None, metavar="N",
                        help="build an archive of N generated reports without reading or analysing files"
                             " (texts stored and indexed as the import does), then time searches on it")
    args = parser.parse_args()

    if args.search_scale is not None:
        work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_search_scale_"))
        work.mkdir(parents=True, exist_ok=True)
        path = work / f"scale-{args.search_scale}.sqlite"
        if not path.exists():
            seconds = fast_build(path, args.search_scale)
            print(f"built {args.search_scale} documents in {seconds:.0f} s: {path}", file=sys.stderr)
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{args.search_scale:,} reports, {path.stat().st_size / 1e6:.0f} MB; load {load}; {machine()}")
        for name, queries in (("2+ characters", QUERIES_MULTI), ("1 character", QUERIES_SINGLE)):
            r = time_searches(path, queries, args.repeats)
            print(f"{name}: p50 {r['p50']:.1f} / p95 {r['p95']:.1f} / max {r['max']:.1f} ms, CPU p95 {r['cpu_p95']:.1f} ms,"
                  f" per-query best CPU p95 {r['best_cpu_p95']:.1f} ms (slowest {r['slowest']})")
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
        return

    if args.search_only is not None:
        for name, queries in (("2+ characters", QUERIES_MULTI), ("1 character", QUERIES_SINGLE)):
            r = time_searches(args.search_only, queries, args.repeats)
            print(f"{name}: p50 {r['p50']:.1f} / p95 {r['p95']:.1f} / max {r['max']:.1f} ms, CPU p95 {r['cpu_p95']:.1f} ms,"
                  f" per-query best CPU p95 {r['best_cpu_p95']:.1f} ms (slowest {r['slowest']})")
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_archive_"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    try:
        if not corpus.exists():
            size = build_corpus(corpus, args.n)
        else:
            size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
        print(f"corpus: {args.n} files, {size / 1e6:.1f} MB in {corpus}", file=sys.stderr)
        for name in ("floor.sqlite", "archive.sqlite"):
            for suffix in ("", "-wal", "-shm"):
                Path(str(work / name) + suffix).unlink(missing_ok=True)
        os.sync() if hasattr(os, "sync") else None
        load_start = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        commit = commit_of(args.code)
        if args.side_by_side:
            floor_child = start_floor(corpus, work / "floor.sqlite", args.every)
            load_mid = load_start
            print(f"import: code at {args.code} ({commit}), side by side with the floor", file=sys.stderr, flush=True)
            imp = run_import(corpus, work / "archive.sqlite", args.workers, args.code, args.every)
            print(f"import: {imp}", file=sys.stderr)
            floor_out = json.loads((floor_child.communicate()[0] or "{}").strip().splitlines()[-1])
            floor, floor_cpu, floor_steps = floor_out["wall"], floor_out["cpu"], floor_out["steps"]
            print(f"floor: {floor:.1f} s ({floor_cpu:.1f} s CPU)", file=sys.stderr)
        else:
            floor, floor_cpu = floor_build(corpus, work / "floor.sqlite", args.every)
            print(f"floor: {floor:.1f} s ({floor_cpu:.1f} s CPU); load {load_start} before it", file=sys.stderr)
            floor_steps = _FLOOR_STEPS[:]
            load_mid = " / ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"import: code at {args.code} ({commit})", file=sys.stderr, flush=True)
            imp = run_import(corpus, work / "archive.sqlite", args.workers, args.code, args.every)
            print(f"import: {imp}", file=sys.stderr)
        again = run_import(corpus, work / "archive.sqlite", args.workers, args.code)
        print(f"again: {again}", file=sys.stderr)
        with sqlite3.connect(work / "archive.sqlite") as conn:
            text_mb = conn.execute("SELECT sum(length(CAST(text AS BLOB))) FROM texts").fetchone()[0] / 1e6
        archive_mb = sum(
            Path(str(work / "archive.sqlite") + s).stat().st_size
            for s in ("", "-wal") if Path(str(work / "archive.sqlite") + s).exists()
        ) / 1e6
        floor_mb = (work / "floor.sqlite").stat().st_size / 1e6
        multi = time_searches(work / "archive.sqlite", QUERIES_MULTI, args.repeats)
        single = time_searches(work / "archive.sqlite", QUERIES_SINGLE, args.repeats)
        ratio = imp["seconds"] / floor
        cpu_ratio = imp["cpu"] / floor_cpu
        peak = imp["rss_self_mb"] + imp["rss_children_mb"]
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
        steps = imp.get("steps") or []
        growth = ""
        if steps and floor_steps:
            ours = " / ".join(f"{st['cpu'] * 1000 / args.every:.1f}" for st in steps)
            theirs = " / ".join(f"{st['cpu'] * 1000 / args.every:.1f}" for st in floor_steps)
            worst = max(st["cpu"] for st in steps) / steps[0]["cpu"]
            worst_floor = max(st["cpu"] for st in floor_steps) / floor_steps[0]["cpu"]
            per = " / ".join(f"{a['cpu'] / b['cpu']:.2f}" for a, b in zip(steps, floor_steps, strict=False))
            growth = (f"| CPU per report, each {args.every:,} in turn: ours (ms) | {ours} (worst {worst:.2f}× the first) |"
                      f" each within 1.2× of the first |\n"
                      f"| … the floor's (ms) | {theirs} (worst {worst_floor:.2f}× the first) | |\n"
                      f"| … ours / the floor's, each {args.every:,} | {per} | ≤ 1.2× |\n")
        print(f"""
### Import and search, {args.n:,} reports ({size / 1e6:.0f} MB of text) — {stamp}
Machine: {machine()}; load average before the floor {load_start}, before the import {load_mid}, at the end {load} (other work was running). Command: `.venv/bin/python bench/bench_archive.py {' '.join(sys.argv[1:])}`; import code {commit}{'; the floor and the import ran at the same time, each in its own processes' if args.side_by_side else ''}.

| measure | result | target |
|---|---|---|
| bare FTS5 trigram build (reading included) — the floor: wall (CPU) | {floor:.1f} s ({floor_cpu:.1f} s) | |
| our import end to end ({imp['imported']:.0f} imported, {imp['duplicate']:.0f} duplicate, {imp['failed']:.0f} failed): wall (CPU, all processes) | {imp['seconds']:.1f} s ({imp['cpu']:.1f} s) | |
| ratio import / floor: wall (CPU) | {ratio:.2f}× (**{cpu_ratio:.2f}×** CPU, on 2 cores against the floor's one) | ≤ 1.2× |
{growth}| re-import of the same folder ({again['duplicate']:.0f} skipped as unchanged): wall (CPU) / share of the first import | {again['seconds']:.1f} s ({again['cpu']:.1f} s) / **{again['seconds'] / imp['seconds'] * 100:.1f} %** | ≤ 10 % |
| peak RSS during import: main process / largest worker / sum | {imp['rss_self_mb']:.0f} / {imp['rss_children_mb']:.0f} / **{peak:.0f} MB** | ≤ 500 MB |
| search top 20 + snippets, 2+ characters ({len(QUERIES_MULTI)} distinct queries × {args.repeats}): p50 / p95 / max (CPU p95) | {multi['p50']:.1f} / **{multi['p95']:.1f}** / {multi['max']:.1f} ms ({multi['cpu_p95']:.1f}) | p95 ≤ 20 / 30 / 50 ms at 10k / 30k / 100k |
| search top 20 + snippets, 1 character ({len(QUERIES_SINGLE)} distinct queries × {args.repeats}): p50 / p95 / max (CPU p95) | {single['p50']:.1f} / **{single['p95']:.1f}** / {single['max']:.1f} ms ({single['cpu_p95']:.1f}) | p95 ≤ 50 / 75 / 100 ms |
| archive on disk (originals + text + facts + index) / text it holds / floor's trigram table | {archive_mb:.1f} MB / {text_mb:.1f} MB / {floor_mb:.1f} MB | |
""", flush=True)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    _ = resource  # imported for the child's measurement contract (documented above)


if __name__ == "__main__":
    main()
