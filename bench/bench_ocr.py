"""OCR benchmark: seconds per page, characters per second, characters right; engine start-up; install size.

  .venv/bin/python bench/bench_ocr.py [--configs default|all] [--json OUT]

1. The real scans of ../shared/realfiles (pdf08, pdf09: web pages printed to PDF without a text layer;
   docx07: a screenshot in a .docx), page by page: wall and CPU seconds, characters out, and characters
   agreeing with a reference reading (this pipeline at render scale 3 and a 2,400 px detector, and, when
   the rapidocr-onnxruntime pipeline with OpenCV is importable, that one too) — the scans have no text
   layer, so no exact truth exists for them.
2. Print-outs with known text: the first characters of real reports (../shared/samples, read at run time),
   drawn on an A4 page at 144 dpi with a CJK font, slightly blurred and noisy, OCR'd; characters right =
   characters of the truth matched in order (difflib), over the truth's length (recall) and over the
   output's length (precision).
3. Engine start-up (first call: onnxruntime + models) and the import cost of core.readers (no OCR module
   loaded), and the installed size of what OCR adds.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("REPORT_ARCHIVE_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "realfiles"

CONFIGS = {
    "default": dict(scale=2.0, det=1600, threads=1),
    "2 threads": dict(scale=2.0, det=1600, threads=2),
    "fast": dict(scale=1.5, det=1280, threads=2),
    "fine": dict(scale=3.0, det=2400, threads=2),
}


def _visible(text: str) -> str:
    """Whitespace out, and full-/half-width forms made equal (NFKC): a ： read for : is not an error."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def matched(truth: str, got: str) -> int:
    a, b = _visible(truth), _visible(got)
    return sum(block.size for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def _pages(name: str, scale: float) -> list:  # type: ignore[type-arg]
    """The scan's pages as PIL images."""
    from PIL import Image

    data = (REAL / name).read_bytes()
    if name.endswith(".pdf"):
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        images = [document[i].render(scale=scale).to_pil() for i in range(len(document))]
        document.close()
        return images
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        media = sorted(n for n in package.namelist()
                       if n.startswith("word/media/") and n.lower().endswith((".png", ".jpg", ".jpeg")))
        return [Image.open(io.BytesIO(package.read(n))).convert("RGB") for n in media]


def _configure(threads: int, det: int) -> None:
    from core.readers import ocr

    os.environ["REPORT_ARCHIVE_OCR_THREADS"] = str(threads)
    ocr.DET_LIMIT = det
    ocr._ENGINE.clear()


def _read(image) -> tuple[str, float, float, list[float]]:  # type: ignore[no-untyped-def]
    from core.readers import ocr

    engine = ocr.engine()
    wall, cpu = time.perf_counter(), time.process_time()
    page = engine.read(ocr._bounded(image))
    return ocr.layout(page.lines), time.perf_counter() - wall, time.process_time() - cpu, [
        line.confidence for line in page.lines
    ]


def _rapidocr_reference(image) -> str | None:  # type: ignore[no-untyped-def]
    try:
        import numpy as np
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        return None
    global _RAPID
    if _RAPID is None:
        _RAPID = RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1)
    result, _ = _RAPID(np.asarray(image.convert("RGB"))[:, :, ::-1].copy())
    return "".join(text for _box, text, _score in (result or []))


_RAPID = None


def real_scans(configs: list[str]) -> dict:  # type: ignore[type-arg]
    scans = ["pdf08.pdf", "pdf09.pdf", "docx07.docx"]
    out: dict = {}  # type: ignore[type-arg]
    fine = CONFIGS["fine"]
    _configure(fine["threads"], fine["det"])
    references: dict[tuple[str, int], str] = {}
    rapid: dict[tuple[str, int], str | None] = {}
    for name in scans:
        for index, image in enumerate(_pages(name, fine["scale"])):
            references[(name, index)] = _read(image)[0]
            rapid[(name, index)] = _rapidocr_reference(image)
    for label in configs:
        if label == "fine":  # the reference itself: agreement 1 by definition, timed in the loop anyway
            pass
        config = CONFIGS[label]
        _configure(config["threads"], config["det"])
        start = time.perf_counter()
        from core.readers import ocr

        ocr.engine()
        startup = time.perf_counter() - start
        rows = []
        for name in scans:
            for index, image in enumerate(_pages(name, config["scale"])):
                text, wall, cpu, confidence = _read(image)
                reference = references[(name, index)]
                other = rapid[(name, index)]
                rows.append({
                    "file": name, "page": index + 1, "size": list(image.size), "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2), "chars": len(_visible(text)),
                    "agree_fine": round(matched(reference, text) / max(1, len(_visible(reference))), 4),
                    "agree_rapidocr": None if other is None else round(
                        matched(other, text) / max(1, len(_visible(other))), 4),
                    "min_conf": round(min(confidence), 3) if confidence else None,
                })
        chars = sum(r["chars"] for r in rows)
        wall = sum(r["wall_s"] for r in rows)
        cpu = sum(r["cpu_s"] for r in rows)
        right = sum(r["chars"] * r["agree_fine"] for r in rows)
        out[label] = {
            "config": config, "engine_start_s": round(startup, 2), "pages": len(rows),
            "wall_s_per_page": round(wall / len(rows), 2), "cpu_s_per_page": round(cpu / len(rows), 2),
            "chars": chars, "chars_per_s_wall": round(chars / wall, 1), "chars_per_s_cpu": round(chars / cpu, 1),
            "agree_fine": round(right / max(1, chars), 4), "rows": rows,
        }
        print(label, json.dumps({k: v for k, v in out[label].items() if k != "rows"}, ensure_ascii=False), flush=True)
    return out


def _cjk_font() -> str | None:
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    files.sort(key=lambda name: ("wqy" not in name.lower() and "noto" not in name.lower(), name))
    return files[0] if files else None


def print_outs(n_pages: int = 3) -> dict:  # type: ignore[type-arg]
    """Pages with known text drawn at 144 dpi (10.5 pt ≈ 21 px), blurred and noisy like a scan."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font_path = _cjk_font()
    if font_path is None:
        return {"skipped": "no CJK font"}
    font = ImageFont.truetype(font_path, 21)
    samples = sorted((SHARED / "samples").glob("*.txt"))[:n_pages]
    _configure(CONFIGS["default"]["threads"], CONFIGS["default"]["det"])
    rows = []
    rng = np.random.default_rng(7)
    for path in samples:
        text = "".join(path.read_text(encoding="utf-8").split())[:700]
        lines = [text[i : i + 35] for i in range(0, len(text), 35)]
        page = Image.new("L", (1190, 1684), 255)
        draw = ImageDraw.Draw(page)
        for number, line in enumerate(lines):
            draw.text((110, 120 + number * 38), line, fill=0, font=font)
        page = page.filter(ImageFilter.GaussianBlur(0.7))
        noisy = np.clip(np.asarray(page, dtype=np.float32) + rng.normal(0, 12, (1684, 1190)), 0, 255)
        image = Image.fromarray(noisy.astype(np.uint8)).convert("RGB")
        got, wall, cpu, _confidence = _read(image)
        right = matched(text, got)
        rows.append({
            "sample": path.name[:12], "truth_chars": len(text), "out_chars": len(_visible(got)),
            "right": right, "recall": round(right / len(text), 4),
            "precision": round(right / max(1, len(_visible(got))), 4), "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2), "right_per_s_cpu": round(right / cpu, 1),
        })
        print("print-out", json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return {"rows": rows}


def startup_and_size() -> dict:  # type: ignore[type-arg]
    code = (
        "import sys, time; t = time.perf_counter(); import core.readers, core.importer;"
        "print(round(time.perf_counter() - t, 3), [m for m in ('onnxruntime', 'numpy', 'PIL') if m in sys.modules])"
    )
    readers = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    code_engine = (
        "import time; t = time.perf_counter(); from core.readers import ocr; ocr.engine();"
        "print(round(time.perf_counter() - t, 3))"
    )
    engine = subprocess.run([sys.executable, "-c", code_engine], capture_output=True, text=True, cwd=ROOT, check=False)
    import importlib.util

    sizes = {}
    for package in ("onnxruntime", "numpy", "PIL", "rapidocr_onnxruntime", "cv2"):
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = Path(next(iter(spec.submodule_search_locations)))
        total = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        libs = folder.parent / f"{folder.name}.libs"
        if not libs.is_dir():
            libs = next(iter(folder.parent.glob(f"{package.replace('cv2', 'opencv_python')}*.libs")), libs)
        if libs.is_dir():
            total += sum(f.stat().st_size for f in libs.rglob("*") if f.is_file())
        sizes[package] = round(total / 1048576, 1)
    from core.readers import ocr

    models = ocr.model_dir()
    model_mb = None
    if models is not None:
        model_mb = round(sum((models / n).stat().st_size for n in (ocr._DET_MODEL, ocr._REC_MODEL)) / 1048576, 1)
    return {
        "import core.readers+core.importer": readers.stdout.strip(),
        "engine first use (new process)": engine.stdout.strip() or engine.stderr[-300:],
        "installed MB": sizes, "models MB (det+rec)": model_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default="default", help="default | all")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--print-outs-only", action="store_true")
    args = parser.parse_args()
    if args.print_outs_only:
        print(json.dumps(print_outs(), ensure_ascii=False))
        return
    configs = list(CONFIGS) if args.configs == "all" else ["default"]
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {os.cpu_count()} cores", flush=True)
    result = {
        "load": load, "startup": startup_and_size(), "print_outs": print_outs(), "real_scans": real_scans(configs),
    }
    print(json.dumps(result["startup"], ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
