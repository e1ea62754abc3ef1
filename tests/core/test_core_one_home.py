"""One home per rule: a few calls that must stay in the one module that owns them (a second copy drifts)."""
from __future__ import annotations

import re

import pytest

from tests.helpers.paths import ROOT

PACKAGE = ROOT / "ctxh_plan"

#: (pattern in the source, the one module allowed to hold it, what to call elsewhere)
RULES = [
    (r'\.to_dict\(\s*(orient\s*=\s*)?"records"', "data/frames.py", "ctxh_plan.data.frames.frame_records"),
    (r"\bread_csv\(|csv\.Sniffer", "io/csvfile.py", "ctxh_plan.io.csvfile.read_csv_table (or io.readers)"),
    (r"hashlib\.file_digest", "io/digest.py", "ctxh_plan.io.digest.sha256_file"),
]


def _sources() -> list[tuple[str, str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 100  # the package is there
    return [(p.relative_to(PACKAGE).as_posix(), p.read_text(encoding="utf-8")) for p in files]


@pytest.mark.parametrize(("pattern", "home", "instead"), RULES, ids=[r[1] for r in RULES])
def test_a_rule_lives_in_its_one_module(pattern, home, instead):
    sources = _sources()
    assert any(name == home for name, _ in sources), home
    elsewhere = []
    for name, text in sources:
        if name == home:
            continue
        for k, line in enumerate(text.splitlines(), start=1):
            code = line.split("#", 1)[0]
            if re.search(pattern, code) and not code.lstrip().startswith(('"', "'")):
                elsewhere.append(f"ctxh_plan/{name}:{k}: {line.strip()}")
    assert not elsewhere, f"use {instead}:\n" + "\n".join(elsewhere)
