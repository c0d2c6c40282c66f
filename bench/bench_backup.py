"""Automatic backup and restore on a real-sized archive: make_backup (copy + quick_check + rotation), the
listing the 从备份恢复… dialog shows, and an in-place restore — against the floor, a bare SQLite backup-API copy.

    .venv/bin/python bench/bench_backup.py [ARCHIVE]

Without ARCHIVE, imports ../shared/corpus/sz-gov-work-reports (146 work reports) into a temporary archive
first. Prints wall and CPU seconds for each step and the machine load.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "sz-gov-work-reports"


def timed(label: str, fn: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    print(f"{label:<44} wall {time.perf_counter() - wall:6.3f} s   cpu {time.process_time() - cpu:6.3f} s")
    return result


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    os.environ["REPORT_ARCHIVE_HOME"] = str(work / "home")
    from core import Archive, archive_file, backups

    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        path = work / "档案.sqlite"
        with Archive.open(path) as archive:
            timed(f"import {len(list(CORPUS.iterdir()))} reports (setup)", lambda: archive.import_paths([CORPUS]))
    print(f"archive: {path.stat().st_size / 1e6:.1f} MB; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def floor() -> None:
        src = sqlite3.connect(path)
        dst = sqlite3.connect(work / "floor.sqlite")
        src.backup(dst)
        dst.close()
        src.close()

    timed("reference: bare sqlite3 backup API copy", floor)
    with Archive.open(path) as archive:
        made = timed("make_backup (copy + quick_check + rotate)", lambda: backups.make_backup(archive))
        archive.tag_documents(archive.list_ids()[:1], ["基准"])
        timed("backup_if_changed after one tag", lambda: backups.backup_if_changed(archive))
        timed("backup_if_changed, nothing changed", lambda: backups.backup_if_changed(archive))
    infos = timed("backup_infos (the dialog's list)", lambda: backups.backup_infos(path))
    print(f"  {len(infos)} backups: " + "; ".join(i.describe() for i in infos))
    timed("quick_check of one backup", lambda: archive_file.quick_check(made))
    timed("restore_backup in place (healthy archive)", lambda: backups.restore_backup(made, path))


if __name__ == "__main__":
    main()
