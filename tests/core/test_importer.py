"""Import pipeline: folders, dedup both ways, failure reasons, progress, cancel, crash safety, worker processes."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from core import Archive, importer
from core.models import Outcome
from tests.core import filemakers
from tests.killed_import import kill_import_midway


def _corpus_slice(corpus_dir: Path, n: int) -> list[Path]:
    return sorted(corpus_dir.glob("*.txt"))[:n]


def _sentence_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_folder_import_recursive_and_reimport_is_all_duplicates(tmp_path: Path, samples_dir: Path) -> None:
    folder = tmp_path / "in"
    (folder / "子文件夹" / "更深").mkdir(parents=True)
    files = sorted(samples_dir.glob("*.txt"))
    shutil.copy(files[0], folder / files[0].name)
    shutil.copy(files[1], folder / "子文件夹" / files[1].name)
    shutil.copy(files[2], folder / "子文件夹" / "更深" / files[2].name)
    (folder / "~$临时.docx").write_bytes(b"lock")  # Office lock file: skipped silently
    (folder / ".hidden.txt").write_text("隐藏", encoding="utf-8")
    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths([folder], workers=0)
        assert report.count(Outcome.IMPORTED) == 3 and len(report.items) == 3
        assert all(item.doc_id is not None and item.reason == "" for item in report.items)
        again = arch.import_paths([folder, files[0]], workers=0)
        assert [i.outcome for i in again.items] == [Outcome.DUPLICATE] * 4
        for item in again.items:
            assert item.doc_id in {i.doc_id for i in report.items}
            # unchanged files are skipped by path, size and time; files[0] from elsewhere is hashed
            assert ("未改动" in item.reason or "完全相同" in item.reason) and f"#{item.doc_id}" in item.reason
        assert sum("未改动" in i.reason for i in again.items) == 3
        assert arch.count() == 3


def test_duplicate_by_cleaned_text(tmp_path: Path, samples_dir: Path) -> None:
    source = sorted(samples_dir.glob("*.txt"))[1]
    text = source.read_text(encoding="utf-8")
    gbk = tmp_path / "同一报告（GBK 编码）.txt"
    gbk.write_bytes(text.encode("gb18030"))  # different bytes, same text
    with Archive.open(tmp_path / "a.sqlite") as arch:
        first = arch.import_paths([source], workers=0).items[0]
        assert first.outcome == Outcome.IMPORTED
        second = arch.import_paths([gbk], workers=0).items[0]
        assert second.outcome == Outcome.DUPLICATE and second.doc_id == first.doc_id
        assert "文字内容相同" in second.reason
        # Trashed documents still count: the reason says where the original is.
        arch.trash([first.doc_id])  # type: ignore[list-item]
        third = arch.import_paths([gbk], workers=0).items[0]
        assert third.outcome == Outcome.DUPLICATE and "回收站" in third.reason


def test_failures_have_chinese_reasons_and_do_not_stop_the_others(tmp_path: Path, samples_dir: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "空文件.txt").write_bytes(b"")
    (bad / "只有空白.txt").write_text("   \n\n\t  \n", encoding="utf-8")
    (bad / "表格.xyz").write_bytes(b"whatever")
    (bad / "坏的.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    filemakers.make_scanned_pdf(bad / "扫描件.pdf")
    filemakers.make_encrypted_docx(bad / "加密.docx")
    missing = tmp_path / "不存在.txt"
    good = sorted(samples_dir.glob("*.txt"))
    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths([good[0], bad, missing, good[1]], workers=0)
        by_name = {Path(i.path).name: i for i in report.items}
        assert by_name[good[0].name].outcome == by_name[good[1].name].outcome == Outcome.IMPORTED
        failed = {name: i.reason for name, i in by_name.items() if i.outcome == Outcome.FAILED}
        assert set(failed) == {"空文件.txt", "只有空白.txt", "坏的.docx", "扫描件.pdf", "加密.docx", "不存在.txt"}
        # a file of an unknown type in a folder is not a report: skipped with a note, not failed (issue 16)
        skipped = by_name["表格.xyz"]
        assert skipped.outcome == Outcome.SKIPPED
        assert "不支持" in skipped.reason and ".xyz" in skipped.reason
        assert "不存在" in failed["不存在.txt"]
        for reason in failed.values():
            assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason), reason
            assert "Traceback" not in reason
        assert arch.count() == 2
        assert arch.check() == []


def test_real_formats_import(tmp_path: Path, samples_dir: Path) -> None:
    text = sorted(samples_dir.glob("*.txt"))[4].read_text(encoding="utf-8")
    lines = _sentence_lines(text)[:40]
    docx = filemakers.make_docx(tmp_path / "报告.docx", lines, tables=[[["指标", "数值"], ["行政复议案件", "12件"]]])
    pdf = filemakers.make_pdf(tmp_path / "报告.pdf", ["关于2022年法治政府建设情况的报告", "办理行政复议案件15件。"])
    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths([docx, pdf], workers=0)
        assert [i.outcome for i in report.items] == [Outcome.IMPORTED, Outcome.IMPORTED], report.items
        docs = {d.source_name: d for d in arch.get_documents(arch.list_ids())}
        assert docs["报告.docx"].fmt == "docx" and docs["报告.pdf"].fmt == "pdf"
        assert "行政复议案件" in arch.get_text(docs["报告.docx"].id)
        assert arch.search_ids("复议案件") and docs["报告.pdf"].id in arch.search_ids("复议案件15件")
        name, data = arch.get_original(docs["报告.pdf"].id)
        assert name == "报告.pdf" and data == pdf.read_bytes()


def test_progress_reports_every_file(tmp_path: Path, samples_dir: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths([samples_dir, tmp_path / "nope.txt"], progress=lambda d, t, m: calls.append((d, t, m)),
                                   workers=0)
    assert [c[0] for c in calls] == list(range(1, 7))
    assert {c[1] for c in calls} == {6}
    assert len(report.items) == 6
    assert any("失败" in m for _d, _t, m in calls) and any("已导入" in m for _d, _t, m in calls)


def test_cancel_between_files_then_rerun_completes(tmp_path: Path, corpus_dir: Path) -> None:
    files = _corpus_slice(corpus_dir, 12)
    cancel = threading.Event()

    def progress(done: int, _total: int, _message: str) -> None:
        if done == 4:
            cancel.set()

    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths(files, progress=progress, cancel=cancel, workers=0)
        assert report.cancelled
        assert report.count(Outcome.IMPORTED) == 4 == arch.count()
        assert arch.check() == []
        rerun = arch.import_paths(files, workers=0)
        assert not rerun.cancelled
        assert rerun.count(Outcome.DUPLICATE) == 4 and rerun.count(Outcome.IMPORTED) == 8
        assert arch.count() == 12


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_kill_9_mid_import_leaves_no_half_document(tmp_path: Path, corpus_dir: Path) -> None:
    files = [str(p) for p in _corpus_slice(corpus_dir, 30)]
    db = tmp_path / "a.sqlite"
    Archive.open(db).close()
    out = kill_import_midway(db, files, guard_s=120)
    assert b"finished" not in out, "the import finished before it could be killed"
    with Archive.open(db) as arch:
        assert arch.check() == []
        stored = arch.count()
        assert 0 < stored < len(files)
        for doc in arch.get_documents(arch.list_ids()):  # every stored document is whole
            assert arch.get_text(doc.id) and arch.get_original(doc.id)[1]
            assert doc.fact_count == len(arch.get_facts(doc.id))
        assert len(arch.search_ids("政府")) == stored
        rerun = arch.import_paths(files, workers=0)
        assert rerun.count(Outcome.DUPLICATE) == stored
        assert rerun.count(Outcome.IMPORTED) == len(files) - stored
        assert arch.count() == len(files) and arch.check() == []


def test_worker_processes_give_the_same_result(tmp_path: Path, corpus_dir: Path) -> None:
    files = _corpus_slice(corpus_dir, 8)
    with Archive.open(tmp_path / "seq.sqlite") as seq, Archive.open(tmp_path / "pool.sqlite") as pooled:
        a = seq.import_paths(files, workers=0)
        b = pooled.import_paths(files, workers=2)
        assert [(i.path, i.outcome) for i in a.items] == [(i.path, i.outcome) for i in b.items]
        da = seq.get_documents(seq.list_ids(order_by="id"))
        db = pooled.get_documents(pooled.list_ids(order_by="id"))
        assert [(d.title, d.agency, d.report_year, d.fact_count) for d in da] == [
            (d.title, d.agency, d.report_year, d.fact_count) for d in db
        ]


@pytest.mark.slow
def test_a_crashing_worker_fails_only_its_file(tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _corpus_slice(corpus_dir, 10)
    monkeypatch.setenv("REPORT_ARCHIVE_TEST_CRASH_ON", files[3].name)
    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths(files, workers=2)
        outcomes = {Path(i.path).name: i for i in report.items}
        assert outcomes[files[3].name].outcome == Outcome.FAILED
        assert "意外退出" in outcomes[files[3].name].reason
        assert report.count(Outcome.IMPORTED) == 9
        assert arch.check() == []


def test_pool_size_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPORT_ARCHIVE_IMPORT_WORKERS", raising=False)
    assert importer._pool_size(0, None) == 0
    assert importer._pool_size(5, None) == 1  # one worker process: a file's time limit needs one
    assert importer._pool_size(1000, 0) == 0
    assert importer._pool_size(1000, 3) == 3
    monkeypatch.setenv("REPORT_ARCHIVE_IMPORT_WORKERS", "0")
    assert importer._pool_size(1000, None) == 0


def test_process_bytes_never_raises() -> None:
    ok = importer.process_bytes("a.txt", "关于2023年法治政府建设情况的报告\n一、主要举措\n办理行政复议案件3件。".encode())
    assert ok.error is None and ok.analysis is not None and ok.index_body
    assert importer.process_bytes("b.txt", b"").error
    assert importer.process_bytes("c.unknown", b"\x00\x01").error
    assert importer.process_bytes("d.pdf", b"%PDF-1.4 garbage").error


def test_file_changed_during_import_and_too_large(tmp_path: Path, samples_dir: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(samples_dir.glob("*.txt"), key=lambda p: p.stat().st_size)
    moving = tmp_path / "正在编辑.txt"
    shutil.copy(files[0], moving)
    big = files[-1]
    real = importer._process_path

    def process_then_edit(path: str, digest: str) -> importer.Processed:
        item = real(path, digest)
        if path == str(moving):
            moving.write_text("别人刚刚改了这个文件。", encoding="utf-8")
        return item

    from core.ingest import run

    monkeypatch.setattr(run, "_process_path", process_then_edit)
    monkeypatch.setattr(run, "MAX_FILE_BYTES", big.stat().st_size - 1)
    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths([moving, big], workers=0)
        reasons = {Path(i.path).name: (i.outcome, i.reason) for i in report.items}
        assert reasons[moving.name][0] == Outcome.FAILED and "修改" in reasons[moving.name][1]
        assert reasons[big.name][0] == Outcome.FAILED and "过大" in reasons[big.name][1]
        assert arch.count() == 0


def test_unreadable_subfolder_is_reported(tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(sorted(samples_dir.glob("*.txt"))[0], folder)
    real_walk = os.walk

    def walk_with_a_locked_subfolder(top: str, onerror=None):  # type: ignore[no-untyped-def]
        if onerror is not None:
            onerror(PermissionError(13, "Permission denied", str(folder / "机密")))
        yield from real_walk(top)

    from core.ingest import walk

    monkeypatch.setattr(walk.os, "walk", walk_with_a_locked_subfolder)
    with Archive.open(tmp_path / "a.sqlite") as arch:
        report = arch.import_paths([folder], workers=0)
    outcomes = {Path(i.path).name: i for i in report.items}
    assert outcomes["机密"].outcome == Outcome.FAILED and "文件夹" in outcomes["机密"].reason
    assert report.count(Outcome.IMPORTED) == 1


def test_bounded_extraction_is_noted_on_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core import facts as facts_module

    monkeypatch.setattr(facts_module, "MAX_FACTS", 50)  # the same bound a huge number-heavy report meets
    source = tmp_path / "数字很多的报告.txt"
    source.write_text(
        "某区司法局2023年法治政府建设年度报告\n"
        + "".join(f"第{i}项工作办理案件{i + 3}件，培训{i + 7}人次。\n" for i in range(4000)),
        encoding="utf-8",
    )
    with Archive.open(tmp_path / "a.sqlite") as archive:
        report = archive.import_paths([source], workers=0)
        doc_id = report.items[0].doc_id
        assert doc_id is not None
        notes = archive.get_warnings(doc_id)
        assert any("数字过多" in note for note in notes), notes
        assert 0 < archive.get_document(doc_id).fact_count < 8000  # not every figure of the text


def test_a_folder_of_reports_with_other_files_skips_them(tmp_path: Path, samples_dir: Path) -> None:
    """README, .tsv lists, scripts and data files beside the reports: 跳过 with a note (issue 16). Pictures are
    read by OCR (issue 10) unless OCR is off in 设置: then they are skipped too."""
    from core.readers.candidates import is_report_candidate

    folder = tmp_path / "报告"
    folder.mkdir()
    report = sorted(samples_dir.glob("*.txt"))[0]
    (folder / report.name).write_bytes(report.read_bytes())
    others = {
        "README.md": "# 说明\n这些是报告。", "gold.tsv": "a\tb\n", "make.py": "print(1)\n", "meta.json": "{}",
        "清单.csv": "标题,年度\n", "README.txt": "本文件夹的说明",
    }
    for name, text in others.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Archive.open(tmp_path / "a.sqlite") as arch:
        result = arch.import_paths([folder], workers=0)
    by_name = {Path(i.path).name: i for i in result.items}
    assert by_name[report.name].outcome == Outcome.IMPORTED
    for name in others:
        assert by_name[name].outcome == Outcome.SKIPPED, (name, by_name[name])
        assert "跳过" in by_name[name].reason
    assert result.count(Outcome.FAILED) == 0
    assert "表格文件" in by_name["gold.tsv"].reason and "说明文档" in by_name["README.md"].reason
    assert is_report_candidate(folder / "照片.png", images=False) is not None
    assert is_report_candidate(folder / "照片.png", images=True) is None
    assert is_report_candidate(folder / report.name) is None
