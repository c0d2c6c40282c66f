"""Hostile files beside good ones: each bad file gets a Chinese reason, good files land, memory stays bounded."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.core import filemakers
from tests.robustness.conftest import BUNDLED_SAMPLES, CJK, ImportRun, audit_archive, run_import

REPORT_LINES = [
    "青禾市云溪区测试局2024年法治政府建设年度报告",
    "一、主要举措和成效",
    "全年收到行政复议申请120件，审结行政复议案件110件。",
    "二、存在的不足和原因",
    "执法力量不足。",
]
REPORT_TEXT = "\n".join(REPORT_LINES) + "\n"
LONG_NAME = "青禾市云溪区" * 13 + "很长的文件名.txt"  # 84 CJK characters: 252 bytes + ".txt" = 256? see below
SCRIPT_MARK = "脚本里的文字不应入库"

# Peak resident memory of the import child process (a fresh interpreter with jieba-free import path).
MEMORY_LIMIT_MB = 700


def _long_name() -> str:
    # As long as the file system allows: 255 bytes, each CJK character taking 3 bytes in UTF-8.
    stem = "青禾市云溪区很长的文件名"
    name = ""
    while len((name + stem[len(name) % len(stem)] + ".txt").encode()) <= 255:
        name += stem[len(name) % len(stem)]
    return name + ".txt"


def _hostile_folder(root: Path) -> tuple[dict[str, str], set[str]]:
    """Files to import: name → expected outcome ("failed" / "imported"); plus the good sample names."""
    rng = random.Random(20241122)
    folder = root
    folder.mkdir(parents=True)
    expect: dict[str, str] = {}

    for name in ("空文件.txt", "空文件.docx", "空文件.pdf"):
        (folder / name).write_bytes(b"")
        expect[name] = "failed"
    for suffix in (".txt", ".pdf", ".docx", ".doc", ".html"):
        name = f"随机字节{suffix}"
        (folder / name).write_bytes(rng.randbytes(64 * 1024))
        expect[name] = "failed"

    good_docx = filemakers.make_docx(root / "完整.docx", REPORT_LINES * 20)
    data = good_docx.read_bytes()
    good_docx.unlink()
    (folder / "截断.docx").write_bytes(data[: len(data) // 2])
    expect["截断.docx"] = "failed"

    filemakers.make_zip_bomb_docx(folder / "解压炸弹.docx", inflated_mb=80)
    expect["解压炸弹.docx"] = "failed"
    filemakers.forge_declared_size(filemakers.make_zip_bomb_docx(folder / "伪造大小.docx", inflated_mb=70), 1000)
    expect["伪造大小.docx"] = "failed"

    filemakers.make_pdf(folder / "加密.pdf", REPORT_LINES, password="secret")
    expect["加密.pdf"] = "failed"
    filemakers.make_encrypted_docx(folder / "加密.docx")
    expect["加密.docx"] = "failed"

    variants = {
        "国标编码.txt": ("gb18030", False),
        "UTF16.txt": ("utf-16-le", True),
        "带BOM.txt": ("utf-8", True),
    }
    for index, (name, (encoding, bom)) in enumerate(variants.items()):
        text = REPORT_TEXT.replace("测试局", f"测试{index}局")
        filemakers.make_txt(folder / name, text, encoding, bom=bom)
        expect[name] = "imported"

    scripts = "".join(f"<script>var s{i} = '{SCRIPT_MARK}{i}'; document.write(s{i});</script>" for i in range(300))
    body = scripts + "".join(f"<p>{line.replace('测试局', '网页局')}</p>" for line in REPORT_LINES) + scripts
    filemakers.make_html(folder / "满是脚本.html", body, title="青禾市云溪区网页局2024年法治政府建设年度报告")
    expect["满是脚本.html"] = "imported"

    odd = ["青禾 报告 2024（定稿） .txt", "-rf 开头是减号.txt", "📄报告😀.txt", _long_name()]
    for index, name in enumerate(odd):
        (folder / name).write_text(REPORT_TEXT.replace("测试局", f"奇名{index}局"), encoding="utf-8")
        expect[name] = "imported"

    good = set()
    for sample in sorted(BUNDLED_SAMPLES.glob("*.txt"))[:2]:
        shutil.copy(sample, folder / sample.name)
        expect[sample.name] = "imported"
        good.add(sample.name)

    if sys.platform != "win32":
        (folder / "循环").symlink_to(folder, target_is_directory=True)  # a folder that contains itself
        os.symlink("自指.txt", folder / "自指.txt")  # a link to itself: ELOOP on open
        expect["自指.txt"] = "failed"
    return expect, good


def _check_outcomes(run: ImportRun, expect: dict[str, str]) -> None:
    items = run.by_name()
    for name, outcome in expect.items():
        assert name in items, f"{name} was silently skipped"
        item = items[name]
        if outcome == "imported":
            assert item["outcome"] == "imported", (name, item)
        else:
            assert item["outcome"] == "failed", (name, item)
            assert CJK.search(item["reason"]), f"{name}: no Chinese reason: {item['reason']!r}"
    # every failure, expected or not, carries a reason a clerk can read
    for item in run.items:
        if item["outcome"] == "failed":
            assert CJK.search(item["reason"]), item


def test_hostile_files_get_reasons_and_good_files_land(tmp_path: Path, _isolated_home: Path) -> None:
    folder = tmp_path / "来历 不明"
    expect, good = _hostile_folder(folder)
    db = tmp_path / "档案.sqlite"
    run = run_import(db, [folder], _isolated_home)
    print(f"\nhostile import: {len(run.items)} items, {run.count} stored, peak {run.maxrss_mb:.0f} MB, "
          f"{run.seconds:.1f} s")
    _check_outcomes(run, expect)
    assert run.maxrss_mb < MEMORY_LIMIT_MB
    # the folder symlink loop did not import anything twice
    assert run.count == sum(1 for outcome in expect.values() if outcome == "imported")
    state = audit_archive(db)
    assert good <= set(state["names"])

    from core import Archive

    with Archive.open(db) as archive:
        ids = archive.list_ids()
        texts = {doc.source_name: archive.get_text(doc.id) for doc in archive.get_documents(ids)}
    assert SCRIPT_MARK not in texts["满是脚本.html"]
    assert "行政复议" in texts["满是脚本.html"]
    for name in ("国标编码.txt", "UTF16.txt", "带BOM.txt"):
        assert "行政复议申请120件" in texts[name], name
        assert not texts[name].startswith("\ufeff"), name


def test_odd_names_imported_one_by_one_through_the_cli(tmp_path: Path, _isolated_home: Path) -> None:
    """Paths given one at a time, as a drag and drop does; a leading dash must not be read as an option."""
    import subprocess

    from tests.robustness.conftest import REPO, child_env

    names = ["-rf 开头是减号.txt", "青禾 报告 2024（定稿） .txt", "📄报告😀.txt", _long_name()]
    paths = []
    for index, name in enumerate(names):
        path = tmp_path / name
        path.write_text(REPORT_TEXT.replace("测试局", f"命令行{index}局"), encoding="utf-8")
        paths.append(path)
    db = tmp_path / "档 案.sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "core", "--db", str(db), "import", *map(str, paths)],
        cwd=REPO, env=child_env(_isolated_home), capture_output=True, text=True, encoding="utf-8",
        timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    try:
        stored = sorted(row[0] for row in conn.execute("SELECT source_name FROM documents"))
    finally:
        conn.close()
    assert stored == sorted(names)


@pytest.mark.slow
def test_huge_text_and_gigabyte_bomb_keep_memory_bounded(tmp_path: Path, _isolated_home: Path) -> None:
    folder = tmp_path / "大文件"
    folder.mkdir()
    line = "全年收到行政复议申请120件，审结行政复议案件110件，直接纠错率13.1%。\n".encode()
    with (folder / "一百兆.txt").open("wb") as handle:
        for _ in range(100 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    filemakers.make_zip_bomb_docx(folder / "两个G.docx", inflated_mb=2048)
    shutil.copy(sorted(BUNDLED_SAMPLES.glob("*.txt"))[0], folder / "正常.txt")
    run = run_import(tmp_path / "档案.sqlite", [folder], _isolated_home)
    print(f"\nhuge files: peak {run.maxrss_mb:.0f} MB in {run.seconds:.1f} s; "
          + "; ".join(f"{Path(i['path']).name}: {i['outcome']} {i['reason']}" for i in run.items))
    items = run.by_name()
    assert items["正常.txt"]["outcome"] == "imported"
    assert items["两个G.docx"]["outcome"] == "failed" and CJK.search(items["两个G.docx"]["reason"])
    big = items["一百兆.txt"]
    assert big["outcome"] in {"imported", "failed"}
    if big["outcome"] == "failed":
        assert CJK.search(big["reason"])
    assert run.maxrss_mb < 2048, "importing one 100 MB file must not need more than 2 GB"


@pytest.mark.slow
def test_number_dense_text_imports_with_bounded_work(tmp_path: Path, _isolated_home: Path) -> None:
    """A statistics-heavy 30 MB text (≈ 12 M characters, 1 M figures) is under every size limit; it must
    not stall the import for minutes (the facts stage caps its work per document). The bound is on CPU
    time (14.6 s wall when quiet; 105 s wall once on a loaded machine), never on wall time."""
    folder = tmp_path / "数字很多"
    folder.mkdir()
    line = "全年收到行政复议申请120件，审结行政复议案件110件，直接纠错率13.1%。\n".encode()
    with (folder / "三十兆.txt").open("wb") as handle:
        for _ in range(30 * 1024 * 1024 // len(line)):
            handle.write(line)
    run = run_import(tmp_path / "档案.sqlite", [folder], _isolated_home, timeout=1800)
    print(f"\nnumber-dense 30 MB text: {run.items[0]['outcome']} in {run.seconds:.0f} s wall, "
          f"{run.cpu_s:.0f} s CPU, peak {run.maxrss_mb:.0f} MB")
    assert run.items[0]["outcome"] in {"imported", "failed"}
    assert run.maxrss_mb < 1024
    assert run.cpu_s < 240, f"one file took {run.cpu_s:.0f} s of CPU to import"
