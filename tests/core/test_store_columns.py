"""The analysis columns a stored document gets (sections, structure as JSON) are exactly dataclasses.asdict's."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from core.extract import analyse
from core.store.documents import analysis_columns


def test_analysis_json_equals_asdict(samples_dir: Path) -> None:
    for path in sorted(samples_dir.glob("*.txt")):
        analysis = analyse(path.read_text(encoding="utf-8"))
        assert analysis.sections, path.name
        cols = analysis_columns(analysis, {}, path.name)
        assert cols["sections"] == json.dumps([asdict(s) for s in analysis.sections], ensure_ascii=False)
        assert cols["structure"] == json.dumps(asdict(analysis.structure), ensure_ascii=False)
