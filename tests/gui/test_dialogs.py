"""Batch metadata dialog and import summary model: what the user ticks is what gets written."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.models import Document, ImportItem, ImportReport, Outcome
from gui.dialogs import ImportItemsModel, ImportSummaryDialog, MetadataDialog


def docs() -> list[Document]:
    return [
        Document(id=1, title="甲", source_name="a.txt", agency="A局", region="某区", report_year=2022),
        Document(id=2, title="乙", source_name="b.txt", agency="B局", region="某区", report_year=2023),
    ]


def test_batch_dialog_changes_only_ticked_fields(qtbot: QtBot) -> None:
    dialog = MetadataDialog(docs())
    qtbot.addWidget(dialog)
    assert "title" not in dialog.edits  # titles are never set in bulk
    region = dialog.edits["region"]
    assert region.text() == "某区"  # type: ignore[attr-defined]
    agency = dialog.edits["agency"]
    assert agency.text() == "" and "各不相同" in agency.placeholderText()  # type: ignore[attr-defined]
    assert dialog.fields() == {}
    qtbot.keyClicks(dialog.edits["report_year"], "2024")
    assert dialog.checks["report_year"].isChecked()
    assert dialog.fields() == {"report_year": 2024}
    dialog.checks["agency"].setChecked(True)
    assert dialog.fields() == {"report_year": 2024, "agency": None}


def test_single_dialog_reports_changed_fields_and_validates(qtbot: QtBot) -> None:
    dialog = MetadataDialog(docs()[:1])
    qtbot.addWidget(dialog)
    assert dialog.fields() == {}
    dialog.edits["publish_date"].setText("2023-13-45")  # type: ignore[attr-defined]
    assert "日期" in dialog.validate()
    dialog.edits["publish_date"].setText("2023-03-31")  # type: ignore[attr-defined]
    assert dialog.validate() == ""
    assert dialog.fields() == {"publish_date": "2023-03-31"}


def test_import_summary_lists_failures_first(qtbot: QtBot) -> None:
    report = ImportReport([
        ImportItem("/x/好.txt", Outcome.IMPORTED, "", 5),
        ImportItem("/x/重.txt", Outcome.DUPLICATE, "", 5),
        ImportItem("/x/坏.pdf", Outcome.FAILED, "PDF 文件已加密，无法读取"),
    ])
    dialog = ImportSummaryDialog(report, 1.5)
    qtbot.addWidget(dialog)
    model = dialog.table.model()
    assert isinstance(model, ImportItemsModel)
    rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert rows == [
        ["失败", "坏.pdf", "PDF 文件已加密，无法读取"],
        ["重复", "重.txt", "档案中已有相同的文件"],
        ["已导入", "好.txt", ""],
    ]
    assert "新导入 1 份，重复 1 份，失败 1 份" in dialog.summary.text()
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "/x/坏.pdf"
    opened: list[int] = []
    dialog.openDocument.connect(opened.append)
    dialog._open(model.index(2, 0))
    assert opened == [5]


def test_import_summary_shows_skipped_files_apart(qtbot: QtBot) -> None:
    report = ImportReport([
        ImportItem("/x/README.md", Outcome.SKIPPED, "说明文档（.md），不是报告，已跳过"),
        ImportItem("/x/好.txt", Outcome.IMPORTED, "", 5),
        ImportItem("/x/gold.tsv", Outcome.SKIPPED, "表格文件（.tsv），不是报告，已跳过"),
    ])
    dialog = ImportSummaryDialog(report, 0.5)
    qtbot.addWidget(dialog)
    text = dialog.summary.text()
    assert "失败 0 份" in text and "跳过 2 个" in text
    model = dialog.table.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["已导入", "跳过", "跳过"]
