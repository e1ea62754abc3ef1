"""Atomic writes: a failure never leaves a half-written file and keeps the previous output."""
from __future__ import annotations

import pandas as pd
import pytest

from ctxh_plan.errors import UsageError
from ctxh_plan.io.atomic import TMP_PREFIX, atomic_open, atomic_path, write_frame, write_text


def test_success_replaces_file(tmp_path):
    out = tmp_path / "a.txt"
    write_text(out, "old")
    write_text(out, "new")
    assert out.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def _write_half_then_fail(out):
    """A writer that fails half-way (the block raises inside the atomic context)."""
    with atomic_open(out) as fh:
        fh.write("half")
        raise RuntimeError("boom")


def _write_partial_then_interrupt(out):
    """Ctrl-C half-way through writing a file at the temporary path."""
    with atomic_path(out) as tmp:
        tmp.write_bytes(b"partial")
        raise KeyboardInterrupt


def test_failure_keeps_previous_output_and_leaves_no_temp(tmp_path):
    out = tmp_path / "a.txt"
    write_text(out, "previous")
    with pytest.raises(RuntimeError, match="boom"):
        _write_half_then_fail(out)
    assert out.read_text() == "previous"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TMP_PREFIX)]


def test_keyboard_interrupt_is_cleaned_up(tmp_path):
    out = tmp_path / "b.xlsx"
    with pytest.raises(KeyboardInterrupt):
        _write_partial_then_interrupt(out)
    assert list(tmp_path.iterdir()) == []


def test_write_frame_csv_and_xlsx_round_trip(tmp_path):
    df = pd.DataFrame({"unit_code": ["193", "06655"], "value": [1.5, 2.0]})
    csv = write_frame(df, tmp_path / "x.csv")
    back = pd.read_csv(csv, dtype={"unit_code": str}, encoding="utf-8-sig")
    assert back["unit_code"].tolist() == ["193", "06655"]
    xlsx = write_frame(df, tmp_path / "x.xlsx")
    assert pd.read_excel(xlsx, dtype={"unit_code": str})["value"].tolist() == [1.5, 2.0]


def test_write_frame_unknown_suffix_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r"csv or \.xlsx"):
        write_frame(pd.DataFrame({"a": [1]}), tmp_path / "x.json")
    assert list(tmp_path.iterdir()) == []


def test_output_permissions_follow_umask(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        out = write_text(tmp_path / "p.txt", "x")
    finally:
        os.umask(mask)
    assert (out.stat().st_mode & 0o777) == 0o644
