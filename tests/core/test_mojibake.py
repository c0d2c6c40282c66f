"""Mojibake: text garbled by a wrong decoding is repaired when the reverse transcoding is exact, flagged
(文字可能是乱码, stored with the document, filterable) when characters were lost or cannot be told."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.archive import Archive
from core.clean import GARBLED, repair_mojibake
from core.readers import read_bytes
from core.readers.flags import flags_of

TEXT = "中共某某市委组织部关于开展纪念活动的通知。各县（市、区）委组织部：全年办理行政复议案件45件，同比下降23.8%。"


@pytest.mark.parametrize(
    ("garble", "codec"),
    [
        (lambda s: s.encode("utf-8").decode("cp1252", errors="ignore"), "cp1252"),
        (lambda s: s.encode("utf-8").decode("latin-1"), "latin-1"),
        (lambda s: s.encode("gbk").decode("latin-1"), "gbk as latin-1"),
        (lambda s: s.encode("gbk").decode("cp1252", errors="ignore"), "gbk as cp1252"),
    ],
)
def test_exact_reverse_transcoding_repairs(garble, codec: str) -> None:  # type: ignore[no-untyped-def]
    garbled = garble(TEXT)
    assert garbled != TEXT
    repaired, warnings = repair_mojibake(garbled)
    if "\ufffd" in repaired:  # cp1252 has holes (0x81, 0x8d …): those characters are lost, and flagged
        assert warnings and warnings[0].startswith(GARBLED)
    else:
        assert repaired == TEXT, codec
        assert warnings and not warnings[0].startswith(GARBLED) and "已自动恢复" in warnings[0]


def _utf8_read_as_gbk(text: str) -> str:
    return text.encode("utf-8").decode("gbk", errors="replace")


def test_utf8_read_as_gbk_exact_and_with_lost_bytes() -> None:
    exact = "组织学习教育工作党员全年办理行政案件同比下降政府法治报告年度部门"  # even-length UTF-8 runs
    garbled = exact.encode("utf-8").decode("gbk")
    repaired, warnings = repair_mojibake(garbled + "\n" + garbled)
    assert repaired == exact + "\n" + exact and "已自动恢复" in warnings[0]
    # The common case: an odd byte before ASCII was replaced by �; that character is lost, the rest repaired.
    garbled = _utf8_read_as_gbk(TEXT)
    assert "\ufffd" in garbled
    repaired, warnings = repair_mojibake(garbled)
    assert warnings[0].startswith(GARBLED) and "无法恢复" in warnings[0]
    assert "案件45件" in repaired and "纪念活动的通知" in repaired


def test_private_use_and_replacement_characters_are_flagged() -> None:
    text = "全年办理" + "".join(chr(0xE000 + i) for i in range(30)) + "件。" + TEXT
    _text, warnings = repair_mojibake(text)
    assert warnings[0].startswith(GARBLED) and "无法显示" in warnings[0]


def test_ordinary_text_is_left_alone(samples_dir: Path, corpus_dir: Path) -> None:
    assert repair_mojibake(TEXT) == (TEXT, [])
    assert repair_mojibake("Café in Zürich, naïve résumé — 2024") == ("Café in Zürich, naïve résumé — 2024", [])
    paths = sorted(samples_dir.glob("*.txt")) + sorted(corpus_dir.rglob("*.txt"))[:80]
    assert len(paths) > 20
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert repair_mojibake(text) == (text, []), path.name


def test_garbled_page_is_imported_flagged_and_filterable(tmp_path: Path) -> None:
    page = f"<html><head><meta charset='utf-8'><title>通知</title></head><body><div id='zoom'><p>{TEXT}</p></div></body></html>"
    (tmp_path / "好.html").write_text(page.replace("通知", "好的通知"), encoding="utf-8")
    (tmp_path / "坏.html").write_text(_utf8_read_as_gbk(page), encoding="utf-8")
    assert flags_of(read_bytes((tmp_path / "坏.html").read_bytes(), "坏.html").warnings) == {"garbled"}
    with Archive.open(tmp_path / "a.sqlite") as archive:
        report = archive.import_paths([tmp_path / "好.html", tmp_path / "坏.html"])
        ids = {Path(item.path).name: item.doc_id for item in report.items}
        assert all(ids.values())
        assert archive.flagged_ids("garbled") == [ids["坏.html"]]
        assert archive.get_warnings(ids["坏.html"])[0].startswith(GARBLED)
        assert "案件45件，同比下降23.8%" in archive.get_text(ids["坏.html"])
        assert archive.flagged_ids("ocr") == []
