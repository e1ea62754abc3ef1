"""Shared test fixtures. Area-specific fixtures live in their own test files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def embedded_data_dir() -> Path:
    return ROOT / "data" / "quang_ninh"
