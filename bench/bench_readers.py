"""Time read_file + clean_text per format on files generated from the shared corpus (run from the repo root).

.venv/bin/python bench/bench_readers.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.clean import clean_text  # noqa: E402
from core.readers import read_file  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.core.filemakers import make_doc, make_docx, make_html, make_pdf, make_txt  # noqa: E402


def _text(chars: int) -> str:
    paths = sorted(CORPUS.glob("*.txt"))
    if not paths:
        sys.exit("../shared/corpus is not present")
    text = ""
    for path in paths:
        text += path.read_text(encoding="utf-8")
        if len(text) >= chars:
            break
    return text[:chars]


def _time(function: Callable[[], object], repeat: int) -> float:
    function()  # warm-up: imports the format's library
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    text = _text(17_000)  # ~50 KB of UTF-8
    lines = [line for line in text.split("\n") if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        wrapped = [line[i : i + 38] for line in lines for i in range(0, len(line), 38)]
        files = {
            "txt utf-8": make_txt(work / "a.txt", text, "utf-8"),
            "txt gbk": make_txt(work / "b.txt", text.replace("\u2022", "·"), "gb18030"),
            "txt utf-16": make_txt(work / "c.txt", text, "utf-16-le", bom=True),
            "docx": make_docx(work / "d.docx", lines),
            "doc": make_doc(work / "e.doc", text),
            "html": make_html(
                work / "f.html",
                "<div class='TRS_Editor'>" + "".join(f"<p>{escape(x)}</p>" for x in lines) + "</div>",
            ),
            "pdf": make_pdf(work / "g.pdf", wrapped),
        }
        print(f"{'format':<12}{'size':>10}{'chars':>9}{'read ms':>10}{'clean ms':>10}")
        for name, path in files.items():
            result = read_file(path)
            read_ms = _time(lambda path=path: read_file(path), args.repeat)
            clean_ms = _time(lambda result=result: clean_text(result.text), args.repeat)
            size = path.stat().st_size
            print(f"{name:<12}{size:>10}{len(result.text):>9}{read_ms:>10.2f}{clean_ms:>10.2f}")


if __name__ == "__main__":
    main()
