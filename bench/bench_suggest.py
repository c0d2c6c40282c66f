"""Latency of the first tag suggestion after a start, without and with the background warm-up.

    .venv/bin/python bench/bench_suggest.py            # ~190 real reports from ../shared, 3 runs each

The archive (samples, gold/dev texts, the app's samples, corpus/real-reports, sz-gov-work-reports) is built
once in the system temp folder. Each measurement runs in a fresh process with an empty keyword cache:
- before: open the archive, `suggest_tags(newest document)` at once (what the viewer did after a start);
- after: `core.tags.warm_up` first (what the window now runs in the background once it is shown),
  then `suggest_tags` on the newest document, and on a random older one;
- reference, same run: `import jieba; jieba.initialize()` alone.
Wall and CPU time (process_time) are printed; the machine is shared, so CPU time is the steadier number.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))

CHILD = r"""
import json, sys, time, random
t0, c0 = time.perf_counter(), time.process_time()
mode, path = sys.argv[1], sys.argv[2]
out = {}
if mode == "reference":
    import jieba
    from core.paths import cache_dir
    jieba.dt.tmp_dir = str(cache_dir()); jieba.dt.cache_file = "jieba.cache"
    jieba.setLogLevel(60); jieba.initialize()
else:
    from core.archive import Archive
    archive = Archive.open(path)
    archive.connection.execute("DELETE FROM keywords")
    ids = archive.list_ids(order_by="id")
    newest, older = ids[-1], random.Random(1).choice(ids[:-50])
    if mode == "after":
        from core.tags import warm_up
        w0, wc0 = time.perf_counter(), time.process_time()
        out["segmented"] = warm_up(archive)
        out["warm_wall"], out["warm_cpu"] = time.perf_counter() - w0, time.process_time() - wc0
        t0, c0 = time.perf_counter(), time.process_time()
    out["suggestions"] = archive.suggest_tags(newest)
    if mode == "after":
        o0, oc0 = time.perf_counter(), time.process_time()
        archive.suggest_tags(older)
        out["older_wall"], out["older_cpu"] = time.perf_counter() - o0, time.process_time() - oc0
out["wall"], out["cpu"] = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps(out, ensure_ascii=False))
"""


def build(path: Path) -> int:
    from core.archive import Archive

    folders = [SHARED / "samples", REPO / "resources" / "samples", SHARED / "corpus" / "real-reports",
               SHARED / "corpus" / "sz-gov-work-reports"]
    files = [p for f in folders if f.is_dir() for p in sorted(f.iterdir()) if p.is_file()]
    files += sorted((SHARED / "gold" / "dev").glob("*.txt"))
    with Archive.open(path) as archive:
        if archive.count() < len(files) // 2:
            archive.import_paths(files)
        return archive.count()


def run(mode: str, path: Path, home: Path) -> dict[str, object]:
    env = dict(os.environ, REPORT_ARCHIVE_HOME=str(home), PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)], env=env, capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.gettempdir()) / "report-archive-bench-suggest"
    tmp.mkdir(exist_ok=True)
    path = tmp / "archive.sqlite"
    print(f"archive: {build(path)} documents; load: {os.getloadavg()[0]:.1f}", flush=True)
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    run("reference", path, home)  # jieba's cache file is written once, like on a clerk's second start
    rows: dict[str, list[dict[str, object]]] = {"reference": [], "before": [], "after": []}
    for _ in range(args.runs):
        for mode, results in rows.items():
            results.append(run(mode, path, home))

    def med(mode: str, key: str) -> float:
        return statistics.median(float(str(r[key])) for r in rows[mode])

    print(f"reference jieba import+initialise: wall {med('reference', 'wall'):.2f} s, cpu {med('reference', 'cpu'):.2f} s")
    print(f"before: first suggestion        wall {med('before', 'wall'):.2f} s, cpu {med('before', 'cpu'):.2f} s")
    print(f"after:  background warm-up       wall {med('after', 'warm_wall'):.2f} s, cpu {med('after', 'warm_cpu'):.2f} s"
          f" ({rows['after'][0]['segmented']} documents segmented)")
    print(f"after:  first suggestion        wall {med('after', 'wall'):.3f} s, cpu {med('after', 'cpu'):.3f} s")
    print(f"after:  an older document       wall {med('after', 'older_wall'):.3f} s, cpu {med('after', 'older_cpu'):.3f} s")
    print("suggestions:", "、".join(str(s) for s in rows["after"][0]["suggestions"]))  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
