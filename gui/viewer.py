"""Document viewer (`documentViewer`): text with outline, highlighted hits and facts, metadata, tags, facts."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QHelpEvent,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import domain
from gui.errors import show_error
from gui.models import PART_NAMES, part_name
from gui.table import copy_text, view_to_tsv
from gui.ui import FlowLayout, inform
from gui.viewer_facts import STATUS_NAMES, FactPanel
from gui.viewer_read import LoadedDocument, read_document, write_original
from gui.viewer_text import HUGE_LINE, OffsetMap, format_value, parse_value_unit, wrap_mode_for

if TYPE_CHECKING:
    from core.archive import Archive
    from core.models import Analysis, Document, Fact
    from gui.hosts import ViewerHost
    from gui.worker import Worker

log = logging.getLogger(__name__)

__all__ = [
    "HUGE_LINE",
    "STATUS_NAMES",
    "DocumentViewer",
    "OffsetMap",
    "format_value",
    "parse_value_unit",
    "wrap_mode_for",
]

FACT_BG = QColor("#fff2a8")
FACT_CONFIRMED_BG = QColor("#d6f0d0")
HIT_BG = QColor("#ffc27a")
FIND_BG = QColor("#b8e0ff")
FIND_CURRENT_BG = QColor("#1e88e5")


class DocumentViewer(FactPanel):
    """One document at a time; writes go through the window (undoable metadata/tags, worker for facts)."""

    loaded = Signal(int)  # a document shows (after load or reload)
    loadFailed = Signal(int, object)  # doc id, the exception: a document could not be read
    originalOpened = Signal(str)  # the path the original was written to

    def __init__(self, window: ViewerHost, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window if isinstance(window, QWidget) else None)
        self.setObjectName("documentViewer")
        self.window_ = window
        self.doc_id: int | None = None
        self.doc: Document | None = None
        self.analysis: Analysis | None = None
        self.text_str = ""
        self.facts: list[Fact] = []
        self.query = ""
        self._offsets = OffsetMap("")
        self._find_spans: list[tuple[int, int]] = []
        self._find_index = -1
        self._suggester: Worker | None = None
        self._suggest_generation = 0
        self._load_generation = 0
        self._warnings: list[str] = []

        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("viewerTitle")
        font = self.titleLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.titleLabel.setFont(font)
        self.titleLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long title must not widen the window past a 1366-pixel screen: it may shrink (tooltip keeps it whole).
        self.titleLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head.addWidget(self.titleLabel, 1)
        self.openOriginalButton = QPushButton(self.tr("打开原文件"), self)
        self.openOriginalButton.clicked.connect(self.open_original)
        self.previousYearButton = QPushButton(self.tr("与上一年度对比"), self)
        self.previousYearButton.setObjectName("previousYearButton")
        self.previousYearButton.clicked.connect(
            lambda: self.window_.open_previous_year(self.doc_id) if self.doc_id is not None else None
        )
        self.printButton = QPushButton(self.tr("打印…"), self)
        self.printButton.clicked.connect(self.print_interactive)
        self.pdfButton = QPushButton(self.tr("另存为 PDF…"), self)
        self.pdfButton.clicked.connect(self.save_pdf_interactive)
        self.findButton = QPushButton(self.tr("查找"), self)
        self.findButton.clicked.connect(self.show_find)
        for b in (self.findButton, self.previousYearButton, self.openOriginalButton, self.printButton, self.pdfButton):
            head.addWidget(b)
        root.addLayout(head)
        self.infoLabel = QLabel(self)
        self.infoLabel.setObjectName("viewerInfo")
        self.infoLabel.setStyleSheet("color: palette(dark);")
        self.infoLabel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        root.addWidget(self.infoLabel)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("viewerSplitter")
        self.outline = QTreeWidget(self.splitter)
        self.outline.setObjectName("viewerOutline")
        self.outline.setHeaderLabel(self.tr("目录"))
        self.outline.itemActivated.connect(self._jump_to_section)
        self.outline.itemClicked.connect(self._jump_to_section)

        center = QWidget(self.splitter)
        cl = QVBoxLayout(center)
        cl.setContentsMargins(0, 0, 0, 0)
        self.text = QPlainTextEdit(center)
        self.text.setObjectName("viewerText")
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        text_font = self.text.font()
        text_font.setPointSizeF(text_font.pointSizeF() * 1.15)
        self.text.setFont(text_font)
        self.text.viewport().installEventFilter(self)
        self.text.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.text.customContextMenuRequested.connect(self._text_menu)
        cl.addWidget(self.text, 1)

        self.findBar = QWidget(center)
        fl = QHBoxLayout(self.findBar)
        fl.setContentsMargins(0, 2, 0, 2)
        fl.addWidget(QLabel(self.tr("查找："), self.findBar))
        self.findEdit = QLineEdit(self.findBar)
        self.findEdit.setObjectName("viewerFind")
        self.findEdit.setPlaceholderText(self.tr("在本文件中查找"))
        self.findEdit.setClearButtonEnabled(True)
        fl.addWidget(self.findEdit, 1)
        prev_button = QToolButton(self.findBar)
        prev_button.setText(self.tr("上一个"))
        next_button = QToolButton(self.findBar)
        next_button.setText(self.tr("下一个"))
        self.findCount = QLabel(self.findBar)
        close_find = QToolButton(self.findBar)
        close_find.setText("×")
        close_find.setToolTip(self.tr("关闭查找栏（Esc）"))
        for w in (prev_button, next_button, self.findCount, close_find):
            fl.addWidget(w)
        cl.addWidget(self.findBar)
        self.findBar.hide()
        self._find_timer = QTimer(self)
        self._find_timer.setSingleShot(True)
        self._find_timer.setInterval(150)
        self._find_timer.timeout.connect(self._run_find)
        self.findEdit.textChanged.connect(lambda _t: self._find_timer.start())
        self.findEdit.returnPressed.connect(self.find_next)
        next_button.clicked.connect(self.find_next)
        prev_button.clicked.connect(self.find_previous)
        close_find.clicked.connect(self.hide_find)
        QShortcut(QKeySequence.StandardKey.FindNext, self, self.find_next)
        QShortcut(QKeySequence.StandardKey.FindPrevious, self, self.find_previous)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.findBar, self.hide_find)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.side = QTabWidget(self.splitter)
        self.side.setObjectName("viewerSide")
        info_scroll = QScrollArea(self.side)
        info_scroll.setWidgetResizable(True)
        info_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # the pane follows the splitter's width: fields shrink (and elide) rather than scroll sideways
        info_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        info_scroll.setWidget(self._build_info_tab())
        self.side.addTab(info_scroll, self.tr("信息"))
        self.side.addTab(self._build_facts_tab(), self.tr("指标"))
        from gui.reuse_view import ReusePanel

        self.reuse_panel = ReusePanel(self)
        self.side.addTab(self.reuse_panel, self.tr("重复"))
        self.splitter.addWidget(self.outline)
        self.splitter.addWidget(center)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([220, 640, 380])
        root.addWidget(self.splitter, 1)

    # ------------------------------------------------------------------ construction helpers
    def _build_info_tab(self) -> QWidget:
        from core.models import DOC_TYPES

        page = QWidget(self)
        layout = QVBoxLayout(page)
        meta = QGroupBox(self.tr("文档信息"), page)
        form = QFormLayout(meta)
        self.metaEdits: dict[str, QLineEdit | QComboBox] = {}
        for key, label in (
            ("title", self.tr("标题")),
            ("agency", self.tr("发布机关")),
            ("region", self.tr("地区")),
            ("report_year", self.tr("年度")),
            ("period", self.tr("期间")),
            ("publish_date", self.tr("发布日期")),
            ("doc_type", self.tr("类型")),
        ):
            edit: QLineEdit | QComboBox
            if key == "doc_type":
                edit = QComboBox(meta)
                edit.addItems(list(DOC_TYPES))
                # as wide as the pane allows, not as wide as the longest type name
                edit.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                edit.setMinimumContentsLength(6)
            else:
                edit = QLineEdit(meta)
                if key == "publish_date":
                    edit.setPlaceholderText("YYYY-MM-DD")
            edit.setObjectName(f"meta_{key}")
            self.metaEdits[key] = edit
            form.addRow(label, edit)
        self.saveMetaButton = QPushButton(self.tr("保存信息"), meta)
        self.saveMetaButton.setObjectName("saveMetadataButton")
        self.saveMetaButton.clicked.connect(self.save_metadata)
        self.metaError = QLabel(meta)
        self.metaError.setStyleSheet("color: #b3261e;")
        form.addRow(self.metaError, self.saveMetaButton)
        layout.addWidget(meta)

        structure = QGroupBox(self.tr("结构检查"), page)
        sl = QVBoxLayout(structure)
        self.structureLabel = QLabel(structure)
        self.structureLabel.setObjectName("structureLabel")
        self.structureLabel.setWordWrap(True)
        self.structureLabel.setTextFormat(Qt.TextFormat.RichText)
        sl.addWidget(self.structureLabel)
        layout.addWidget(structure)

        tags = QGroupBox(self.tr("标签"), page)
        tl = QVBoxLayout(tags)
        self.tagList = QListWidget(tags)
        self.tagList.setObjectName("viewerTags")
        self.tagList.setMaximumHeight(90)
        self.tagList.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tl.addWidget(self.tagList)
        row = QHBoxLayout()
        self.tagEdit = QLineEdit(tags)
        self.tagEdit.setObjectName("viewerTagEdit")
        self.tagEdit.setPlaceholderText(self.tr("输入标签后回车"))
        self.tagCompleter = QCompleter([], self.tagEdit)
        self.tagCompleter.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tagEdit.setCompleter(self.tagCompleter)
        self.tagEdit.returnPressed.connect(self._add_tag_from_edit)
        add = QPushButton(self.tr("添加"), tags)
        add.clicked.connect(self._add_tag_from_edit)
        remove = QPushButton(self.tr("去掉所选"), tags)
        remove.clicked.connect(self._remove_selected_tags)
        row.addWidget(self.tagEdit, 1)
        row.addWidget(add)
        row.addWidget(remove)
        tl.addLayout(row)
        self.suggestBox = QWidget(tags)
        self.suggestLayout = FlowLayout(self.suggestBox)  # the suggestions wrap in a narrow pane
        self.suggestLayout.setContentsMargins(0, 0, 0, 0)
        self.suggestLabel = QLabel(self.tr("建议："), self.suggestBox)
        self.suggestLayout.addWidget(self.suggestLabel)
        tl.addWidget(self.suggestBox)
        layout.addWidget(tags)
        layout.addStretch(1)
        return page

    # ------------------------------------------------------------------ loading
    @property
    def title(self) -> str:
        return self.doc.title if self.doc is not None else ""

    def load(self, doc_id: int, query: str = "") -> None:
        """Show a document. Its row, text, analysis, facts, warnings and stored reuse are read on the reader
        thread (a full text is never read on the GUI thread); `loaded` is emitted once it shows, `loadFailed`
        when the read fails (a reload of a document that is gone hides the tab instead)."""
        self._load_generation += 1
        generation = self._load_generation
        reloading = doc_id == self.doc_id
        self._read(
            lambda archive: read_document(archive, doc_id),
            lambda found: self._arrived(generation, doc_id, query, reloading, found),
            "open-document",
        )

    def _read(self, compute: Callable[[Archive], Any], deliver: Callable[[Any], None], name: str) -> None:
        """Run `compute(archive)` on the window's reader (on a thread of its own for a host without one) and
        give `deliver` the result or the exception, on the GUI thread."""
        reader = self.window_.reader
        if reader is not None:
            reader.submit(lambda archive, *_: compute(archive), on_done=deliver, on_error=deliver, name=name)
            return
        from gui.worker import read_in_background

        read_in_background(self.window_.archive_path, compute, deliver, name)

    def _arrived(self, generation: int, doc_id: int, query: str, reloading: bool, found: Any) -> None:
        if generation != self._load_generation:
            return  # another document was asked for meanwhile
        if isinstance(found, BaseException):
            if reloading:  # the document was purged, or the archive closed
                log.info("viewer reload failed: %s", found)
                self.doc_id = None
                tabs = self.window_.tabs
                tabs.setTabVisible(tabs.indexOf(self), False)
            else:
                self.loadFailed.emit(doc_id, found)
            return
        self._show_document(doc_id, query, found)

    def _show_document(self, doc_id: int, query: str, found: LoadedDocument) -> None:
        same = doc_id == self.doc_id
        scroll = self.text.verticalScrollBar().value() if same else 0
        self.doc_id, self.doc, self.analysis, self.facts, self.query = (
            doc_id, found.doc, found.analysis, found.facts, query)
        self._warnings = found.warnings
        text = found.text
        if not same or text != self.text_str:
            self.text_str = text
            self._offsets = OffsetMap(text)
            self.text.setWordWrapMode(wrap_mode_for(text))
            self.text.setPlainText(text)
        self.text.verticalScrollBar().setValue(scroll)
        self._show_header()
        self._show_outline()
        self._show_metadata()
        self._show_structure()
        self._show_tags()
        self._show_facts()
        self._run_find(move=False)
        self.reuse_panel.load(doc_id, found.reuse, found.reuse_sources)
        self._highlight()
        self._set_editable(not self.window_.read_only)
        if not same:
            self._request_suggestions()
            if query:
                self._jump_to_first_hit()
        self.loaded.emit(doc_id)

    def _set_editable(self, editable: bool) -> None:
        """A read-only archive: the text, outline and facts stay readable; nothing offers to change them."""
        for widget in (
            self.saveMetaButton, self.tagEdit, self.confirmButton, self.correctButton, self.rejectButton,
            self.indicatorButton, self.addFactButton, self.suggestBox,
        ):
            widget.setEnabled(editable)
        for edit in self.metaEdits.values():
            edit.setEnabled(editable)

    def reload(self) -> None:
        """Read the shown document again (after a change); one that is gone hides the tab."""
        if self.doc_id is not None:
            self.load(self.doc_id, self.query)

    def _show_header(self) -> None:
        doc = self.doc
        assert doc is not None
        self.titleLabel.setText(doc.title or doc.source_name)
        self.titleLabel.setToolTip(doc.title or doc.source_name)
        parts = [doc.agency or "", doc.region or "", doc.period or (str(doc.report_year) if doc.report_year else ""),
                 doc.doc_type, doc.publish_date or ""]
        info = "　".join(p for p in parts if p)
        info += "　" + self.tr("文件：{0}").format(doc.source_name)
        warnings = self._warnings
        if warnings:
            info += "　⚠ " + "；".join(warnings[:2])
        self.infoLabel.setText(info)
        self.infoLabel.setToolTip("\n".join([info.split("　⚠")[0], *warnings]))
        self.previousYearButton.setEnabled(doc.report_year is not None)

    def _show_outline(self) -> None:
        self.outline.clear()
        assert self.analysis is not None
        stack: list[tuple[int, QTreeWidgetItem]] = []
        for section in self.analysis.sections:
            number = section.number
            if re.fullmatch(r"[一二三四五六七八九十百]+", number):
                number += "、"
            elif re.fullmatch(r"\d+", number):
                number += "."
            item = QTreeWidgetItem([f"{number}{section.heading}"])
            item.setData(0, Qt.ItemDataRole.UserRole, section.start)
            tip = section.heading
            if section.part:
                tip += "\n" + self.tr("必备部分：{0}").format(part_name(section.part))
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            item.setToolTip(0, tip)
            while stack and stack[-1][0] >= section.level:
                stack.pop()
            if stack:
                stack[-1][1].addChild(item)
            else:
                self.outline.addTopLevelItem(item)
            stack.append((section.level, item))
        self.outline.expandToDepth(0)
        if not self.analysis.sections:
            empty = QTreeWidgetItem([self.tr("（没有识别到标题）")])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.outline.addTopLevelItem(empty)

    def _show_metadata(self) -> None:
        doc = self.doc
        assert doc is not None
        for key, edit in self.metaEdits.items():
            value = getattr(doc, key, None)
            if isinstance(edit, QComboBox):
                edit.setCurrentText(str(value or "其他"))
            else:
                edit.setText("" if value is None else str(value))
                edit.setCursorPosition(0)
            overridden = key in (doc.overrides or {})
            edit.setToolTip(self.tr("已手工修改") if overridden else self.tr("自动识别"))
        self.metaError.clear()

    def _show_structure(self) -> None:
        assert self.analysis is not None and self.doc is not None
        st = self.analysis.structure
        if not domain.structure_applies(self.doc.doc_type):
            self.structureLabel.setText(self.tr("{0}：“{1}”不是法治政府建设年度报告，五个必备部分和公开时限不适用。").format(
                self.tr(domain.NOT_APPLICABLE), self.doc.doc_type))
            return
        lines = []
        for part in sorted(PART_NAMES):
            name = part_name(part)
            if part in st.present:
                lines.append(f'<span style="color:#1b6e2a">✓ {name}</span>')
            elif part in st.missing:
                lines.append(f'<span style="color:#b3261e">✗ {self.tr("缺少")}：{name}</span>')
            elif part == 5:
                lines.append(f'<span style="color:#777777">– {name}（{self.tr("可选")}）</span>')
        if st.late:
            lines.append(f'<span style="color:#b3261e">⚠ {self.tr("逾期")}：{self.tr(domain.LATE_RULE)}</span>')
        elif st.late is False:
            lines.append(f'<span style="color:#1b6e2a">✓ {self.tr("按时公开")}</span>')
        else:
            lines.append(f'<span style="color:#777777">{self.tr("发布日期不明，无法判断是否按时公开")}</span>')
        self.structureLabel.setText("<br>".join(lines))

    def _show_tags(self) -> None:
        assert self.doc is not None
        self.tagList.clear()
        self.tagList.addItems(self.doc.tags)
        names = sorted({t.name for t in self.window_.tag_pane.tags()})
        from PySide6.QtCore import QStringListModel

        self.tagCompleter.setModel(QStringListModel(names, self.tagCompleter))

    # ------------------------------------------------------------------ highlighting
    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
        return sel

    def hit_spans(self) -> list[tuple[int, int]]:
        if not self.query:
            return []
        from core.search import find_in_text

        return find_in_text(self.text_str, self.query)

    def _highlight(self) -> None:
        selections: list[QTextEdit.ExtraSelection] = self.reuse_panel.selections()
        fact_fmt = QTextCharFormat()
        fact_fmt.setBackground(FACT_BG)
        fact_fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        confirmed_fmt = QTextCharFormat(fact_fmt)
        confirmed_fmt.setBackground(FACT_CONFIRMED_BG)
        for fact in self.facts:
            if fact.status == "rejected" or fact.end <= fact.start:
                continue
            fmt = confirmed_fmt if domain.is_verified(fact) else fact_fmt
            selections.append(self._selection(fact.start, fact.end, fmt))
        hit_fmt = QTextCharFormat()
        hit_fmt.setBackground(HIT_BG)
        hit_fmt.setFontWeight(QFont.Weight.Bold)
        for start, end in self.hit_spans():
            selections.append(self._selection(start, end, hit_fmt))
        find_fmt = QTextCharFormat()
        find_fmt.setBackground(FIND_BG)
        current_fmt = QTextCharFormat()
        current_fmt.setBackground(FIND_CURRENT_BG)
        current_fmt.setForeground(QColor("#ffffff"))
        for i, (start, end) in enumerate(self._find_spans):
            selections.append(self._selection(start, end, current_fmt if i == self._find_index else find_fmt))
        self.text.setExtraSelections(selections)

    def fact_at(self, offset: int) -> Fact | None:
        best = None
        for fact in self.facts:
            if fact.status != "rejected" and fact.start <= offset < fact.end:
                best = fact
        return best

    def fact_tooltip(self, fact: Fact) -> str:
        name = fact.name or self.tr("未归类的数字")
        direction = {"up": self.tr("（增加）"), "down": self.tr("（减少）")}.get(fact.direction or "", "")
        return self.tr("{0}：{1}{2} {3}{4}\n状态：{5}").format(
            name, fact.qualifier, format_value(fact.value), fact.unit, direction,
            self.tr(STATUS_NAMES.get(fact.status, fact.status)),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text.viewport() and event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            cursor = self.text.cursorForPosition(event.pos())
            fact = self.fact_at(self._offsets.to_py(cursor.position()))
            if fact is not None:
                QToolTip.showText(event.globalPos(), self.fact_tooltip(fact), self.text.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)

    def _jump_to_section(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        start = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(start, int):
            # put the heading at the top of the view
            self._jump_to(len(self.text_str))
            self._jump_to(start)

    def _jump_to_first_hit(self) -> None:
        spans = self.hit_spans()
        if spans:
            self._jump_to(spans[0][0])

    # ------------------------------------------------------------------ find in document
    def show_find(self) -> None:
        self.findBar.show()
        selected = self.text.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.findEdit.setText(selected)
        self.findEdit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.findEdit.selectAll()

    def hide_find(self) -> None:
        self.findBar.hide()
        self.findEdit.clear()
        self._find_spans = []
        self._highlight()
        self.text.setFocus()

    def find_text(self, needle: str) -> int:
        """Highlight every occurrence of needle (Ctrl+F semantics); returns the count."""
        self.findEdit.blockSignals(True)
        self.findEdit.setText(needle)
        self.findEdit.blockSignals(False)
        self._run_find()
        return len(self._find_spans)

    def _run_find(self, move: bool = True) -> None:
        needle = self.findEdit.text()
        self._find_spans = []
        if needle:
            try:
                from core.search import find_in_text

                self._find_spans = find_in_text(self.text_str, needle)
            except Exception:
                self._find_spans = [(m.start(), m.end()) for m in re.finditer(re.escape(needle), self.text_str)]
        self._find_index = 0 if self._find_spans else -1
        self._update_find_count()
        self._highlight()
        if move and self._find_spans:
            self._jump_to(*self._find_spans[0])

    def _update_find_count(self) -> None:
        if not self.findEdit.text():
            self.findCount.clear()
        elif not self._find_spans:
            self.findCount.setText(self.tr("没有找到"))
        else:
            self.findCount.setText(self.tr("第 {0} 处，共 {1} 处").format(self._find_index + 1, len(self._find_spans)))

    def find_next(self) -> None:
        self._step_find(1)

    def find_previous(self) -> None:
        self._step_find(-1)

    def _step_find(self, step: int) -> None:
        if not self._find_spans:
            if self.findBar.isHidden():
                self.show_find()
            return
        self._find_index = (self._find_index + step) % len(self._find_spans)
        self._update_find_count()
        self._highlight()
        self._jump_to(*self._find_spans[self._find_index])

    # ------------------------------------------------------------------ metadata and tags
    def metadata_fields(self) -> dict[str, Any]:
        """Fields whose edited value differs from the document's current value."""
        assert self.doc is not None
        out: dict[str, Any] = {}
        for key, edit in self.metaEdits.items():
            value: Any = edit.currentText() if isinstance(edit, QComboBox) else edit.text().strip()
            if key == "report_year":
                value = int(value) if str(value).isdigit() else None
            elif value == "":
                value = None
            if getattr(self.doc, key, None) != value:
                out[key] = value
        return out

    def save_metadata(self) -> bool:
        if self.doc is None:
            return False
        year = self.metaEdits["report_year"]
        assert isinstance(year, QLineEdit)
        if year.text().strip() and not (year.text().strip().isdigit() and 1949 <= int(year.text()) <= 2100):
            self.metaError.setText(self.tr("年度应为四位数字"))
            return False
        date = self.metaEdits["publish_date"]
        assert isinstance(date, QLineEdit)
        if date.text().strip():
            import datetime

            try:
                datetime.date.fromisoformat(date.text().strip())
            except ValueError:
                self.metaError.setText(self.tr("日期格式应为 2023-03-31"))
                return False
        fields = self.metadata_fields()
        if fields:
            self.window_.set_metadata([self.doc.id], fields)
        self.metaError.clear()
        return bool(fields)

    def _add_tag_from_edit(self) -> None:
        name = self.tagEdit.text().strip()
        if name and self.doc_id is not None:
            self.add_tag(name)
            self.tagEdit.clear()

    def add_tag(self, name: str) -> None:
        if self.doc_id is not None:
            self.window_.tag_documents([self.doc_id], name)

    def _remove_selected_tags(self) -> None:
        if self.doc_id is None:
            return
        for item in self.tagList.selectedItems():
            self.window_.untag_documents([self.doc_id], item.text())

    def _request_suggestions(self) -> None:
        """archive.suggest_tags may load jieba (seconds): run it on a thread of its own."""
        self._clear_suggestions()
        if self.doc_id is None:
            return
        if self._suggester is None or self._suggester.archive_path != self.window_.archive_path:
            from gui.worker import Worker

            if self._suggester is not None:
                self._suggester.stop(0.1)
            self._suggester = Worker(self.window_.archive_path, "suggest", self, read_only=self.window_.read_only)
        self._suggest_generation += 1
        generation, doc_id = self._suggest_generation, self.doc_id
        self.suggestLabel.setText(self.tr("建议：正在分析…"))
        self._suggester.submit(
            lambda a, *_: a.suggest_tags(doc_id, 8),
            on_done=lambda names: self._show_suggestions(generation, names),
            on_error=lambda exc: self._show_suggestions(generation, [], exc),
            name="suggest",
        )

    def _clear_suggestions(self) -> None:
        while self.suggestLayout.count() > 1:
            item = self.suggestLayout.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _show_suggestions(self, generation: int, names: list[str], exc: BaseException | None = None) -> None:
        if generation != self._suggest_generation or self.doc is None:
            return
        if exc is not None:
            log.warning("tag suggestions failed: %s", exc)
        self._clear_suggestions()
        names = [n for n in names if n not in self.doc.tags][:6]
        self.suggestLabel.setText(self.tr("建议：") if names else self.tr("建议：（无）"))
        for i, name in enumerate(names):
            button = QToolButton(self.suggestBox)
            button.setText("+" + name)
            button.setAutoRaise(True)
            button.setToolTip(self.tr("加上标签“{0}”").format(name))
            button.clicked.connect(lambda _c=False, n=name: self.add_tag(n))
            self.suggestLayout.insertWidget(1 + i, button)

    def suggestions(self) -> list[str]:
        out = []
        for i in range(self.suggestLayout.count()):
            item = self.suggestLayout.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QToolButton):
                out.append(widget.text().lstrip("+"))
        return out

    # ------------------------------------------------------------------ misc actions
    def _text_menu(self, pos: Any) -> None:
        menu = self.text.createStandardContextMenu()
        menu.addSeparator()
        add = menu.addAction(self.tr("把选中文字添加为指标…"))
        add.setEnabled(self.text.textCursor().hasSelection())
        add.triggered.connect(self.add_fact_interactive)
        menu.addAction(self.tr("查找…"), self.show_find)
        menu.popup(self.text.viewport().mapToGlobal(pos))

    def copy_focused(self) -> bool:
        focus = self.focusWidget()
        if focus is self.factsTable:
            copy_text(view_to_tsv(self.factsTable))
            return True
        if focus is self.text:
            self.text.copy()
            return True
        return False

    def open_original(self) -> None:
        """Write the original file to the cache folder (read on the reader thread) and open it with the
        system's program; `originalOpened` gives the written path."""
        if self.doc_id is None:
            return
        doc_id = self.doc_id

        self._read(lambda archive: write_original(archive, doc_id), self._original_written, "open-original")

    def _original_written(self, path: Path | BaseException) -> None:
        if isinstance(path, BaseException):
            show_error(self, path)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            inform(
                self, self.tr("打开原文件"), self.tr("没有找到能打开此文件的程序。文件已保存在：\n{0}").format(path)
            )
        self.originalOpened.emit(str(path))

    def _print_document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(self.text.font())
        cursor = QTextCursor(doc)
        title_fmt = QTextCharFormat()
        title_fmt.setFontPointSize(self.text.font().pointSizeF() * 1.4)
        title_fmt.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(self.title + "\n\n", title_fmt)
        cursor.insertText(self.text_str, QTextCharFormat())
        return doc

    def save_pdf(self, path: Path) -> Path:
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setDocName(self.title)
        self._print_document().print_(printer)
        return path

    def save_pdf_interactive(self) -> None:
        if self.doc is None:
            return
        settings = self.window_.settings
        default = Path(settings.last_export_dir or Path.home()) / (re.sub(r'[\\/:*?"<>|]', "_", self.title)[:60] + ".pdf")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("另存为 PDF"), str(default), self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        try:
            self.save_pdf(Path(path))
        except Exception as exc:
            show_error(self, exc)
            return
        settings.last_export_dir = str(Path(path).parent)
        self.window_.statusBar().showMessage(self.tr("已保存到 {0}").format(path), 6000)

    def print_interactive(self) -> None:
        if self.doc is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印"))
        if dialog.exec():
            self._print_document().print_(printer)

    def save_state(self) -> QByteArray:
        return self.splitter.saveState()

    def restore_state(self, state: QByteArray) -> None:
        self.splitter.restoreState(state)

    def close_worker(self) -> None:
        if self._suggester is not None:
            self._suggester.stop(0.5)
            self._suggester = None
