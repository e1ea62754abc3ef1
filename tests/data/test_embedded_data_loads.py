"""The embedded dataset passes the toolkit's own validation, and its wide Excel file reads back as
the same observations as the tidy CSV (through ctxh_plan.io.readers, as a user's file would)."""
from __future__ import annotations

import shutil

import pytest

import ctxh_plan as cp

KEYS = ["unit_code", "indicator_code", "year", "period"]


@pytest.fixture(scope="module")
def tidy(embedded_data_dir):
    return cp.load_dataset(embedded_data_dir)  # strict: raises ValidationFailed on any error


@pytest.fixture(scope="module")
def wide(embedded_data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("wide")
    for name in ("observations_wide.xlsx", "targets.csv", "dataset.yaml"):
        shutil.copy(embedded_data_dir / name, folder / name)
    return cp.load_dataset(folder)


def test_loads_without_errors(tidy, embedded_data_dir):
    assert tidy.illustrative and tidy.province_code == "22"
    # validation reports problems instead of raising: the folder has warnings (gaps) but no error
    problems = cp.validate_paths([embedded_data_dir])
    assert len(problems) and int((problems["severity"] == "error").sum()) == 0
    assert len(tidy.observations) > 5000
    own = tidy.targets[tidy.targets["scope"] == "22"]
    assert {"DROWNING_DEATHS", "CHILD_MARRIAGES", "CT11b"} <= set(own["indicator_code"])


def test_wide_file_reads_as_the_same_observations(tidy, wide):
    a = tidy.observations[KEYS + ["value", "flag"]]
    b = wide.observations[KEYS + ["value", "flag"]]
    m = a.merge(b, on=KEYS, how="outer", suffixes=("_csv", "_xlsx"), indicator=True)
    assert (m["_merge"] == "both").all(), m[m["_merge"] != "both"].head()
    assert (m["value_csv"] - m["value_xlsx"]).abs().max() < 1e-9
    assert (m["flag_csv"].fillna("") == m["flag_xlsx"].fillna("")).all()
