"""Pathological text shapes (long runs of one kind of character) for the linearity tests and bench.

Every generator takes a size `n` (roughly the number of characters) and returns a text made of one
repeated shape: runs of Chinese numerals, digits, units, punctuation, brackets, headings, list markers …
Real reports never look like this; hostile or broken files (a scraped table without separators, an OCR
run, a page of 一) do, and no analysis step may take more than linear time on any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _repeat(piece: str, n: int) -> str:
    return (piece * (n // max(1, len(piece)) + 1))[:n]


Generator = Callable[[int], str]

GENERATORS: dict[str, Generator] = {
    # runs of numerals: the run that used to hang the facts regex (50,000 一 then 件)
    "一…件": lambda n: "一" * n + "件",
    "一…": lambda n: "一" * n,
    "二〇…年": lambda n: "二〇" * (n // 2) + "年",
    "十百千万亿…元": lambda n: _repeat("十百千万亿", n) + "元",
    "一点…": lambda n: "一点" + "五" * n + "亿元",
    "一二三…": lambda n: _repeat("一二三四五六七八九十", n),
    "零…": lambda n: "零" * n + "件",
    "两万…": lambda n: _repeat("两万", n),
    "第一…": lambda n: _repeat("第一", n),
    # digits
    "1…件": lambda n: "1" * n + "件",
    "1…": lambda n: "1" * n,
    "1,111…": lambda n: "1" + _repeat(",111", n) + "件",
    "1.1.1…": lambda n: _repeat("1.", n) + "%",
    "2023年…": lambda n: _repeat("2023年", n),
    "2023-…": lambda n: _repeat("2023-", n),
    "百分比列表": lambda n: _repeat("12.5%、", n) + "。",
    "数字单位交替": lambda n: _repeat("3件5人", n),
    # units and counted words
    "件…": lambda n: "3" + "件" * n,
    "万…": lambda n: "3" + "万" * n + "元",
    "百分之…": lambda n: _repeat("百分之", n) + "五十",
    "未发生…": lambda n: _repeat("未发生", n) + "案件",
    "率为…": lambda n: _repeat("率为", n) + "0%",
    # punctuation
    "。…": lambda n: "。" * n,
    "，…": lambda n: "，" * n,
    "、…": lambda n: _repeat("复议、", n) + "均达100%",
    "换行…": lambda n: "\n" * n,
    "空格…": lambda n: " " * n + "3件",
    # brackets and quotes
    "（…": lambda n: "（" * n + "3件",
    "）…": lambda n: "）" * n + "3件",
    "《…": lambda n: "《" * n + "3件",
    "“…": lambda n: "“" * n + "3件",
    "（（））嵌套": lambda n: "（" * (n // 2) + "3件" + "）" * (n // 2),
    # headings and list markers
    "（一）标题…": lambda n: _repeat("（一）标题标题标题\n", n),
    "一、标题…": lambda n: _repeat("一、主要举措\n", n),
    "第一章…": lambda n: _repeat("第一章 总则\n", n),
    "1.列表…": lambda n: _repeat("1. 加强执法\n", n),
    "①列表…": lambda n: _repeat("①②③④⑤", n),
    "标题无换行": lambda n: _repeat("（一）标题", n),
    "法治政府建设…": lambda n: _repeat("法治政府建设年度报告", n),
    "报告标题行…": lambda n: _repeat("某某市司法局2023年法治政府建设年度报告\n", n),
    "发布时间…": lambda n: _repeat("发布时间：2023-01-01\n", n),
    # one long line without any delimiter
    "无标点长句": lambda n: _repeat("开展行政执法检查工作", n),
}


def sample(name: str, n: int) -> str:
    return GENERATORS[name](n)


# Ten shapes, one file each, for the import test and bench (tests/robustness/test_time_limits.py,
# bench/bench_pathological_import.py): each the size the issue reported or larger.
FOLDER_SHAPES: dict[str, tuple[str, int]] = {
    "五万个一.txt": ("一…件", 50_000),
    "三万个一.txt": ("一…", 30_000),
    "五万个标题.txt": ("（一）标题…", 500_000),
    "一级标题.txt": ("一、标题…", 500_000),
    "长串空格.txt": ("空格…", 200_000),
    "数字单位交替.txt": ("数字单位交替", 300_000),
    "百分比列表.txt": ("百分比列表", 300_000),
    "括号嵌套.txt": ("（（））嵌套", 200_000),
    "长串数字.txt": ("1…件", 200_000),
    "无标点长句.txt": ("无标点长句", 1_000_000),
}


def write_pathological_folder(folder: Path) -> list[Path]:
    """Write the ten FOLDER_SHAPES files (UTF-8 text) into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (shape, size) in FOLDER_SHAPES.items():
        path = folder / name
        path.write_text(sample(shape, size), encoding="utf-8")
        paths.append(path)
    return paths
