"""Offline OCR of scans: PP-OCRv4 Chinese detection + recognition models run by onnxruntime.

The models are the ones the `rapidocr-onnxruntime` wheel ships (Apache-2.0, ~15 MB, nothing is
downloaded at run time). Its own Python pipeline is not used: it needs OpenCV (opencv-python brings
~190 MB of Qt 5 and FFmpeg libraries into an installer that must stay small), and office scans are
upright horizontal text, for which this pipeline needs only numpy and Pillow:

- detection (DB): the page scaled so its longer side is at most `det_limit` pixels (multiple of 32),
  probability map > 0.3, connected regions (run-length union-find), each kept when its mean
  probability is >= 0.5, grown by the DB "unclip" distance (area × 1.6 / perimeter) and mapped back;
- recognition (CRNN/SVTR + CTC): each region cropped from the full-resolution page, scaled to 48 px
  high, batched by width, greedy CTC decoding; a line's confidence is the mean of its characters' best
  probabilities;
- layout: lines ordered top to bottom (rows by vertical overlap), left to right, a wide gap becomes a
  tab (table cells), paragraphs re-joined as for PDF text.

Everything heavy (onnxruntime, numpy, Pillow) is imported on first use: importing core.readers costs
nothing, and an app that never meets a scan never loads the engine. The engine is created once per
process (a worker process keeps it for the next scan).

Running it: `ocr_session(...)` sets, for the readers called inside it (same thread), whether OCR is on,
the page limit per file, a progress callback per page and a cancel check between pages; the defaults
come from the environment (REPORT_ARCHIVE_OCR=0 turns it off, REPORT_ARCHIVE_OCR_MAX_PAGES=N), so
import worker processes (spawned with the parent's environment) follow the settings too.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import logging
import math
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import OcrCancelled, ReadError

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 50
RENDER_SCALE = 2.0  # PDF pages: 144 dpi; text of 10.5 pt is then ~20 px high
DET_LIMIT = 1600  # longer side of the image the detector sees (multiple of 32 after scaling)
MAX_IMAGE_SIDE = 4000  # larger pictures are scaled down first (memory, time)
SECONDS_PER_PAGE_BUDGET = 90  # what an import's per-file time limit should add per OCR'd page

OCR_NOTE = "本文由文字识别（OCR）得到"  # core.readers.flags.OCR: every OCR warning starts with it
MISSING = "这是扫描件（没有文字层），本程序未安装文字识别（OCR）组件，无法提取文字"
DISABLED = "这是扫描件（没有文字层）；文字识别（OCR）已在设置中关闭，未提取文字"
CANCELLED = "导入已取消"

_BATCH = 6
_REC_HEIGHT = 48


@dataclass(slots=True)
class OcrLine:
    text: str
    confidence: float  # 0..1, mean of the characters' probabilities
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the page image's pixels


@dataclass(slots=True)
class OcrPage:
    lines: list[OcrLine] = field(default_factory=list)


@dataclass(slots=True)
class OcrProgress:
    """What an OCR run reports after planning and after each page (for progress and time limits)."""

    planned: int  # pages that will be OCR'd in this file (after the page limit)
    done: int  # pages finished so far
    seconds_budget: int  # planned × SECONDS_PER_PAGE_BUDGET: what a per-file time limit should allow


@dataclass(slots=True)
class _Settings:
    enabled: bool
    max_pages: int
    progress: Callable[[OcrProgress], None] | None = None
    cancelled: Callable[[], bool] | None = None


_LOCAL = threading.local()


def _env_settings() -> _Settings:
    enabled = os.environ.get("REPORT_ARCHIVE_OCR", "1").strip().lower() not in {"0", "off", "no", "false"}
    raw = os.environ.get("REPORT_ARCHIVE_OCR_MAX_PAGES", "").strip()
    max_pages = int(raw) if raw.isdigit() else DEFAULT_MAX_PAGES
    return _Settings(enabled=enabled, max_pages=max_pages)


def settings() -> _Settings:
    current = getattr(_LOCAL, "settings", None)
    return current if isinstance(current, _Settings) else _env_settings()


@contextlib.contextmanager
def ocr_session(
    *,
    enabled: bool | None = None,
    max_pages: int | None = None,
    progress: Callable[[OcrProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[None]:
    """OCR settings for the readers called in this block (this thread): on/off, page limit per file,
    `progress(OcrProgress)` after planning and after every page, `cancelled()` checked between pages
    (True → OcrCancelled). Unset values come from the environment."""
    base = _env_settings()
    previous = getattr(_LOCAL, "settings", None)
    _LOCAL.settings = _Settings(
        enabled=base.enabled if enabled is None else enabled,
        max_pages=base.max_pages if max_pages is None else max(0, max_pages),
        progress=progress,
        cancelled=cancelled,
    )
    try:
        yield
    finally:
        _LOCAL.settings = previous


# --- the engine ---------------------------------------------------------------------------------------


def model_dir() -> Path | None:
    """The folder holding the PP-OCRv4 .onnx models, or None when this installation has none."""
    candidates: list[Path] = []
    override = os.environ.get("REPORT_ARCHIVE_OCR_MODELS")
    if override:
        candidates.append(Path(override))
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "rapidocr_onnxruntime" / "models")
    try:
        spec = importlib.util.find_spec("rapidocr_onnxruntime")  # finds the package without importing it
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates.extend(Path(location) / "models" for location in spec.submodule_search_locations)
    for folder in candidates:
        if (folder / _DET_MODEL).is_file() and (folder / _REC_MODEL).is_file():
            return folder
    return None


_DET_MODEL = "ch_PP-OCRv4_det_infer.onnx"
_REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx"


def available() -> bool:
    """True when the models and onnxruntime/numpy/Pillow are installed (nothing is imported)."""
    if model_dir() is None:
        return False
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "numpy", "PIL"))


def _threads() -> int:
    """onnxruntime threads per engine: 1 by default. The import runs several worker processes that use the
    cores already; 2 threads per engine cost 6.8 CPU s per page against 3.8 for one (BENCHMARKS.md#ocr)."""
    raw = os.environ.get("REPORT_ARCHIVE_OCR_THREADS", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return 1


class _Engine:
    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = _threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        providers = ["CPUExecutionProvider"]
        self.det = ort.InferenceSession(str(folder / _DET_MODEL), options, providers=providers)
        self.rec = ort.InferenceSession(str(folder / _REC_MODEL), options, providers=providers)
        characters = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.characters = ["", *characters, " "]  # index 0 is CTC's blank

    def read(self, image: Any) -> OcrPage:
        """OCR one page (a PIL image)."""
        import numpy as np

        page = np.asarray(image.convert("RGB"))[:, :, ::-1]  # the models were trained on BGR
        boxes = self._detect(image)
        if not boxes:
            return OcrPage()
        crops = []
        for x0, y0, x1, y1 in boxes:
            crops.append(page[int(y0) : math.ceil(y1), int(x0) : math.ceil(x1)])
        lines = []
        for box, (raw, confidence) in zip(boxes, self._recognise(crops), strict=True):
            text = raw.strip()
            if text and confidence >= 0.5:
                lines.append(OcrLine(text, confidence, box))
        return OcrPage(lines)

    def _detect(self, image: Any) -> list[tuple[float, float, float, float]]:
        import numpy as np
        from PIL import Image

        width, height = image.size
        ratio = min(1.0, DET_LIMIT / max(width, height))
        det_w = max(32, round(width * ratio / 32) * 32)
        det_h = max(32, round(height * ratio / 32) * 32)
        scaled = image.convert("RGB").resize((det_w, det_h), Image.Resampling.BILINEAR)
        pixels = np.asarray(scaled, dtype=np.float32)[:, :, ::-1] / 255.0
        tensor = ((pixels - 0.5) / 0.5).transpose(2, 0, 1)[np.newaxis].astype(np.float32)
        probability = self.det.run(None, {self.det.get_inputs()[0].name: tensor})[0][0, 0]
        mask = probability > 0.3
        # DB's 2×2 dilation joins the halves of a character split by a thin gap.
        dilated = mask.copy()
        dilated[1:, :] |= mask[:-1, :]
        dilated[:, 1:] |= mask[:, :-1]
        dilated[1:, 1:] |= mask[:-1, :-1]
        sx, sy = width / det_w, height / det_h
        boxes = []
        for x0, y0, x1, y1, score in _regions(dilated, probability):
            w, h = x1 - x0 + 1, y1 - y0 + 1
            if min(w, h) < 3 or score < 0.5:
                continue
            grow = w * h * 1.6 / (2 * (w + h))  # the DB unclip distance of a w × h box
            bx0 = max(0.0, (x0 - grow) * sx)
            by0 = max(0.0, (y0 - grow) * sy)
            bx1 = min(float(width), (x1 + 1 + grow) * sx)
            by1 = min(float(height), (y1 + 1 + grow) * sy)
            if bx1 - bx0 > 3 and by1 - by0 > 3:
                boxes.append((bx0, by0, bx1, by1))
        return boxes

    def _recognise(self, crops: list[Any]) -> list[tuple[str, float]]:
        import numpy as np
        from PIL import Image

        ratios = [crop.shape[1] / max(1, crop.shape[0]) for crop in crops]
        order = sorted(range(len(crops)), key=lambda index: ratios[index])
        results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        name = self.rec.get_inputs()[0].name
        for start in range(0, len(order), _BATCH):
            batch = order[start : start + _BATCH]
            max_ratio = max(320 / _REC_HEIGHT, *(ratios[index] for index in batch))
            target_w = int(_REC_HEIGHT * max_ratio)
            tensor = np.zeros((len(batch), 3, _REC_HEIGHT, target_w), dtype=np.float32)
            for row, index in enumerate(batch):
                crop = crops[index]
                resized_w = min(target_w, math.ceil(_REC_HEIGHT * ratios[index]))
                picture = Image.fromarray(np.ascontiguousarray(crop)).resize(
                    (max(1, resized_w), _REC_HEIGHT), Image.Resampling.BILINEAR
                )
                pixels = np.asarray(picture, dtype=np.float32).transpose(2, 0, 1) / 255.0
                tensor[row, :, :, : pixels.shape[2]] = (pixels - 0.5) / 0.5
            output = self.rec.run(None, {name: tensor})[0]
            best = output.argmax(axis=2)
            probability = output.max(axis=2)
            for row, index in enumerate(batch):
                results[index] = self._decode(best[row], probability[row])
        return results

    def _decode(self, best: Any, probability: Any) -> tuple[str, float]:
        chars: list[str] = []
        scores: list[float] = []
        previous = -1
        for position, code in enumerate(best.tolist()):
            if code not in (previous, 0) and code < len(self.characters):
                chars.append(self.characters[code])
                scores.append(float(probability[position]))
            previous = code
        return "".join(chars), (sum(scores) / len(scores) if scores else 0.0)


def _regions(mask: Any, probability: Any) -> list[tuple[int, int, int, int, float]]:
    """Connected regions of a boolean mask (8-connected, by runs per row and union-find):
    (x0, y0, x1, y1, mean probability over the region's pixels)."""
    import numpy as np

    parent: list[int] = []

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    runs: list[tuple[int, int, int, int]] = []  # row, start, end (exclusive), label
    previous: list[tuple[int, int, int]] = []  # start, end, label of the row above
    padded = np.zeros(mask.shape[1] + 2, dtype=np.int8)
    for row_index in range(mask.shape[0]):
        row = mask[row_index]
        if not row.any():
            previous = []
            continue
        padded[1:-1] = row
        edges = np.flatnonzero(np.diff(padded))
        starts, ends = edges[0::2], edges[1::2]
        current: list[tuple[int, int, int]] = []
        pointer = 0
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            label = len(parent)
            parent.append(label)
            # Runs of the row above touching this one (8-connected: one pixel diagonal counts).
            while pointer < len(previous) and previous[pointer][1] < start:
                pointer += 1
            scan = pointer
            while scan < len(previous) and previous[scan][0] <= end:
                other = find(previous[scan][2])
                mine = find(label)
                if other != mine:
                    parent[max(other, mine)] = min(other, mine)
                scan += 1
            current.append((start, end, label))
            runs.append((row_index, start, end, label))
        previous = current
    regions: dict[int, list[float]] = {}
    for row_index, start, end, label in runs:
        root = find(label)
        run_sum = float(probability[row_index, start:end].sum())
        entry = regions.get(root)
        if entry is None:
            regions[root] = [start, row_index, end - 1, row_index, run_sum, end - start]
        else:
            entry[0] = min(entry[0], start)
            entry[2] = max(entry[2], end - 1)
            entry[3] = row_index
            entry[4] += run_sum
            entry[5] += end - start
    return [
        (int(x0), int(y0), int(x1), int(y1), total / count)
        for x0, y0, x1, y1, total, count in regions.values()
    ]


_ENGINE_LOCK = threading.Lock()
_ENGINE: list[_Engine] = []
_PROBLEMS: list[str] = []  # why the engine could not start (for the self-test and the log)


def problem() -> str | None:
    """Why OCR cannot run in this installation (English, for logs and the self-test), or None."""
    if model_dir() is None:
        return "the PP-OCRv4 models (rapidocr_onnxruntime/models) were not found"
    if _PROBLEMS:
        return _PROBLEMS[-1]
    return None


def engine() -> _Engine:
    """The process's engine, created on first use; ReadError(MISSING) when this build has none."""
    with _ENGINE_LOCK:
        if not _ENGINE:
            folder = model_dir()
            if folder is None:
                raise ReadError(MISSING)
            try:
                _ENGINE.append(_Engine(folder))
            except ImportError as error:
                _PROBLEMS.append(f"{type(error).__name__}: {error}")
                log.warning("the OCR engine cannot start", exc_info=True)
                raise ReadError(MISSING) from None
        return _ENGINE[0]


# --- pages → text ---------------------------------------------------------------------------------


@dataclass(slots=True)
class OcrResult:
    text_by_page: list[str]  # one text per OCR'd page, in order
    pages: int  # pages (pictures) OCR'd
    lines: list[OcrLine]
    skipped: int  # pages over the page limit, not read

    @property
    def text(self) -> str:
        return "\n".join(part for part in self.text_by_page if part)


def check_enabled() -> None:
    """ReadError with the reason when OCR cannot run here (turned off, or not installed)."""
    if not settings().enabled:
        raise ReadError(DISABLED)
    if not available():
        raise ReadError(MISSING)


def ocr_pages(count: int, render: Callable[[int], Any]) -> OcrResult:
    """OCR `count` pages, `render(i)` giving the i-th as a PIL image, one at a time: the page limit,
    progress after each page and the cancel check between pages as set by ocr_session."""
    check_enabled()
    current = settings()
    planned = min(count, current.max_pages)
    report = current.progress

    def tell(done: int) -> None:
        if report is not None:
            report(OcrProgress(planned, done, planned * SECONDS_PER_PAGE_BUDGET))

    tell(0)
    reader = engine()
    texts: list[str] = []
    lines: list[OcrLine] = []
    for index in range(planned):
        if current.cancelled is not None and current.cancelled():
            raise OcrCancelled(CANCELLED)
        _page_started()
        image = render(index)
        try:
            page = reader.read(_bounded(image))
        finally:
            close = getattr(image, "close", None)
            if close is not None:
                close()
        lines.extend(page.lines)
        texts.append(layout(page.lines))
        tell(index + 1)
    return OcrResult(text_by_page=texts, pages=planned, lines=lines, skipped=count - planned)


def _page_started() -> None:
    """Tell the import's worker pool (core.ingest, when this runs in one of its workers) that a page is
    about to be recognised: the file's time limit grows by its per-OCR-page allowance."""
    from core.ingest import ocr_page_started

    ocr_page_started()


def _bounded(image: Any) -> Any:
    from PIL import Image

    width, height = image.size
    if max(width, height) <= MAX_IMAGE_SIDE:
        return image
    ratio = MAX_IMAGE_SIDE / max(width, height)
    return image.resize((max(1, int(width * ratio)), max(1, int(height * ratio))), Image.Resampling.LANCZOS)


def layout(lines: list[OcrLine]) -> str:
    """A page's recognised lines as text: rows top to bottom (boxes overlapping vertically by half their
    height are one row), left to right; a gap of 2 line heights or more is a tab (a table cell);
    paragraphs broken at the right margin re-joined as for PDF text."""
    from core.readers.pdf import _ALNUM, join_lines

    if not lines:
        return ""
    ordered = sorted(lines, key=lambda line: (line.box[1] + line.box[3]) / 2)
    rows: list[list[OcrLine]] = []
    for line in ordered:
        top, bottom = line.box[1], line.box[3]
        if rows:
            last = rows[-1]
            row_top = min(item.box[1] for item in last)
            row_bottom = max(item.box[3] for item in last)
            overlap = min(bottom, row_bottom) - max(top, row_top)
            if overlap >= 0.5 * min(bottom - top, row_bottom - row_top):
                last.append(line)
                continue
        rows.append([line])
    texts: list[str] = []
    lefts: list[float] = []
    heights: list[float] = []
    for row in rows:
        row.sort(key=lambda line: line.box[0])
        height = sorted(line.box[3] - line.box[1] for line in row)[len(row) // 2]
        parts = [row[0].text]
        for previous, line in itertools.pairwise(row):
            gap = line.box[0] - previous.box[2]
            if gap >= 2 * height:
                parts.append("\t")
            elif _ALNUM.match(previous.text[-1]) and _ALNUM.match(line.text[0]):
                parts.append(" ")
            parts.append(line.text)
        texts.append("".join(parts))
        lefts.append(row[0].box[0])
        heights.append(height)
    # The left margin: the most common left edge (a page header may stick out further left).
    unit = max(1.0, sorted(heights)[len(heights) // 2] / 2)
    buckets: dict[int, int] = {}
    for left in lefts:
        buckets[round(left / unit)] = buckets.get(round(left / unit), 0) + 1
    top = max(buckets.values())
    margin = min(bucket for bucket, count in buckets.items() if count == top) * unit
    indented = [left - margin >= 0.9 * height for left, height in zip(lefts, heights, strict=True)]
    return "\n".join(join_lines(texts, indented))


def note(result: OcrResult, what: str = "") -> list[str]:
    """The warnings of an OCR'd file: the OCR flag with page count and confidence, and pages left out."""
    if not result.lines:
        return []
    mean = sum(line.confidence for line in result.lines) / len(result.lines)
    low = sum(1 for line in result.lines if line.confidence < 0.8)
    where = f"{what}，" if what else ""
    out = [
        f"{OCR_NOTE}（{where}{result.pages} 页，平均置信度 {mean:.0%}"
        + (f"，{low} 行低于 80%" if low else "")
        + "），可能有识别错误，请对照原件核对"
    ]
    if result.skipped:
        out.append(f"扫描页较多：只识别了前 {result.pages} 页，其余 {result.skipped} 页没有读入（可在设置中调整页数上限）")
    return out
