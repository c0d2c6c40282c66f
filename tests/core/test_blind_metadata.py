"""The blind check set (`blind_meta.tsv`: real files from ../shared no rule was tuned on, judged by hand):
agency, region, report year and publish date ≥ 0.92 together, doc_type ≥ 0.92. Scans (OCR) are left to
`python -m tests.core.blind_metadata --ocr`, which also prints every miss."""

from __future__ import annotations

import pytest

from tests.core.blind_metadata import SHARED, load_rows, score


def test_blind_set_metadata_bar() -> None:
    rows = [r for r in load_rows() if not r.needs_ocr and (SHARED / r.file).is_file()]
    if len(rows) < 30:
        pytest.skip("../shared is not present")
    result = score(rows)
    assert result["metadata"] >= 0.92
    assert result["doc_type"] >= 0.92


def test_blind_set_is_not_in_the_tuned_sets() -> None:
    rows = load_rows()
    assert len(rows) >= 30
    names = {r.file for r in rows}
    assert not any(name.startswith(("samples/", "gold/")) for name in names)
    assert len(names) == len(rows)
