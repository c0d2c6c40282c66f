"""Qt's own strings in Chinese: Qt's qtbase_zh_CN catalogue, and our own short fallback where it is missing.

The file dialog (查找范围、文件类型), message-box and button-box buttons, line-edit context menus are Qt's
strings, translated by Qt's catalogue `qtbase_zh_CN.qm` in PySide6's translations folder
(`QLibraryInfo.TranslationsPath`; PyInstaller's PySide6 hook bundles it). Some PySide6 wheels ship
without it; then `FallbackTranslator` translates the few dozen strings a clerk meets in this app.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)

# Source text (as Qt writes it, any context) → Chinese. Only what this app's dialogs show.
FALLBACK: dict[str, str] = {
    # QFileDialog
    "&Look in:": "查找范围(&L)：",
    "Look in:": "查找范围：",
    "File &name:": "文件名(&N)：",
    "Files of &type:": "文件类型(&T)：",
    "Files of type:": "文件类型：",
    "&Open": "打开(&O)",
    "&Save": "保存(&S)",
    "&Choose": "选择(&C)",
    "Directory:": "文件夹：",
    "Folder:": "文件夹：",
    "&Delete": "删除(&D)",
    "&Rename": "重命名(&R)",
    "Show &hidden files": "显示隐藏文件(&H)",
    "&New Folder": "新建文件夹(&N)",
    "New Folder": "新建文件夹",
    "Create New Folder": "新建文件夹",
    "Back": "后退",
    "Forward": "前进",
    "Parent Directory": "上一级",
    "List View": "列表",
    "Detail View": "详细信息",
    "Recent Places": "最近访问",
    "My Computer": "我的电脑",
    "Computer": "计算机",
    "All Files (*)": "所有文件 (*)",
    "Open": "打开",
    "Save As": "另存为",
    "Find Directory": "选择文件夹",
    "Name": "名称",
    "Size": "大小",
    "Type": "类型",
    "Kind": "类型",
    "Date Modified": "修改日期",
    "Drive": "驱动器",
    "File": "文件",
    "File Folder": "文件夹",
    "Folder": "文件夹",
    # QPlatformTheme / QDialogButtonBox / QMessageBox buttons
    "OK": "确定",
    "Cancel": "取消",
    "&Cancel": "取消(&C)",
    "Close": "关闭",
    "&Close": "关闭(&C)",
    "Save": "保存",
    "Apply": "应用",
    "Reset": "重置",
    "Help": "帮助",
    "Discard": "放弃",
    "Don't Save": "不保存",
    "Close without Saving": "不保存并关闭",
    "&Yes": "是(&Y)",
    "Yes to &All": "全部是(&A)",
    "&No": "否(&N)",
    "N&o to All": "全部否(&O)",
    "Abort": "中止",
    "Retry": "重试",
    "Ignore": "忽略",
    "Restore Defaults": "恢复默认值",
    "Show Details...": "显示详细信息…",
    "Hide Details...": "隐藏详细信息…",
    # line edit / text edit context menu
    "&Undo": "撤销(&U)",
    "&Redo": "重做(&R)",
    "Cu&t": "剪切(&T)",
    "&Copy": "复制(&C)",
    "&Paste": "粘贴(&P)",
    "Delete": "删除",
    "Select All": "全选",
    "Copy &Link Location": "复制链接地址(&L)",
    # QColorDialog
    "Select Color": "选择颜色",
    "&Basic colors": "基本颜色(&B)",
    "&Custom colors": "自定义颜色(&C)",
    "&Add to Custom Colors": "添加到自定义颜色(&A)",
    "&Pick Screen Color": "拾取屏幕颜色(&P)",
    "Hu&e:": "色调(&E)：",
    "&Sat:": "饱和度(&S)：",
    "&Val:": "亮度(&V)：",
    "&Red:": "红(&R)：",
    "&Green:": "绿(&G)：",
    "Bl&ue:": "蓝(&U)：",
    "A&lpha channel:": "透明度(&L)：",
    "&HTML:": "&HTML：",
}


class FallbackTranslator(QTranslator):
    """Translates FALLBACK's strings in every context; anything else is left to the next translator."""

    def translate(
        self, context: str, sourceText: str, disambiguation: str | None = None, n: int = -1  # noqa: ARG002
    ) -> str | None:
        # None (a null QString) passes the string on; "" would be taken as a translation and blank it out
        return FALLBACK.get(sourceText)

    def isEmpty(self) -> bool:
        return False


def translations_folder() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_qt_translations(app: QCoreApplication, folder: Path | None = None) -> list[QTranslator]:
    """Install Qt's Chinese catalogue (qtbase_zh_CN) and, under it, the fallback; returns what was installed.

    Translators installed later are asked first, so Qt's full catalogue wins where it has the string.
    """
    folder = translations_folder() if folder is None else folder
    installed: list[QTranslator] = []
    fallback = FallbackTranslator(app)
    app.installTranslator(fallback)
    installed.append(fallback)
    qtbase = QTranslator(app)
    if qtbase.load(CHINESE, "qtbase", "_", str(folder)):
        app.installTranslator(qtbase)
        installed.append(qtbase)
    else:
        log.info("Qt's Chinese catalogue (qtbase_zh_CN.qm) not found in %s: using the built-in fallback", folder)
    return installed
