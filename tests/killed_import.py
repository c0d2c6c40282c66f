"""An import killed with SIGKILL part-way (after a few documents landed), for the tests of what survives it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tests.conftest import REPO

# The child: small write batches, so documents land while files remain.
_IMPORT = """
import sys
from core import Archive
from core.store import documents
documents.BATCH_DOCS = 3
with Archive.open(sys.argv[1]) as arch:
    arch.import_paths(sys.argv[2:], workers=0)
print("finished")
"""


def stored_count(path: Path) -> int:
    """Documents in the archive as another program sees it now (0 while it cannot be read)."""
    conn = sqlite3.connect(path, timeout=5)
    try:
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def kill_import_midway(db: Path, files: Sequence[str], guard_s: float, landed: int = 6) -> bytes:
    """Import `files` into `db` in a child process, SIGKILL it once `landed` documents are stored (or after
    the hang guard `guard_s`, or when it ended by itself); returns what the child printed."""
    proc = subprocess.Popen([sys.executable, "-c", _IMPORT, str(db), *files], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + guard_s
    while stored_count(db) < landed and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    out, _err = proc.communicate()
    return out
