"""The command line as other tools use it: `python -m core --db PATH …`, exact JSON shapes, exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO


def run(*args: str, env_home: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPORT_ARCHIVE_HOME": str(env_home), "LANG": "C", "LC_ALL": "C",
           "PYTHONIOENCODING": "ascii"}  # a hostile locale: the CLI must still print UTF-8
    proc = subprocess.run([sys.executable, "-m", "core", *args], check=False, cwd=REPO, env=env, capture_output=True,
                          timeout=300)
    out = subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8"),
                                      proc.stderr.decode("utf-8"))
    assert "Traceback" not in out.stderr, out.stderr
    if check:
        assert out.returncode == 0, out.stderr
    return out


def run_json(*args: str, env_home: Path) -> Any:
    return json.loads(run(*args, env_home=env_home).stdout)


@pytest.fixture
def db(tmp_path: Path, samples_dir: Path, _isolated_home: Path) -> Path:
    path = tmp_path / "cli.sqlite"
    result = run_json("--db", str(path), "import", str(samples_dir), "--json", env_home=_isolated_home)
    assert result["imported"] == 5 and result["failed"] == 0 and not result["cancelled"]
    return path


def test_import_json_and_text_outcomes(tmp_path: Path, samples_dir: Path, _isolated_home: Path) -> None:
    path = tmp_path / "a.sqlite"
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"not a docx")
    first = sorted(samples_dir.glob("*.txt"))[0]
    result = run_json("--db", str(path), "import", str(first), str(bad), "--json", env_home=_isolated_home)
    assert [(i["outcome"], Path(i["path"]).name) for i in result["items"]] == [
        ("imported", first.name), ("failed", "坏.docx")
    ]
    assert set(result["items"][0]) == {"path", "outcome", "reason", "id"}
    assert result["items"][1]["reason"]
    out = run("--db", str(path), "import", str(first), str(bad), env_home=_isolated_home)  # exit 0 even so
    lines = out.stdout.splitlines()
    assert lines[0].startswith("重复") and first.name in lines[0]
    assert lines[1].startswith("失败") and "坏.docx" in lines[1]
    assert "导入 0，重复 1，失败 1" in lines[-1]


def test_list_json_shape(db: Path, _isolated_home: Path) -> None:
    docs = run_json("--db", str(db), "list", "--json", env_home=_isolated_home)
    assert len(docs) == 5
    for doc in docs:
        assert list(doc) == ["id", "title", "source_name", "agency", "region", "report_year", "publish_date",
                             "doc_type", "tags"]
        assert isinstance(doc["id"], int) and doc["source_name"].endswith(".txt")
        assert doc["report_year"] is None or isinstance(doc["report_year"], int)
        assert isinstance(doc["tags"], list)
    text = run("--db", str(db), "list", env_home=_isolated_home).stdout
    assert "共 5 个文档" in text


def test_search_json_shape_best_first(db: Path, _isolated_home: Path) -> None:
    hits = run_json("--db", str(db), "search", "复议", "--limit", "3", "--json", env_home=_isolated_home)
    assert 0 < len(hits) <= 3
    for hit in hits:
        assert list(hit) == ["id", "title", "snippet", "score"]
        assert "复议" in hit["snippet"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert run_json("--db", str(db), "search", '"unbalanced NEAR(', "--json", env_home=_isolated_home) == []


def test_show_tag_trash_restore_purge(db: Path, _isolated_home: Path) -> None:
    base = ("--db", str(db))
    docs = run_json(*base, "list", "--json", env_home=_isolated_home)
    first, second = docs[0]["id"], docs[1]["id"]
    shown = run_json(*base, "show", str(first), "--json", env_home=_isolated_home)
    assert shown["id"] == first and shown["text"] and isinstance(shown["facts"], list)
    assert "来源文件" in run(*base, "show", str(first), env_home=_isolated_home).stdout
    run(*base, "tag", "add", "重点", str(first), str(second), env_home=_isolated_home)
    assert run_json(*base, "tag", "list", "--json", env_home=_isolated_home) == [
        {"id": 1, "name": "重点", "color": "", "count": 2}
    ]
    run(*base, "tag", "rename", "重点", "要看", env_home=_isolated_home)
    run(*base, "tag", "color", "要看", "#112233", env_home=_isolated_home)
    listed = {d["id"]: d["tags"] for d in run_json(*base, "list", "--json", env_home=_isolated_home)}
    assert listed[first] == ["要看"] and listed[second] == ["要看"]
    tagged = run_json(*base, "list", "--tag", "要看", "--json", env_home=_isolated_home)
    assert {d["id"] for d in tagged} == {first, second}
    suggestions = run_json(*base, "tag", "suggest", str(first), "-n", "4", "--json", env_home=_isolated_home)
    assert len(suggestions) == 4
    run(*base, "trash", str(first), env_home=_isolated_home)
    assert first not in {d["id"] for d in run_json(*base, "list", "--json", env_home=_isolated_home)}
    run(*base, "restore", str(first), env_home=_isolated_home)
    run(*base, "trash", str(second), env_home=_isolated_home)
    out = run(*base, "purge", "--all", env_home=_isolated_home)
    assert "1" in out.stdout
    ids = {d["id"] for d in run_json(*base, "list", "--json", env_home=_isolated_home)}
    assert first in ids and second not in ids and len(ids) == 4
    missing = run(*base, "show", str(second), env_home=_isolated_home, check=False)
    assert missing.returncode == 2 and "没有编号" in missing.stderr


def test_check_and_backup(db: Path, tmp_path: Path, _isolated_home: Path) -> None:
    base = ("--db", str(db))
    assert run_json(*base, "check", "--json", env_home=_isolated_home) == {"ok": True, "problems": [], "documents": 5}
    dest = tmp_path / "备份.sqlite"
    run(*base, "backup", str(dest), env_home=_isolated_home)
    assert dest.is_file()
    assert run_json("--db", str(dest), "check", "--json", env_home=_isolated_home)["documents"] == 5
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM texts WHERE doc_id = (SELECT min(id) FROM documents)")
    conn.commit()
    conn.close()
    bad = run(*base, "check", env_home=_isolated_home, check=False)
    assert bad.returncode != 0 and "问题" in bad.stdout


def test_extract_json_needs_no_archive(samples_dir: Path, _isolated_home: Path) -> None:
    sample = sorted(samples_dir.glob("*.txt"))[1]
    data = run_json("extract", str(sample), "--json", env_home=_isolated_home)
    for key in ("title", "agency", "region", "report_year", "period", "publish_date", "doc_type", "evidence",
                "sections", "structure", "indicators", "text"):
        assert key in data
    assert data["report_year"] == 2023
    assert not (_isolated_home / "archive.sqlite").exists()
    missing = run("extract", str(samples_dir / "nope.txt"), "--json", env_home=_isolated_home, check=False)
    assert missing.returncode == 2 and "不存在" in missing.stderr


def test_export_xlsx(db: Path, tmp_path: Path, _isolated_home: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "导出.xlsx"
    run("--db", str(db), "export", "--xlsx", str(out), "--query", "复议", env_home=_isolated_home)
    book = openpyxl.load_workbook(out)
    assert {"报告", "指标明细"} <= set(book.sheetnames)
    n_hits = len(run_json("--db", str(db), "search", "复议", "--limit", "100", "--json", env_home=_isolated_home))
    rows = [r for r in book["报告"].iter_rows(values_only=True) if any(v is not None for v in r)]
    assert len(rows) == n_hits + 1


def test_expected_errors_are_chinese_with_exit_2(tmp_path: Path, _isolated_home: Path) -> None:
    not_db = tmp_path / "文本.sqlite"
    not_db.write_text("hello " * 100, encoding="utf-8")
    out = run("--db", str(not_db), "list", "--json", env_home=_isolated_home, check=False)
    assert out.returncode == 2 and out.stderr.startswith("错误：") and "档案" in out.stderr
    out = run("--db", str(tmp_path / "x.sqlite"), "frobnicate", env_home=_isolated_home, check=False)
    assert out.returncode == 2 and "参数错误" in out.stderr
    out = run("--db", str(tmp_path / "x.sqlite"), "tag", "delete", "没有这个", env_home=_isolated_home, check=False)
    assert out.returncode == 2 and "没有名为" in out.stderr


def test_default_archive_and_init(_isolated_home: Path) -> None:
    out = run("init", env_home=_isolated_home)
    assert "0 个文档" in out.stdout
    assert (_isolated_home / "archive.sqlite").is_file()


REANALYSE_REPORT = """青禾县司法局2025年法治政府建设年度报告

2025年，青禾县司法局在县委、县政府领导下推进法治政府建设，现将有关情况报告如下。
一、主要工作
全年组织开展普法骑行活动7场，参与群众300余人。办理行政复议案件12件。
二、存在的不足
基层法治力量仍然薄弱。
"""


def test_reanalyse_uses_the_user_dictionary_and_keeps_the_clerks_work(tmp_path: Path, _isolated_home: Path) -> None:
    from core.archive import Archive
    from core.indicators import add_user_synonym, reload_default

    report = tmp_path / "青禾县.txt"
    report.write_text(REANALYSE_REPORT, encoding="utf-8")
    path = tmp_path / "r.sqlite"
    imported = run_json("--db", str(path), "import", str(report), "--json", env_home=_isolated_home)
    doc_id = imported["items"][0]["id"]
    with Archive.open(path) as archive:
        facts = archive.get_facts(doc_id)
        ride = next(f for f in facts if f.unit == "场")
        review = next(f for f in facts if f.key == "review.received")
        assert ride.key is None
        assert review.id is not None
        archive.update_fact(review.id, status="confirmed")  # the clerk's confirmation
    add_user_synonym("education.campaigns", "普法骑行活动")  # as 待核对 writes it
    try:
        assert run("--db", str(path), "reanalyse", "999", env_home=_isolated_home, check=False).returncode != 0
        out = run_json("--db", str(path), "reanalyse", str(doc_id), "--json", "--workers", "0",
                       env_home=_isolated_home)
        assert out == {"reanalysed": 1}
        with Archive.open(path) as archive:
            after = archive.get_facts(doc_id)
        assert next(f for f in after if f.unit == "场").key == "education.campaigns"
        kept = next(f for f in after if f.start == review.start)
        assert kept.status == "confirmed" and kept.key == "review.received"
        text = run("--db", str(path), "reanalyse", env_home=_isolated_home).stdout
        assert "已重新分析 1 个文档" in text
    finally:
        reload_default()
