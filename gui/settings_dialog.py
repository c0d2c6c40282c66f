"""The 设置 dialog (`settingsDialog`): OCR, per-file time limit, watched folder, backups, default export template.

It edits `gui.settings.Settings` only; the mechanisms read the stored values when they run (see the getters
in gui/settings.py). `apply()` writes what changed and returns the names of the changed options.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.settings import (
    BACKUP_KEEP,
    OCR_ENABLED_DEFAULT,
    OCR_PAGES,
    TIME_BASE,
    TIME_PER_MB,
    IntOption,
    Settings,
    default_backup_dir,
)

OPTIONS = (
    "ocr_enabled", "ocr_page_limit", "time_limit_base_s", "time_limit_per_mb_s",
    "watched_folder", "backup_dir", "backup_keep", "export_template",
)


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingsDialog", text)


def _spin(option: IntOption, suffix: str, parent: QWidget, name: str) -> QSpinBox:
    box = QSpinBox(parent)
    box.setObjectName(name)
    box.setRange(option.minimum, option.maximum)
    box.setSuffix(suffix)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    box.setMinimumWidth(110)
    box.setMaximumWidth(150)
    return box


class FolderField(QWidget):
    """A folder path with 浏览… (and 不使用 when the folder is optional)."""

    changed = Signal()

    def __init__(self, name: str, title: str, parent: QWidget, *, optional: bool = False) -> None:
        super().__init__(parent)
        self.title = title
        self.edit = QLineEdit(self)
        self.edit.setObjectName(name)
        self.edit.setMinimumWidth(320)
        self.edit.setClearButtonEnabled(optional)
        if optional:
            self.edit.setPlaceholderText(tr("未设置（不自动导入）"))
        self.browse = QPushButton(tr("浏览…"), self)
        self.browse.setObjectName(name + "Browse")
        self.browse.clicked.connect(self._browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.browse)
        self.edit.textChanged.connect(self.changed)

    def _browse(self) -> None:
        start = self.edit.text().strip() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.title, start)
        if folder:
            self.edit.setText(folder)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def set_path(self, path: Path | None) -> None:
        self.edit.setText(str(path) if path else "")


class SettingsDialog(QDialog):
    """Edits the options; 确定 stores them (`apply`), 恢复默认值 fills the defaults in (stored on 确定)."""

    applied = Signal(list)  # names of the options that changed

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, *, templates: Sequence[str] = ()
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(tr("设置"))
        self.settings = settings
        self.templates = [t for t in templates if t]

        # -- 导入
        imports = QGroupBox(tr("导入"), self)
        form = QFormLayout(imports)
        self.ocrCheck = QCheckBox(tr("识别扫描件中的文字（OCR，较慢）"), imports)
        self.ocrCheck.setObjectName("ocrEnabled")
        self.ocrCheck.setToolTip(tr("没有文字层的 PDF 和图片：关闭时跳过并在导入结果中说明"))
        self.ocrPages = _spin(OCR_PAGES, tr(" 页"), imports, "ocrPageLimit")
        self.ocrPages.setToolTip(tr("一份扫描件最多识别的页数；超过的页不识别，导入结果中会说明"))
        self.timeBase = _spin(TIME_BASE, tr(" 秒"), imports, "timeLimitBase")
        self.timePerMb = _spin(TIME_PER_MB, tr(" 秒"), imports, "timeLimitPerMb")
        limit = QHBoxLayout()
        limit.addWidget(self.timeBase)
        limit.addWidget(QLabel(tr("，文件每 1 MB 再加"), imports))
        limit.addWidget(self.timePerMb)
        limit.addStretch(1)
        self.timeExample = QLabel(imports)
        self.timeExample.setObjectName("timeLimitExample")
        self.timeExample.setStyleSheet("color: palette(dark);")
        self.watched = FolderField("watchedFolder", tr("选择自动导入文件夹"), imports, optional=True)
        form.addRow(self.ocrCheck)
        form.addRow(tr("OCR 页数上限："), self.ocrPages)
        form.addRow(tr("每个文件的处理时限："), limit)
        form.addRow("", self.timeExample)
        form.addRow(tr("自动导入文件夹："), self.watched)
        watched_note = QLabel(tr("放进这个文件夹（含子文件夹）的报告会在程序运行时自动导入。"), imports)
        watched_note.setStyleSheet("color: palette(dark);")
        watched_note.setWordWrap(True)
        form.addRow("", watched_note)

        # -- 备份
        backups = QGroupBox(tr("自动备份"), self)
        bform = QFormLayout(backups)
        self.backupDir = FolderField("backupDir", tr("选择备份文件夹"), backups)
        self.backupKeep = _spin(BACKUP_KEEP, tr(" 天"), backups, "backupKeep")
        self.backupKeep.setToolTip(tr("每天保留最新的一份备份；另外总保留最近 3 份，以及文档比现在多的最新一份。"
                                      "一个档案的备份合计最多占用所在磁盘的四分之一，超出时先删最早的"))
        bform.addRow(tr("备份文件夹："), self.backupDir)
        bform.addRow(tr("按天保留最近："), self.backupKeep)
        backup_note = QLabel(tr("更换文件夹后，以前的备份留在原文件夹中，“从备份恢复”只列出新文件夹里的备份。"), backups)
        backup_note.setStyleSheet("color: palette(dark);")
        backup_note.setWordWrap(True)
        bform.addRow("", backup_note)

        # -- 导出
        export = QGroupBox(tr("导出"), self)
        eform = QFormLayout(export)
        self.exportTemplate = QComboBox(export)
        self.exportTemplate.setObjectName("exportTemplate")
        self.exportTemplate.addItem(tr("全部指标（指标词典的顺序）"), "")
        for name in self.templates:
            self.exportTemplate.addItem(name, name)
        eform.addRow(tr("默认导出模板："), self.exportTemplate)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.defaultsButton = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaultsButton.setText(tr("恢复默认值"))
        self.defaultsButton.setObjectName("restoreDefaults")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.defaultsButton.clicked.connect(self.restore_defaults)

        layout = QVBoxLayout(self)
        layout.addWidget(imports)
        layout.addWidget(backups)
        layout.addWidget(export)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.ocrCheck.toggled.connect(self.ocrPages.setEnabled)
        self.timeBase.valueChanged.connect(self._update_example)
        self.timePerMb.valueChanged.connect(self._update_example)
        self.load()

    # -- values ---------------------------------------------------------------------------
    def load(self) -> None:
        s = self.settings
        self.ocrCheck.setChecked(s.ocr_enabled)
        self.ocrPages.setValue(s.ocr_page_limit)
        self.ocrPages.setEnabled(s.ocr_enabled)
        self.timeBase.setValue(s.time_limit_base_s)
        self.timePerMb.setValue(s.time_limit_per_mb_s)
        self.watched.set_path(s.watched_folder)
        self.backupDir.set_path(s.backup_dir)
        self.backupKeep.setValue(s.backup_keep)
        self._select_template(s.export_template)
        self._update_example()

    def _select_template(self, name: str) -> None:
        index = self.exportTemplate.findData(name)
        if index < 0 and name:  # a template the caller did not list: keep it selectable
            self.exportTemplate.addItem(name, name)
            index = self.exportTemplate.count() - 1
        self.exportTemplate.setCurrentIndex(max(index, 0))

    def restore_defaults(self) -> None:
        self.ocrCheck.setChecked(OCR_ENABLED_DEFAULT)
        self.ocrPages.setValue(OCR_PAGES.default)
        self.timeBase.setValue(TIME_BASE.default)
        self.timePerMb.setValue(TIME_PER_MB.default)
        self.watched.set_path(None)
        self.backupDir.set_path(default_backup_dir())
        self.backupKeep.setValue(BACKUP_KEEP.default)
        self.exportTemplate.setCurrentIndex(0)

    def _update_example(self) -> None:
        base, per_mb = self.timeBase.value(), self.timePerMb.value()
        self.timeExample.setText(
            tr("例如 10 MB 的文件最多处理 {0} 秒；超时的文件记为失败，其他文件继续导入。").format(base + per_mb * 10)
        )

    def values(self) -> dict[str, object]:
        """The options as the dialog shows them."""
        return {
            "ocr_enabled": self.ocrCheck.isChecked(),
            "ocr_page_limit": self.ocrPages.value(),
            "time_limit_base_s": self.timeBase.value(),
            "time_limit_per_mb_s": self.timePerMb.value(),
            "watched_folder": self.watched.path(),
            "backup_dir": self.backupDir.path() or default_backup_dir(),
            "backup_keep": self.backupKeep.value(),
            "export_template": str(self.exportTemplate.currentData() or ""),
        }

    def apply(self) -> list[str]:
        """Store the shown values; returns the names of the options that changed."""
        changed = []
        for name, value in self.values().items():
            if getattr(self.settings, name) != value:
                setattr(self.settings, name, value)
                changed.append(name)
        self.settings.sync()
        self.applied.emit(changed)
        return changed

    def accept(self) -> None:
        self.apply()
        super().accept()
