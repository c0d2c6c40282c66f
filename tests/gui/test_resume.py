"""After a start whose last import was killed: the window says how many files landed and imports the rest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.archive import Archive
from core.ingest import resume
from core.models import Outcome
from tests.gui.conftest import make_window, shared_reports


def _interrupted_archive(path: Path, files: list[Path], landed: int) -> None:
    """An archive as a killed import leaves it: `landed` files stored, the run recorded, its process gone."""
    with Archive.open(path) as archive:
        archive.import_paths(files[:landed], workers=0)
        run_id = resume.start_run(archive.connection, [str(p) for p in files])
        resume.mark(archive.connection, run_id, [(seq, "imported") for seq in range(landed)])
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
        archive.connection.execute("UPDATE import_runs SET pid = ? WHERE id = ?", (int(gone.stdout), run_id))


def test_the_window_offers_the_rest_of_an_interrupted_import(qtbot: QtBot, tmp_path: Path) -> None:
    files = shared_reports(2)[:5]
    db = tmp_path / "archive.sqlite"
    _interrupted_archive(db, files, landed=2)
    window = make_window(qtbot, db)
    notice = window.resumeNotice
    assert notice.isVisible()
    assert "5 个文件中已有 2 个入库，还有 3 个未导入" in notice.label.text()
    assert notice.resumeButton.text() == "导入其余 3 个文件"
    with qtbot.waitSignal(window.importFinished, timeout=120_000) as blocker:
        notice.resumeButton.click()
    report = blocker.args[0]
    assert report.count(Outcome.IMPORTED) == 3
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=10_000)
    assert not notice.isVisible()
    assert window.archive is not None and window.archive.interrupted_import() is None
    window.close()


def test_dismissing_forgets_the_interrupted_import(qtbot: QtBot, tmp_path: Path) -> None:
    files = shared_reports(2)[:4]
    db = tmp_path / "archive.sqlite"
    _interrupted_archive(db, files, landed=1)
    window = make_window(qtbot, db)
    assert window.resumeNotice.isVisible()
    assert window.worker is not None
    with qtbot.waitSignal(window.worker.jobFinished, timeout=10_000):
        window.resumeNotice.dismissButton.click()
    assert not window.resumeNotice.isVisible()
    assert window.archive is not None and window.archive.interrupted_import() is None
    assert window.model.rowCount() == 1
    window.close()
