from __future__ import annotations

from pathlib import Path

import pytest

from classify import Classifier

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
LABELS = Path(__file__).resolve().parents[1] / "data" / "labels.jsonl"


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.load()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip("shared data folder (../shared beside the repo) is missing")
    return SHARED
