"""Time the review queue on a synthetic 10,000-document archive: core.review.review_groups, and the
window's 待核对 tab (gui.review_view) from the action to its first rows shown (offscreen).

Usage: .venv/bin/python bench/bench_review.py [--docs 10000] [--facts 50] [--no-gui]
Prints wall and CPU time (CPU of the whole process: the reader thread's query included) of three runs each;
the archive lives in a temporary folder and is removed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--facts", type=int, default=50)
    parser.add_argument("--no-gui", action="store_true", help="only the core query")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    os.environ["REPORT_ARCHIVE_HOME"] = str(folder / "home")
    from core.archive import Archive
    from core.review import review_groups

    try:
        with Archive.open(folder / "a.sqlite") as archive:
            rng = random.Random(1)
            patterns = [f"开展第{i}类工作N件" for i in range(3000)]
            with archive._write() as conn:
                conn.executemany(
                    "INSERT INTO documents(id, title, source_name, fmt, size, char_count, sha_original, sha_text,"
                    " doc_type, overrides, missing_parts, fact_count, warnings, indexed_title, imported_at)"
                    " VALUES (?,?,?,'txt',0,0,?,?,?,'{}','[]',0,'[]','','2026-01-01')",
                    [(i, f"报告{i}", f"{i}.txt", f"o{i}", f"t{i}", "政府工作报告" if i % 10 < 3 else "法治政府建设年度报告")
                     for i in range(1, args.docs + 1)],
                )
                rows = []
                for doc in range(1, args.docs + 1):
                    for _ in range(args.facts):
                        keyed = rng.random() < 0.6
                        rows.append((doc, "review.received" if keyed else None, "件", "这是一个示例句子。",
                                     0.9 if keyed else 0.6, rng.choice(patterns)))
                conn.executemany(
                    "INSERT INTO facts(doc_id, key, value, unit, start, end, sentence, status, confidence, pattern,"
                    " qualifier) VALUES (?,?,1,?,0,1,?,'auto',?,?,'')",
                    rows,
                )
                conn.execute("UPDATE documents SET deleted_at = '2026-01-02' WHERE id <= 20")
            for _ in range(3):
                started, cpu = time.perf_counter(), time.process_time()
                groups = review_groups(archive)
                print(
                    f"review_groups, {args.docs:,} documents / {args.docs * args.facts:,} facts: "
                    f"{time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU, "
                    f"{len(groups)} groups"
                )
        if not args.no_gui:
            time_window(folder / "a.sqlite")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def time_window(path: Path) -> None:
    """From 分析 → 待核对 to the first rows painted, three times (a fresh window each time)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["REPORT_ARCHIVE_WARM_UP"] = "0"
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.review_view import ReviewView

    app = QApplication.instance() or QApplication([sys.argv[0]])

    def wait(signal: object, timeout_ms: int = 60_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()

    for _ in range(3):
        window = MainWindow(path)
        window.resize(1366, 768)
        window.show()
        wait(window.refreshed)
        app.processEvents()
        view = ReviewView(window)  # made beforehand so its signal can be waited on; open_review uses it
        window.review_view = view
        window.tabs.addTab(view, "待核对")
        started, cpu = time.perf_counter(), time.process_time()
        window.actionReview.trigger()
        wait(view.groupsShown)
        view.groupTable.viewport().repaint()  # the first rows painted
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        kind = view.typeBox.currentText()
        started2, cpu2 = time.perf_counter(), time.process_time()
        view.typeBox.setCurrentIndex(0)  # 全部类型
        wait(view.groupsShown)
        view.groupTable.viewport().repaint()
        print(
            f"待核对 tab, first rows shown ({kind}): {wall:.2f} s wall, {used:.2f} s CPU, "
            f"{view.model.rowCount()} groups; switching to 全部类型: {time.perf_counter() - started2:.2f} s wall, "
            f"{time.process_time() - cpu2:.2f} s CPU",
            flush=True,
        )
        window.close()
        window.deleteLater()
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
