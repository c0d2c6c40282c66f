"""The window at scale: start-up, scrolling, sorting, typing in the search box and tag counts on a big archive.

    .venv/bin/python bench/bench_gui_scale.py --n 100000                  # builds the archive once (minutes)
    .venv/bin/python bench/bench_gui_scale.py --archive /work/big/bench100k/archive.sqlite

Offscreen (QT_QPA_PLATFORM=offscreen), driving gui.main_window.MainWindow in this process (no pytest-qt):
  start     process start → first rows in the table: `python -m gui` in fresh processes, as bench_gui_startup;
  scroll    jumps to random rows (the view repaints, the model fetches its page on the GUI thread);
  sort      every sortable column, ascending then descending: header click → rows shown;
  type      a query typed one key at a time, slower than the search debounce so every keystroke starts a search:
            the listing each new keystroke interrupts on the reader, and the time from the last key to its rows;
  tags      every tag's count in the tag pane against the archive's document_tags, and one tag filter.
A QTimer heartbeat (every 5 ms) on the GUI thread measures stalls: the worst gap between two beats, with the
GUI thread's own CPU time inside that gap (the rest of a gap is the machine's other work holding the core).

Without --archive, a fast generator stores N report-like documents (bench_archive's paragraphs, first 4 of each,
metadata and tags varied) through core.importer.store_document — no files read, no analysis, no text-reuse
keys — in one transaction: 2,000 in 6 s at load 7, 100,000 in 876 s at load 10–13.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

AGENCIES = ["深圳市司法局", "广州市人民政府", "杭州市西湖区人民政府", "北京市朝阳区司法局", "成都市市场监督管理局",
            "上海市浦东新区人民政府", "南京市生态环境局", "武汉市交通运输局", "西安市人力资源和社会保障局", "苏州市教育局"]
REGIONS = ["广东省深圳市", "广东省广州市", "浙江省杭州市西湖区", "北京市朝阳区", "四川省成都市", "上海市浦东新区",
           "江苏省南京市", "湖北省武汉市", "陕西省西安市", "江苏省苏州市"]
TYPES = ["法治政府建设年度报告", "法治政府建设工作报告", "政府信息公开年度报告", "其他"]
TAGS = [f"标签{k:02d}" for k in range(12)]


def tagged(i: int, k: int) -> bool:
    """Document i (0-based) carries TAGS[k]: every (k + 2)-th document."""
    return i % (k + 2) == 0


def build_archive(path: Path, n: int, seed: int = 7) -> float:
    """n documents stored by core.importer.store_document with metadata, facts and tags (see the module doc)."""
    from bench_archive import report_lines, sources

    from core import importer, reuse, search
    from core.archive import Archive
    from core.models import Analysis, Fact, StructureCheck

    rng = random.Random(seed)
    paragraphs = [[p for p in t.split("\n") if p.strip()] for t in sources()]
    empty_signature, _keys = reuse.prepare("")
    started = time.perf_counter()
    with Archive.open(path) as archive:
        conn = archive.connection
        conn.execute("BEGIN")
        tag_ids = []
        for name in TAGS:
            cur = conn.execute("INSERT INTO tags(name, color, created_at) VALUES (?, '', '2026-01-01T00:00:00')", (name,))
            tag_ids.append(int(cur.lastrowid or 0))
        for i in range(n):
            lines = report_lines(rng, paragraphs, i)[:6]
            text = "\n".join(lines) + "\n"
            year = 2015 + i % 10
            agency = AGENCIES[i % len(AGENCIES)]
            facts = [Fact(value=float(i % 97 + j), unit="件", start=j, end=j + 2, sentence=lines[-1][:60],
                          key="xzfy_sl", name="行政复议案件数") for j in range(i % 5)]
            analysis = Analysis(
                title=f"{agency}{year}年{TYPES[i % len(TYPES)][:-2]}（{i:06d}）", agency=agency,
                region=REGIONS[i % len(REGIONS)], report_year=year,
                publish_date=f"{year + 1}-{1 + i % 12:02d}-{1 + i % 28:02d}", doc_type=TYPES[i % len(TYPES)],
                structure=StructureCheck(missing=[1 + i % 5] if i % 3 == 0 else [], late=i % 7 == 0), facts=facts,
            )
            item = importer.Processed(
                path=f"/bench/report_{i:06d}.txt", name=f"report_{i:06d}.txt", size=len(text.encode()),
                sha_original=f"o{i}", text=text, sha_text=f"t{i}", analysis=analysis,
                index_body=search.index_form(text), reuse_signature=empty_signature, reuse_keys=[],
                data=text.encode(),
            )
            doc_id = importer.store_document(conn, item)
            conn.executemany("INSERT INTO document_tags(doc_id, tag_id) VALUES (?, ?)",
                             [(doc_id, tag_id) for k, tag_id in enumerate(tag_ids) if tagged(i, k)])
            if i % 2000 == 1999:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                print(f"  {i + 1}/{n} stored", file=sys.stderr, flush=True)
        conn.execute("COMMIT")
    return time.perf_counter() - started


class Heartbeat:
    """A 5 ms QTimer on the GUI thread; gaps between beats are the thread's stalls."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self.reset()
        self.timer.start()

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.worst = 0.0
        self.worst_cpu = 0.0

    def _beat(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gap = now - self.last
        if gap > self.worst:
            self.worst, self.worst_cpu = gap, cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu

    def take(self) -> tuple[float, float]:
        """(worst gap, GUI-thread CPU in it) in ms since the last take, counting the gap still open."""
        self._beat()
        result = self.worst * 1000, self.worst_cpu * 1000
        self.reset()
        return result


def wait_for(signal: Any, timeout: float = 300.0, until: Callable[[], bool] | None = None) -> float:
    """Run the event loop until `signal` fires (and `until()` holds); seconds waited."""
    from PySide6.QtCore import QEventLoop, QTimer

    started = time.perf_counter()
    loop = QEventLoop()

    def fired(*_: Any) -> None:
        if until is None or until():
            loop.quit()

    signal.connect(fired)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int(timeout * 1000))
    loop.exec()
    signal.disconnect(fired)
    return time.perf_counter() - started


def spin(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def startup_runs(archive: Path, runs: int) -> list[dict[str, float]]:
    from bench_gui_startup import one_run

    home = Path(tempfile.mkdtemp(prefix="gui-scale-home-"))
    return [one_run(archive, home) for _ in range(runs)]


def in_window(archive: Path, jumps: int, query: str, key_ms: int) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from gui.main_window import SEARCH_DEBOUNCE_MS, MainWindow
    from gui.models import COLUMNS

    out: dict[str, Any] = {}
    beat = Heartbeat()
    started = time.perf_counter()
    window = MainWindow(archive)
    window.resize(1400, 900)
    window.show()
    wait_for(window.refreshed, until=lambda: window.model.rowCount() > 0)
    out["first_rows_in_process"] = time.perf_counter() - started
    out["rows"] = window.model.rowCount()
    out["start_stall"] = beat.take()
    spin(1.0)
    beat.take()

    # scrolling: jump to random rows, let the view repaint (each new page of rows fetched on the GUI thread)
    rng = random.Random(3)
    bar = window.table.verticalScrollBar()
    per_jump: list[float] = []
    for _ in range(jumps):
        t = time.perf_counter()
        bar.setValue(rng.randrange(bar.maximum() + 1))
        window.table.viewport().repaint()
        per_jump.append((time.perf_counter() - t) * 1000)
        app.processEvents()
        spin(0.02)
    out["scroll_ms"] = (statistics.median(per_jump), max(per_jump))
    out["scroll_stall"] = beat.take()

    # sorting: each sortable column, ascending then descending
    sorts: list[tuple[str, str, float, float, float]] = []
    header = window.table.horizontalHeader()
    for col, column in enumerate(COLUMNS):
        if column.order_by is None:
            continue
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            beat.take()
            t = time.perf_counter()
            header.setSortIndicator(col, order)  # what a header click does (the view asks the model to sort)
            waited = wait_for(window.refreshed)
            window.table.viewport().repaint()
            gap, gap_cpu = beat.take()
            sorts.append((column.title, "升序" if order == Qt.SortOrder.AscendingOrder else "降序",
                          (time.perf_counter() - t) * 1000, gap, gap_cpu))
            del waited
            spin(0.05)
    out["sorts"] = sorts
    header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
    wait_for(window.refreshed)

    # typing: one key every key_ms (> the debounce, so every keystroke starts a listing on the reader)
    listing = window.listing
    counts = {"submitted": 0, "applied": 0, "stale": 0, "interrupted": 0}
    original_apply, original_failed, original_refresh = listing.apply_ids, listing.list_failed, listing.refresh

    def apply_ids(generation: int, q: str, result: Any) -> None:
        counts["applied" if generation == window._generation else "stale"] += 1
        original_apply(generation, q, result)

    def list_failed(generation: int, exc: BaseException) -> None:
        counts["interrupted"] += 1
        original_failed(generation, exc)

    def refresh() -> None:
        counts["submitted"] += 1
        original_refresh()

    listing.apply_ids, listing.list_failed, listing.refresh = apply_ids, list_failed, refresh  # type: ignore[method-assign]
    window._search_timer.timeout.disconnect()
    window._search_timer.timeout.connect(listing.refresh)
    window.search_box.setFocus()
    beat.take()
    for ch in query:
        window.search_box.insert(ch)  # as a key press does (QTest cannot type CJK); textChanged → debounce
        spin(key_ms / 1000)
    last_key = time.perf_counter()
    wait_for(window.refreshed, until=lambda: window.model.query == query)
    out["type_last_key_to_rows_ms"] = (time.perf_counter() - last_key) * 1000
    out["type_stall"] = beat.take()
    out["type_counts"] = dict(counts)
    out["type_rows"] = window.model.rowCount()
    out["debounce_ms"] = SEARCH_DEBOUNCE_MS
    window.search_box.clear()
    wait_for(window.refreshed, until=lambda: not window.model.query)

    # tags: the pane's counts against document_tags, then one tag filter
    spin(0.5)
    from core.archive import Archive

    with Archive.open(archive, read_only=True) as arc:
        truth = {name: count for name, count in arc.connection.execute(
            "SELECT t.name, count(d.id) FROM tags t LEFT JOIN document_tags dt ON dt.tag_id = t.id"
            " LEFT JOIN documents d ON d.id = dt.doc_id AND d.deleted_at IS NULL GROUP BY t.id")}
    shown: dict[str, int] = {}
    model = window.tag_pane.model
    for row in range(model.rowCount()):
        text = model.item(row).text().strip()
        name, _, rest = text.rpartition("（")
        shown[name.strip("✓✗ ")] = int(rest.rstrip("）"))
    out["tags_checked"] = len(truth)
    out["tags_wrong"] = {k: (shown.get(k), v) for k, v in truth.items() if shown.get(k) != v}
    if truth:
        name = max(truth, key=lambda k: truth[k])
        beat.take()
        t = time.perf_counter()
        window.tag_pane.states[name] = "include"
        window.tag_pane._emit_filter()
        wait_for(window.refreshed)
        out["tag_filter"] = (name, window.model.rowCount(), truth[name], (time.perf_counter() - t) * 1000, beat.take())
    window.close()
    app.processEvents()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--archive", type=Path, default=None, help="an existing archive (default: build one)")
    parser.add_argument("--runs", type=int, default=4, help="start-up runs in fresh processes")
    parser.add_argument("--jumps", type=int, default=60)
    parser.add_argument("--query", default="法治政府建设")
    parser.add_argument("--key-ms", type=int, default=350)
    args = parser.parse_args()
    archive = args.archive
    if archive is None:
        archive = Path(tempfile.gettempdir()) / "report-archive-bench" / f"gui-scale-{args.n}.sqlite"
        archive.parent.mkdir(exist_ok=True)
        if not archive.exists():
            partial = archive.with_suffix(".partial")
            for suffix in ("", "-wal", "-shm"):
                Path(str(partial) + suffix).unlink(missing_ok=True)
            seconds = build_archive(partial, args.n)
            partial.rename(archive)
            print(f"built {args.n} documents in {seconds:.0f} s: {archive}", file=sys.stderr)
    from bench_archive import machine

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    cpu0 = time.process_time()
    runs = startup_runs(archive, args.runs)
    result = in_window(archive, args.jumps, args.query, args.key_ms)
    cpu = time.process_time() - cpu0
    rows = [r.get("rows", float("nan")) for r in runs]
    warm = rows[1:] or rows
    load_end = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    size = archive.stat().st_size / 1e6
    print(f"""
#### The window at {result['rows']:,} reports — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}
Machine: {machine()}; load average {load} at the start, {load_end} at the end. Archive {archive} ({size:.0f} MB).
Command: `.venv/bin/python bench/bench_gui_scale.py {' '.join(sys.argv[1:])}` (QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}); CPU of this process {cpu:.1f} s.

| measure | result | target |
|---|---|---|
| process start → first rows shown (`python -m gui`, {args.runs} runs: first / warm median / warm max) | {rows[0]:.2f} / **{statistics.median(warm):.2f}** / {max(warm):.2f} s | ≤ 1.5 s |
| window created → first rows (in this process) / worst GUI-thread gap meanwhile (its CPU) | {result['first_rows_in_process']:.2f} s / {result['start_stall'][0]:.0f} ms ({result['start_stall'][1]:.0f}) | |
| {args.jumps} jumps to random rows: repaint median / max; worst gap (its CPU) | {result['scroll_ms'][0]:.1f} / {result['scroll_ms'][1]:.1f} ms; **{result['scroll_stall'][0]:.0f} ms** ({result['scroll_stall'][1]:.0f}) | stall ≤ 100 ms |""")
    worst = max(result["sorts"], key=lambda s: s[3])
    slowest = max(result["sorts"], key=lambda s: s[2])
    print(f"| sort by each of {len(result['sorts']) // 2} columns, both orders: click → rows shown, median / slowest ({slowest[0]} {slowest[1]}) |"
          f" {statistics.median(s[2] for s in result['sorts']):.0f} / {slowest[2]:.0f} ms | |")
    print(f"| … worst GUI-thread gap while sorting ({worst[0]} {worst[1]}; its CPU) | **{worst[3]:.0f} ms** ({worst[4]:.0f}) | ≤ 100 ms |")
    c = result["type_counts"]
    print(f"| typing “{args.query}”, a key every {args.key_ms} ms (debounce {result['debounce_ms']} ms): listings started / "
          f"cut short by the next key / finished but outdated / shown | {c['submitted']} / {c['interrupted']} / {c['stale']} / {c['applied']} | each keystroke's search cancels the previous |")
    print(f"| … last key → its {result['type_rows']:,} rows shown; worst gap while typing (its CPU) | {result['type_last_key_to_rows_ms']:.0f} ms; "
          f"**{result['type_stall'][0]:.0f} ms** ({result['type_stall'][1]:.0f}) | ≤ 100 ms |")
    wrong = result["tags_wrong"]
    print(f"| tag counts in the tag pane equal document_tags ({result['tags_checked']} tags) | "
          f"{'all equal' if not wrong else 'WRONG: ' + str(wrong)} | correct |")
    if "tag_filter" in result:
        name, shown, truth, ms, (gap, gap_cpu) = result["tag_filter"]
        print(f"| filter by {name}: rows shown / expected, click → rows, worst gap (its CPU) | {shown:,} / {truth:,}, {ms:.0f} ms, "
              f"{gap:.0f} ms ({gap_cpu:.0f}) | |")
    print()
    print("| sort | click → rows (ms) | worst gap (ms) | its GUI CPU (ms) |")
    print("|---|---|---|---|")
    for title, order, ms, gap, gap_cpu in result["sorts"]:
        print(f"| {title} {order} | {ms:.0f} | {gap:.0f} | {gap_cpu:.0f} |")


if __name__ == "__main__":
    main()
