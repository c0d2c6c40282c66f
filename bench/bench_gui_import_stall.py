"""GUI responsiveness during an import: the longest event-loop stall while N files import through the window.

    .venv/bin/python bench/bench_gui_import_stall.py              # 1,000 report-like files
    .venv/bin/python bench/bench_gui_import_stall.py --n 200

Makes N report-like files (bench_archive.build_corpus: real paragraphs from ../shared, a unique number
each) in the temp folder, opens the main window offscreen on a new archive, and calls the same
`import_paths` a drop calls. A QTimer ticks every 10 ms on the GUI thread; each gap between ticks beyond
10 ms is time the event loop could not run (a frozen window). Prints the longest gap, the 99th percentile,
how many gaps exceeded 100 ms, and the import time; the target is no gap over 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    base = Path(tempfile.mkdtemp(prefix="gui-stall-"))
    os.environ["REPORT_ARCHIVE_HOME"] = str(base / "home")
    from bench_archive import build_corpus

    folder = base / "files"
    folder.mkdir()
    build_corpus(folder, args.n, seed=11)

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(base / "stall.sqlite")
    window.show()
    loop = QEventLoop()
    window.refreshed.connect(loop.quit)
    QTimer.singleShot(10_000, loop.quit)
    loop.exec()

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(tick)
    reports: list[object] = []
    done = QEventLoop()

    def finished(report: object) -> None:
        reports.append(report)
        done.quit()

    window.importFinished.connect(finished)
    started = time.monotonic()
    ticker.start()
    window.import_paths([folder])
    done.exec()
    # include the refresh that follows the import
    settle = QEventLoop()
    QTimer.singleShot(500, settle.quit)
    settle.exec()
    ticker.stop()
    elapsed = time.monotonic() - started
    count = window.model.rowCount()
    window.close()
    del app

    over = [g for g in gaps if g > 100]
    gaps_sorted = sorted(gaps)
    p99 = gaps_sorted[int(len(gaps_sorted) * 0.99) - 1] if gaps_sorted else 0
    print()
    print("## GUI responsiveness during import")
    print()
    print(f"`.venv/bin/python bench/bench_gui_import_stall.py --n {args.n}` — {count} documents in the table after "
          f"the import, {os.cpu_count()} CPUs, QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}.")
    print()
    print("| files | import (s) | ticks | longest stall (ms) | p99 gap (ms) | median gap (ms) | gaps > 100 ms |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {args.n} | {elapsed:.1f} | {len(gaps)} | {max(gaps):.0f} | {p99:.0f} | "
          f"{statistics.median(gaps):.0f} | {len(over)} |")


if __name__ == "__main__":
    main()
