"""Small dialogs with Chinese buttons (PySide6-Essentials ships no qtbase_zh_CN.qm, so Qt's own say "Cancel")."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QInputDialog, QLayout, QLayoutItem, QLineEdit, QMessageBox, QWidget, QWidgetItem


def tr(text: str) -> str:
    return QCoreApplication.translate("ui", text)


def chinese_buttons(box: QMessageBox) -> None:
    names = {
        QMessageBox.StandardButton.Ok: tr("确定"),
        QMessageBox.StandardButton.Cancel: tr("取消"),
        QMessageBox.StandardButton.Yes: tr("是"),
        QMessageBox.StandardButton.No: tr("否"),
        QMessageBox.StandardButton.Close: tr("关闭"),
    }
    for standard, text in names.items():
        button = box.button(standard)
        if button is not None:
            button.setText(text)


def ask(parent: QWidget | None, title: str, text: str, yes: str = "", no: str = "", *, danger: bool = False) -> bool:
    """A yes/no question with Chinese buttons; the safe answer (no) is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes or tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no or tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    chinese_buttons(box)
    box.exec()


def _input_dialog(parent: QWidget | None, title: str, label: str) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setOkButtonText(tr("确定"))
    dialog.setCancelButtonText(tr("取消"))
    return dialog


def get_text(parent: QWidget | None, title: str, label: str, text: str = "") -> tuple[str, bool]:
    dialog = _input_dialog(parent, title, label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(text)
    ok = bool(dialog.exec())
    return dialog.textValue(), ok


def get_item(
    parent: QWidget | None, title: str, label: str, items: Sequence[str], editable: bool = False
) -> tuple[str, bool]:
    dialog = _input_dialog(parent, title, label)
    dialog.setComboBoxItems(list(items))
    dialog.setComboBoxEditable(editable)
    if items:
        dialog.setTextValue(items[0])
    ok = bool(dialog.exec())
    return dialog.textValue(), ok


def alive(widget: QWidget) -> bool:
    """False once Qt has deleted the widget (WA_DeleteOnClose dialogs), so no call hits a dead object."""
    import shiboken6

    return bool(shiboken6.isValid(widget))


def elide(text: str, n: int) -> str:
    """At most n characters, the last one an ellipsis when cut."""
    return text if len(text) <= n else text[: n - 1] + "…"


class FlowLayout(QLayout):
    """Lays its widgets out in rows that wrap at the available width (a row of tag buttons in a narrow pane).

    Supports what a box layout's callers use: addWidget, insertWidget, itemAt, takeAt, count.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def insertWidget(self, index: int, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self._items.insert(max(0, min(index, len(self._items))), QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        space = self.spacing()
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line > 0:  # wrap
                x, y, line = area.x(), y + line + space, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + space
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()
