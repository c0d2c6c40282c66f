"""Small dialogs with Chinese buttons (PySide6-Essentials ships no qtbase_zh_CN.qm, so Qt's own say "Cancel")."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


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
