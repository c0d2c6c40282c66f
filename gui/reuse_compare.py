"""The compare panes' moved paragraphs and changed figures, and 并排对照 of a reused passage with its source."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat, QTextCursor

from core.compare import Comparison, ParagraphPair, changed_figures, paragraph_at

MOVED = QColor("#dce8fb")  # a paragraph found elsewhere in the other report
MOVED_CHANGE = QColor("#a9c6f5")  # changed words inside a moved paragraph
NOTE = QColor("#3a5a8c")
FIGURE_NOTE = QColor("#8a4b00")
PASSAGE = QColor("#c9b6f2")


def tr(text: str) -> str:
    return QCoreApplication.translate("reuse", text)


def _note_format() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QBrush(NOTE))
    fmt.setFontItalic(True)
    return fmt


def render_moved(  # noqa: PLR0917 - called from the pane's render loop with its locals
    cursor: QTextCursor, cmp: Comparison, side: str, index: int, body: str, base: QTextCharFormat,
) -> bool:
    """Write a moved paragraph (blue, changed words darker, where it went); False when it was not moved."""
    pair = cmp.moved_of(side, index)
    if pair is None:
        return False
    moved = QTextCharFormat(base)
    moved.setBackground(QBrush(MOVED))
    change = QTextCharFormat(base)
    change.setBackground(QBrush(MOVED_CHANGE))
    pos = 0
    for start, end in pair.changes_a if side == "a" else pair.changes_b:
        if start > pos:
            cursor.insertText(body[pos:start], moved)
        cursor.insertText(body[start:end], change)
        pos = end
    if pos < len(body):
        cursor.insertText(body[pos:], moved)
    cursor.insertText("　" + moved_note(cmp, side, pair), _note_format())
    return True


def moved_note(cmp: Comparison, side: str, pair: ParagraphPair) -> str:
    """〔移动：右侧“二、…”部分〕: where the paragraph stands in the other report."""
    other = "b" if side == "a" else "a"
    index = pair.b if side == "a" else pair.a
    paras = cmp.paragraphs_b if other == "b" else cmp.paragraphs_a
    parts = cmp.parts_b if other == "b" else cmp.parts_a
    part = parts[paras[index].part] if 0 <= index < len(paras) and paras[index].part < len(parts) else None
    where = tr("右侧") if other == "b" else tr("左侧")
    label = part.label if part is not None and part.label else tr("开头")
    if len(label) > 18:
        label = label[:18] + "…"
    same = tr("原样") if pair.identical else tr("有改动")
    return tr("〔已移动（{0}）：见{1}“{2}”部分第 {3} 段〕").format(same, where, label, index + 1)


def render_figures(cursor: QTextCursor, cmp: Comparison, side: str, pair: ParagraphPair) -> None:
    """After a changed paragraph on the right: the figures that changed, 〔数字：95% → 100%〕."""
    if side != "b":
        return
    figures = changed_figures(cmp.paragraph_text("a", pair.a), cmp.paragraph_text("b", pair.b))
    if not figures:
        return
    fmt = QTextCharFormat()
    fmt.setForeground(QBrush(FIGURE_NOTE))
    fmt.setFontWeight(QFont.Weight.Bold)
    shown = "；".join(f"{a} → {b}" for a, b in figures[:6]) + ("…" if len(figures) > 6 else "")
    cursor.insertText("　" + tr("〔数字：{0}〕").format(shown), fmt)


def moved_count_text(cmp: Comparison) -> str:
    return tr("，{0} 段移动").format(len(cmp.moved)) if cmp.moved else ""


def open_at_passage(window: Any, doc_id: int | None, span: tuple[int, int], source_id: int,
                    source_span: tuple[int, int]) -> Any:
    """Open the compare window for a document and the source of one of its reused passages, both panes
    scrolled to the passage and the passage marked on both sides."""
    if doc_id is None:
        return None
    from gui.compare_view import CompareWindow

    compare_window = CompareWindow(window.archive_path, source_id, doc_id, window)
    view = compare_window.view

    def spans() -> tuple[tuple[int, int], tuple[int, int]]:
        # ids are in their final order once the documents are read (the earlier report on the left)
        return (source_span, span) if compare_window.ids[0] == source_id else (span, source_span)

    def at_place() -> None:
        span_a, span_b = spans()
        cmp = view.comparison
        if cmp is None or not cmp.paragraphs_a or not cmp.paragraphs_b:
            return
        view.scroll_both(paragraph_at(cmp.paragraphs_a, span_a[0]), paragraph_at(cmp.paragraphs_b, span_b[0]))
        for pane, (start, end) in ((view.pane_a, span_a), (view.pane_b, span_b)):
            a, b = pane.document_position(cmp, start), pane.document_position(cmp, end)
            if a is not None and b is not None and b > a:
                pane.highlight([(a, b, PASSAGE)])
        view.status.setText(view.status.text() + tr("　已定位到重复的段落（紫色）"))

    def mark() -> None:
        compare_window.setProperty("reuseSpans", [list(part) for part in spans()])

    view.comparisonReady.connect(at_place)
    compare_window.documentsLoaded.connect(mark)
    mark()
    if hasattr(window, "_keep"):
        window._keep(compare_window)
    else:
        compare_window.show()
    return compare_window
