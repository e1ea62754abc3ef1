"""Shared test fixtures. Area-specific fixtures live in their own test files; paths in tests/helpers/paths.py."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers.paths import EMBEDDED, ROOT

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def embedded_data_dir() -> Path:
    return EMBEDDED
