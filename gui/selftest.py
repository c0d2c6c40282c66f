"""Headless end-to-end self-test (`--self-test`): samples → import → search → extract → export → window."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Sample files the checks below rely on (resources/samples/, fictional agencies).
DOCX_SAMPLE = "青禾市云溪区司法局2024年法治政府建设年度报告.docx"
MISSING_PART2_SAMPLE = "青禾市云溪区市场监督管理局2024年法治政府建设年度报告.txt"
LATE_SAMPLE = "青禾市云溪区人力资源和社会保障局2023年法治政府建设年度报告.txt"
SEARCH_QUERY = "行政复议"
WINDOW_TIMEOUT_S = 20.0
POOL_FILES = 8


class SelfTestFailure(Exception):
    """A check did not hold; the message says which (Chinese / English)."""


def _ensure(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


class _Runner:
    def __init__(self, log_path: Path | None) -> None:
        self.failures = 0
        self.lines: list[str] = []
        self.log_path = log_path

    def emit(self, line: str) -> None:
        self.lines.append(line)
        if sys.stdout is not None:  # a windowed Windows build has no console
            try:
                print(line, flush=True)
            except (OSError, UnicodeError):
                pass

    def step(self, title: str, fn: Callable[[], str]) -> bool:
        start = time.perf_counter()
        try:
            detail = fn()
        except SelfTestFailure as error:
            self.failures += 1
            self.emit(f"FAIL {title}: {error}")
            return False
        except Exception as error:  # the self-test reports every failure, expected or not
            self.failures += 1
            self.emit(f"FAIL {title}: {type(error).__name__}: {error}")
            for line in traceback.format_exc().rstrip().splitlines():
                self.emit(f"     {line}")
            return False
        took = time.perf_counter() - start
        self.emit(f"OK   {title}: {detail} ({took:.2f} s)")
        return True

    def save(self) -> None:
        if self.log_path is None:
            return
        try:
            self.log_path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        except OSError:
            pass


def _reconfigure_stdout() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (OSError, ValueError):
                pass


def _real_log_path() -> Path | None:
    try:
        from core import paths

        return paths.log_dir() / "selftest.log"
    except Exception:
        return None


def run() -> int:
    """Run every check once; print one line per step; 0 when all passed, 1 otherwise.

    Call before any QApplication exists: sets QT_QPA_PLATFORM=offscreen when unset. Works in a
    temporary REPORT_ARCHIVE_HOME so it never touches the user's archive, settings or caches; the
    report is also written to `<user data>/logs/selftest.log` (a windowed build has no console).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _reconfigure_stdout()
    runner = _Runner(_real_log_path())
    started = time.perf_counter()
    from core import __version__

    runner.emit(f"报告档案 self-test {__version__} (Python {sys.version.split()[0]}, {sys.platform})")
    old_home = os.environ.get("REPORT_ARCHIVE_HOME")
    # Windows cannot delete files a late-closing worker still holds: never fail on cleanup.
    with tempfile.TemporaryDirectory(prefix="report-archive-selftest-", ignore_cleanup_errors=True) as tmp:
        home = Path(tmp) / "用户 数据"  # a Chinese folder name with a space, as on real office PCs
        home.mkdir()
        os.environ["REPORT_ARCHIVE_HOME"] = str(home)
        try:
            _run_steps(runner, home)
        except Exception as error:  # a failure outside any step still ends in a verdict and exit 1
            runner.failures += 1
            runner.emit(f"FAIL 自检中断 / aborted: {type(error).__name__}: {error}")
        finally:
            if old_home is None:
                os.environ.pop("REPORT_ARCHIVE_HOME", None)
            else:
                os.environ["REPORT_ARCHIVE_HOME"] = old_home
    verdict = "PASSED 通过" if runner.failures == 0 else f"FAILED 失败 ({runner.failures})"
    runner.emit(f"self-test {verdict} in {time.perf_counter() - started:.1f} s")
    runner.save()
    return 0 if runner.failures == 0 else 1


def _run_steps(runner: _Runner, home: Path) -> None:
    from core import paths

    state: dict[str, Any] = {}
    samples = paths.resource("samples")

    def resources() -> str:
        files = sorted(p for p in samples.iterdir() if p.is_file()) if samples.is_dir() else []
        _ensure(len(files) >= 5, f"示例报告缺失 / bundled samples missing in {samples}")
        names = {p.name for p in files}
        for needed in (DOCX_SAMPLE, MISSING_PART2_SAMPLE, LATE_SAMPLE):
            _ensure(needed in names, f"缺少示例 / sample missing: {needed}")
        state["samples"] = files
        return f"{len(files)} samples in {samples}"

    def open_archive() -> str:
        from core import Archive

        path = home / "自检 档案.sqlite"
        state["archive"] = Archive.open(path)
        _ensure(path.exists(), "档案未创建 / archive file not created")
        return str(path)

    def import_samples() -> str:
        from core.models import Outcome

        archive = state["archive"]
        calls: list[int] = []
        report = archive.import_paths([samples], progress=lambda done, _total, _msg: calls.append(done))
        failed = [f"{Path(item.path).name}: {item.reason}" for item in report.items if item.outcome == Outcome.FAILED]
        _ensure(not failed, "导入失败 / import failed: " + "; ".join(failed))
        imported = report.count(Outcome.IMPORTED)
        _ensure(imported >= 5, f"只导入了 {imported} 份 / only {imported} imported")
        _ensure(archive.count() == imported, f"count {archive.count()} != imported {imported}")
        state["count"] = imported
        return f"{imported} imported, {report.count(Outcome.DUPLICATE)} duplicate, {len(calls)} progress calls"

    def pool_import() -> str:
        # A big folder is analysed in spawned worker processes: in a frozen build these re-run the
        # executable, which must turn them into workers (multiprocessing.freeze_support).
        from core import Archive
        from core.models import Outcome

        folder = home / "多进程 导入"
        folder.mkdir()
        texts = [p.read_text(encoding="utf-8") for p in state["samples"] if p.suffix == ".txt"]
        for i in range(POOL_FILES):
            (folder / f"副本 {i}.txt").write_text(texts[i % len(texts)] + f"\n（副本{i}）\n", encoding="utf-8")
        with Archive.open(home / "多进程.sqlite") as second:
            report = second.import_paths([folder], workers=2)
            imported = report.count(Outcome.IMPORTED)
            _ensure(imported == POOL_FILES, f"只导入了 {imported} 份 / pool import: {imported} of {POOL_FILES}")
        return f"{imported} files through 2 worker processes"

    def search() -> str:
        archive = state["archive"]
        hits = archive.search(SEARCH_QUERY, limit=20)
        _ensure(len(hits) >= 3, f"检索“{SEARCH_QUERY}”只命中 {len(hits)} 份 / too few hits")
        _ensure(all(SEARCH_QUERY in hit.snippet for hit in hits[:3]), "摘要不含检索词 / snippet lacks the query")
        missing = archive.search("不存在的检索词组合甲乙丙", limit=5)
        _ensure(not missing, "无关检索词也有命中 / nonsense query matched")
        return f"'{SEARCH_QUERY}' → {len(hits)} hits, best: {hits[0].title}"

    def extract() -> str:
        from core.extract import extract_file

        result = extract_file(samples / DOCX_SAMPLE)
        _ensure(result.get("doc_type") == "法治政府建设年度报告", f"文种识别错误 / doc_type {result.get('doc_type')}")
        _ensure(result.get("report_year") == 2024, f"年度识别错误 / report_year {result.get('report_year')}")
        indicators = result.get("indicators") or []
        _ensure(len(indicators) >= 5, f"指标太少 / only {len(indicators)} figures")
        gap = extract_file(samples / MISSING_PART2_SAMPLE)
        _ensure(2 in gap["structure"]["missing"], f"未发现缺少第二部分 / missing {gap['structure']['missing']}")
        late = extract_file(samples / LATE_SAMPLE)
        _ensure(late["structure"]["late"] is True, f"未标记逾期公开 / late {late['structure']['late']}")
        return f"{len(indicators)} figures, missing part 2 and late flag found"

    def tags() -> str:
        archive = state["archive"]
        ids = archive.list_ids()
        suggested = archive.suggest_tags(ids[0], n=5)  # exercises jieba and its bundled dictionary
        _ensure(bool(suggested), "没有标签建议 / no tag suggestions")
        archive.tag_documents(ids[:2], ["自检"])
        tagged = archive.list_ids(tags_all=("自检",))
        _ensure(sorted(tagged) == sorted(ids[:2]), "标签筛选错误 / tag filter wrong")
        return "suggested: " + "、".join(suggested)

    def export() -> str:
        from openpyxl import load_workbook

        from core.export import export_xlsx

        archive = state["archive"]
        out = home / "导出 结果.xlsx"
        export_xlsx(archive, out, archive.list_ids())
        workbook = load_workbook(out, read_only=True)
        try:
            names = workbook.sheetnames
            _ensure("报告" in names and "指标明细" in names, f"缺少工作表 / sheets {names}")
            reports = list(workbook["报告"].iter_rows(values_only=True))
            facts = list(workbook["指标明细"].iter_rows(values_only=True))
        finally:
            workbook.close()
        _ensure(len(reports) == state["count"] + 1, f"报告表行数 {len(reports)} / rows")
        _ensure(len(facts) > state["count"], f"指标明细行数 {len(facts)} / rows")
        return f"{out.name}: {len(reports) - 1} reports, {len(facts) - 1} figures"

    def backup() -> str:
        from core.backups import list_backups, rotate_backups

        archive = state["archive"]
        made = rotate_backups(archive.path)
        if made is None or not made.exists():
            raise SelfTestFailure("备份未生成 / no backup made")
        _ensure(list_backups(archive.path) == [made], "备份列表错误 / backup list wrong")
        return made.name

    def region_table() -> str:
        from core import regions

        _ensure(regions.table_ready(), "行政区划表未找到 / region table missing")
        found = regions.find_regions("广东省深圳市南山区人民政府")
        names = [regions.full_name(code) for mention in found for code in mention.codes]
        _ensure("广东省深圳市南山区" in names, f"行政区划识别错误 / regions {names}")
        return "广东省深圳市南山区"

    def check() -> str:
        problems = state["archive"].check()
        _ensure(not problems, "档案检查发现问题 / check: " + "; ".join(problems))
        return "integrity ok"

    def jieba_cache() -> str:
        program_dir = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
        jieba = sys.modules.get("jieba")
        if jieba is None:
            return "jieba not loaded"
        tmp_dir = getattr(jieba.dt, "tmp_dir", None)
        cache_file = getattr(jieba.dt, "cache_file", None)
        _ensure(tmp_dir is not None or cache_file is not None, "结巴缓存目录未设置 / jieba cache dir not set")
        where = Path(tmp_dir).resolve() if tmp_dir else Path(str(cache_file)).parent.resolve()
        _ensure(program_dir.resolve() not in (where, *where.parents), f"缓存写在程序目录 / cache in {where}")
        return f"cache in {where}"

    def read_ofd() -> str:
        from core.readers import read_bytes

        text = read_bytes(_sample_ofd(), "自检.ofd").text
        _ensure(text.split("\n") == list(OFD_LINES), f"OFD 读取错误 / OFD text {text!r}")
        return f"{len(OFD_LINES)} lines from 2 pages"

    def ocr_picture() -> str:
        import io

        from PIL import Image, ImageDraw, ImageFont

        from core.readers import ocr, read_bytes

        _ensure(ocr.available(), "未找到文字识别组件 / OCR models or onnxruntime missing")
        image = Image.new("RGB", (900, 200), "white")
        ImageDraw.Draw(image).text((60, 70), OCR_TEXT, fill="black", font=ImageFont.load_default(size=40))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        try:
            result = read_bytes(buffer.getvalue(), "自检.png")
        except Exception as error:
            raise SelfTestFailure(f"{error} / {ocr.problem()}") from error
        _ensure(result.ocr_pages == 1 and "4518" in result.text, f"文字识别错误 / OCR text {result.text!r}")
        return f"{result.text!r}, confidence {min(result.ocr_confidence):.2f}"

    def window() -> str:
        return _window_check(state["archive_path"], state["count"])

    steps: list[tuple[str, Callable[[], str]]] = [
        ("示例报告 / bundled samples", resources),
        ("新建档案 / create archive", open_archive),
        ("导入示例 / import samples", import_samples),
        ("多进程导入 / worker processes", pool_import),
        ("全文检索 / search", search),
        ("信息提取 / extract", extract),
        ("标签 / tags", tags),
        ("导出Excel / export xlsx", export),
        ("自动备份 / backup", backup),
        ("行政区划表 / region table", region_table),
        ("完整性检查 / integrity check", check),
        ("结巴缓存 / jieba cache", jieba_cache),
        ("读取OFD / read OFD", read_ofd),
        ("文字识别 / OCR a picture", ocr_picture),
    ]
    for title, fn in steps:
        if not runner.step(title, fn) and "archive" not in state:
            break  # nothing further can work without an archive
    archive = state.pop("archive", None)
    if archive is not None:
        state["archive_path"] = archive.path
        archive.close()  # the window opens its own connections (one per worker thread)
        runner.step("主窗口 / main window", window)


OFD_LINES = ("青禾市司法局文件", "全年办理行政复议案件45件。", "第二页正文。")
OCR_TEXT = "Report 2024 No 4518"


def _sample_ofd() -> bytes:
    """A two-page OFD package (GB/T 33190 structure) made here: the frozen build's lxml/zip path."""
    import io
    import zipfile

    ns = "http://www.ofdspec.org/2016"

    def page(lines: list[str]) -> str:
        objects = "".join(
            f'<ofd:TextObject ID="{i + 1}" Font="1" Size="5" Boundary="25 {40 + 10 * i} 150 6">'
            f'<ofd:TextCode X="0" Y="5" DeltaX="g {len(line) - 1} 5">{line}</ofd:TextCode></ofd:TextObject>'
            for i, line in enumerate(lines)
        )
        return f'<ofd:Page xmlns:ofd="{ns}"><ofd:Content><ofd:Layer ID="9">{objects}</ofd:Layer></ofd:Content></ofd:Page>'

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", f'<ofd:OFD xmlns:ofd="{ns}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
                                    "</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        package.writestr("Doc_0/Document.xml", f'<ofd:Document xmlns:ofd="{ns}"><ofd:Pages>'
                                               '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
                                               '<ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/>'
                                               "</ofd:Pages></ofd:Document>")
        package.writestr("Doc_0/Pages/Page_0/Content.xml", page(list(OFD_LINES[:2])))
        package.writestr("Doc_0/Pages/Page_1/Content.xml", page(list(OFD_LINES[2:])))
    return buffer.getvalue()


def _window_check(archive_path: Path, expected_rows: int) -> str:
    from PySide6.QtCore import QAbstractItemModel, QEventLoop
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "report-archive", "--self-test"])
    window = MainWindow(archive_path=archive_path)
    try:
        window.show()
        table = window.findChild(QAbstractItemView, "archiveTable")
        _ensure(table is not None, "找不到文档表 / archiveTable not found")
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        rows = -1
        while time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            model: QAbstractItemModel | None = table.model() if table is not None else None
            rows = model.rowCount() if model is not None else -1
            if rows == expected_rows:
                break
            time.sleep(0.02)
        _ensure(rows == expected_rows, f"文档表显示 {rows} 行，应为 {expected_rows} / table rows")
        return f"{rows} rows in archiveTable (platform {QGuiApplication.platformName()})"
    finally:
        window.close()
        window.deleteLater()
        for _ in range(20):
            app.processEvents()
