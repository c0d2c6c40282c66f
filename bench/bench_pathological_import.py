"""Import ten pathological text files beside a real report; outcome, reason and time per file.

.venv/bin/python bench/bench_pathological_import.py [--workers N] [--report PATH]

The files are tests/robustness/pathological.py's FOLDER_SHAPES (50,000 一 then 件, 50,000 headings,
long runs of spaces, digits, percent lists …), written to a temporary folder with one real report from
../shared/corpus/real-reports. The bar (issue 11): the whole folder in under 5 minutes on 2 cores, every
file with an outcome and a reason, the real report imported. Reference in the same run: the real report
imported alone. Wall and CPU time (this process and its worker processes) are reported, with the load.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import Archive  # noqa: E402
from tests.conftest import SHARED  # noqa: E402
from tests.robustness.pathological import FOLDER_SHAPES, write_pathological_folder  # noqa: E402

BAR_S = 300.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _import(db: Path, paths: list[Path], workers: int | None) -> tuple[float, float, list[tuple[str, str, str]], int]:
    cpu0, wall0 = _cpu(), time.perf_counter()
    with Archive.open(db) as archive:
        report = archive.import_paths(paths, workers=workers)
        count = archive.count()
    rows = [(Path(i.path).name, i.outcome.value, i.reason) for i in report.items]
    return time.perf_counter() - wall0, _cpu() - cpu0, rows, count


def _cancel_latency(root: Path, real: Path) -> float:
    """Seconds from Cancel to import_paths returning while a worker is stuck inside a file."""
    import threading

    folder = root / "卡住"
    folder.mkdir()
    stuck = folder / "a-卡住.txt"
    stuck.write_text("读不完。", encoding="utf-8")
    shutil.copy(real, folder / real.name)
    os.environ["REPORT_ARCHIVE_TEST_HANG_ON"] = stuck.name
    cancel = threading.Event()
    returned: list[float] = []

    def run() -> None:
        with Archive.open(root / "cancel.sqlite") as archive:
            archive.import_paths([folder], None, cancel)
        returned.append(time.perf_counter())

    thread = threading.Thread(target=run)
    thread.start()
    marker = Path(str(stuck) + ".hanging")
    while not marker.exists():
        time.sleep(0.05)
    time.sleep(0.5)
    asked = time.perf_counter()
    cancel.set()
    thread.join()
    del os.environ["REPORT_ARCHIVE_TEST_HANG_ON"]
    return returned[0] - asked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: the import's rule)")
    parser.add_argument("--report", type=Path, default=None, help="the real report (default: the first of real-reports)")
    args = parser.parse_args()
    real = args.report or min((SHARED / "corpus" / "real-reports").glob("*.txt"), default=None)
    if real is None:
        sys.exit("../shared/corpus/real-reports is not present")
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"load {os.getloadavg()[0]:.1f} · {time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["REPORT_ARCHIVE_HOME"] = str(root / "home")
        folder = root / "怪文件"
        write_pathological_folder(folder)
        shutil.copy(real, folder / real.name)
        size = sum(p.stat().st_size for p in folder.iterdir())
        ref_wall, ref_cpu, _rows, _count = _import(root / "ref.sqlite", [folder / real.name], args.workers)
        wall, cpu, rows, count = _import(root / "archive.sqlite", [folder], args.workers)
        latency = _cancel_latency(root, real)
    print(f"reference (the real report alone): {ref_wall:.1f} s wall, {ref_cpu:.1f} s CPU")
    print(f"folder: {len(FOLDER_SHAPES)} pathological files + {real.name}, {size / 1048576:.1f} MB: "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU (main + workers), {count} documents stored; "
          f"load after {os.getloadavg()[0]:.1f}")
    print(f"Cancel while a worker is stuck inside a file: the import returned {latency:.2f} s after Cancel")
    print("\n| file | outcome | reason |\n|---|---|---|")
    for name, outcome, reason in rows:
        print(f"| {name} | {outcome} | {reason or '—'} |")
    ok = wall < BAR_S and all(outcome in ("imported", "failed", "duplicate") for _n, outcome, _r in rows)
    ok = ok and any(name == real.name and outcome == "imported" for name, outcome, _r in rows)
    ok = ok and all(outcome == "imported" or reason for _n, outcome, reason in rows)
    print(f"\n{'PASS' if ok else 'FAIL'}: bar {BAR_S:.0f} s on 2 cores, every file an outcome and a reason")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
