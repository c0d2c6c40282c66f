"""An archive on a network share: the window warns and offers to work on a local copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import core.archive
from core.archive import Archive
from tests.gui.conftest import make_window


def test_network_archive_offers_a_local_copy_and_opens_it(
    qtbot: QtBot, filled_archive: Path, _isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = filled_archive.resolve()
    monkeypatch.setattr(core.archive, "is_network_path", lambda path, _mounts=None: Path(path).resolve() == share)
    with Archive.open(filled_archive) as archive:
        expected = archive.count()
    window = make_window(qtbot, filled_archive)
    try:
        assert window.warningLabel.isVisibleTo(window)  # the archive says why (WAL is unsafe on a share)
        assert window.localCopyButton.isVisibleTo(window)
        with qtbot.waitSignal(window.localCopied, timeout=20_000) as blocker:
            window.localCopyButton.click()
        copy = blocker.args[0]
        assert copy.is_file() and copy.resolve() != share
        assert copy.is_relative_to(_isolated_home)  # the per-user data folder, never next to the program
        assert window.archive_path == copy
        assert not window.localCopyButton.isVisibleTo(window)  # the copy is local: no offer any more
        qtbot.waitUntil(lambda: window.model.rowCount() == expected, timeout=10_000)
        assert share.is_file()  # the original on the share is left as it was
    finally:
        window.close()
