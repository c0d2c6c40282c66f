"""The 32 real office files of ../shared/realfiles (README there): every one imports, with a phrase read
from it by hand; .doc field codes never reach the text; the mislabelled docx06 is sniffed by content;
the garbled page is repaired as far as the bytes allow and flagged; scans are read by OCR."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.archive import Archive
from core.clean import clean_text
from core.models import Outcome
from core.readers import ocr, read_file
from core.readers.flags import flags_of
from tests.conftest import SHARED

REAL = SHARED / "realfiles"

# file → (format the reader reports, a short phrase of its text, flags)
EXPECTED: dict[str, tuple[str, str, set[str]]] = {
    "pdf01.pdf": ("pdf", "2023年政府信息公开工作年度报告", set()),
    "pdf02.pdf": ("pdf", "淮安市人民政府办公室", set()),
    "pdf03.pdf": ("pdf", "预算单位：上海市普陀区司法局", set()),
    "pdf04.pdf": ("pdf", "预算单位：上海市财政局", set()),
    "pdf05.pdf": ("pdf", "万里街道办事处", set()),
    "pdf06.pdf": ("pdf", "2024年度部门决算", set()),
    "pdf07.pdf": ("pdf", "发改办财金规〔2019〕860号", set()),
    "pdf08.pdf": ("pdf", "树立正确评价导向的若干意见", {"ocr"}),
    "pdf09.pdf": ("pdf", "提升高等学校专利质量促进转化运用", {"ocr"}),
    "docx01.docx": ("docx", "2025年上海市政府工作报告", set()),
    "docx02.docx": ("docx", "2025年天津市政府工作报告", set()),
    "docx03.docx": ("docx", "2025年四川省政府工作报告", set()),
    "docx04.docx": ("docx", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数", set()),
    "docx05.docx": ("docx", "河北省食品药品从业人员健康检查表", set()),
    "docx06.docx": ("doc", "余料利用率", set()),  # an old .doc under a .docx name
    "docx07.docx": ("docx", "一般科研项目名单", {"ocr"}),  # only a screenshot of a table
    "doc01.doc": ("doc", "邯组通字〔2018〕39号", set()),
    "doc02.doc": ("doc", "住房公积金异地转移接续申请表", set()),
    "doc03.doc": ("doc", "河北省食品药品从业人员健康检查表", set()),
    "doc04.doc": ("doc", "pdf2htmlex", set()),
    "doc05.doc": ("doc", "天津市住房公积金管理中心", set()),
    "wps01.wps": ("doc", "Dfssdf11111111", set()),
    "ofd01.ofd": ("ofd", "关于加快南货场铁路涵洞下穿建设的函", set()),
    "ofd02.ofd": ("ofd", "关于同意张阿三同志辞职的批复", set()),
    "ofd03.ofd": ("ofd", "公文处理类型\t签阅", set()),
    "txt01.txt": ("txt", "国务院总理 李克强", set()),
    "txt02.txt": ("txt", "1999年政府工作报告", set()),
    "txt03.txt": ("txt", "2024年3月5日在第十四届全国人民代表大会第二次会议上", set()),
    "html01.html": ("html", "发改价格规〔2020〕101号", set()),
    "html02.html": ("html", "中共邯郸市委组织部", set()),
    "html03.html": ("html", "各县（市、区）委组织部", {"garbled"}),  # repaired, some characters lost
    "xlsx01.xlsx": ("xlsx", "内容规范性\t封面\t\t是", set()),
}
SCANS = {name for name, (_fmt, _phrase, flags) in EXPECTED.items() if "ocr" in flags}

needs_realfiles = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realfiles is not there")


@needs_realfiles
def test_the_table_covers_every_file() -> None:
    present = {path.name for path in REAL.iterdir() if path.suffix not in {".md", ".tsv"}}
    assert present == set(EXPECTED)


@needs_realfiles
@pytest.mark.parametrize("name", sorted(set(EXPECTED) - SCANS))
def test_real_file_reads_with_its_phrase(name: str) -> None:
    fmt, phrase, flags = EXPECTED[name]
    result = read_file(REAL / name)
    assert result.fmt == fmt
    assert phrase in result.text
    assert flags_of(result.warnings) == flags
    for code in ("HYPERLINK", "PAGE", "MERGEFORMAT", "\x13", "\x14", "\x15"):
        assert code not in result.text, code


@needs_realfiles
@pytest.mark.slow
@pytest.mark.skipif(not ocr.available(), reason="the OCR models are not installed")
def test_all_real_files_import_end_to_end(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "real.sqlite") as archive:
        report = archive.import_paths([REAL], workers=0)
        outcomes = {Path(item.path).name: item for item in report.items}
        assert set(EXPECTED) <= set(outcomes)
        for name, (_fmt, phrase, flags) in EXPECTED.items():
            item = outcomes[name]
            assert item.outcome == Outcome.IMPORTED, (name, item.reason)
            text = archive.get_text(item.doc_id)
            assert clean_text(phrase) in text, name  # the stored text is cleaned (a run of tabs is one)
            assert flags_of(archive.get_warnings(item.doc_id)) == flags, name
        assert sorted(archive.flagged_ids("ocr")) == sorted(outcomes[name].doc_id for name in SCANS)
        assert archive.flagged_ids("garbled") == [outcomes["html03.html"].doc_id]
        hits = archive.search("专利质量", limit=5)  # search finds OCR'd text
        assert outcomes["pdf09.pdf"].doc_id in [hit.doc_id for hit in hits]
