"""Markers of the import flags a document's stored warnings carry (Archive.flagged_ids, the GUI's badges).

Every warning of a flagged kind starts with its marker, so a filter is a substring test on the stored
warnings and no schema change is needed.
"""

from __future__ import annotations

from core.clean import GARBLED

OCR = "本文由文字识别（OCR）得到"  # every OCR warning starts with this

FLAG_MARKERS: dict[str, str] = {"garbled": GARBLED, "ocr": OCR}


def flags_of(warnings: list[str]) -> set[str]:
    """The flags ("garbled", "ocr") a document's warnings carry."""
    return {flag for flag, marker in FLAG_MARKERS.items() if any(marker in warning for warning in warnings)}
