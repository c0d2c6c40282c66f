"""Column templates of the 报告 sheet: named lists of indicator keys the user saves and reuses, and the default.

Stored in the per-user data folder (`export_templates.json`), shared by the window and the CLI. The built-in
template 全部指标 (every dictionary indicator, in the dictionary's order) always exists and cannot be changed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core.errors import ExportError
from core.paths import user_data_dir

ALL_INDICATORS = "全部指标"
FILE_NAME = "export_templates.json"
MAX_NAME = 40

log = logging.getLogger(__name__)


def _path(folder: Path | None) -> Path:
    return (folder or user_data_dir()) / FILE_NAME


def _load(folder: Path | None) -> dict[str, Any]:
    path = _path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"default": ALL_INDICATORS, "templates": {}}
    except (OSError, ValueError) as exc:  # a damaged file must not stop an export
        log.warning("export templates unreadable (%s): %s", path, exc)
        return {"default": ALL_INDICATORS, "templates": {}}
    templates = data.get("templates") if isinstance(data, dict) else None
    clean: dict[str, list[str]] = {}
    if isinstance(templates, dict):
        for name, keys in templates.items():
            if isinstance(name, str) and isinstance(keys, list):
                clean[name] = [str(k) for k in keys if isinstance(k, str)]
    default = data.get("default") if isinstance(data, dict) else None
    return {"default": default if isinstance(default, str) else ALL_INDICATORS, "templates": clean}


def _save(data: dict[str, Any], folder: Path | None) -> None:
    path = _path(folder)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"无法保存导出模板：{exc.strerror or exc}") from exc


def template_names(folder: Path | None = None) -> list[str]:
    """全部指标 first, then the user's templates by name."""
    return [ALL_INDICATORS, *sorted(_load(folder)["templates"])]


def template_keys(name: str | None, folder: Path | None = None) -> list[str] | None:
    """The keys of a template in its order; None for 全部指标 (and for a template that no longer exists)."""
    if not name or name == ALL_INDICATORS:
        return None
    keys = _load(folder)["templates"].get(name)
    if keys is None:
        log.info("export template %r not found; using %s", name, ALL_INDICATORS)
    return list(keys) if keys is not None else None


def save_template(name: str, keys: Iterable[str], folder: Path | None = None) -> str:
    """Save (or replace) a template; returns the name as stored."""
    name = " ".join((name or "").split())
    if not name:
        raise ExportError("模板名称不能为空。")
    if name == ALL_INDICATORS:
        raise ExportError(f"“{ALL_INDICATORS}”是内置模板，请换一个名称。")
    if len(name) > MAX_NAME:
        raise ExportError(f"模板名称太长（最多 {MAX_NAME} 个字）。")
    unique: list[str] = []
    for key in keys:
        if key and key not in unique:
            unique.append(key)
    if not unique:
        raise ExportError("模板至少要包含一个指标。")
    data = _load(folder)
    data["templates"][name] = unique
    _save(data, folder)
    return name


def delete_template(name: str, folder: Path | None = None) -> None:
    data = _load(folder)
    if data["templates"].pop(name, None) is not None:
        if data["default"] == name:
            data["default"] = ALL_INDICATORS
        _save(data, folder)


def default_template(folder: Path | None = None) -> str:
    """The template an export uses when none is named (a setting: 默认导出模板)."""
    data = _load(folder)
    name = data["default"]
    return name if name == ALL_INDICATORS or name in data["templates"] else ALL_INDICATORS


def set_default_template(name: str, folder: Path | None = None) -> None:
    data = _load(folder)
    if name != ALL_INDICATORS and name not in data["templates"]:
        raise ExportError(f"没有名为“{name}”的导出模板。")
    data["default"] = name
    _save(data, folder)
