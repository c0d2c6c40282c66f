"""Error handling for the window: expected ArchiveError → its Chinese message; bugs → log file + notice."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger("gui")

LOG_NAME = "report-archive.log"
_log_file: Path | None = None
_open_boxes: list[QMessageBox] = []


def tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def log_file() -> Path:
    from core.paths import log_dir

    return log_dir() / LOG_NAME


def setup_logging() -> Path:
    """Send the app's log (warnings and tracebacks) to a rotating file in the per-user log folder."""
    global _log_file
    path = log_file()
    if _log_file == path:
        return path
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    _log_file = path
    return path


def is_expected(exc: BaseException) -> bool:
    from core.errors import ArchiveError

    return isinstance(exc, ArchiveError)


def message_for(exc: BaseException) -> str:
    """The Chinese text a clerk sees for an error (never a traceback)."""
    if is_expected(exc):
        return str(exc) or tr("操作未能完成。")
    if isinstance(exc, MemoryError):
        return tr("内存不足，操作未能完成。")
    if isinstance(exc, PermissionError):
        return tr("没有权限访问该文件或文件夹：{0}").format(getattr(exc, "filename", "") or "")
    if isinstance(exc, FileNotFoundError):
        return tr("找不到文件：{0}").format(getattr(exc, "filename", "") or "")
    if isinstance(exc, OSError) and getattr(exc, "errno", None) == 28:  # ENOSPC
        return tr("磁盘空间不足，操作未能完成。")
    return tr("程序出现了意外错误，操作未能完成。\n详细信息已写入日志文件：\n{0}").format(log_file())


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    """Log unexpected errors with their traceback, then show a Chinese message box."""
    if not is_expected(exc) and not isinstance(exc, (PermissionError, FileNotFoundError)):
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    else:
        log.warning("%s: %s", type(exc).__name__, exc)
    if QApplication.instance() is None:
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or tr("出错了"))
    box.setText(message_for(exc))
    box.setObjectName("errorDialog")
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    from gui.ui import chinese_buttons

    chinese_buttons(box)
    _offer_restore(box, parent, exc)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Non-blocking: a modal exec() here would nest event loops inside worker callbacks.
    _open_boxes.append(box)
    box.finished.connect(lambda _r, b=box: _open_boxes.remove(b) if b in _open_boxes else None)
    box.setWindowModality(Qt.WindowModality.ApplicationModal)
    box.show()


def _offer_restore(box: QMessageBox, parent: QWidget | None, exc: BaseException) -> None:
    """A damaged archive: the error dialog offers 从备份恢复… of the main window it belongs to."""
    from core.errors import ArchiveCorruptError

    window = parent.window() if parent is not None else None
    restore = getattr(getattr(window, "archives", None), "restore_backup_interactive", None)  # gui.archive_actions
    if not isinstance(exc, ArchiveCorruptError) or restore is None:
        return
    button = box.addButton(tr("从备份恢复…"), QMessageBox.ButtonRole.ActionRole)
    button.setObjectName("restoreFromError")
    button.clicked.connect(lambda _checked=False: restore())


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    try:
        app = QApplication.instance()
        parent = app.activeWindow() if isinstance(app, QApplication) else None
        show_error(parent, exc)
    except Exception:  # never let the hook itself raise
        log.exception("error while showing an error")


def install_excepthook() -> None:
    sys.excepthook = _excepthook
