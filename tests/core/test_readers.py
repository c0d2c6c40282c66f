"""core.readers: every format read from files built in code or from ../shared, every failure reason."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.clean import clean_text
from core.errors import ReadError
from core.readers import SUPPORTED_SUFFIXES, read_bytes, read_file
from core.readers import limits as reader_limits
from core.readers.doc import find_office
from core.readers.pdf import join_lines
from core.readers.txt import decode_text
from tests.conftest import REPO
from tests.core.filemakers import (
    doc_streams,
    docx_numbering,
    docx_paragraph,
    docx_table,
    forge_declared_size,
    make_doc,
    make_docx,
    make_docx_xml,
    make_encrypted_docx,
    make_garbage_pdf,
    make_html,
    make_mht,
    make_pdf,
    make_pdf_runs,
    make_rtf,
    make_scanned_pdf,
    make_txt,
    make_zip_bomb_docx,
    write_cfb,
)

REPORT_LINES = [
    "关于2023年法治政府建设工作情况的报告",
    "一、基本情况",
    "今年以来，我局坚持以习近平法治思想为指导，认真贯彻落实上级",
    "关于法治政府建设的各项部署要求，全年办理行政复议案件45件，",
    "同比下降23.8%。",
    "（一）加强组织领导",
    "严格落实党政主要负责人履行推进法治建设第一责任人职责，召开",
    "专题会议3次。",
    "区司法局",
    "2023年12月1日",
]
JOINED = [
    "关于2023年法治政府建设工作情况的报告",
    "一、基本情况",
    "今年以来，我局坚持以习近平法治思想为指导，认真贯彻落实上级关于法治政府建设的各项部署要求，"
    "全年办理行政复议案件45件，同比下降23.8%。",
    "（一）加强组织领导",
    "严格落实党政主要负责人履行推进法治建设第一责任人职责，召开专题会议3次。",
    "区司法局",
    "2023年12月1日",
]


def reason(error: pytest.ExceptionInfo[ReadError]) -> str:
    return str(error.value)


# --- .txt ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["法治政府建设年度报告", "一支统一的执法队伍", "学位3个", "双95%"])
def test_short_gbk_text_is_read_as_gbk(tmp_path: Path, text: str) -> None:
    result = read_file(make_txt(tmp_path / "short.txt", text, "gbk"))
    assert result.text == text
    assert result.encoding == "gb18030"
    assert result.fmt == "txt"


def test_ten_character_gbk_file(tmp_path: Path) -> None:
    path = make_txt(tmp_path / "ten.txt", "深圳市罗湖区人民政府", "gbk")
    assert path.stat().st_size == 20
    assert read_file(path).text == "深圳市罗湖区人民政府"


def test_gb18030_four_byte_characters(tmp_path: Path) -> None:
    text = "㐀𠀀报告"  # ext. A and ext. B ideographs need GB18030, not GBK
    assert read_file(make_txt(tmp_path / "ext.txt", text, "gb18030")).text == text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_bom_decides(tmp_path: Path, encoding: str) -> None:
    text = "一、基本情况\n全年办理案件45件。"
    result = read_file(make_txt(tmp_path / "bom.txt", text, encoding, bom=True))
    assert result.text == text
    assert result.encoding in {encoding, "utf-8-sig"}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "一、基本情况\n全年办理行政复议案件45件，同比下降23.8%。\n",
        "\u3000\u3000一是加强组织领导。二是完善制度建设。",  # NULs at both parities (U+3000, 一)
        "法治政府建设年度报告",  # not one ASCII byte: no NUL at all
        "深圳市罗湖区人力资源局",
    ],
)
def test_utf16_without_bom(tmp_path: Path, encoding: str, text: str) -> None:
    result = read_file(make_txt(tmp_path / "u16.txt", text, encoding))
    assert result.text == text
    assert result.encoding == encoding


def test_encoding_rule_on_corpus_windows(corpus_dir: Path) -> None:
    """Windows of real report text, 10 to 2000 characters, in every encoding a clerk's files come in."""
    import random

    rng = random.Random(20231)
    texts = [path.read_text(encoding="utf-8") for path in sorted(corpus_dir.glob("*.txt"))[::7]]
    wrong = []
    for _ in range(300):
        text = rng.choice(texts)
        size = rng.choice([10, 20, 50, 200, 2000])
        start = rng.randrange(0, max(1, len(text) - size))
        window = text[start : start + size]
        encodings = ["gb18030", "utf-8"] + (["utf-16-le", "utf-16-be"] if size >= 20 else [])
        for encoding in encodings:
            decoded, _encoding, _warnings = decode_text(window.encode(encoding))
            if decoded != window:
                wrong.append((encoding, window[:20]))
    assert wrong == []


def test_utf8_is_preferred_and_latin_text_survives(tmp_path: Path) -> None:
    for text in ["café au lait", "Привет мир", "报告 report 2023"]:
        result = read_file(make_txt(tmp_path / "u8.txt", text, "utf-8"))
        assert (result.text, result.encoding) == (text, "utf-8")


def test_binary_junk_is_refused(tmp_path: Path) -> None:
    png_like = bytes(range(256)) * 20
    with pytest.raises(ReadError) as error:
        read_bytes(png_like, "image.txt")
    assert reason(error) == reader_limits.BINARY
    with pytest.raises(ReadError):
        read_bytes(b"\x01\x02\x03\x04\x05abc\x06\x07\x08" * 50, "junk.txt")
    with pytest.raises(ReadError):
        read_bytes(os.urandom(4000), "random.txt")


def test_a_few_bad_bytes_give_a_warning_not_a_failure() -> None:
    data = ("全年办理行政复议案件45件。" * 40).encode("gbk") + b"\xff" + "完".encode("gbk")
    result = read_bytes(data, "a.txt")
    assert result.text.startswith("全年办理行政复议案件45件。")
    assert result.warnings and "无法识别" in result.warnings[0]


def test_damaged_utf8_stays_utf8(samples_dir: Path) -> None:
    data = (samples_dir / "001_f44f9f962692f528.txt").read_bytes()
    for damaged in (
        data[:1001],
        data[:500] + b"\xff" + data[500:],
        data[:500] + "中文".encode("gbk") + data[500:],
    ):
        result = read_bytes(damaged, "damaged.txt")
        assert result.encoding == "utf-8"
        assert result.text.startswith("2023年是全面贯彻党的二十大精神的开局之年")
        assert result.warnings and "无法识别" in result.warnings[0]


def test_decode_text_keeps_dos_eof_marker_acceptable() -> None:
    text, encoding, _ = decode_text("一、基本情况\r\n".encode("gbk") + b"\x1a")
    assert text.startswith("一、基本情况") and encoding == "gb18030"


def test_samples_read_back_equal(samples_dir: Path) -> None:
    for path in sorted(samples_dir.glob("*.txt")):
        expected = path.read_bytes().decode("utf-8")
        result = read_file(path)
        assert result.text == expected, path.name
        assert result.encoding == "utf-8"
        for encoding in ("gb18030", "utf-16-le"):
            again = read_bytes(expected.encode(encoding), path.name)
            assert again.text == expected, (path.name, encoding)


def test_corpus_files_read_back_equal(corpus_dir: Path) -> None:
    paths = sorted(corpus_dir.glob("*.txt"))[::15]
    assert paths
    for path in paths:
        assert read_file(path).text == path.read_text(encoding="utf-8")


# --- .docx -----------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_body_order(tmp_path: Path) -> None:
    body = (
        docx_paragraph("一、基本情况")
        + docx_table([["指标", "2022年", "2023年"], ["行政复议案件", "52件", "45件"]])
        + docx_paragraph("二、存在问题")
    )
    result = read_file(make_docx_xml(tmp_path / "order.docx", body))
    assert result.fmt == "docx"
    assert result.text.split("\n") == [
        "一、基本情况",
        "指标\t2022年\t2023年",
        "行政复议案件\t52件\t45件",
        "二、存在问题",
    ]


def test_make_docx_helper(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "plain.docx", ["第一段", "第二段"], tables=[[["甲", "乙"]]])
    assert read_file(path).text == "第一段\n第二段\n甲\t乙"


def test_docx_list_numbers_are_written_out(tmp_path: Path) -> None:
    body = "".join(
        [
            docx_paragraph("基本情况", num_id=1, level=0),
            docx_paragraph("加强组织领导", num_id=1, level=1),
            docx_paragraph("推进依法决策", num_id=1, level=1),
            docx_paragraph("存在问题", num_id=1, level=0),
            docx_paragraph("队伍建设不足", num_id=1, level=1),
            docx_paragraph("加强学法", num_id=1, level=2),
        ]
    )
    numbering = docx_numbering(
        [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    )
    result = read_file(make_docx_xml(tmp_path / "numbered.docx", body, numbering))
    assert result.text.split("\n") == [
        "一、基本情况",
        "（一）加强组织领导",
        "（二）推进依法决策",
        "二、存在问题",
        "（一）队伍建设不足",
        "1.加强学法",
    ]


def test_docx_written_by_python_docx(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("关于2023年法治政府建设情况的报告", level=1)
    document.add_paragraph("全年办理行政复议案件45件。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "出庭率"
    table.cell(0, 1).text = "100%"
    table.cell(1, 0).text = "纠错率"
    table.cell(1, 1).text = "3.5%"
    document.add_paragraph("区司法局")
    path = tmp_path / "python-docx.docx"
    document.save(str(path))
    lines = read_file(path).text.split("\n")
    assert lines == [
        "关于2023年法治政府建设情况的报告",
        "全年办理行政复议案件45件。",
        "出庭率\t100%",
        "纠错率\t3.5%",
        "区司法局",
    ]


def test_docx_text_box_is_read_once(tmp_path: Path) -> None:
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    vml = "urn:schemas-microsoft-com:vml"
    box = "<w:txbxContent><w:p><w:r><w:t>文本框里的红头</w:t></w:r></w:p></w:txbxContent>"
    body = (
        f'<w:p><w:r><w:t>正文前</w:t></w:r><w:r><mc:AlternateContent xmlns:mc="{mc}">'
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp xmlns:wps="{wps}"><wps:txbx>{box}</wps:txbx></wps:wsp>'
        f'</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape xmlns:v="{vml}"><v:textbox>{box}</v:textbox>'
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>正文后</w:t></w:r></w:p>"
        + docx_paragraph("下一段")
    )
    assert (
        read_file(make_docx_xml(tmp_path / "box.docx", body)).text == "正文前正文后\n文本框里的红头\n下一段"
    )


def test_docx_main_part_found_through_relationships(tmp_path: Path) -> None:
    source = make_docx(tmp_path / "plain.docx", ["正文在别的路径"])
    moved = tmp_path / "moved.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(moved, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "_rels/.rels":
                data = data.replace(b"word/document.xml", b"word/document2.xml")
            new.writestr(
                "word/document2.xml" if item.filename == "word/document.xml" else item.filename, data
            )
    assert read_file(moved).text == "正文在别的路径"


def test_docx_skips_deleted_text_and_field_codes(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除的</w:delText></w:r></w:del>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:br/><w:t>下一行</w:t></w:r></w:p>'
    )
    assert read_file(make_docx_xml(tmp_path / "fields.docx", body)).text == "保留3\n下一行"


def test_docx_declaring_gigabytes_is_refused_before_inflating(tmp_path: Path) -> None:
    path = forge_declared_size(make_zip_bomb_docx(tmp_path / "bomb.docx", inflated_mb=1), 4_000_000_000)
    with pytest.raises(ReadError) as error:
        read_file(path)
    assert "过大" in reason(error)


def test_docx_inflating_past_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_limits, "MAX_XML_BYTES", 2 * 1024 * 1024)
    path = make_zip_bomb_docx(tmp_path / "bomb.docx", inflated_mb=8)
    assert path.stat().st_size < 100_000
    with pytest.raises(ReadError) as error:
        read_file(path)
    assert "过大" in reason(error)
    # The same bomb lying about its size (says 1000 bytes) is stopped by the bounded read.
    forge_declared_size(path, 1000)
    with pytest.raises(ReadError):
        read_file(path)


def test_docx_nested_absurdly_deep_is_corrupt(tmp_path: Path) -> None:
    body = "<w:p>" + "<w:hyperlink>" * 1500 + "<w:r><w:t>深</w:t></w:r>" + "</w:hyperlink>" * 1500 + "</w:p>"
    with pytest.raises(ReadError) as error:
        read_file(make_docx_xml(tmp_path / "deep.docx", body))
    assert reason(error).startswith(reader_limits.CORRUPT)


def test_docx_truncated_is_corrupt(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "whole.docx", ["全年办理行政复议案件45件。"] * 200)
    data = path.read_bytes()
    with pytest.raises(ReadError) as error:
        read_bytes(data[: len(data) // 2], "half.docx")
    assert reason(error).startswith(reader_limits.CORRUPT)


def test_docx_with_broken_xml_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    with pytest.raises(ReadError) as error:
        read_file(path)
    assert reason(error).startswith(reader_limits.CORRUPT)


def test_xlsx_is_named_as_excel(tmp_path: Path) -> None:
    path = tmp_path / "table.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError) as error:
        read_bytes(path.read_bytes(), "table.docx")
    assert "Excel" in reason(error)


def test_encrypted_docx_says_password(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read_file(make_encrypted_docx(tmp_path / "secret.docx"))
    assert "加密" in reason(error) and "密码" in reason(error)


# --- .pdf ------------------------------------------------------------------------------------------


def test_pdf_chinese_text_with_paragraphs_rejoined(tmp_path: Path) -> None:
    result = read_file(make_pdf(tmp_path / "report.pdf", REPORT_LINES))
    assert result.fmt == "pdf"
    assert result.warnings == []
    assert result.text.split("\n") == JOINED


def test_pdf_page_numbers_and_running_headers_dropped(tmp_path: Path) -> None:
    lines: list[str] = []
    for page in range(1, 5):
        lines += ["秦淮区人民政府文件", *REPORT_LINES[2:5], f"第{page}页的最后一段。", f"- {page} -"]
    result = read_file(make_pdf(tmp_path / "paged.pdf", lines, lines_per_page=6))
    assert "- 2 -" not in result.text
    assert "秦淮区人民政府文件" not in result.text
    assert result.text.count("同比下降23.8%。") == 4


def test_scanned_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read_file(make_scanned_pdf(tmp_path / "scan.pdf", pages=2))
    # Its pages are noise: OCR (when installed) finds no text either.
    assert reason(error).startswith("这是扫描件（PDF 没有文字层）")


def test_partly_scanned_pdf_warns(tmp_path: Path) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    text_pdf = pdfium.PdfDocument(str(make_pdf(tmp_path / "text.pdf", REPORT_LINES)))
    scan_pdf = pdfium.PdfDocument(str(make_scanned_pdf(tmp_path / "scan.pdf")))
    text_pdf.import_pages(scan_pdf)
    merged = tmp_path / "merged.pdf"
    text_pdf.save(str(merged))
    text_pdf.close()
    scan_pdf.close()
    result = read_file(merged)
    assert "同比下降23.8%。" in result.text
    assert any("第 2 页没有文字层" in warning for warning in result.warnings)


def test_encrypted_pdf_needs_password(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read_file(make_pdf(tmp_path / "secret.pdf", REPORT_LINES, password="1234"))
    assert "PDF 已加密" in reason(error) and "密码" in reason(error)


@pytest.mark.parametrize(("first_cid", "spread"), [(0x1234, 4000), (0x21, 0xDE)])
def test_pdf_font_without_unicode_map_is_garbage(tmp_path: Path, first_cid: int, spread: int) -> None:
    with pytest.raises(ReadError) as error:
        read_file(make_garbage_pdf(tmp_path / "garbage.pdf", first_cid=first_cid, spread=spread))
    assert "乱码" in reason(error)


def test_english_pdf_is_not_garbage(tmp_path: Path) -> None:
    lines = ["Annual Report on Law-Based Government, 2023", *["The bureau handled 45 cases in 2023."] * 10]
    result = read_file(make_pdf(tmp_path / "english.pdf", lines))
    assert "handled 45 cases" in result.text
    assert any("没有中文" in warning for warning in result.warnings)


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = make_pdf(tmp_path / "whole.pdf", REPORT_LINES).read_bytes()
    with pytest.raises(ReadError) as error:
        read_bytes(data[:300], "cut.pdf")
    assert reason(error).startswith(reader_limits.CORRUPT)


def test_pdf_font_switch_spaces_go_and_cell_gaps_become_tabs(tmp_path: Path) -> None:
    path = make_pdf_runs(
        tmp_path / "runs.pdf",
        [
            [
                ("cjk", "全年办理案件"),
                ("latin", "45"),
                ("cjk", "件，同比下降"),
                ("latin", "23.8%"),
                ("cjk", "。"),
            ],
            [("cjk", "指标"), ("gap", 150), ("cjk", "2023年")],
            [("latin", "Annual report"), ("latin", "2023")],
        ],
    )
    assert read_file(path).text.split("\n") == [
        "全年办理案件45件，同比下降23.8%。",
        "指标\t2023年",
        "Annual report 2023",
    ]


PARAGRAPHS = [
    "今年以来，我局坚持以习近平法治思想为指导，认真贯彻部署。全年办理行政复议案件45件，同比下降23.8%，纠错率3.5%。",
    "严格落实党政主要负责人履行推进法治建设第一责任人职责，召开专题会议3次，研究部署法治政府建设工作。完善制度。",
    "全面推行行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度，规范执法行为。",
    "深入开展普法宣传，落实谁执法谁普法责任制，组织开展法治讲座12场，发放宣传资料3000余份。",
    "主动接受人大监督和政协民主监督，办理人大代表建议和政协委员提案共计26件，办结率100%。",
]


def test_pdf_paragraphs_marked_by_ideographic_space_indent(tmp_path: Path) -> None:
    lines = ["一、基本情况"]
    for paragraph in PARAGRAPHS:
        indented = "\u3000\u3000" + paragraph
        lines += [indented[i : i + 30] for i in range(0, len(indented), 30)]
    # a full line ends with 。 inside a paragraph: only the indent tells that the paragraph goes on
    assert lines[1].endswith("部署。") and len(lines[1]) == 30
    assert read_file(make_pdf(tmp_path / "indent.pdf", lines)).text.split("\n") == [
        "一、基本情况",
        *PARAGRAPHS,
    ]


def test_pdf_paragraphs_marked_by_geometric_indent(tmp_path: Path) -> None:
    runs: list[list[tuple[str, str | float]]] = [[("cjk", "一、基本情况")]]
    for paragraph in PARAGRAPHS:
        first, rest = paragraph[:28], paragraph[28:]
        runs.append([("gap", 24), ("cjk", first)])
        runs += [[("cjk", rest[i : i + 30])] for i in range(0, len(rest), 30)]
    text = read_file(make_pdf_runs(tmp_path / "indent.pdf", runs)).text
    assert text.split("\n") == ["一、基本情况", *PARAGRAPHS]


def test_pdfs_read_from_several_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    paths = [make_pdf(tmp_path / f"{index}.pdf", REPORT_LINES[index:]) for index in range(4)]
    expected = [read_file(path).text for path in paths]
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda path: read_file(path).text, paths * 5))
    assert texts == expected * 5


def test_join_lines_uses_indents_when_the_document_does() -> None:
    full = "这是一行很长的正文内容，一直写到页面的右边距才结束。"
    lines = [full, "接着写的同一段。", "短的结尾。", full, "同一段。", full, "又一段。", full, "末段。"]
    starts = [True, False, False, True, False, True, False, True, False]
    assert join_lines(lines, starts) == [full + "接着写的同一段。", "短的结尾。"] + [
        full + tail for tail in ["同一段。", "又一段。", "末段。"]
    ]
    # Without indents a line ending with 。 ends its paragraph.
    assert join_lines(lines)[:2] == [full, "接着写的同一段。"]
    english = ["In 2023 the justice bureau of the district handled", "45 administrative review cases."] * 6
    assert (
        join_lines(english)[0]
        == "In 2023 the justice bureau of the district handled 45 administrative review cases."
    )


def test_join_lines_rules() -> None:
    full = "这是一行很长的正文内容，一直写到页面的右边距才换"
    assert join_lines([full, "行继续。"]) == [full + "行继续。"]
    assert join_lines([full + "。", "下一段开始。"]) == [full + "。", "下一段开始。"]
    assert join_lines([full, "（二）下一个标题"]) == [full, "（二）下一个标题"]
    assert join_lines([full, "2.第二项工作"]) == [full, "2.第二项工作"]
    assert join_lines(["短标题", full]) == ["短标题", full]
    assert join_lines([]) == []
    # A table row (cells tab-separated) neither continues a paragraph nor is continued.
    row = "指标\t2023年\t2024年\t增减情况说明及原因分析"
    assert join_lines([full, row]) == [full, row]
    assert join_lines([row + "\t" + full, "行继续。"]) == [row + "\t" + full, "行继续。"]


# --- .html -----------------------------------------------------------------------------------------

GOV_PAGE = """
<header><h1>深圳市罗湖区人民政府</h1><nav><a href="/">首页</a><a>政务公开</a></nav></header>
<div class="crumb">当前位置：首页 &gt; 政务公开</div>
<div class="title"><h2>罗湖区人力资源局2020年法治政府建设年度报告</h2></div>
<div class="info">来源：罗湖区人力资源局&nbsp;&nbsp;发布时间：2020-12-17 浏览次数：123 【字体：大 中 小】</div>
<div class="share">扫一扫在手机上打开当前页</div>
<div class="TRS_Editor">
<p>&nbsp;&nbsp;我局认真开展了2020年度法治政府建设工作。现对相关工作情况总结报告如下：</p>
<p>一、主要举措和<span>成效</span></p>
<table><tr><td>项目</td><td>数量</td></tr><tr><td>行政复议</td><td>12件</td></tr></table>
<p>深圳市罗湖区人力资源局<br>2020年12月17日</p>
</div>
<script>document.write("发布时间：脚本里的假日期");</script>
<div class="bottom">【打印本页】【关闭窗口】</div>
<div class="links"><a>相关链接</a><p>上一篇：罗湖区2019年报告</p></div>
<footer>版权所有：罗湖区人民政府 粤ICP备12345号</footer>
"""


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_gov_page_main_content_title_and_date(tmp_path: Path, encoding: str) -> None:
    path = make_html(
        tmp_path / "page.html",
        GOV_PAGE,
        title="罗湖区人力资源局2020年法治政府建设年度报告_罗湖区人民政府",
        charset="gb2312" if encoding == "gb18030" else "utf-8",
        encoding=encoding,
    )
    result = read_file(path)
    assert result.fmt == "html"
    assert result.encoding == encoding
    lines = result.text.split("\n")
    assert lines[0] == "罗湖区人力资源局2020年法治政府建设年度报告"
    assert lines[1].startswith("来源：罗湖区人力资源局") and "发布时间：2020-12-17" in lines[1]
    assert lines[2:] == [
        "我局认真开展了2020年度法治政府建设工作。现对相关工作情况总结报告如下：",
        "一、主要举措和成效",
        "项目\t数量",
        "行政复议\t12件",
        "深圳市罗湖区人力资源局",
        "2020年12月17日",
    ]
    for furniture in ("打印本页", "版权所有", "扫一扫", "当前位置", "脚本里的假日期", "上一篇"):
        assert furniture not in result.text


def test_html_without_charset_declaration_is_sniffed(tmp_path: Path) -> None:
    body = "<div id='zoom'><p>" + "全年办理行政复议案件45件，同比下降23.8%。" * 5 + "</p></div>"
    path = make_html(tmp_path / "nometa.htm", body, title="秦淮区报告", charset=None, encoding="gbk")
    result = read_file(path)
    assert result.encoding == "gb18030"
    assert result.text.split("\n") == ["秦淮区报告", "全年办理行政复议案件45件，同比下降23.8%。" * 5]


def test_html_wrong_charset_declaration_falls_back(tmp_path: Path) -> None:
    body = "<article><p>" + "严格落实行政机关负责人出庭应诉制度。" * 8 + "</p></article>"
    path = make_html(tmp_path / "lying.html", body, title="出庭应诉", charset="utf-8", encoding="gbk")
    assert "严格落实行政机关负责人出庭应诉制度。" in read_file(path).text


def test_html_declaring_gb2312_but_written_in_utf8(tmp_path: Path) -> None:
    body = "<div class='TRS_Editor'><p>全年办理行政复议案件45件。</p></div>"
    path = make_html(
        tmp_path / "template.html", body, title="模板声明错了", charset="gb2312", encoding="utf-8"
    )
    result = read_file(path)
    assert (result.encoding, result.text) == ("utf-8", "模板声明错了\n全年办理行政复议案件45件。")


def test_html_without_known_container_takes_largest_block(tmp_path: Path) -> None:
    body = (
        "<div class='menu'><p>首页</p><p>机构概况</p></div>"
        "<div class='x1'><div class='x2'>"
        + "".join(f"<p>第{i}段：全面推进依法行政，加强规范性文件管理。</p>" for i in range(1, 6))
        + "</div></div><div class='side'><p>热点新闻：某某活动举行</p></div>"
    )
    result = read_file(make_html(tmp_path / "plain.html", body, title="某区2023年法治政府建设年度报告"))
    lines = result.text.split("\n")
    assert lines[0] == "某区2023年法治政府建设年度报告"
    assert lines[1:] == [f"第{i}段：全面推进依法行政，加强规范性文件管理。" for i in range(1, 6)]


def test_table_layout_page_keeps_paragraphs(tmp_path: Path) -> None:
    paragraphs = [
        f"（{i}）严格落实行政执法三项制度，全面推行执法全过程记录，规范执法行为。" for i in range(1, 8)
    ]
    body = (
        "<table><tr><td class='nav'>首页</td></tr><tr><td class='bt_content'>"
        + "".join(f"<p>{text}</p>" for text in paragraphs)
        + "<table><tr><td>指标</td><td><p>2023</p><p>年</p></td></tr></table>"
        + "</td></tr></table>"
    )
    result = read_file(make_html(tmp_path / "layout.html", body, title="表格排版的旧网页报告"))
    assert result.text.split("\n") == ["表格排版的旧网页报告", *paragraphs, "指标\t2023 年"]


def test_web_page_saved_as_doc_is_read_as_html(tmp_path: Path) -> None:
    path = make_html(
        tmp_path / "fake.doc", "<div class='content'>" + "<p>依法行政工作报告正文。</p>" * 20 + "</div>"
    )
    result = read_file(path)
    assert result.fmt == "html"
    assert "依法行政工作报告正文。" in result.text


# --- .doc / .wps -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_unicode_piece(tmp_path: Path, suffix: str) -> None:
    text = "关于2023年法治政府建设的报告\n一、基本情况\n全年办理案件45件，同比下降23.8%。"
    result = read_file(make_doc(tmp_path / f"report{suffix}", text))
    assert result.fmt == "doc"
    assert result.text.strip("\n") == text


def test_doc_compressed_piece_and_0table(tmp_path: Path) -> None:
    result = read_file(
        make_doc(tmp_path / "ascii.doc", "Annual report 2023\nCases: 45", compressed=True, table="0Table")
    )
    assert result.text.strip("\n") == "Annual report 2023\nCases: 45"


def test_doc_fields_cells_and_specials(tmp_path: Path) -> None:
    text = (
        '见\x13 HYPERLINK "http://x" \x14网站\x15说明\r'
        "页码\x13 PAGE \x15\r"
        "指标\x07数量\x07\x07出庭率\x07100%\x07\x07"
        "图\x01片\x08结束\x0b换行\x0c分页\r"
    )
    path = tmp_path / "fields.doc"
    path.write_bytes(write_cfb(doc_streams(text)))
    lines = read_file(path).text.split("\n")
    assert lines[:4] == ["见网站说明", "页码", "指标\t数量", "出庭率\t100%"]
    assert lines[4:7] == ["图片结束", "换行", "分页"]


def test_doc_with_the_table_flag_wrong(tmp_path: Path) -> None:
    streams = doc_streams("正文\r", table="1Table")
    streams["0Table"] = streams.pop("1Table")  # the FIB says 1Table, the file has 0Table
    path = tmp_path / "flag.wps"
    path.write_bytes(write_cfb(streams))
    assert read_file(path).text == "正文\n"


def test_encrypted_doc_flag(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read_file(make_doc(tmp_path / "secret.doc", "机密", encrypted=True))
    assert "加密" in reason(error)


def _malformed_doc(path: Path) -> Path:
    streams = doc_streams("正文\r")
    streams["1Table"] = b"\x00" * 16  # the CLX the FIB points to is not there
    path.write_bytes(write_cfb(streams))
    return path


def test_malformed_doc_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.readers.doc.find_office", lambda: None)
    with pytest.raises(ReadError) as error:
        read_file(_malformed_doc(tmp_path / "bad.doc"))
    assert reason(error) == "无法读取这个 .doc/.wps 文件（可安装 LibreOffice 后重试）"


@pytest.mark.skipif(sys.platform == "win32", reason="uses a shell script as a stand-in for soffice")
def test_malformed_doc_goes_to_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    # Stand-in with soffice's command line: writes <outdir>/<stem>.txt in UTF-8 with a BOM.
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'out="$2"; src="$3"; stem=$(basename "$src"); stem="${stem%.*}"\n'
        "printf '\\357\\273\\277LibreOffice 转换的正文\\n第二段\\n' > \"$out/$stem.txt\"\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(fake.parent) + os.pathsep + os.environ.get("PATH", ""))
    result = read_file(_malformed_doc(tmp_path / "bad.wps"))
    assert result.text == "LibreOffice 转换的正文\n第二段\n"
    assert result.warnings and "LibreOffice" in result.warnings[0]


@pytest.mark.parametrize("suffix", [".rtf", ".doc"])
def test_rtf_is_read_directly(tmp_path: Path, suffix: str) -> None:
    paragraphs = ["关于2023年法治政府建设的报告", "全年办理案件45件，同比下降23.8%。", r"a{b}\c"]
    result = read_file(make_rtf(tmp_path / f"report{suffix}", paragraphs))
    assert result.fmt == "rtf"
    assert result.text == "\n".join(paragraphs) + "\n"


def test_rtf_unicode_escapes_tables_and_skipped_groups() -> None:
    data = (
        rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}{\f1\fcharset134 SimSun;}}"
        rb"{\*\generator X;}{\info{\title secret}}\uc1\pard\u20013?\u25991?\par"
        rb"{\f1\'d6\'d0\'ce\'c4}\par\trowd\cellx100\cellx200 A\cell B\cell\row"
        rb"{\header H}{\field{\*\fldinst HYPERLINK x}{\fldrslt link}}\par"
        rb"{\pict\bin4 }{\}}end\par}"  # 4 raw bytes holding braces
    )
    assert read_bytes(data, "x.rtf").text == "中文\n中文\nA\tB\t\nlink\nend\n"


def test_broken_rtf_is_corrupt() -> None:
    with pytest.raises(ReadError) as error:
        read_bytes(rb"{\rtf1{\fonttbl{\f0 Arial;}}}", "empty.rtf")
    assert reason(error).startswith(reader_limits.CORRUPT)


@pytest.mark.parametrize("suffix", [".mht", ".doc"])
def test_single_file_web_page(tmp_path: Path, suffix: str) -> None:
    body = "<div id='zoom'><p>全年办理行政复议案件45件。</p><p>打印本页</p></div>"
    result = read_file(make_mht(tmp_path / f"page{suffix}", body, title="秦淮区报告"))
    assert result.fmt == "html"
    assert result.text == "秦淮区报告\n全年办理行政复议案件45件。"


def test_other_ole_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / "book.doc"
    path.write_bytes(write_cfb({"Workbook": b"\x09\x08" * 3000}))
    with pytest.raises(ReadError) as error:
        read_file(path)
    assert "Excel" in reason(error)


# --- dispatch and limits ---------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert {".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps"} <= SUPPORTED_SUFFIXES
    assert all(suffix.startswith(".") and suffix == suffix.lower() for suffix in SUPPORTED_SUFFIXES)


def test_content_beats_suffix(tmp_path: Path) -> None:
    pdf_named_txt = make_pdf(tmp_path / "report.txt", REPORT_LINES)
    assert read_file(pdf_named_txt).fmt == "pdf"
    docx_named_doc = make_docx(tmp_path / "report.doc", ["正文"])
    assert read_file(docx_named_doc).fmt == "docx"
    doc_named_docx = make_doc(tmp_path / "report.docx", "正文")
    assert read_file(doc_named_docx).fmt == "doc"


def test_plain_text_named_doc_is_read_with_a_warning() -> None:
    result = read_bytes("关于2023年法治政府建设的报告\n全年办理案件45件。".encode("gbk"), "报告.doc")
    assert result.fmt == "txt" and result.text.startswith("关于2023年")
    assert "纯文本" in result.warnings[0]
    with pytest.raises(ReadError) as error:
        read_bytes(bytes(range(256)) * 8, "broken.doc")
    assert reason(error).startswith(reader_limits.CORRUPT)


def test_page_saved_by_internet_explorer(tmp_path: Path) -> None:
    page = "<!-- saved from url=(0042)http://www.example.gov.cn/art/1.html -->\n<html><head><title>旧网页</title></head>"
    page += "<body><div id='zoom'><p>依法行政工作报告正文。</p></div></body></html>"
    result = read_bytes(page.encode("gbk"), "saved.doc")
    assert result.fmt == "html"
    assert result.text == "旧网页\n依法行政工作报告正文。"


def test_text_mentioning_pdf_header_is_text() -> None:
    result = read_bytes("说明：文件头是 %PDF-1.4，不是扫描件。".encode(), "note.txt")
    assert result.fmt == "txt"


def test_unsupported_type(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("随便什么", encoding="utf-8")
    with pytest.raises(ReadError) as error:
        read_file(path)
    assert reason(error).startswith("不支持的文件类型 .xyz")


def test_pdf_suffix_without_pdf_content_is_corrupt() -> None:
    with pytest.raises(ReadError) as error:
        read_bytes(b"this is not a pdf at all", "report.pdf")
    assert reason(error).startswith(reader_limits.CORRUPT)


def test_missing_empty_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="找不到文件"):
        read_file(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(ReadError, match="文件是空的"):
        read_file(tmp_path / "empty.txt")
    with pytest.raises(ReadError, match="文件夹"):
        read_file(tmp_path)


def test_file_over_200_mb_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(reader_limits.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(ReadError) as error:
        read_file(path)
    assert reason(error) == "文件过大（超过 200 MB），无法导入"


def test_too_much_text_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_limits, "MAX_TEXT_CHARS", 1000)
    with pytest.raises(ReadError, match="文字过多"):
        read_bytes(("全年办理案件45件。" * 200).encode("utf-8"), "long.txt")
    with pytest.raises(ReadError, match="文字过多"):
        read_file(make_docx(tmp_path / "long.docx", ["全年办理案件45件。"] * 200))


def test_importing_readers_loads_no_heavy_library() -> None:
    code = (
        "import sys, core.readers, core.clean\n"
        "heavy = {'pypdfium2', 'lxml', 'selectolax', 'olefile'} & set(sys.modules)\n"
        "print(','.join(sorted(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip() == ""


def _office_has_writer() -> bool:
    """LibreOffice with its Writer component (a calc-only install cannot convert a .docx)."""
    office = find_office()
    if office is None:
        return False
    program = Path(os.path.realpath(office)).parent
    return any(program.glob("libswlo.*")) or any(program.glob("swlo.*"))


@pytest.mark.slow
@pytest.mark.skipif(not _office_has_writer(), reason="LibreOffice Writer is not installed")
def test_files_written_by_libreoffice_read_like_the_docx(tmp_path: Path) -> None:
    paragraphs = [
        "关于2023年法治政府建设工作情况的报告",
        "今年以来，全年办理行政复议案件45件，同比下降23.8%。",
        *[f"第{i}段：严格落实行政执法三项制度，规范执法行为。" for i in range(30)],
        "区司法局",
    ]
    source = make_docx(
        tmp_path / "source.docx", paragraphs, tables=[[["指标", "2023年"], ["出庭率", "100%"]]]
    )
    expected = clean_text(read_file(source).text)
    office = find_office()
    assert office is not None
    for target in ("doc", "rtf", "html", "pdf"):
        out = tmp_path / target
        out.mkdir()
        subprocess.run(
            [
                office,
                "--headless",
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        converted = next(out.iterdir())
        text = clean_text(read_file(converted).text)
        if target == "pdf":
            text = text.replace("指标 2023年", "指标\t2023年").replace("出庭率 100%", "出庭率\t100%")
        assert text == expected, target


def test_mutated_files_fail_only_with_read_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flipped, cut and inserted bytes in every format: a result or a ReadError, never another exception."""
    import random

    monkeypatch.setattr("core.readers.doc.find_office", lambda: None)
    seeds = {
        "a.docx": make_docx(tmp_path / "a.docx", ["第一段", "第二段"], tables=[[["甲", "乙"]]]).read_bytes(),
        "b.pdf": make_pdf(tmp_path / "b.pdf", REPORT_LINES[:3]).read_bytes(),
        "c.doc": make_doc(tmp_path / "c.doc", "关于报告\n正文").read_bytes(),
        "d.html": make_html(tmp_path / "d.html", "<div id=zoom><p>正文内容</p></div>").read_bytes(),
        "e.rtf": make_rtf(tmp_path / "e.rtf", ["一、基本情况", "正文"]).read_bytes(),
        "f.mht": make_mht(tmp_path / "f.mht", "<p>正文</p>").read_bytes(),
        "g.txt": "一、基本情况\n正文".encode("gbk"),
    }
    rng = random.Random(7)
    outcomes = {"ok": 0, "refused": 0}
    for name, data in seeds.items():
        for _ in range(300):
            mutated = bytearray(data)
            for _ in range(rng.choice([1, 2, 5, 20])):
                at = rng.randrange(max(1, len(mutated)))
                roll = rng.random()
                if roll < 0.5 and mutated:
                    mutated[at] = rng.randrange(256)
                elif roll < 0.75:
                    del mutated[at : at + rng.randrange(1, 50)]
                else:
                    mutated[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
            try:
                read_bytes(bytes(mutated), name)
                outcomes["ok"] += 1
            except ReadError:
                outcomes["refused"] += 1
    assert outcomes["ok"] > 0 and outcomes["refused"] > 0
