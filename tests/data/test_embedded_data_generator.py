"""The generator is deterministic and the wide Excel file holds the same observations as the CSV."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

GENERATOR = ROOT / "data" / "quang_ninh" / "generate.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("qn_generate", GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["qn_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen():
    return _load_generator()


@pytest.fixture(scope="module")
def regenerated(gen, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("qn")
    gen.generate_dataset(out)
    return out


@pytest.mark.parametrize("name", ["observations.csv", "targets.csv", "dataset.yaml"])
def test_regeneration_is_byte_identical(regenerated, embedded_data_dir, name):
    assert (regenerated / name).read_bytes() == (embedded_data_dir / name).read_bytes(), \
        f"{name} differs from a fresh run of generate.py: rerun it and commit the result"


def _sheets(path: Path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_wide_workbook_is_reproducible(regenerated, embedded_data_dir):
    assert _sheets(regenerated / "observations_wide.xlsx") == _sheets(embedded_data_dir / "observations_wide.xlsx")


def test_wide_layout(embedded_data_dir):
    from openpyxl import load_workbook

    wb = load_workbook(embedded_data_dir / "observations_wide.xlsx")
    names = wb.sheetnames
    assert names[0] == "22 Quảng Ninh" and "193 Hạ Long" in names and "198 Bình Liêu" in names
    assert len(names) == 14
    texts = 0
    for ws in wb.worksheets:
        assert ws.merged_cells.ranges, ws.title
        assert "DỮ LIỆU MINH HỌA — illustrative data" in ws["A1"].value
        header = [c.value for c in ws[5]]
        assert header[:4] == ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "2019"]
        assert header[-3:] == ["2025 (6 tháng)", "2025 (ước)", "Ghi chú"]
        col_a = [c.value for c in ws["A"]]
        first_note = next(i for i, v in enumerate(col_a) if isinstance(v, str) and v.startswith("Ghi chú:"))
        assert all(v is None or (isinstance(v, str) and v.startswith(("Ghi chú", "Cột", "Ô "))) for v in
                   col_a[first_note:])
        for row in ws.iter_rows(min_row=6, max_row=first_note - 1, min_col=4, max_col=len(header) - 1,
                                values_only=True):
            for v in row:
                assert v is None or isinstance(v, (int, float)) or v.startswith(("trên ", "gần ")), (ws.title, v)
                texts += isinstance(v, str)
    assert 5 <= texts <= 40


def test_helpers(gen):
    assert gen.split_largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(gen.split_largest_remainder(2092, [3, 5, 0.5, 7])) == 2092
    import numpy as np

    parts = gen.split_multinomial(np.random.default_rng(0), 29, [5, 1, 1, 3])
    assert sum(parts) == 29 and min(parts) >= 0
    assert gen.format_number_text(49980) == "49.980"
    assert gen._csv_number(4.123) == "4.1230" and gen._csv_number(12.0) == "12" and gen._csv_number(0.5) == "0.5"
