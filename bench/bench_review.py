"""Time the review queue (core.review.review_groups) on a synthetic 10,000-document archive.

Usage: .venv/bin/python bench/bench_review.py [--docs 10000] [--facts 50]
Prints wall and CPU time of three runs; the archive lives in a temporary folder and is removed.
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
                    " VALUES (?,?,?,'txt',0,0,?,?,'其他','{}','[]',0,'[]','','2026-01-01')",
                    [(i, f"报告{i}", f"{i}.txt", f"o{i}", f"t{i}") for i in range(1, args.docs + 1)],
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
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
