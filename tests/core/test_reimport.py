"""Re-import skips files already imported and unchanged (path, size, mtime) without reading them; the watched folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from core import Archive, importer
from core.models import Outcome
from core.watch import FolderWatch, changed_files
from tests.conftest import SHARED

REALFILES = SHARED / "realfiles"
# one of each kind the offices produce (PDF, .docx, .doc, .wps, GBK text, a saved page)
KINDS = ("pdf01.pdf", "docx01.docx", "doc01.doc", "wps01.wps", "txt01.txt", "html01.html", "docx02.docx")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    if not REALFILES.is_dir():
        pytest.skip("../shared/realfiles is not present")
    dest = tmp_path / "报告"
    (dest / "子文件夹").mkdir(parents=True)
    for n, name in enumerate(KINDS):
        shutil.copy2(REALFILES / name, (dest / "子文件夹" if n % 2 else dest) / name)
    return dest


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the importer hashes or reads."""
    seen: list[str] = []
    real_sha, real_process = importer.sha256, importer._process_path

    def sha(data: bytes) -> str:
        seen.append("hash")
        return real_sha(data)

    def process(path: str, digest: str) -> importer.Processed:
        seen.append(path)
        return real_process(path, digest)

    from core.ingest import pipeline, run

    monkeypatch.setattr(run, "sha256", sha)
    monkeypatch.setattr(pipeline, "sha256", sha)
    monkeypatch.setattr(run, "_process_path", process)
    return seen


def test_reimport_skips_unchanged_files_without_reading(folder: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with Archive.open(tmp_path / "a.sqlite") as archive:
        first = archive.import_paths([folder], workers=0)
        imported = {i.path: i.doc_id for i in first.items if i.outcome == Outcome.IMPORTED}
        assert len(imported) >= 5, [(i.path, i.reason) for i in first.items]
        known = archive.known_sources(folder)
        assert set(known) == {os.path.abspath(p) for p in imported}
        reads = _count_reads(monkeypatch)
        again = archive.import_paths([folder], workers=0)
        assert reads == []  # nothing hashed, nothing read
        skipped = {i.path: i for i in again.items if i.outcome == Outcome.DUPLICATE}
        assert set(skipped) == set(imported)
        for path, item in skipped.items():
            assert item.doc_id == imported[path] and "未改动" in item.reason
        assert archive.count() == len(imported)

        # a changed file is read again: new content → a new document; same content, new time → a duplicate
        changed = next(p for p in imported if p.endswith(".txt"))
        with open(changed, "ab") as f:
            f.write("\n补充说明：本报告另附统计表一份。\n".encode("gb18030"))
        touched = next(p for p in imported if p.endswith(".docx"))
        st = os.stat(touched)
        os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        third = archive.import_paths([folder], workers=0)
        outcome = {i.path: i for i in third.items}
        assert outcome[changed].outcome == Outcome.IMPORTED
        assert outcome[touched].outcome == Outcome.DUPLICATE and "文件完全相同" in outcome[touched].reason
        assert set(reads) - {"hash"} == {changed}  # the touched one was only hashed: same bytes
        assert sum(1 for i in third.items if "未改动" in i.reason) == len(imported) - 2


def test_skip_needs_the_same_path(folder: Path, tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.sqlite") as archive:
        archive.import_paths([folder], workers=0)
        moved = tmp_path / "搬走了"
        shutil.copytree(folder, moved)  # same bytes elsewhere: hashed, found as duplicates by content
        report = archive.import_paths([moved], workers=0)
        assert report.items and all(i.outcome != Outcome.IMPORTED for i in report.items)
        assert not any("未改动" in i.reason for i in report.items)


def test_watched_folder_returns_new_files_once_they_stop_changing(folder: Path, tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a.sqlite") as archive:
        watch = FolderWatch(folder)
        assert watch.poll(archive.known_sources(folder)) == []  # first sight: wait one poll
        ready = watch.poll(archive.known_sources(folder))
        assert len(ready) == len(KINDS)
        assert watch.poll(archive.known_sources(folder)) == []  # returned once
        archive.import_paths(ready, workers=0)
        known = archive.known_sources(folder)
        assert changed_files(folder, known) == [p for p in ready if p not in known]  # failed ones only

        # a new file being written: returned only after it kept its size and time over a poll
        new = folder / "子文件夹" / "新报告.txt"
        shutil.copy2(REALFILES / "txt02.txt", new)
        assert watch.poll(archive.known_sources(folder)) == []
        with open(new, "ab") as f:
            f.write("（续）".encode("gb18030"))
        assert watch.poll(archive.known_sources(folder)) == []
        assert watch.poll(archive.known_sources(folder)) == [str(new)]
        archive.import_paths([new], workers=0)
        assert watch.poll(archive.known_sources(folder)) == []
        assert changed_files(folder, archive.known_sources(folder)) == [p for p in ready if p not in known]


def test_watch_of_a_missing_folder_is_quiet(tmp_path: Path) -> None:
    watch = FolderWatch(tmp_path / "不存在")
    assert watch.poll({}) == [] and watch.poll({}) == []
    assert changed_files(tmp_path / "不存在", {}) == []
