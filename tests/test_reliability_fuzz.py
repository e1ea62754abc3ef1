"""Fuzzing the readers and the number parser (hypothesis, bounded): random bytes, random CSV text and
random cells never crash with anything but the documented errors (ctxh_plan.errors.CtxhError subclasses);
Vietnamese and English number strings written by format_number are read back to the same number."""
from __future__ import annotations

import contextlib
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctxh_plan.data.numbers import detect_number_style, format_number, parse_number
from ctxh_plan.errors import CtxhError, InputError

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: characters analysts' files are made of: digits, separators, signs, Vietnamese words, odd spaces
NUMBER_CHARS = st.sampled_from(list("0123456789.,;%-+ ~<>≈eE") + ["\u00a0", "\u202f", "trên ", "gần ",
                                                                   "khoảng ", "hơn ", "tỷ", "triệu", "đ", "—", "x"])
number_like = st.lists(NUMBER_CHARS, max_size=14).map("".join)
CELL = st.one_of(number_like, st.text(max_size=12), st.sampled_from(["", "193", "CT11b", "2023", "FY", "H1", "NA",
                                                                      "=1/0", "Họ và tên", "022309001234"]))


@FUZZ
@given(text=st.one_of(number_like, st.text(max_size=30)), style=st.sampled_from(["auto", "vi", "en"]))
def test_parse_number_raises_only_input_error(text, style):
    try:
        parsed = parse_number(text, style=style)
    except InputError as exc:
        assert exc.where.value == text and exc.fix  # says which text and how to fix it
        return
    assert parsed.value is None or math.isfinite(parsed.value)
    ret = parse_number(text, style=style, errors="return")  # the non-raising mode agrees
    assert ret.value == parsed.value and ret.problem is None


@FUZZ
@given(text=st.one_of(number_like, st.text(max_size=30)), style=st.sampled_from(["auto", "vi", "en"]))
def test_parse_number_return_mode_never_raises(text, style):
    parsed = parse_number(text, style=style, errors="return")
    assert (parsed.problem is None) or parsed.value is None
    assert parsed.value is None or math.isfinite(parsed.value)


@FUZZ
@given(x=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), decimals=st.integers(0, 3),
       style=st.sampled_from(["vi", "en"]))
def test_formatted_numbers_read_back(x, decimals, style):
    """'1.234.567,891' (vi) and '1,234,567.891' (en) are read back as written, in their own style."""
    text = format_number(x, decimals, style=style)
    parsed = parse_number(text, style=style)
    assert parsed.value == pytest.approx(round(x, decimals), abs=10 ** -decimals)


@FUZZ
@given(cells=st.lists(st.one_of(number_like, st.text(max_size=10)), max_size=20))
def test_detect_number_style_never_crashes(cells):
    assert detect_number_style(cells) in (None, "vi", "en")


def _read_any(data: bytes, suffix: str, target: bool = False):
    from ctxh_plan.io.readers import read_observations, read_targets

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            frame = (read_targets if target else read_observations)(path)
        except CtxhError as exc:  # documented: InputError, PersonLevelDataError
            assert str(exc).strip()
            return None
        assert all(isinstance(c, str) for c in frame.columns)
        return frame


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_as_csv(data):
    _read_any(data, ".csv")


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_as_targets(data):
    _read_any(data, ".csv", target=True)


@FEW
@given(data=st.binary(max_size=300))
def test_random_bytes_as_xlsx(data):
    _read_any(data, ".xlsx")


HEADERS = st.lists(st.sampled_from(["unit_code", "indicator_code", "year", "value", "period", "numerator",
                                    "denominator", "note", "Mã đơn vị", "Năm", "Giá trị", "flag", "x", ""]),
                   min_size=1, max_size=7)


@FUZZ
@given(header=HEADERS, rows=st.lists(st.lists(CELL, max_size=8), max_size=6), sep=st.sampled_from([",", ";", "\t"]),
       bom=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-16", "cp1258"]))
def test_random_csv_text(header, rows, sep, bom, encoding):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    text = ("\ufeff" if bom and encoding == "utf-8" else "") + buf.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    frame = _read_any(data, ".csv")
    if frame is not None:
        assert {"_file", "_row"} <= set(frame.columns)


@FEW
@given(rows=st.lists(st.lists(CELL, min_size=4, max_size=4), min_size=1, max_size=5))
def test_random_cells_through_validation(rows):
    """Tidy rows with random cells: validation returns a problems table, it never crashes."""
    import csv
    import io

    from ctxh_plan.data.validation import validate_paths

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["unit_code", "indicator_code", "year", "value"])
    w.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "observations.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        try:
            problems = validate_paths([path])
        except CtxhError:
            return
    assert list(problems.columns)[:8] == ["file", "sheet", "row", "column", "value", "problem", "fix", "severity"]
    assert set(problems["severity"]) <= {"error", "warning"}


@FEW
@given(rows=st.lists(st.lists(CELL, min_size=2, max_size=8), max_size=6), header_row=st.integers(1, 4))
def test_random_cells_in_a_wide_workbook(rows, header_row):
    """A wide sheet (Mã chỉ tiêu + year headers) with random cells: read or refused with an InputError."""
    import io

    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "193 Hạ Long"
    ws.cell(header_row, 1, "Mã chỉ tiêu")
    for j, y in enumerate(("2021", "Năm 2022", "2025 (ước)"), start=2):
        ws.cell(header_row, j, y)
    for i, row in enumerate(rows, start=header_row + 1):
        for j, v in enumerate(row, start=1):
            v = ILLEGAL_CHARACTERS_RE.sub("", v)  # control characters cannot be stored in a workbook
            ws.cell(i, j, v if not v.startswith("=") else "'" + v)
    buf = io.BytesIO()
    wb.save(buf)
    _read_any(buf.getvalue(), ".xlsx")


@FUZZ
@given(data=st.binary(max_size=300))
def test_forecast_input_random_bytes(data):
    """The forecast command's reader (series_id, year, value) on random bytes."""
    from ctxh_plan.commands.forecast import read_series_csv
    from ctxh_plan.forecast import forecast_frame

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "series.csv"
        path.write_bytes(data)
        try:
            frame = read_series_csv(str(path))
            forecast_frame(frame, 2, source=str(path))
        except CtxhError:
            pass


# --------------------------------------------------------------------------- parameter files (YAML)

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 3000), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=12), st.sampled_from(["all", "vi", "fr", "data/quang_ninh", "193", "07", ""]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)


def _yaml_file(doc, tmp: str, name: str) -> Path:
    import yaml

    path = Path(tmp) / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True) if not isinstance(doc, str) else doc, encoding="utf-8")
    return path


@FUZZ
@given(doc=st.one_of(st.dictionaries(st.sampled_from(["name", "dataset", "units", "scenario", "lang",
                                                      "suppress_threshold", "rebase", "key_indicators", "output",
                                                      "jobs", "notebooks", "unit", "colour"]), VALUES, max_size=6),
                     VALUES, st.text(max_size=60)))
def test_random_batch_files(doc):
    """Random batch YAML (right and wrong keys, any value types, broken YAML): read or refused with a
    ParameterError/InputError naming the key; never another exception."""
    from ctxh_plan.batch import load_batch_config

    with tempfile.TemporaryDirectory() as tmp:
        path = _yaml_file(doc, tmp, "batch.yaml")
        try:
            cfg = load_batch_config(path)
        except CtxhError as exc:
            assert "fix" in str(exc) or "—" in str(exc), str(exc)
            return
    assert cfg.jobs >= 1 and cfg.suppress_threshold >= 0 and cfg.lang in ("vi", "en")


@FUZZ
@given(doc=st.one_of(st.dictionaries(st.sampled_from(["version", "target_year", "horizon", "base_year", "levels", "method",
                                                      "milestone_path", "stretch_ratio", "horizn"]), VALUES,
                                     max_size=5), VALUES))
def test_random_projection_settings(doc):
    from ctxh_plan.targets import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        with contextlib.suppress(CtxhError):
            load_settings(_yaml_file(doc, tmp, "projection.yaml"))


@FUZZ
@given(doc=st.one_of(st.dictionaries(st.sampled_from(["version", "suppression", "price_index", "document",
                                                      "charts"]), VALUES, max_size=4),
                     st.fixed_dictionaries({"suppression": st.dictionaries(st.sampled_from(["threshold", "mark"]),
                                                                           VALUES)}), VALUES))
def test_random_publish_settings(doc):
    """publish.yaml: any content is read or refused; a threshold that is read is a whole number >= 1."""
    from ctxh_plan.present import load_publish_settings

    with tempfile.TemporaryDirectory() as tmp:
        try:
            s = load_publish_settings(_yaml_file(doc, tmp, "publish.yaml"))
        except CtxhError:
            return
    assert isinstance(s.threshold, int) and s.threshold >= 1 and s.mark


@FUZZ
@given(doc=st.one_of(st.fixed_dictionaries({"adjustments": st.lists(
    st.dictionaries(st.sampled_from(["indicator", "operation", "value", "from_year", "kind", "max"]), VALUES),
    max_size=3)}), VALUES))
def test_random_scenarios(doc):
    from ctxh_plan.targets.scenarios import parse_scenario

    with contextlib.suppress(CtxhError):
        parse_scenario(doc, "fuzz.yaml", name="fuzz")
