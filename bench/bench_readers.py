"""Time read_file + clean_text per format on files generated from the shared corpus (run from the repo root).

.venv/bin/python bench/bench_readers.py [--repeat 20]
.venv/bin/python bench/bench_readers.py --realfiles    # the 32 real office files of ../shared/realfiles:
    each read → clean → analyse (core.importer.process_bytes), wall and CPU, then the whole folder
    imported end to end into a new archive (Archive.import_paths, in-process), OCR included
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


def real_files() -> None:
    import os

    from core.archive import Archive
    from core.importer import process_bytes
    from core.models import Outcome
    from tests.conftest import SHARED

    folder = SHARED / "realfiles"
    paths = sorted(p for p in folder.iterdir() if p.suffix not in {".md", ".tsv"})
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'file':<14}{'bytes':>9}{'chars':>8}{'wall s':>9}{'cpu s':>8}  outcome")
    total_wall = total_cpu = 0.0
    for path in paths:
        data = path.read_bytes()
        wall, cpu = time.perf_counter(), time.process_time()
        item = process_bytes(str(path), data)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        total_wall += wall
        total_cpu += cpu
        outcome = item.error or (item.fmt + (" (OCR)" if any("OCR" in w for w in item.warnings) else ""))
        print(f"{path.name:<14}{len(data):>9}{len(item.text):>8}{wall:>9.2f}{cpu:>8.2f}  {outcome}")
    print(f"{'sum':<14}{'':>9}{'':>8}{total_wall:>9.2f}{total_cpu:>8.2f}")
    with tempfile.TemporaryDirectory() as work:
        wall, cpu = time.perf_counter(), time.process_time()
        with Archive.open(Path(work) / "real.sqlite") as archive:
            report = archive.import_paths(paths, workers=0)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"import_paths of {len(paths)} files: {report.count(Outcome.IMPORTED)} imported, "
          f"{report.count(Outcome.DUPLICATE)} duplicate, {report.count(Outcome.FAILED)} failed; "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--realfiles", action="store_true")
    args = parser.parse_args()
    if args.realfiles:
        real_files()
        return
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
