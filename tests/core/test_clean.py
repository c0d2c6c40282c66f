"""core.clean: normalisation, furniture lines, idempotence, and the gold spans surviving cleaning."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clean import clean_text, is_furniture_line, normalise_chars
from tests.conftest import GOLD


def test_full_width_digits_letters_and_percent_become_half_width() -> None:
    assert (
        clean_text("全年办理案件４５件，同比下降２３．８％，ＧＤＰ增长")
        == "全年办理案件45件，同比下降23.8%，GDP增长"
    )


def test_chinese_punctuation_is_kept() -> None:
    text = "一、基本情况：（一）加强领导，落实责任。“谁执法谁普法”；《条例》！？"
    assert clean_text(text) == text


def test_fullwidth_point_only_between_digits() -> None:
    assert clean_text("１．加强学习") == "1．加强学习"
    assert clean_text("３．５亿元") == "3.5亿元"


def test_spaces_lines_and_invisibles() -> None:
    raw = "\ufeff\u3000\u3000第一段\u200b文字  有\xa0\xa0空格\r\n\r\n\n  第二段\t\t单元格 \t 二\r第三段\x0b第四段\u2028第五段\x00\x1f"
    assert clean_text(raw) == "第一段文字 有 空格\n第二段\t\t单元格\t二\n第三段\n第四段\n第五段"


@pytest.mark.parametrize(
    "line",
    [
        "【字体：大 中 小】",
        "【打印】【字体：大 中 小】",
        "[返回首页] [返回上一页]",
        "浏览次数：1234",
        "分享到：",
        "分享:",
        "扫一扫在手机上打开当前页",
        "打印本页 关闭窗口",
        "返回顶部",
        "网站地图 | 总访问量:59031672 次",
        "主办单位:南京市秦淮区人民代表大会常务委员会 版权所有",
        "(建议使用1024×768分辨率 IE6.0以上版本浏览) 技术支持:南京标杆科技",
        "网站备案号:苏ICP备2021032793号-1",
        "上一篇：关于2022年法治政府建设情况的报告",
        "下一条: 无",
        "关键词Tags:",
        "当前位置：首页 > 政务公开 > 法治政府",
        "责任编辑：宋君毅",
        "版权所有：中国政府网",
        "+",
        "×",
        "| |",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    assert is_furniture_line(line)
    assert clean_text(f"正文第一段。\n{line}\n正文第二段。") == "正文第一段。\n正文第二段。"


@pytest.mark.parametrize(
    "line",
    [
        "发布时间：2023-09-12",
        "来源：罗湖区人力资源局 发布时间：2020-12-17",
        "协办单位",  # a table header in a work report
        "请各单位打印本页附件并于3月1日前报送。",
        "关闭违规企业12家，返回资金300万元。",
        "分享到朋友圈的普法文章阅读量达10万次。",
        "会议要求区政府认真落实主任会议在行政应诉、构建和谐劳动关系以及12345政务服务便民热线工作",
        "三、下一阶段总体思路和重点工作安排",
        "一是加强网站建设，版权所有权保护工作有序推进。",
        "（三）依法打击侵犯版权所有人权益的行为",
        "（四）提升视频监控分辨率和覆盖率",
        "2023年12月1日",
    ],
)
def test_report_lines_are_kept(line: str) -> None:
    assert not is_furniture_line(line)
    assert clean_text(line) == line


def test_meta_bar_keeps_date_and_source_without_counters() -> None:
    assert clean_text("\xa0发布时间:2023-09-12\xa0浏览数:2868\xa0【字体:") == "发布时间:2023-09-12"
    assert (
        clean_text("来源：罗湖区人力资源局  发布时间：2020-12-17 浏览次数：123 【字体：大 中 小】【打印】")
        == "来源：罗湖区人力资源局 发布时间：2020-12-17"
    )


def test_normalise_chars_keeps_lines() -> None:
    assert normalise_chars("Ａ\r\nＢ\rＣ") == "A\nB\nC"


def _gold_rows() -> list[dict[str, str]]:
    path = GOLD / "seeds_gold.tsv"
    if not path.is_file():
        pytest.skip("../shared/gold is not present")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_every_gold_span_survives_cleaning(samples_dir: Path) -> None:
    rows = _gold_rows()
    cleaned: dict[str, str] = {}
    missing = []
    for row in rows:
        doc = row["doc"]
        if doc not in cleaned:
            cleaned[doc] = clean_text((samples_dir / doc).read_text(encoding="utf-8"))
        if clean_text(row["raw_span"]) not in cleaned[doc]:
            missing.append(row["raw_span"])
    assert len(rows) > 100
    assert missing == []


def test_samples_lose_furniture_and_keep_dates(samples_dir: Path) -> None:
    text = clean_text((samples_dir / "000_a4820a595cfeebfb.txt").read_text(encoding="utf-8"))
    lines = text.split("\n")
    assert lines[0] == "南京市秦淮区人民代表大会常务委员会主任会议纪要"
    assert lines[1] == "发布时间:2023-09-12"
    for noise in ("浏览数", "字体", "返回首页", "ICP备", "版权所有", "上一条", "总访问量", "技术支持"):
        assert noise not in text
    assert lines[-1] == "2023828"  # the 落款 date stays (scraped without 年月日)
    other = clean_text((samples_dir / "004_6c1e8e7a459a068c.txt").read_text(encoding="utf-8"))
    assert "来源:罗湖区人力资源局 发布时间:2020-12-17" in other.split("\n")
    assert "扫一扫" not in other and "知识图谱" not in other


def test_samples_and_corpus_are_fixed_points(samples_dir: Path, corpus_dir: Path) -> None:
    paths = sorted(samples_dir.glob("*.txt")) + sorted(corpus_dir.glob("*.txt"))[::10]
    for path in paths:
        once = clean_text(path.read_text(encoding="utf-8"))
        assert clean_text(once) == once, path.name
        assert "\n\n" not in once and "  " not in once
        assert all(line == line.strip() for line in once.split("\n"))


def test_corpus_sentences_are_never_dropped(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.txt"))[::5]:
        raw = path.read_text(encoding="utf-8")
        kept = {"".join(line.split()) for line in clean_text(raw).split("\n")}
        for line in normalise_chars(raw).split("\n"):
            if "。" in line:
                assert "".join(line.split()) in kept, (path.name, line)


_NOISY_TEXT = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            [
                "【字体：大 中 小】",
                "浏览次数：12",
                "发布时间：2023-01-02 浏览数：5 【字体：",
                "\u3000\u3000",
                "\r\n",
                "\t",
                "２３．８％",
                "．",
                "\ufeff",
                "上一篇：",
                "。",
                " ",
                "\xa0",
                "来源：",
                "打印",
                "-",
            ]
        ),
    ),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_NOISY_TEXT)
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_clean_text_output_shape(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == clean_text(text)  # deterministic
    assert "\r" not in cleaned and "\ufeff" not in cleaned and "\u3000" not in cleaned
    for line in cleaned.split("\n") if cleaned else []:
        assert line and line == line.strip(" \t")
