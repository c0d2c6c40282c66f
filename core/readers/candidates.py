"""Which files found in a folder are reports at all: the rest is skipped with a note, never counted as failed.

A folder of reports usually carries other files too (a README, a .tsv list, scripts, spreadsheets,
pictures). `is_report_candidate(path)` returns None for a file the readers should try, else the
Chinese note that the import result shows next to 跳过. Files the user picked one by one are not
filtered here: the reader says what is wrong with them.
"""

from __future__ import annotations

from pathlib import Path

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"})
_KINDS: dict[str, frozenset[str]] = {
    "说明文档": frozenset({".md", ".markdown", ".rst"}),
    "表格文件": frozenset({".csv", ".tsv", ".xls", ".xlsx", ".xlsm", ".et", ".ods", ".numbers"}),
    "图片": IMAGE_SUFFIXES,
    "演示文稿": frozenset({".ppt", ".pptx", ".dps", ".odp", ".key"}),
    "压缩包": frozenset({".zip", ".rar", ".7z", ".gz", ".tar", ".bz2", ".xz"}),
    "程序或数据文件": frozenset({
        ".py", ".pyc", ".js", ".ts", ".json", ".xml", ".yaml", ".yml", ".ini", ".cfg", ".toml", ".sh",
        ".bat", ".cmd", ".ps1", ".exe", ".dll", ".so", ".sql", ".sqlite", ".db", ".log", ".lock",
    }),
    "音视频": frozenset({".mp3", ".mp4", ".wav", ".avi", ".mov", ".wmv", ".flv", ".mkv"}),
}
# Text files that describe a folder rather than report anything (README.txt, LICENSE …).
_NOTE_STEMS = ("readme", "license", "licence", "changelog", "copying", "authors")


def _supported() -> frozenset[str]:
    from core.readers import SUPPORTED_SUFFIXES

    return frozenset(SUPPORTED_SUFFIXES)


def is_report_candidate(path: str | Path, *, images: bool = True) -> str | None:
    """None when the readers should try this file; else why it is skipped (Chinese, for the import result).

    `images=False` (OCR turned off in 设置) skips pictures even where a reader could recognise them.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    shown = suffix or "无扩展名"
    if suffix in IMAGE_SUFFIXES and not images:
        return f"图片（{shown}），未开启文字识别（OCR），已跳过"
    if suffix in _supported():
        stem = p.stem.lower()
        if suffix in {".txt", ".text"} and stem.startswith(_NOTE_STEMS):
            return f"说明文件（{p.name}），不是报告，已跳过"
        return None
    kind = next((name for name, suffixes in _KINDS.items() if suffix in suffixes), "")
    if kind:
        return f"{kind}（{shown}），不是报告，已跳过"
    return f"不支持的文件类型（{shown}），已跳过"
