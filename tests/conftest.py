"""Shared fixtures: where ../shared is, and an isolated per-user folder for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("REPORT_ARCHIVE_SHARED", REPO.parent / "shared"))
SAMPLES = SHARED / "samples"
GOLD = SHARED / "gold"
CORPUS = SHARED / "corpus" / "sz-gov-work-reports"
DOMAIN = SHARED / "domain"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("REPORT_ARCHIVE_HOME", str(home))
    return home


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present")
    return SAMPLES


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
