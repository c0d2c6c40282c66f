"""The viewer stays linear on pathological text: a huge line without break opportunities wraps anywhere."""

from __future__ import annotations

from PySide6.QtGui import QTextOption

from gui.viewer import wrap_mode_for


def test_the_viewer_wraps_a_huge_unbreakable_line_anywhere() -> None:
    """Qt's word wrap is quadratic on 200,000 digits in one line (half a minute with highlights)."""
    assert wrap_mode_for("1" * 200_000 + "件") == QTextOption.WrapMode.WrapAnywhere
    assert wrap_mode_for("（" * 100_000 + "3件") == QTextOption.WrapMode.WrapAnywhere
    assert wrap_mode_for("一、主要举措\n办理行政复议案件3件。\n" * 1000) == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
