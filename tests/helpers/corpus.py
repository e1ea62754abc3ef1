"""Reading the case lists (``CASES.csv``) of the two bad-input corpora in tests/fixtures/."""
from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["read_cases"]


def read_cases(path: Path) -> list[dict[str, str]]:
    """The rows of a corpus's ``CASES.csv`` (UTF-8, one case a row), as dictionaries of text.

    Raises ``FileNotFoundError`` when the file is missing: a corpus without its case list is an error of the
    test suite, never an empty corpus.
    """
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
