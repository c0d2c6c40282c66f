"""Nothing hangs: a file over its time limit fails with 处理超时 and the import goes on; Cancel stops at once.

Hang guards here are generous (minutes); the times themselves are measured by bench/bench_pathological_import.py.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from core import Archive
from core.ingest import TimeLimit
from core.models import ImportReport, Outcome
from tests.conftest import SHARED
from tests.robustness.conftest import BUNDLED_SAMPLES, CJK, run_import
from tests.robustness.pathological import FOLDER_SHAPES, write_pathological_folder

GUARD_S = 600
REAL_REPORTS = SHARED / "corpus" / "real-reports"


def _samples(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for source in sorted(BUNDLED_SAMPLES.glob("*.txt"))[:n]:
        out.append(Path(shutil.copy(source, folder / source.name)))
    return out


def test_a_file_over_its_time_limit_fails_and_the_import_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "导入"
    good = _samples(folder, 3)
    stuck = folder / "永远读不完.txt"
    stuck.write_text("一份读不完的报告。", encoding="utf-8")
    monkeypatch.setenv("REPORT_ARCHIVE_TEST_HANG_ON", stuck.name)
    with Archive.open(tmp_path / "a.sqlite") as archive:
        # 5 s for the 27-byte stuck file, over 20 s for each 5 KB report: no real file comes near its limit
        limit = TimeLimit(base_s=5, per_mb_s=4000)
        report = archive.import_paths([folder], workers=1, time_limit=limit)
        outcomes = {Path(i.path).name: i for i in report.items}
        assert outcomes[stuck.name].outcome == Outcome.FAILED
        assert "处理超时" in outcomes[stuck.name].reason and "5 秒" in outcomes[stuck.name].reason
        assert all(outcomes[p.name].outcome == Outcome.IMPORTED for p in good)
        assert archive.count() == len(good) and archive.check() == []
        # nothing is left half-done: the same folder again only finds the stuck file to do
        monkeypatch.delenv("REPORT_ARCHIVE_TEST_HANG_ON")
        again = archive.import_paths([folder], workers=1)
        assert again.count(Outcome.IMPORTED) == 1 and again.count(Outcome.DUPLICATE) == len(good)


def test_cancel_stops_the_import_in_the_middle_of_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "导入"
    _samples(folder, 2)
    stuck = folder / "a-永远读不完.txt"  # sorts first
    stuck.write_text("一份读不完的报告。", encoding="utf-8")
    monkeypatch.setenv("REPORT_ARCHIVE_TEST_HANG_ON", stuck.name)
    cancel = threading.Event()
    reports: list[ImportReport] = []
    errors: list[BaseException] = []

    def run() -> None:  # the import runs on its own thread, with its own connection, as in the window
        try:
            with Archive.open(tmp_path / "a.sqlite") as archive:
                reports.append(archive.import_paths([folder], None, cancel, time_limit=TimeLimit.unlimited()))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    marker = Path(str(stuck) + ".hanging")
    for _ in range(GUARD_S * 10):  # until the worker is inside the stuck file
        if marker.exists() or not thread.is_alive():
            break
        time.sleep(0.1)
    assert marker.exists(), errors
    cancel.set()
    thread.join(GUARD_S)
    assert not thread.is_alive(), "Cancel did not stop an import stuck in one file"
    assert errors == []
    (report,) = reports
    assert report.cancelled and report.items == []


@pytest.mark.skipif(not REAL_REPORTS.is_dir(), reason="../shared/corpus/real-reports is not present")
def test_ten_pathological_files_beside_a_real_report(tmp_path: Path, _isolated_home: Path) -> None:
    folder = tmp_path / "怪文件"
    write_pathological_folder(folder)
    real = sorted(REAL_REPORTS.glob("*.txt"))[0]
    shutil.copy(real, folder / real.name)
    run = run_import(tmp_path / "档案.sqlite", [folder], _isolated_home, timeout=GUARD_S)
    items = run.by_name()
    assert set(items) == {*FOLDER_SHAPES, real.name}
    assert items[real.name]["outcome"] == "imported"
    for name, item in items.items():
        assert item["outcome"] in {"imported", "failed"}, (name, item)
        if item["outcome"] == "failed":
            assert CJK.search(item["reason"]), (name, item)
        assert "程序内部错误" not in (item["reason"] or "") and "出错" not in (item["reason"] or ""), (name, item)
