"""归入指标: a searchable list of the indicator dictionary, to give a figure its indicator."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

KEY_ROLE = Qt.ItemDataRole.UserRole
NO_INDICATOR = ""  # the item that takes a figure out of every indicator


def tr(text: str) -> str:
    return QCoreApplication.translate("IndicatorPicker", text)


class IndicatorPicker(QDialog):
    """Type a few characters of an indicator's name, its area or a phrase reports use for it; pick one.

    Indicators whose units fit the figure's unit come first; `chosen()` is the key, "" for 不归入指标,
    None when nothing was picked."""

    def __init__(self, indicators: Iterable[Any], *, unit: str = "", current: str | None = None,
                 sentence: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorPicker")
        self.setWindowTitle(tr("归入指标"))
        self.resize(520, 560)
        self.unit = unit
        layout = QVBoxLayout(self)
        if sentence:
            quote = QLabel(tr("原文：{0}").format(sentence[:120]), self)
            quote.setWordWrap(True)
            quote.setStyleSheet("color: palette(dark);")
            layout.addWidget(quote)
        self.filterEdit = QLineEdit(self)
        self.filterEdit.setObjectName("indicatorFilter")
        self.filterEdit.setPlaceholderText(tr("输入指标名称、领域或原文说法筛选，如“纠错”“出庭”“复议”"))
        self.filterEdit.setClearButtonEnabled(True)
        layout.addWidget(self.filterEdit)
        self.list = QListWidget(self)
        self.list.setObjectName("indicatorList")
        layout.addWidget(self.list, 1)
        self.hint = QLabel(self)
        self.hint.setStyleSheet("color: palette(dark);")
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        none = QListWidgetItem(tr("（不归入指标）"))
        none.setData(KEY_ROLE, NO_INDICATOR)
        self.list.addItem(none)
        self._search: dict[int, str] = {0: ""}
        fitting: list[Any] = []
        other: list[Any] = []
        for ind in indicators:
            (fitting if self._fits(ind) else other).append(ind)
        for ind in fitting + other:
            units = "、".join(getattr(ind, "units", ()) or ())
            item = QListWidgetItem(f"{ind.name}　〔{ind.area}〕" + (f"　{units}" if units else ""))
            item.setData(KEY_ROLE, ind.key)
            if ind in other:
                item.setForeground(QColor("#8a8a8a"))
                item.setToolTip(tr("单位与这个数字（{0}）不符").format(unit))
            self._search[self.list.count()] = " ".join(
                [ind.name, ind.area, ind.key, *(getattr(ind, "synonyms", ()) or ())]
            ).lower()
            self.list.addItem(item)
        self.filterEdit.textChanged.connect(self._filter)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.filterEdit.returnPressed.connect(self._accept_first)
        self.select(current)
        self._filter("")
        self.filterEdit.setFocus()

    def _fits(self, ind: Any) -> bool:
        units = tuple(getattr(ind, "units", ()) or ())
        if not self.unit or not units:
            return True
        from core import domain

        return any(domain.same_unit(self.unit, u) for u in units)

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        shown = 0
        for row in range(self.list.count()):
            hay = self._search.get(row, "")
            visible = row == 0 or all(w in hay for w in words)
            self.list.item(row).setHidden(not visible)
            shown += visible and row > 0
        self.hint.setText(tr("{0} 个指标").format(shown))
        current = self.list.currentItem()
        if current is None or current.isHidden():
            first = next((self.list.item(r) for r in range(1, self.list.count()) if not self.list.item(r).isHidden()),
                         None)
            if first is not None:
                self.list.setCurrentItem(first)

    def _accept_first(self) -> None:
        if self.list.currentItem() is not None:
            self.accept()

    def select(self, key: str | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(KEY_ROLE) == (key or NO_INDICATOR) and (key or row == 0):
                self.list.setCurrentRow(row)
                return

    def visible_keys(self) -> list[str]:
        return [self.list.item(r).data(KEY_ROLE) for r in range(1, self.list.count()) if not self.list.item(r).isHidden()]

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(KEY_ROLE))
