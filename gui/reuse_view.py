"""重复率 in the window: the table's filter and sort, the background computation, the viewer's 重复 tab."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from core import reuse
from core.reuse_model import ReuseResult

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Document
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)

REUSED_SAME = QColor("#e6dcfa")  # a passage that also stands, unchanged, in an earlier document
REUSED_CHANGED = QColor("#fbe3c9")  # the same passage with figures or a few characters changed
HIGH_SHARE = 0.5  # from here the table shows the share in red
PASSAGE_ROLE = Qt.ItemDataRole.UserRole + 1
# The table filter: (label, minimum share or None for all).
FILTERS: tuple[tuple[str, float | None], ...] = (
    ("重复率：全部", None),
    ("重复率 ≥ 10%", 0.10),
    ("重复率 ≥ 30%", 0.30),
    ("重复率 ≥ 50%", 0.50),
    ("重复率 ≥ 80%", 0.80),
)


def source_documents(archive: Archive, result: ReuseResult | None) -> dict[int, Document]:
    """The rows of a reuse result's source documents (for their titles), read where the result was."""
    ids = [s.doc_id for s in result.sources] if result is not None else []
    return {d.id: d for d in archive.get_documents(ids)} if ids else {}


def tr(text: str) -> str:
    return QCoreApplication.translate("reuse", text)


# ---------------------------------------------------------------------------------------------- table


def shares(archive: Archive, ids: Sequence[int]) -> dict[int, tuple[float, int | None]]:
    """Stored (share, main source) for a page of rows (one indexed read: fine on the GUI thread)."""
    try:
        return reuse.shares(archive.connection, ids)
    except Exception as exc:  # an old archive opened read-only has no reuse tables
        log.debug("reuse shares unavailable: %s", exc)
        return {}


def share_text(share: float | None) -> str:
    return "" if share is None else reuse.percent(share)


def sort_ids(archive: Archive, ids: list[int], descending: bool) -> list[int]:
    """Sort by 重复率 (reader thread); documents not computed yet go last."""
    found = shares(archive, ids)
    missing = -1.0 if descending else 2.0
    return sorted(ids, key=lambda i: (found[i][0] if i in found else missing, i), reverse=descending)


def filter_ids(archive: Archive, ids: list[int], minimum: float | None) -> list[int]:
    """Only documents whose 重复率 is at least `minimum` (reader thread); None keeps all."""
    if minimum is None:
        return ids
    found = shares(archive, ids)
    return [i for i in ids if i in found and found[i][0] >= minimum - 1e-9]


class ReuseController(QObject):
    """Owns the 重复率 filter box on the main toolbar and keeps the stored results complete.

    After an archive opens and after every import it computes the missing results on the writer
    worker (in batches, cancellable), then repaints the table.
    """

    resultsUpdated = Signal(int)  # how many results were computed (once nothing is left to compute)
    BATCH = 40  # results per writer job: other writes (tags, trash) wait at most one batch

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.minimum: float | None = None
        self._running = False
        self._again = False
        self.box = QComboBox(window)
        self.box.setObjectName("reuseFilter")
        self.box.setToolTip(tr("按重复率筛选：文字也出现在更早文档中的比例（同一机关往年的优先，通用套话不计）"))
        for label, _minimum in FILTERS:
            self.box.addItem(tr(label))
        self.box.currentIndexChanged.connect(self._filter_changed)
        toolbar = getattr(window, "toolbar", None)
        if toolbar is not None:
            before = next((a for a in toolbar.actions() if toolbar.widgetForAction(a) is window.search_box), None)
            if before is not None:
                toolbar.insertWidget(before, self.box)
            else:
                toolbar.addWidget(self.box)
        window.importFinished.connect(lambda _report: self.schedule())
        window.writeFinished.connect(self._after_write)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(1500)
        self._timer.timeout.connect(self.update_results)
        self.schedule()

    def _filter_changed(self, index: int) -> None:
        self.minimum = FILTERS[index][1] if 0 <= index < len(FILTERS) else None
        self.window_.refresh()

    def set_minimum(self, minimum: float | None) -> None:
        for n, (_label, value) in enumerate(FILTERS):
            if value == minimum:
                self.box.setCurrentIndex(n)
                return

    def _after_write(self, name: str) -> None:
        if name in ("trash", "restore", "purge", "metadata", "edit"):
            self.schedule()

    def schedule(self) -> None:
        self._timer.start()

    def update_results(self) -> None:
        """Compute the missing results on the writer (after imports, trash, restore)."""
        window = self.window_
        if window.worker is None or window.read_only:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._total = 0
        self._submit_batch()

    def _submit_batch(self) -> None:
        window = self.window_
        batch = self.BATCH

        def job(archive: Archive, _progress: Any, cancel: Any) -> tuple[int, int]:
            done = reuse.refresh(archive, None, cancel, limit=batch)
            return done, len(reuse.pending(archive.connection, 1))

        def finished(result: Any) -> None:
            done, more = result
            self._total += int(done)
            if more and done and window.worker is not None:
                window.statusBar().showMessage(tr("正在计算重复率（已完成 {0} 个文档）…").format(self._total), 3000)
                QTimer.singleShot(0, self._submit_batch)  # a turn of the event loop: other writes go first
                if self._total % (batch * 10) < batch:
                    window.model.invalidate()
                return
            self._running = False
            count = self._total
            if count:
                window.model.invalidate()
                if self.minimum is not None or window.model.order_by()[0] == "@reuse":
                    window.refresh()
                window.statusBar().showMessage(tr("已计算 {0} 个文档的重复率").format(count), 4000)
            self.resultsUpdated.emit(count)
            if self._again:
                self._again = False
                self.schedule()

        def failed(exc: BaseException) -> None:
            self._running = False
            log.warning("computing reuse failed: %s", exc)

        if window.worker is None:
            self._running = False
            return
        try:
            window.worker.submit(job, on_done=finished, on_error=failed, name="reuse")
        except RuntimeError:  # the worker was stopped (archive closing)
            self._running = False


def controller(window: Any) -> ReuseController | None:
    return getattr(window, "reuse_controller", None)


def current_minimum(window: Any) -> float | None:
    found = controller(window)
    return None if found is None else found.minimum


# ---------------------------------------------------------------------------------------------- viewer


class ReusePanel(QWidget):
    """The viewer's 重复 tab: the share, the sources, each reused passage (click: go there; 并排对照)."""

    changed = Signal()  # new passages to shade

    def __init__(self, viewer: Any) -> None:
        super().__init__(viewer)
        self.setObjectName("reusePanel")
        self.viewer = viewer
        self.result: ReuseResult | None = None
        self.titles: dict[int, str] = {}
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel(self)
        self.summary.setObjectName("reuseSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self.list = QListWidget(self)
        self.list.setObjectName("reusePassages")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemClicked.connect(self._go_to)
        self.list.itemActivated.connect(self.open_side_by_side)
        layout.addWidget(self.list, 1)
        self.compareButton = QPushButton(tr("与来源并排对照"), self)
        self.compareButton.setObjectName("reuseSideBySide")
        self.compareButton.setEnabled(False)
        self.compareButton.clicked.connect(lambda: self.open_side_by_side(self.list.currentItem()))
        layout.addWidget(self.compareButton)
        legend = QLabel(tr("紫色：与更早文档相同　橙色：数字或个别字有改动　（通用套话不计）"), self)
        legend.setWordWrap(True)
        legend.setStyleSheet("color: palette(dark);")
        layout.addWidget(legend)

    def load(self, doc_id: int, found: ReuseResult | None, sources: dict[int, Document]) -> None:
        """Show the stored result `found` (read with the document on the reader, with its sources' rows); a
        missing one is computed on the writer (the reader for a read-only archive), then shown."""
        self._generation += 1
        generation = self._generation
        self.result = None
        self.list.clear()
        self.compareButton.setEnabled(False)
        if found is not None:
            self._show(found, sources)
            return
        self.summary.setText(tr("正在计算重复率…"))
        worker = self.viewer.window_.worker if not self.viewer.window_.read_only else self.viewer.window_.reader
        if worker is None:
            return
        save = not self.viewer.window_.read_only

        def job(a: Archive, *_: Any) -> tuple[ReuseResult, dict[int, Document]]:
            result = reuse.reuse_of(a, doc_id, save=save)
            return result, source_documents(a, result)

        def done(value: Any) -> None:
            if generation == self._generation and self.viewer.doc_id == doc_id:
                self._show(*value)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.summary.setText(tr("无法计算重复率：{0}").format(exc))

        worker.submit(job, on_done=done, on_error=failed, name="reuse-one")

    def _show(self, result: ReuseResult, docs: dict[int, Document]) -> None:
        self.result = result
        self.titles = {}
        for doc_id in (s.doc_id for s in result.sources):
            doc = docs.get(doc_id)
            year = f"{doc.report_year}年 " if doc is not None and doc.report_year else ""
            self.titles[doc_id] = f"#{doc_id} {year}{doc.title}" if doc is not None else f"#{doc_id}"
        if not result.sources:
            self.summary.setText(tr("重复率 {0}：没有发现与更早文档重复的段落。").format(reuse.percent(result.reused_share)))
        else:
            main = result.sources[0]
            lines = [tr("重复率 {0}（{1} 段）").format(
                reuse.percent(result.reused_share), sum(len(s.passages) for s in result.sources))]
            for source in result.sources[:3]:
                lines.append(tr("来源 {0}：{1}").format(self.titles[source.doc_id], reuse.percent(source.share)))
            if main.same_agency:
                lines.append(tr("主要来源是同一机关的文档"))
            self.summary.setText("\n".join(lines))
        text = self.viewer.text_str
        for passage, source_id in result.passages():
            snippet = text[passage.start : passage.end].replace("\n", " ")
            snippet = snippet if len(snippet) <= 60 else snippet[:60] + "…"
            kind = tr("相同") if passage.kind == "same" else tr("改动")
            label = f"【{kind}】{snippet}\n    ← {self.titles.get(source_id, source_id)}"
            if passage.figures:
                label += "\n    " + tr("数字：") + "；".join(f"{a} → {b}" for a, b in passage.figures)
            item = QListWidgetItem(label, self.list)
            item.setData(PASSAGE_ROLE, (passage.start, passage.end, source_id, passage.source_start,
                                        passage.source_end))
            item.setBackground(QBrush(REUSED_SAME if passage.kind == "same" else REUSED_CHANGED))
            item.setToolTip(tr("单击：定位到这一段；双击：与来源并排对照"))
        self.compareButton.setEnabled(bool(result.sources))
        self.viewer.side.setTabText(self.viewer.side.indexOf(self), tr("重复（{0}）").format(
            reuse.percent(result.reused_share)))
        self.changed.emit()
        self.viewer._highlight()

    def selections(self) -> list[QTextEdit.ExtraSelection]:
        """Shading of the reused passages for the viewer text (under the facts and search hits)."""
        if self.result is None:
            return []
        same, changed = QTextCharFormat(), QTextCharFormat()
        same.setBackground(REUSED_SAME)
        changed.setBackground(REUSED_CHANGED)
        out = []
        for passage, _source in self.result.passages():
            out.append(self.viewer._selection(passage.start, passage.end, same if passage.kind == "same" else changed))
        return out

    def _go_to(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        start, end, *_rest = item.data(PASSAGE_ROLE)
        self.viewer._jump_to(start, end, select=False)
        self.compareButton.setEnabled(True)

    def open_side_by_side(self, item: QListWidgetItem | None = None) -> Any:
        """Both documents side by side (the compare window), scrolled to this passage on both sides."""
        if self.result is None or not self.result.sources:
            return None
        if item is None or item.data(PASSAGE_ROLE) is None:
            item = self.list.item(0)
        start, end, source_id, source_start, source_end = item.data(PASSAGE_ROLE)
        from gui.reuse_compare import open_at_passage

        return open_at_passage(self.viewer.window_, self.viewer.doc_id, (start, end), source_id,
                               (source_start, source_end))
