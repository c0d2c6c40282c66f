"""Per-report CPU of what an import worker does for one text (core.ingest.pipeline.process_bytes):
read → clean → sha → search.index_form → reuse.prepare → analyse (metadata, sections, structure, facts,
table cells, others' facts dropped, confidence + review pattern), over the real reports of ../shared
(samples, corpus, gold/dev), with a per-stage breakdown.

    .venv/bin/python bench/bench_analysis.py                       # this tree
    .venv/bin/python bench/bench_analysis.py --tree /work/ref       # another checkout (e.g. main), same run
    .venv/bin/python bench/bench_analysis.py --tree A --tree B      # several trees side by side

Each round over all texts runs in a child process, the trees taking turns for --repeats rounds; the best round
per text is kept (to damp the noise of a shared machine). CPU is the process CPU time (time.process_time).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")

STAGES = ("read+clean", "sha", "index_form", "reuse.prepare", "metadata", "sections", "structure", "facts",
          "tables", "drop_others", "phrase_pattern", "confidence")


def report_files() -> list[Path]:
    files = sorted((SHARED / "samples").glob("*.txt")) + sorted((SHARED / "corpus").rglob("*.txt"))
    files += sorted((SHARED / "gold" / "dev").glob("*.txt"))
    return files


def _child(tree: Path, repeats: int) -> dict[str, object]:
    sys.path.insert(0, str(tree))
    import core.extract as ex
    from core import reuse, search
    from core.ingest import pipeline

    clock = time.process_time
    acc: dict[str, float] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = clock()
            try:
                return fn(*a, **k)
            finally:
                acc[name] = acc.get(name, 0.0) + clock() - t
        return wrapper

    # patch the names the worker code calls, so each stage's time is its own (confidence = _rate_facts
    # minus the phrase patterns it asks for)
    pipeline._read_bytes = timed("read", pipeline._read_bytes)  # type: ignore[assignment]
    pipeline._clean = timed("clean", pipeline._clean)  # type: ignore[assignment]
    pipeline.text_hash = timed("sha", pipeline.text_hash)  # type: ignore[assignment]
    search_index_form = search.index_form
    reuse_prepare = reuse.prepare
    pipeline.search = type("S", (), {"index_form": staticmethod(timed("index_form", search_index_form))})  # type: ignore[assignment]
    pipeline.reuse = type("R", (), {"prepare": staticmethod(timed("reuse.prepare", reuse_prepare))})  # type: ignore[assignment]
    ex.extract_metadata = timed("metadata", ex.extract_metadata)  # type: ignore[assignment]
    ex.parse_sections = timed("sections", ex.parse_sections)  # type: ignore[assignment]
    ex.check_structure = timed("structure", ex.check_structure)  # type: ignore[assignment]
    ex.extract_facts_bounded = timed("facts", ex.extract_facts_bounded)  # type: ignore[assignment]
    ex.table_facts = timed("tables", ex.table_facts)  # type: ignore[assignment]
    ex._drop_others = timed("drop_others", ex._drop_others)  # type: ignore[assignment]
    ex.phrase_pattern = timed("phrase_pattern", ex.phrase_pattern)  # type: ignore[assignment]
    ex._rate_facts = timed("rate", ex._rate_facts)  # type: ignore[assignment]

    files = report_files()
    blobs = [(str(f), f.read_bytes()) for f in files]
    pipeline.process_bytes(*blobs[0])  # warm up: imports, the dictionary, compiled patterns
    best: list[dict[str, float]] = [{} for _ in blobs]
    for _ in range(repeats):
        for i, (path, data) in enumerate(blobs):
            acc.clear()
            t = clock()
            pipeline.process_bytes(path, data)
            total = clock() - t
            row = {"total": total, "read+clean": acc.get("read", 0) + acc.get("clean", 0),
                   "confidence": acc.get("rate", 0) - acc.get("phrase_pattern", 0)}
            for name in STAGES:
                row.setdefault(name, acc.get(name, 0.0))
            if not best[i] or total < best[i]["total"]:
                best[i] = row
    return {"n": len(blobs), "chars": sum(len(d.decode("utf-8", "replace")) for _, d in blobs), "rows": best}


def machine() -> str:
    sys.path.insert(0, str(REPO / "bench"))
    from bench_archive import machine as describe

    return describe()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", action="append", type=Path, help="checkout to measure (default: this one)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.repeats)))
        return
    trees = args.tree or [REPO]
    print(f"# bench_analysis {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    results: dict[Path, dict] = {}  # type: ignore[type-arg]
    for _ in range(args.repeats):  # the trees take turns, one round each, so that a change of load hits both
        for tree in trees:
            out = subprocess.run([sys.executable, __file__, "--child", str(tree.resolve()), "--repeats", "1"],
                                 check=True, capture_output=True, text=True).stdout
            got = json.loads(out.strip().splitlines()[-1])
            if tree not in results:
                results[tree] = got
            else:
                rows = results[tree]["rows"]
                for i, row in enumerate(got["rows"]):
                    if row["total"] < rows[i]["total"]:
                        rows[i] = row
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    first = next(iter(results.values()))
    print(f"{first['n']} reports, {first['chars'] / 1e6:.2f} M characters; best of {args.repeats} rounds per report")
    print()
    names = [t.resolve().name for t in trees]
    header = "| stage | " + " | ".join(f"{t} median ms | {t} total s" for t in names) + " |"
    print(header)
    print("|" + "---|" * (1 + 2 * len(trees)))
    for name in ("total", *STAGES):
        cells = []
        for tree in trees:
            values = [row[name] for row in results[tree]["rows"]]
            cells.append(f"{statistics.median(values) * 1000:.2f} | {sum(values):.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
