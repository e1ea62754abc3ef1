"""The illustrative 2026 tracking folder: labelled illustrative, and equal to a fresh run of its generator."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import QN26

pytestmark = pytest.mark.xdist_group("tracking_generator")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in ("generate.py", "README.md") and "__pycache__" not in p.parts}


@pytest.mark.notebooks  # end-to-end: the whole 2026 folder (~110 workbooks) written again, ~8 s
def test_regeneration_is_byte_identical(tmp_path):
    """generate.py writes the whole folder again (~110 workbooks, ~10 s): the same bytes as the committed one."""
    spec = importlib.util.spec_from_file_location("qn26_generate", QN26 / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["qn26_generate"] = mod
    spec.loader.exec_module(mod)
    mod.generate(tmp_path)
    fresh, committed = _files(tmp_path), _files(QN26)
    assert sorted(fresh) == sorted(committed)
    differ = [name for name in committed if committed[name] != fresh[name]]
    assert not differ, f"{differ[:5]} differ from a fresh run of generate.py: rerun it and commit the result"


def test_folder_is_labelled_illustrative():
    from openpyxl import load_workbook

    from ctxh_plan.io.layout import read_dataset_meta
    from ctxh_plan.tracking.folder import read_tracking_folder

    assert read_dataset_meta(QN26)["illustrative"] is True
    f = read_tracking_folder(QN26)
    assert f.illustrative and f.rebase_to == "2025-07-01" and f.plan.name == "adopted_targets.csv"
    for p in sorted((QN26 / "received").rglob("*.xlsx")):
        ws = load_workbook(p, read_only=True).worksheets[0]
        head = " ".join(str(c) for row in ws.iter_rows(max_row=3, values_only=True) for c in row if c)
        assert "MINH HỌA" in head, p.name
    assert "MINH HỌA" in (QN26 / "README.md").read_text(encoding="utf-8")
