"""Where the tests find the project and their fixtures: one home for every path the tests build.

The project root is found from this file (never from the working directory), so the tests run the same
from any folder and in any xdist worker.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["BAD", "EMBEDDED", "FIXTURES", "QN26", "RELIABILITY", "ROOT", "SMALL"]

#: the project folder (holds pyproject.toml, ctxh_plan/, data/, params/, notebooks/, tests/)
ROOT = Path(__file__).resolve().parents[2]
#: the embedded illustrative dataset of Quảng Ninh (dữ liệu minh họa)
EMBEDDED = ROOT / "data" / "quang_ninh"
#: the illustrative 2026 tracking folder (plan adopted, forms received; dữ liệu minh họa)
QN26 = ROOT / "data" / "quang_ninh_2026"
#: input files made for the tests (not a test room: ``tests/data/`` holds the tests of ``ctxh_plan.data``)
FIXTURES = ROOT / "tests" / "fixtures"
#: the malformed-data-file corpus of ``ctxh-plan validate`` (``CASES.csv`` describes each file)
BAD = FIXTURES / "bad"
#: the bad-input corpus of every other entry point (``CASES.csv``) and its small dataset
RELIABILITY = FIXTURES / "reliability"
#: a small illustrative dataset (three units) for tests that write or run notebooks
SMALL = RELIABILITY / "ds_small"
