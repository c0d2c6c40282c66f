"""Text reuse (core.reuse) on real reports from ../shared: a next-year copy, boilerplate, trash/restore, CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core import reuse
from core.archive import Archive
from core.clean import clean_text
from tests.conftest import GOLD, REPO, SAMPLES, SHARED

# A paragraph written for this test (not from any shared document) that every report below carries:
# in ≥ 10 documents of ≥ 3 agencies, so it is boilerplate and must never count as reuse.
BOILERPLATE = (
    "本报告按照统一格式编写，所列数据均截至当年年底，如有疑问请与本单位办公室联系，"
    "我们将认真听取各方面意见建议，持续改进工作作风，自觉接受社会监督。"
)
EARLIER = SAMPLES / "004_6c1e8e7a459a068c.txt"  # a district bureau's 2020 report
NEW_TEXT = SHARED / "corpus" / "real-reports" / "205.txt"  # another agency's report, never imported here


def _bump(line: str) -> str:
    """Every number one more: next year's figures (and years) in last year's sentences."""
    return re.sub(r"\d+", lambda m: str(int(m.group(0)) + 1), line)


def _need(*paths: Path) -> None:
    for path in paths:
        if not path.exists():
            pytest.skip(f"{path} is not present")


@pytest.fixture
def archive_with_copy(tmp_path: Path) -> tuple[Archive, int, int, list[str]]:
    """19 real reports of many agencies + the earlier report, all carrying BOILERPLATE; then the next-year
    report made of every other paragraph of the earlier one (numbers changed) and new text."""
    _need(EARLIER, NEW_TEXT, GOLD / "dev")
    others = tmp_path / "others"
    others.mkdir()
    for path in sorted((GOLD / "dev").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        (others / path.name).write_text(text.rstrip("\n") + "\n" + BOILERPLATE + "\n", encoding="utf-8")
    lines = EARLIER.read_text(encoding="utf-8").split("\n")
    earlier_lines = [*lines[:9], BOILERPLATE, *lines[9:]]
    (tmp_path / "earlier.txt").write_text("\n".join(earlier_lines), encoding="utf-8")
    header, body = lines[:9], [ln for ln in lines[9:] if ln.strip()]
    copied = [_bump(ln) for ln in body[::2]]
    fresh = [s + "。" for s in NEW_TEXT.read_text(encoding="utf-8").replace("\u3000", "").split("。") if len(s) > 40]
    fresh = fresh[: max(4, len(copied) // 2)]
    new_lines = [*[_bump(ln) for ln in header], BOILERPLATE]
    for n, line in enumerate(copied):
        new_lines.append(line)
        if n < len(fresh):
            new_lines.append(fresh[n])
    new_lines.extend(fresh[len(copied):])
    (tmp_path / "next.txt").write_text("\n".join(new_lines) + "\n", encoding="utf-8")
    archive = Archive.open(tmp_path / "a.sqlite")
    report = archive.import_paths([others, tmp_path / "earlier.txt"], workers=0)
    assert report.count("failed") == 0
    earlier_id = next(i.doc_id for i in report.items if i.path.endswith("earlier.txt"))
    report = archive.import_paths([tmp_path / "next.txt"], workers=0)
    next_id = report.items[0].doc_id
    assert earlier_id is not None and next_id is not None
    return archive, earlier_id, next_id, [_bump(ln) for ln in header] + copied


def _truth(text: str, copied: list[str]) -> float:
    chars = 0
    for line in copied:
        body = clean_text(line).strip()
        if len(reuse.normalise(body)) >= reuse.MIN_PASSAGE_CHARS and body in text:
            chars += len(body)
    return chars / len(text)


def test_next_year_copy_found_with_its_source_and_without_boilerplate(archive_with_copy) -> None:
    archive, earlier_id, next_id, copied = archive_with_copy
    with archive:
        assert archive.get_document(next_id).report_year == 2021
        text = archive.get_text(next_id)
        result = reuse.reuse_of(archive, next_id)
        truth = _truth(text, copied)
        assert 0.2 < truth < 0.8
        assert abs(result.reused_share - truth) <= 0.04, (result.reused_share, truth)
        assert result.sources[0].doc_id == earlier_id
        assert result.sources[0].share >= 0.9 * result.reused_share
        start = text.index(reuse.normalise(BOILERPLATE)[:10])
        span = (start, start + len(BOILERPLATE))
        for passage, _src in result.passages():
            assert passage.end <= span[0] or passage.start >= span[1], "boilerplate counted"
        assert any(a <= span[0] < b for a, b in result.boilerplate)
        # Numbers changed: the passages are 'changed' and say which figures changed.
        kinds = {p.kind for p, _ in result.passages()}
        assert "changed" in kinds
        figures = [f for p, _ in result.passages() for f in p.figures]
        assert figures and all(int(float(new)) == int(float(old)) + 1 for old, new in figures
                               if "." not in old and "%" not in old)
        # Offsets point at the same words on both sides.
        source_text = archive.get_text(earlier_id)
        for passage in result.sources[0].passages:
            mine = reuse.mask(reuse.normalise(text[passage.start : passage.end]))
            theirs = reuse.mask(reuse.normalise(source_text[passage.source_start : passage.source_end]))
            if passage.kind == "same":
                assert mine == theirs
            else:
                assert passage.similarity >= 0.5
        # The earlier report itself reuses nothing of the later one, and the boilerplate does not count.
        assert reuse.reuse_of(archive, earlier_id).reused_share < 0.05


def test_result_is_stored_and_follows_trash_and_restore(archive_with_copy) -> None:
    archive, earlier_id, next_id, _copied = archive_with_copy
    with archive:
        first = reuse.reuse_of(archive, next_id)
        assert reuse.stored(archive.connection, next_id) is not None
        assert reuse.shares(archive.connection, [next_id])[next_id][1] == earlier_id
        archive.trash([earlier_id])
        assert reuse.stored(archive.connection, next_id) is None  # its source left: recomputed
        without = reuse.reuse_of(archive, next_id)
        assert without.reused_share < 0.05
        assert earlier_id not in {s.doc_id for s in without.sources}
        archive.restore([earlier_id])
        again = reuse.reuse_of(archive, next_id)
        assert again.to_json() == first.to_json()
        pending = reuse.pending(archive.connection)
        assert reuse.refresh(archive) == len(pending)
        assert reuse.pending(archive.connection) == []


def test_an_earlier_year_imported_late_becomes_the_source(tmp_path: Path) -> None:
    _need(EARLIER)
    lines = EARLIER.read_text(encoding="utf-8").split("\n")
    (tmp_path / "later.txt").write_text("\n".join(_bump(ln) for ln in lines), encoding="utf-8")
    (tmp_path / "earlier.txt").write_text("\n".join(lines), encoding="utf-8")
    with Archive.open(tmp_path / "a.sqlite") as archive:
        later_id = archive.import_paths([tmp_path / "later.txt"], workers=0).items[0].doc_id
        assert later_id is not None
        assert reuse.reuse_of(archive, later_id).reused_share == 0.0
        earlier_id = archive.import_paths([tmp_path / "earlier.txt"], workers=0).items[0].doc_id
        # The stored 0 of the 2021 report is stale now that its 2020 report is in the archive.
        result = reuse.reuse_of(archive, later_id)
        assert result.sources and result.sources[0].doc_id == earlier_id
        assert result.reused_share > 0.8
        # …and the 2020 report takes nothing from the 2021 one (it is not earlier).
        assert reuse.reuse_of(archive, earlier_id).reused_share == 0.0


def test_real_same_agency_pair_and_signature_roundtrip(tmp_path: Path) -> None:
    dev = GOLD / "dev"
    _need(dev / "013.txt", dev / "008.txt")
    with Archive.open(tmp_path / "a.sqlite") as archive:
        report = archive.import_paths([dev / "013.txt", dev / "008.txt"], workers=0)
        ids = [int(i.doc_id or 0) for i in report.items]
        # The years as the meta.tsv of the development set has them (the user's override wins).
        archive.set_metadata([ids[0]], report_year=2021)
        archive.set_metadata([ids[1]], report_year=2022)
        text = archive.get_text(ids[1])
        sig = reuse.signature(text)
        back = reuse.decode_signature(reuse.encode_signature(sig))
        assert back is not None and back.keys_ == sig.keys_ and back.paragraphs == sig.paragraphs
        result = reuse.reuse_of(archive, ids[1])
        assert 0 <= result.reused_share <= 1
        for source in result.sources:
            assert source.doc_id == ids[0]
            for p in source.passages:
                assert 0 <= p.start < p.end <= len(text)


def test_changed_figures() -> None:
    assert reuse.changed_figures("出庭率达95%，办理案件12件", "出庭率达100%，办理案件15件") == [
        ("95%", "100%"), ("12", "15")]
    assert reuse.changed_figures("没有数字", "没有数字") == []


def test_cli_reuse_json(archive_with_copy, _isolated_home: Path) -> None:
    archive, earlier_id, next_id, _copied = archive_with_copy
    path = archive.path
    archive.close()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "core", "--db", str(path), *args], cwd=REPO,
                              capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)

    out = cli("reuse", str(next_id), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"doc_id", "reused_share", "sources"}
    assert data["doc_id"] == next_id and 0 < data["reused_share"] <= 1
    assert data["sources"][0]["doc_id"] == earlier_id
    shares = [s["share"] for s in data["sources"]]
    assert shares == sorted(shares, reverse=True)
    passage = data["sources"][0]["passages"][0]
    assert set(passage) == {"start", "end", "source_start", "source_end", "kind"}
    assert passage["kind"] in {"same", "changed"}
    nothing = json.loads(cli("reuse", str(earlier_id), "--json").stdout)
    assert nothing["sources"] == [] or nothing["reused_share"] < 0.05
    missing = cli("reuse", "99999", "--json")
    assert missing.returncode == 2 and "没有编号" in missing.stderr and "Traceback" not in missing.stderr
    plain = cli("reuse", str(next_id))
    assert plain.returncode == 0 and "重复率" in plain.stdout


def test_version_2_archive_gets_the_index_on_migration(tmp_path: Path) -> None:
    _need(EARLIER)
    lines = EARLIER.read_text(encoding="utf-8").split("\n")
    (tmp_path / "later.txt").write_text("\n".join(_bump(ln) for ln in lines), encoding="utf-8")
    path = tmp_path / "a.sqlite"
    with Archive.open(path) as archive:
        archive.import_paths([EARLIER, tmp_path / "later.txt"], workers=0)
        later_id = archive.list_ids(order_by="id")[0]
        expected = reuse.check(archive.connection, later_id).to_json()
        conn = archive.connection
        for table in ("reuse_links", "reuse_results", "reuse_signatures", "reuse_postings"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("PRAGMA user_version = 2")
    with Archive.open(path) as archive:
        assert archive.migration_backup is not None
        assert reuse.reuse_of(archive, later_id).to_json() == expected
        assert expected["reused_share"] > 0.8


def test_excel_has_reuse_columns_and_the_passages_sheet(archive_with_copy, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from core.export import export_xlsx

    archive, earlier_id, next_id, _copied = archive_with_copy
    with archive:
        expected = reuse.reuse_of(archive, next_id)
        out = export_xlsx(archive, tmp_path / "out.xlsx", [earlier_id, next_id])
    assert out is not None
    wb = load_workbook(out, read_only=True)
    assert "重复段落" in wb.sheetnames
    rows = list(wb["报告"].iter_rows(values_only=True))
    header = list(rows[0])
    by_id = {r[header.index("文档ID")]: r for r in rows[1:]}
    share = by_id[next_id][header.index("重复率")]
    assert abs(share - expected.reused_share) < 1e-3
    assert str(by_id[next_id][header.index("主要来源")]).startswith(f"#{earlier_id} ")
    passages = list(wb["重复段落"].iter_rows(values_only=True))
    head = list(passages[0])
    assert head == ["文档ID", "报告", "段落", "位置", "来源文档ID", "来源报告", "来源位置", "相似度", "改动的数字"]
    mine = [r for r in passages[1:] if r[0] == next_id]
    assert len(mine) == sum(len(s.passages) for s in expected.sources)
    assert all(r[4] == earlier_id for r in mine[:3])
    assert any("→" in (r[8] or "") for r in mine)
    wb.close()


def test_copies_of_a_report_without_a_known_agency_are_no_boilerplate(tmp_path: Path) -> None:
    """Twelve copies of one report whose agency is unknown: their paragraphs are in ≥ 10 documents, but
    not of ≥ 3 agencies — a new copy is a copy, not boilerplate."""
    _need(EARLIER)
    lines = EARLIER.read_text(encoding="utf-8").split("\n")
    for n in range(12):
        (tmp_path / f"copy{n:02d}.txt").write_text("\n".join([*lines, f"编号{n}"]), encoding="utf-8")
    with Archive.open(tmp_path / "a.sqlite") as archive:
        report = archive.import_paths(sorted(tmp_path.glob("copy*.txt")), workers=0)
        ids = [int(i.doc_id or 0) for i in report.items]
        archive.set_metadata(ids, agency="", report_year=2020)
        result = reuse.reuse_of(archive, ids[-1])
        assert result.reused_share > 0.8
        assert result.boilerplate == []
