"""OFD reader: packages built here in code (GB/T 33190 structure), plus the real files of ../shared/realfiles."""

from __future__ import annotations

import io
import zipfile

import pytest

from core.errors import ReadError
from core.readers import limits, read_bytes
from core.readers.ofd import GARBAGE, NO_TEXT, expand_deltas
from tests.conftest import SHARED

NS = "http://www.ofdspec.org/2016"
REAL = SHARED / "realfiles"

# One run of text: (x, y of the baseline in mm, size in mm, text); optional DeltaX / CTM.
Run = tuple[float, float, float, str]


def _text_object(oid: int, run: Run, *, delta: str | None = None, ctm: str | None = None) -> str:
    x, y, size, text = run
    if delta is None:
        delta = " ".join([str(size)] * (len(text) - 1))
    ctm_attr = f' CTM="{ctm}"' if ctm else ""
    scale = 1.0
    if ctm:
        scale = float(ctm.split()[0])
    return (
        f'<ofd:TextObject ID="{oid}" Font="1" Size="{size / scale}" Boundary="{x} {y - size} {size * len(text)} {size * 1.2}"{ctm_attr}>'
        f'<ofd:FillColor Value="0 0 0"/>'
        f'<ofd:TextCode X="0" Y="{size / scale}" DeltaX="{delta}">{text}</ofd:TextCode></ofd:TextObject>'
    )


def page_xml(objects: list[str], extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}">{extra}<ofd:Content>'
        f'<ofd:Layer ID="2">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )


def make_ofd(documents: list[list[str]], *, extra_parts: dict[str, bytes] | None = None,
             absolute_root: bool = False, font_name: str = "宋体") -> bytes:
    """An .ofd package: one Doc_N per document, one Content.xml per page (page XML given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        bodies = "".join(
            f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{n}</ofd:DocID></ofd:DocInfo>"
            f"<ofd:DocRoot>{'/' if absolute_root else ''}Doc_{n}/Document.xml</ofd:DocRoot></ofd:DocBody>"
            for n in range(len(documents))
        )
        package.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD">{bodies}</ofd:OFD>')
        for n, pages in enumerate(documents):
            listed = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
            package.writestr(
                f"Doc_{n}/Document.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
                f"<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
                f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                f'<ofd:TemplatePage ID="5" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
                f"<ofd:Pages>{listed}</ofd:Pages><ofd:Annotations>Annots/Annotations.xml</ofd:Annotations></ofd:Document>",
            )
            package.writestr(
                f"Doc_{n}/PublicRes.xml",
                f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="{font_name}"/></ofd:Fonts></ofd:Res>',
            )
            for i, page in enumerate(pages):
                package.writestr(f"Doc_{n}/Pages/Page_{i}/Content.xml", page)
        for name, content in (extra_parts or {}).items():
            package.writestr(name, content)
    return buffer.getvalue()


BODY = [
    "一、基本情况",
    "全年共办理行政复议案件45件，同比下降23.8%，其中维持30件，纠错率为",  # a full line: goes on
    "5.2%。全面推行行政执法三项制度。",
    "二、存在问题",
]


def _body_page(lines: list[str], top: float = 40.0, size: float = 5.0) -> str:
    objects = []
    for index, line in enumerate(lines):
        indent = 2 * size if index in {1} else 0.0
        objects.append(_text_object(index + 1, (25.0 + indent, top + index * 8.0, size, line)))
    return page_xml(objects)


def test_reading_order_follows_the_layout_not_the_object_order() -> None:
    size = 5.0
    # Objects written bottom-up and a line split into two objects written right part first.
    objects = [
        _text_object(1, (25.0, 80.0, size, "第三行。")),
        _text_object(2, (25.0 + 4 * size, 60.0, size, "第二行")),
        _text_object(3, (25.0, 60.0, size, "这是")),
        _text_object(4, (25.0, 40.0, size, "标题")),
    ]
    text = read_bytes(make_ofd([[page_xml(objects)]]), "a.ofd").text
    assert text.split("\n") == ["标题", "这是第二行", "第三行。"]


def test_paragraph_lines_rejoin_and_headings_stay_apart() -> None:
    full = "这一行正文很长一直写到版心的右边距才换"  # 19 characters
    lines = ["一、基本情况", "  " + full, full, "行。", "二、存在问题"]
    size = 5.0
    objects = [_text_object(1, (25.0, 40.0, size, lines[0]))]
    objects.append(_text_object(2, (25.0 + 2 * size, 48.0, size, full[:17])))  # indented first line
    objects.append(_text_object(3, (25.0, 56.0, size, full)))
    objects.append(_text_object(4, (25.0, 64.0, size, "行。")))
    objects.append(_text_object(5, (25.0, 72.0, size, lines[4])))
    text = read_bytes(make_ofd([[page_xml(objects)]]), "p.ofd").text
    assert text.split("\n") == ["一、基本情况", full[:17] + full + "行。", "二、存在问题"]


def test_delta_g_syntax_and_short_lists() -> None:
    assert expand_deltas("g 3 5.5 2", 5) == [5.5, 5.5, 5.5, 2.0, 2.0]
    assert expand_deltas("1 g 2 3", 3) == [1.0, 3.0, 3.0]
    assert expand_deltas(None, 2) == []
    assert expand_deltas("g 9 1", 2) == [1.0, 1.0]
    # Characters placed by "g" spacing: a wide repeat opens a table-cell gap → tab.
    size = 5.0
    cells = _text_object(1, (25.0, 40.0, size, "指标数值"), delta=f"{size} g 1 {size * 6} {size}")
    # Latin runs: a word gap between two objects is a space; inside one TextCode the producer writes it.
    word = _text_object(2, (25.0, 50.0, size, "OFD"), delta=f"g 2 {size * 0.55}")
    year = _text_object(3, (25.0 + size * 2.8, 50.0, size, "2024年"), delta=f"g 3 {size * 0.55} {size * 0.6}")
    text = read_bytes(make_ofd([[page_xml([cells, word, year])]]), "g.ofd").text
    assert text.split("\n") == ["指标\t数值", "OFD 2024年"]


def test_ctm_scales_object_coordinates() -> None:
    # Object coordinates in points (CTM 0.3528 = mm per point), as Suwell/ofdrw converters write.
    size = 5.0
    first = _text_object(1, (25.0, 40.0, size, "第一行"), ctm="0.3528 0 0 0.3528 0 0",
                         delta=" ".join([str(size / 0.3528)] * 2))
    second = _text_object(2, (25.0, 47.0, size, "第二行"), ctm="0.3528 0 0 0.3528 0 0",
                          delta=" ".join([str(size / 0.3528)] * 2))
    text = read_bytes(make_ofd([[page_xml([second, first])]]), "ctm.ofd").text
    assert text.split("\n") == ["第一行", "第二行"]


def test_table_rows_by_cell_borders_and_gaps() -> None:
    size = 4.0
    rules = "".join(
        f'<ofd:PathObject ID="{90 + i}" Boundary="{x} 30 0.3 30"><ofd:AbbreviatedData>M 0 0 L 0 30</ofd:AbbreviatedData></ofd:PathObject>'
        for i, x in enumerate((24.0, 44.5, 70.0, 100.0))
    )
    rows = [("项目", "2023年", "2024年"), ("行政复议", "45", "38")]
    objects = [rules]
    for r, row in enumerate(rows):
        for c, (x, cell) in enumerate(zip((25.0, 45.0, 71.0), row, strict=True)):
            objects.append(_text_object(10 * r + c + 1, (x, 40.0 + 8 * r, size, cell)))
    text = read_bytes(make_ofd([[page_xml(objects)]]), "t.ofd").text
    assert text.split("\n") == ["项目\t2023年\t2024年", "行政复议\t45\t38"]


def test_several_pages_and_documents_in_order_page_numbers_dropped() -> None:
    def page(text: str, number: int) -> str:
        return page_xml([_text_object(1, (25.0, 40.0, 5.0, text)), _text_object(2, (100.0, 280.0, 4.0, f"- {number} -"))])

    data = make_ofd([[page("甲文件第一页。", 1), page("甲文件第二页。", 2)], [page("乙文件。", 1)]], absolute_root=True)
    assert read_bytes(data, "multi.ofd").text.split("\n") == ["甲文件第一页。", "甲文件第二页。", "乙文件。"]


def test_template_page_text_is_read() -> None:
    data = make_ofd(
        [[page_xml([_text_object(1, (25.0, 60.0, 5.0, "正文内容。"))], '<ofd:Template TemplateID="5" ZOrder="Background"/>')]],
        extra_parts={"Doc_0/Tpls/Tpl_0/Content.xml": page_xml([_text_object(1, (25.0, 20.0, 5.0, "版头文字"))]).encode()},
    )
    assert read_bytes(data, "tpl.ofd").text.split("\n") == ["版头文字", "正文内容。"]


def test_seals_signatures_and_annotations_are_ignored() -> None:
    annotation = (
        f'<ofd:PageAnnot xmlns:ofd="{NS}"><ofd:Annot ID="7" Type="Stamp"><ofd:Appearance>'
        + _text_object(8, (25.0, 100.0, 5.0, "批注文字"))
        + "</ofd:Appearance></ofd:Annot></ofd:PageAnnot>"
    )
    data = make_ofd(
        [[_body_page(["只有正文。"])]],
        extra_parts={
            "Doc_0/Annots/Annotations.xml": f'<ofd:Annotations xmlns:ofd="{NS}"><ofd:Page PageID="10"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page></ofd:Annotations>'.encode(),
            "Doc_0/Annots/Page_0/Annotation.xml": annotation.encode(),
            "Doc_0/Signs/Sign_0/Signature.xml": b"<ofd:Signature xmlns:ofd='http://www.ofdspec.org/2016'/>",
            "Doc_0/Signs/Sign_0/Seal.esl": b"\x30\x82seal-bytes",
        },
    )
    assert read_bytes(data, "seal.ofd").text == "只有正文。"


def test_font_without_unicode_mapping_is_refused_not_stored_as_garbage() -> None:
    garbage = "".join(chr(0xE000 + i) for i in range(40))  # glyph ids written as private-use characters
    data = make_ofd([[_body_page([garbage, garbage])]])
    with pytest.raises(ReadError) as error:
        read_bytes(data, "pua.ofd")
    assert str(error.value) == GARBAGE


def test_page_without_text_and_broken_packages() -> None:
    image_only = page_xml(['<ofd:ImageObject ID="3" CTM="100 0 0 100 0 0" Boundary="0 0 100 100" ResourceID="4"/>'])
    with pytest.raises(ReadError) as error:
        read_bytes(make_ofd([[image_only]]), "scan.ofd")
    assert str(error.value) == NO_TEXT
    partly = read_bytes(make_ofd([[_body_page(["第一页有字。"]), image_only]]), "partly.ofd")
    assert partly.text == "第一页有字。" and "第 2 页没有文字" in partly.warnings[0]
    with pytest.raises(ReadError) as error:
        read_bytes(make_ofd([["<ofd:Page"]]), "bad.ofd")
    assert str(error.value).startswith(limits.CORRUPT)
    with pytest.raises(ReadError) as error:
        read_bytes(make_ofd([[_body_page(["字"])]])[:200], "cut.ofd")
    assert str(error.value).startswith(limits.CORRUPT)


def test_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XML_BYTES", 10_000)
    big = page_xml([_text_object(1, (25.0, 40.0, 5.0, "很长。")), "<!--" + " " * 20_000 + "-->"])
    with pytest.raises(ReadError) as error:
        read_bytes(make_ofd([[big]]), "bomb.ofd")
    assert "解压后过大" in str(error.value)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("ofd01.ofd", "南货场铁路涵洞下穿建设"),
        ("ofd02.ofd", "路卫发〔2011〕76号"),
        ("ofd03.ofd", "紧急程度\t常规"),
    ],
)
def test_real_ofd_files(name: str, phrase: str) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip("../shared/realfiles is not there")
    result = read_bytes(path.read_bytes(), name)
    assert phrase in result.text
    assert result.fmt == "ofd" and not result.warnings
