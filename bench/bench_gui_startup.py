"""GUI start-up benchmark: process start → main window shown → first page of rows, on a 10,000-document archive.

    .venv/bin/python bench/bench_gui_startup.py                 # builds the archive once (minutes), then 6 runs
    .venv/bin/python bench/bench_gui_startup.py --n 2000 --runs 4

The archive is built (or reused when it already holds --n documents) under the system temp folder, from
report-like files made by bench_archive.build_corpus (real paragraphs from ../shared, a unique number each).
Each run starts `python -m gui --archive A` in a fresh process with REPORT_ARCHIVE_STARTUP_TIMING=quit: the
window prints STARTUP_SHOWN once the event loop has run past show(), STARTUP_ROWS once the first page of
rows is in the table, then closes. The first run is reported apart (cold file cache); the rest are warm.
It also lists which heavy modules were imported by then (jieba, openpyxl, pypdfium2 must not be).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def ensure_archive(path: Path, n: int) -> int:
    from core.archive import Archive

    if path.exists():
        with Archive.open(path) as archive:
            count = archive.count()
        if count >= n:
            return count
    from bench_archive import build_corpus

    folder = path.parent / f"corpus-{n}"
    if not folder.is_dir() or sum(1 for _ in folder.iterdir()) < n:
        folder.mkdir(parents=True, exist_ok=True)
        print(f"writing {n} report-like files to {folder} …", flush=True)
        build_corpus(folder, n)
    print(f"importing them into {path} (minutes) …", flush=True)
    started = time.monotonic()
    last = [0.0]

    def progress(done: int, total: int, _message: str) -> None:
        if time.monotonic() - last[0] > 10:
            last[0] = time.monotonic()
            print(f"  {done}/{total}", flush=True)

    with Archive.open(path) as archive:
        archive.import_paths([folder], progress=progress)
        count = archive.count()
    print(f"imported {count} documents in {time.monotonic() - started:.0f} s", flush=True)
    return count


def one_run(archive: Path, home: Path) -> dict[str, float]:
    env = dict(os.environ, REPORT_ARCHIVE_STARTUP_TIMING="quit", REPORT_ARCHIVE_HOME=str(home))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # a warm start from source has its bytecode cached (as on a user's PC); keep the cache out of the repo
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "gui", "--archive", str(archive)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    marks = {}
    for line in out.stdout.splitlines():
        if line.startswith("STARTUP_"):
            name, stamp = line.split()
            marks[name[len("STARTUP_"):].lower()] = float(stamp) - start
    if "shown" not in marks:
        raise SystemExit(f"the window did not report start-up:\n{out.stdout}\n{out.stderr}")
    marks["exit"] = time.time() - start
    return marks


def heavy_modules(archive: Path, home: Path) -> list[str]:
    """Modules the window has imported once it is shown (same process, offscreen)."""
    code = (
        "import sys, os\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gui.main_window import MainWindow\n"
        f"w = MainWindow({str(archive)!r}); w.show()\n"
        "from PySide6.QtCore import QTimer, QEventLoop\n"
        "loop = QEventLoop(); w.refreshed.connect(loop.quit); QTimer.singleShot(10000, loop.quit); loop.exec()\n"
        "heavy = ('jieba', 'openpyxl', 'pypdfium2', 'lxml', 'selectolax', 'olefile')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
        "w.close()\n"
    )
    env = dict(os.environ, REPORT_ARCHIVE_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    lines = out.stdout.strip().splitlines()
    return [m for m in (lines[-1].split(",") if lines else []) if m]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--archive", type=Path, default=None)
    args = parser.parse_args()
    base = Path(tempfile.gettempdir()) / "report-archive-bench"
    base.mkdir(exist_ok=True)
    archive = args.archive or base / f"gui-{args.n}.sqlite"
    count = ensure_archive(archive, args.n)
    home = Path(tempfile.mkdtemp(prefix="gui-startup-home-"))
    runs = [one_run(archive, home) for _ in range(args.runs)]
    cold, warm = runs[0], runs[1:] or runs
    shown = [r["shown"] for r in warm]
    rows = [r.get("rows", float("nan")) for r in warm]
    heavy = heavy_modules(archive, home)
    size = archive.stat().st_size / 1e6
    print()
    print("## GUI start-up")
    print()
    print(f"`.venv/bin/python bench/bench_gui_startup.py --n {args.n} --runs {args.runs}` — "
          f"{count} documents, archive {size:.0f} MB, QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', 'offscreen')}, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs.")
    print()
    print("The first run also writes the bytecode cache (PYTHONPYCACHEPREFIX in a temp folder); the warm runs "
          "read it, as a user's second start would.")
    print()
    print("| measure (from process start) | first run | warm median | warm max |")
    print("|---|---|---|---|")
    print(f"| window shown | {cold['shown']:.2f} s | {statistics.median(shown):.2f} s | {max(shown):.2f} s |")
    print(f"| first page of rows in the table | {cold.get('rows', float('nan')):.2f} s | "
          f"{statistics.median(rows):.2f} s | {max(rows):.2f} s |")
    print()
    print(f"Heavy modules imported by then: {', '.join(heavy) if heavy else 'none'} "
          "(jieba, openpyxl and pypdfium2 load only when a feature needs them).")


if __name__ == "__main__":
    main()
