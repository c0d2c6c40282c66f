"""The compare window on real reports imported into a temporary archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core import Archive, agencies
from gui import compare_view
from gui.compare_view import CompareWindow, show_previous_year
from tests.conftest import CORPUS, SAMPLES

NANSHAN = ("2022年南山区政府工作报告_2022.txt", "2023年南山区政府工作报告_2023.txt")


@pytest.fixture(scope="module")
def archive_ids(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    if not SAMPLES.is_dir() or not CORPUS.is_dir():
        pytest.skip("../shared is not present")
    path = tmp_path_factory.mktemp("cmp") / "archive.sqlite"
    files = {
        "000": next(SAMPLES.glob("000_*.txt")),
        "002": next(SAMPLES.glob("002_*.txt")),
        "ns2022": CORPUS / NANSHAN[0],
        "ns2023": CORPUS / NANSHAN[1],
    }
    ids: dict[str, int] = {}
    with Archive.open(path) as archive:
        report = archive.import_paths(list(files.values()))
        by_path = {Path(item.path).name: item.doc_id for item in report.items}
        for key, file in files.items():
            doc_id = by_path[file.name]
            assert doc_id is not None
            ids[key] = doc_id
    return path, ids


def _open(qtbot: QtBot, path: Path, a: int, b: int) -> CompareWindow:
    window = CompareWindow(path, a, b)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.view.comparisonReady, timeout=10_000):
        window.show()
    qtbot.waitExposed(window)
    return window


def test_qinhuai_samples_side_by_side(qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]]) -> None:
    path, ids = archive_ids
    window = _open(qtbot, path, ids["000"], ids["002"])
    view = window.centralWidget()
    assert view.objectName() == "compareView"
    cmp = window.view.comparison
    assert cmp is not None
    assert window.view.pane_a.isReadOnly() and window.view.pane_b.isReadOnly()
    assert window.view.pane_a.toPlainText().startswith(cmp.paragraph_text("a", 0))
    # The outline lists every part pair; required part 1 is matched on both sides.
    outline = window.view.outline
    assert outline.count() == len(cmp.part_pairs)
    texts = [outline.item(n).text() for n in range(outline.count())]
    assert any(t.startswith("✓ [主要举措和成效]") for t in texts), texts
    # Clicking an outline entry brings both panes to the two parts.
    row = next(n for n, p in enumerate(cmp.part_pairs) if p.matched and p.required == 1)
    pair = cmp.part_pairs[row]
    outline.itemClicked.emit(outline.item(row))
    assert window.view.pane_a.top_paragraph() == cmp.parts_a[pair.a].first_paragraph  # type: ignore[index]
    assert window.view.pane_b.top_paragraph() == cmp.parts_b[pair.b].first_paragraph  # type: ignore[index]


def test_scrolling_one_pane_scrolls_the_other_to_the_aligned_paragraph(
    qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]]
) -> None:
    path, ids = archive_ids
    window = _open(qtbot, path, ids["ns2022"], ids["ns2023"])
    view = window.view
    cmp = view.comparison
    assert cmp is not None
    # A matched paragraph well inside both documents (so the other pane can bring it to the top).
    candidates = [p for p in cmp.pairs if 5 < p.a < len(cmp.paragraphs_a) - 25 and 5 < p.b < len(cmp.paragraphs_b) - 25]
    assert candidates
    pair = candidates[len(candidates) // 2]
    view.pane_a.scroll_to_paragraph(pair.a)
    qtbot.wait(20)
    assert view.pane_a.top_paragraph() == pair.a
    assert view.pane_b.top_paragraph() == pair.b
    # And the other way round.
    other = candidates[0]
    view.pane_b.scroll_to_paragraph(other.b)
    assert view.pane_a.top_paragraph() == other.a
    # With the lock off, the other pane stays where it is.
    view.sync_action.setChecked(False)
    before = view.pane_b.verticalScrollBar().value()
    view.pane_a.scroll_to_paragraph(candidates[-1].a)
    assert view.pane_b.verticalScrollBar().value() == before
    view.sync_action.setChecked(True)
    assert view.pane_b.top_paragraph() == candidates[-1].b


def test_figures_table_and_locating_sentences(qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]]) -> None:
    path, ids = archive_ids
    window = _open(qtbot, path, ids["ns2022"], ids["ns2023"])
    view = window.view
    cmp = view.comparison
    assert cmp is not None
    table = view.figures
    assert table.rowCount() == len(cmp.figures) > 0
    both = [n for n, r in enumerate(view.figure_rows) if not r.one_sided and r.diff is not None]
    assert both, "two years of one district share some indicators"
    n = both[0]
    row = view.figure_rows[n]
    assert row.fact_a is not None and row.fact_b is not None and row.value_a is not None and row.value_b is not None
    diff_text = table.item(n, 3).text()
    assert diff_text.startswith("+" if row.diff and row.diff > 0 else ("-" if row.diff else "0"))
    one_sided = next(k for k, r in enumerate(view.figure_rows) if r.one_sided)
    assert table.item(one_sided, 5).text().startswith(("仅左侧", "仅右侧"))
    assert table.item(one_sided, 0).background().color() != table.item(n, 0).background().color()
    # Clicking the row highlights the number in both panes and scrolls to it.
    table.cellClicked.emit(n, 0)
    for pane, fact, text in ((view.pane_a, row.fact_a, cmp.text_a), (view.pane_b, row.fact_b, cmp.text_b)):
        selections = pane.extraSelections()
        assert selections
        assert selections[-1].cursor.selectedText() == text[fact.start : fact.end]
        top = pane.top_paragraph()
        para = next(i for i, p in enumerate(cmp.paragraphs_a if pane is view.pane_a else cmp.paragraphs_b)
                    if p.start <= fact.start < p.end)
        assert top <= para


def test_diff_toggle_and_folding(qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]]) -> None:
    path, ids = archive_ids
    window = _open(qtbot, path, ids["ns2022"], ids["ns2023"])
    view = window.view
    cmp = view.comparison
    assert cmp is not None
    changed = next(p for p in cmp.pairs if p.changes_b)
    block = view.pane_b.document().findBlockByNumber(view.pane_b.para_to_block[changed.b])

    def highlighted(blk) -> bool:  # type: ignore[no-untyped-def]
        it = blk.begin()
        while not it.atEnd():
            if it.fragment().charFormat().background().style().value != 0:
                return True
            it += 1
        return False

    assert highlighted(block)
    view.diff_action.setChecked(False)
    block = view.pane_b.document().findBlockByNumber(view.pane_b.para_to_block[changed.b])
    assert not highlighted(block)
    view.diff_action.setChecked(True)
    identical = [p for p in cmp.pairs if p.identical]
    assert identical
    blocks_before = view.pane_a.document().blockCount()
    view.fold_action.setChecked(True)
    assert view.pane_a.document().blockCount() < blocks_before
    assert "已折叠" in view.pane_a.toPlainText()
    assert identical[-1].a in view.pane_a.folded or identical[-1].a in {
        cmp.paragraphs_a.index(cmp.paragraphs_a[p.first_paragraph]) for p in cmp.parts_a
    }


def test_export_copy_and_print(qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path, ids = archive_ids
    window = _open(qtbot, path, ids["ns2022"], ids["ns2023"])
    view = window.view
    out = view.export_figures(str(tmp_path / "对照.xlsx"))
    assert out is not None and out.is_file()
    ws = load_workbook(out).worksheets[0]
    assert ws.max_row == len(view.figure_rows) + 1
    view.copy_figures()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("指标\t") and len(lines) == len(view.figure_rows) + 1
    pdf = view.print_figures(str(tmp_path / "对照.pdf"))
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")


def test_previous_year(qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    path, ids = archive_ids
    messages: list[str] = []
    monkeypatch.setattr(compare_view, "_inform", lambda _parent, text: messages.append(text))
    with Archive.open(path) as archive:
        previous = {name: agencies.previous_year_document(archive, ids[name]) for name in ("ns2023", "ns2022")}
    window = show_previous_year(path, previous["ns2023"], ids["ns2023"], None)
    assert window is not None
    qtbot.addWidget(window)
    assert window.ids == (ids["ns2022"], ids["ns2023"])
    qtbot.waitUntil(lambda: window.view.comparison is not None, timeout=10_000)
    assert show_previous_year(path, previous["ns2022"], ids["ns2022"], None) is None
    assert messages and "没有找到" in messages[0]
    QApplication.processEvents()


def test_closing_before_the_alignment_finishes_is_harmless(
    qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]]
) -> None:
    path, ids = archive_ids
    window = CompareWindow(path, ids["ns2022"], ids["ns2023"])
    window.show()
    window.close()  # deletes itself; the background alignment still finishes and finds no window
    qtbot.wait(1500)


def test_missing_document_shows_a_message_instead_of_raising(
    qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]]
) -> None:
    path, ids = archive_ids
    window = CompareWindow(path, ids["000"], 999_999)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.view.status.text().startswith("无法打开报告"), timeout=10_000)
    assert window.view.comparison is None
    assert window.view.status.text().startswith("无法打开报告")


def test_the_documents_are_read_off_the_gui_thread(
    qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    path, ids = archive_ids
    threads: list[str] = []
    real = compare_view.load_document

    def spy(archive: object, doc_id: int) -> object:
        threads.append(threading.current_thread().name)
        return real(archive, doc_id)  # type: ignore[arg-type]

    monkeypatch.setattr(compare_view, "load_document", spy)
    window = _open(qtbot, path, ids["ns2022"], ids["ns2023"])
    assert window.view.comparison is not None
    assert threads == ["compare-load", "compare-load"]


def test_the_earlier_report_goes_left(qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]]) -> None:
    path, ids = archive_ids
    window = _open(qtbot, path, ids["ns2023"], ids["ns2022"])
    assert window.ids == (ids["ns2022"], ids["ns2023"])
    assert window.view.title_a.text().startswith("左：2022年")
    headers = [window.view.figures.horizontalHeaderItem(c).text() for c in (1, 2)]
    assert headers == ["2022年（左）", "2023年（右）"]


def test_previous_year_from_the_window_looks_up_on_the_reader(
    qtbot: QtBot, archive_ids: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """与上一年度对比 in the window: the lookup is a reader job (no archive opened on the GUI thread)."""
    import threading

    from core import agencies
    from tests.gui.conftest import make_window

    path, ids = archive_ids
    threads: list[str] = []
    real = agencies.previous_year_document

    def spy(archive, doc_id):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real(archive, doc_id)

    monkeypatch.setattr(agencies, "previous_year_document", spy)
    messages: list[str] = []
    monkeypatch.setattr(compare_view, "_inform", lambda _parent, text: messages.append(text))
    window = make_window(qtbot, path)
    try:
        job = window.documents.open_previous_year(ids["ns2023"])
        assert job is not None
        qtbot.waitUntil(lambda: any(isinstance(c, CompareWindow) for c in window._children), timeout=30_000)
        shown = next(c for c in window._children if isinstance(c, CompareWindow))
        assert shown.ids == (ids["ns2022"], ids["ns2023"])
        assert threads and threads[0] != threading.main_thread().name
        window.documents.open_previous_year(ids["ns2022"])
        qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
        assert "没有找到" in messages[0]
        shown.close()
    finally:
        window.close()
