"""Doubling test of the analysis: each pathological text shape at n, 2n, 4n … characters; time ratio per doubling.

.venv/bin/python bench/bench_linearity.py [--start 25000] [--doublings 3] [--only NAME] [--repeat 3]

Each shape (tests/robustness/pathological.py) runs through clean_text → analyse → search.index_form, the
work an import does per file. CPU time (process_time, best of --repeat) is reported besides wall time,
because the machine is shared. A linear step doubles its time when its input doubles: the bar is a ratio
≤ 2.5 per doubling (the geometric mean over the range; the worst single step is shown too). Shapes whose
largest input takes under MIN_SECONDS are too fast to judge: their ratio is shown in brackets.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import search  # noqa: E402
from core.clean import clean_text  # noqa: E402
from core.extract import analyse  # noqa: E402
from tests.robustness.pathological import GENERATORS  # noqa: E402

MIN_SECONDS = 0.1
BAR = 2.5


def _timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best CPU and best wall seconds of `repeat` runs."""
    cpu = wall = float("inf")
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        function()
        cpu = min(cpu, time.process_time() - c0)
        wall = min(wall, time.perf_counter() - w0)
    return cpu, wall


def _pipeline(text: str) -> None:
    cleaned = clean_text(text)
    analyse(cleaned, "文件.txt")
    search.index_form(cleaned)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--start", type=int, default=25_000, help="characters of the smallest input")
    parser.add_argument("--doublings", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", help="run only these shapes (repeatable)")
    args = parser.parse_args()
    _pipeline("预热：某某市司法局2023年法治政府建设年度报告\n一、主要举措\n办理行政复议案件3件。")  # load tables
    print(f"# {platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores · "
          f"Python {platform.python_version()} · load {os.getloadavg()[0]:.1f} · {time.strftime('%Y-%m-%d %H:%M')}")
    sizes = [args.start * 2**k for k in range(args.doublings + 1)]
    print("| shape | " + " | ".join(f"{s // 1000}k CPU s" for s in sizes)
          + " | ratio per doubling (mean) | worst single step | ≤ 2.5 |")
    print("|---|" + "---|" * (len(sizes) + 3))
    failures = []
    for name, generator in GENERATORS.items():
        if args.only and name not in args.only:
            continue
        cpus: list[float] = []
        for size in sizes:
            text = generator(size)
            cpu, _wall = _timed(lambda text=text: _pipeline(text), args.repeat)
            cpus.append(cpu)
        pairs = [(a, b) for a, b in itertools.pairwise(cpus) if a > 0]
        worst = max((b / a for a, b in pairs), default=0.0)
        # The verdict: the mean ratio per doubling over the whole range (geometric), which one noisy step
        # on a shared machine cannot swing; judged only when the largest input takes MIN_SECONDS or more.
        mean = (cpus[-1] / cpus[0]) ** (1 / (len(cpus) - 1)) if cpus[0] > 0 else 0.0
        judged = cpus[-1] >= MIN_SECONDS
        ok = not judged or mean <= BAR
        if not ok:
            failures.append(name)
        shown = f"{mean:.2f}" if judged else f"({mean:.2f})"
        print(f"| {name} | " + " | ".join(f"{c:.3f}" for c in cpus) + f" | {shown} | {worst:.2f} | "
              f"{'yes' if ok else 'NO'} |", flush=True)
    print(f"\n{len(failures)} shape(s) over the bar of {BAR} per doubling" + (f": {', '.join(failures)}" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
