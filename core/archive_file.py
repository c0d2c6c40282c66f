"""Old import path (kept for scripts): the archive file's code is core/store/connection.py."""

from __future__ import annotations

from core.store.connection import *  # noqa: F403
