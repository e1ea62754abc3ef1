"""Fuzzing the readers and the number parser (hypothesis, bounded): random bytes, random CSV text and
random cells never crash with anything but the documented errors (ctxh_plan.errors.CtxhError subclasses);
Vietnamese and English number strings written by format_number are read back to the same number; every
YAML file type (batch, projection, publishing, scenarios, catalogue, dataset.yaml, models, any YAML text
with anchors and aliases) is read or refused with a CtxhError.

The normal test run tries 100 examples per test (20 for the slow Excel ones: the fast subset stays under a
minute); ``CTXH_FUZZ_EXAMPLES=10000`` makes every test try that many — ``benchmarks/fuzz_inputs.py`` runs it
(results in docs/RELIABILITY.md)."""
from __future__ import annotations

import datetime
import math
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctxh_plan.data.numbers import detect_number_style, format_number, parse_number
from ctxh_plan.errors import CtxhError, InputError


def _outcome(fn, *args, errors: type[BaseException] | tuple[type[BaseException], ...] = CtxhError, **kwargs):
    """``(result, None)`` when ``fn`` returns, ``(None, error)`` when it raises one of the documented ``errors``
    (anything else propagates and fails the test). The checks of either outcome follow outside the ``except``."""
    try:
        return fn(*args, **kwargs), None
    except errors as exc:
        return None, exc


def _says_where_and_how(exc: CtxhError, name: str) -> None:
    """A refusal of a parameter file names the file and says how to fix it (one line)."""
    text = str(exc)
    assert name in text and ("fix" in text or "—" in text), text
    assert "Traceback" not in text


def _examples(default: int) -> int:
    """Examples per test: ``default``, or ``CTXH_FUZZ_EXAMPLES`` (the 10,000-example run of
    benchmarks/fuzz_inputs.py)."""
    return int(os.environ.get("CTXH_FUZZ_EXAMPLES") or default)


_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
FUZZ = settings(max_examples=_examples(100), deadline=None, suppress_health_check=_HEALTH)
FEW = settings(max_examples=_examples(20), deadline=None, suppress_health_check=_HEALTH)

#: characters analysts' files are made of: digits, separators, signs, Vietnamese words, odd spaces
NUMBER_CHARS = st.sampled_from(list("0123456789.,;%-+ ~<>≈eE") + ["\u00a0", "\u202f", "trên ", "gần ",
                                                                   "khoảng ", "hơn ", "tỷ", "triệu", "đ", "—", "x"])
number_like = st.lists(NUMBER_CHARS, max_size=14).map("".join)
CELL = st.one_of(number_like, st.text(max_size=12), st.sampled_from(["", "193", "CT11b", "2023", "FY", "H1", "NA",
                                                                      "=1/0", "Họ và tên", "022309001234"]))


@FUZZ
@given(text=st.one_of(number_like, st.text(max_size=30)), style=st.sampled_from(["auto", "vi", "en"]))
def test_parse_number_raises_only_input_error(text, style):
    parsed, exc = _outcome(parse_number, text, style=style, errors=InputError)
    if exc is not None:
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
    # within half a unit of the last digit shown (a half is rounded up: 1.2185 → "1,219")
    assert parsed.value is not None
    assert abs(parsed.value - x) <= 0.5 * 10 ** -decimals + 1e-9 * max(1.0, abs(x))


@FUZZ
@given(cells=st.lists(st.one_of(number_like, st.text(max_size=10)), max_size=20))
def test_detect_number_style_never_crashes(cells):
    assert detect_number_style(cells) in (None, "vi", "en")


def _read_any(data: bytes, suffix: str, target: bool = False):
    from ctxh_plan.io.readers import read_observations, read_targets

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        table, exc = _outcome(read_targets if target else read_observations, path)
    if exc is not None:  # documented: InputError, PersonLevelDataError
        assert str(exc).strip()
        return None
    frame = table.frame
    assert all(isinstance(c, str) for c in frame.columns) and len(table) == len(frame)
    assert all(isinstance(p, dict) and p.get("key") for p in table.problems)  # pending problems are records
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
        problems, exc = _outcome(validate_paths, [path])
    if exc is not None:
        assert str(exc).strip()
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
        frame, exc = _outcome(read_series_csv, str(path))
        if exc is None:
            out, exc = _outcome(forecast_frame, frame, 2, source=str(path))
    if exc is not None:
        assert str(exc).strip()
        return
    assert set(out["series_id"]) <= set(frame["series_id"])


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
        cfg, exc = _outcome(load_batch_config, path)
    if exc is not None:
        assert "fix" in str(exc) or "—" in str(exc), str(exc)
        return
    assert cfg.jobs >= 1 and cfg.suppress_threshold >= 0 and cfg.lang in ("vi", "en")


@FUZZ
@given(doc=st.one_of(st.dictionaries(st.sampled_from(["version", "target_year", "horizon", "base_year", "levels",
                                                      "method", "milestone_path", "stretch_ratio", "horizn"]), VALUES,
                                     max_size=5), VALUES))
def test_random_projection_settings(doc):
    """projection.yaml: read (years in order, levels in (0, 100)) or refused naming the file and the fix."""
    from ctxh_plan.targets import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        s, exc = _outcome(load_settings, _yaml_file(doc, tmp, "projection.yaml"))
    if exc is not None:
        _says_where_and_how(exc, "projection.yaml")
        return
    assert s.base_year < s.target_year and all(0 < level < 100 for level in s.levels)


@FUZZ
@given(doc=st.one_of(st.dictionaries(st.sampled_from(["version", "suppression", "price_index", "document",
                                                      "charts"]), VALUES, max_size=4),
                     st.fixed_dictionaries({"suppression": st.dictionaries(st.sampled_from(["threshold", "mark"]),
                                                                           VALUES)}), VALUES))
def test_random_publish_settings(doc):
    """publish.yaml: any content is read or refused; a threshold that is read is a whole number >= 1."""
    from ctxh_plan.present import load_publish_settings

    with tempfile.TemporaryDirectory() as tmp:
        s, exc = _outcome(load_publish_settings, _yaml_file(doc, tmp, "publish.yaml"))
    if exc is not None:
        _says_where_and_how(exc, "publish.yaml")
        return
    assert isinstance(s.threshold, int) and s.threshold >= 1 and s.mark


@FUZZ
@given(doc=st.one_of(st.fixed_dictionaries({"adjustments": st.lists(
    st.dictionaries(st.sampled_from(["indicator", "operation", "value", "from_year", "kind", "max"]), VALUES),
    max_size=3)}), VALUES))
def test_random_scenarios(doc):
    """A scenario: read (known operations, indicator codes as text) or refused naming the file and the fix."""
    from ctxh_plan.targets.scenarios import parse_scenario

    scenario, exc = _outcome(parse_scenario, doc, "fuzz.yaml", name="fuzz")
    if exc is not None:
        _says_where_and_how(exc, "fuzz.yaml")
        return
    assert scenario.name == "fuzz"
    for a in scenario.adjustments:
        assert a.operation in ("annual_pct", "annual_points", "set", "multiply") and math.isfinite(a.value), a
        assert all(isinstance(code, str) and code for code in a.indicators), a


# --------------------------------------------------------------------------- round two: hostile shapes

#: pieces of CSV lines: quotes that open and close anywhere, line breaks, control characters, formulas, IDs
CSV_PIECE = st.sampled_from(['"', '""', ",", ";", "\t", "\n", "\r\n", "\x00", "\x07", "193", "CT06", "2023",
                             "12,5", "=1+2", "@SUM(A1)", "-5", "Nguyễn Văn A", "022309001234", "0912 345 678", " ", "x",
                             "ghi chú", "\ufeff", "\u200b"])


@FUZZ
@given(body=st.lists(CSV_PIECE, max_size=40).map("".join), encoding=st.sampled_from(["utf-8", "utf-16-le",
                                                                                     "utf-16-be", "utf-16"]))
def test_random_quotes_line_breaks_and_control_characters(body, encoding):
    """Quotes that never close, stray quotes, NUL bytes, UTF-16 with and without BOM: read or refused with an
    InputError; a file read has no row that swallowed others (a cell never holds a whole data row)."""
    text = "unit_code,indicator_code,year,value,note\n" + body
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    frame = _read_any(data, ".csv")
    if frame is not None and "note" in frame.columns:
        for cell in frame["note"].dropna().astype(str):
            assert not any(line.count(",") >= 4 for line in cell.splitlines()[1:]), cell


@FUZZ
@given(lines=st.lists(st.lists(st.sampled_from(["193", "CT06", "2023", "5", "", "x y", "a'b"]), min_size=4,
                                max_size=4), min_size=1, max_size=12))
def test_row_count_matches_the_lines_of_a_plain_file(lines):
    """A file without quotes: one row per non-blank line (nothing lost, nothing merged)."""
    text = "unit_code,indicator_code,year,value\n" + "".join(",".join(r) + "\n" for r in lines)
    frame = _read_any(text.encode("utf-8"), ".csv")
    assert frame is not None
    assert len(frame) == sum(1 for r in lines if "".join(r).strip())


@FEW
@given(members=st.lists(st.tuples(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml",
                                                    "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
                                                    "xl/_rels/workbook.xml.rels", "_rels/.rels", "x.bin"]),
                                  st.binary(max_size=200)), max_size=6),
       repeat=st.integers(0, 3))
def test_random_zip_as_xlsx(members, repeat):
    """A zip that looks like a workbook (right member names, random content, members repeated): refused with
    an InputError, never an internal error."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data * (1 + repeat))
    _read_any(buf.getvalue(), ".xlsx")


YAML_TOKENS = st.sampled_from(["a: ", "b:", "&x ", "*x", "[", "]", "{", "}", ", ", "- ", "\n", "  ", "1", "-1.5",
                               ".nan", ".inf", "null", "true", "'s'", '"\\x07"', "!!str ", "!!python/object ",
                               "<<: *x", "? ", "|", ">", "#", "%YAML 1.1", "---", "...", "\t", "key: key: ", "é"])
yaml_text = st.lists(YAML_TOKENS, max_size=30).map("".join)


@FUZZ
@given(text=yaml_text)
def test_random_yaml_text(text):
    """Any YAML-looking text (anchors, aliases, merge keys, tags, tabs, documents): read or an InputError."""
    from ctxh_plan.io.yamlfile import read_yaml

    with tempfile.TemporaryDirectory() as tmp:
        path = _yaml_file(text, tmp, "any.yaml")
        doc, exc = _outcome(read_yaml, path, errors=InputError)
    if exc is not None:
        assert exc.where.file and exc.where.file.endswith("any.yaml") and exc.fix, str(exc)
        return

    def plain(x) -> bool:  # safe loading: no Python object is ever built from a tag
        if isinstance(x, dict):
            return all(plain(k) and plain(v) for k, v in x.items())
        if isinstance(x, list):
            return all(plain(v) for v in x)
        return x is None or isinstance(x, (str, int, float, bool, bytes, datetime.date))

    assert plain(doc), repr(doc)


INDICATOR_KEYS = st.sampled_from(["code", "name_vi", "name_en", "unit_vi", "unit_en", "kind", "direction",
                                  "aggregation", "bounds", "decimals", "sensitive", "levels", "group", "numerator",
                                  "denominator", "source", "note", "colour"])


@FUZZ
@given(doc=st.one_of(st.fixed_dictionaries({"indicators": st.lists(st.dictionaries(INDICATOR_KEYS, VALUES),
                                                                     max_size=3)}), VALUES, yaml_text))
def test_random_catalogues(doc):
    """A catalogue: read (text codes, bounds in order) or refused naming the file and the fix."""
    from ctxh_plan.data.catalog import load_catalog

    with tempfile.TemporaryDirectory() as tmp:
        cat, exc = _outcome(load_catalog, _yaml_file(doc, tmp, "indicators.yaml"))
    if exc is not None:
        _says_where_and_how(exc, "indicators.yaml")
        return
    for ind in cat:
        lo, hi = ind.bounds
        assert isinstance(ind.code, str) and ind.code and (lo is None or hi is None or lo <= hi), ind


@FUZZ
@given(doc=st.one_of(st.dictionaries(st.sampled_from(["province", "title", "illustrative", "source", "note",
                                                      "description", "units_as_of", "rebased", "x"]), VALUES),
                     VALUES, yaml_text))
def test_random_dataset_yaml(doc):
    """dataset.yaml: read as a mapping of text keys or refused naming the file."""
    from ctxh_plan.io.layout import read_dataset_meta

    with tempfile.TemporaryDirectory() as tmp:
        _yaml_file(doc, tmp, "dataset.yaml")
        meta, exc = _outcome(read_dataset_meta, Path(tmp))
    if exc is not None:
        assert "dataset.yaml" in str(exc), str(exc)
        return
    assert isinstance(meta, dict) and all(isinstance(k, str) for k in meta)


MODEL_KEYS = st.sampled_from(["code", "name_vi", "name_en", "content_vi", "lead_agency_vi", "quantity_unit_vi",
                              "cost_basis", "quantities", "places_vi", "x"])


@FUZZ
@given(doc=st.one_of(st.fixed_dictionaries({"models": st.lists(st.dictionaries(MODEL_KEYS, VALUES), max_size=3)}),
                     VALUES, yaml_text))
def test_random_models_files(doc):
    """models.yaml: read (a list of models and the file's settings) or refused naming the file and the fix."""
    from ctxh_plan.present.models import load_models

    with tempfile.TemporaryDirectory() as tmp:
        loaded, exc = _outcome(load_models, _yaml_file(doc, tmp, "models.yaml"))
    if exc is not None:
        _says_where_and_how(exc, "models.yaml")
        return
    models, meta = loaded
    assert isinstance(models, list) and meta["path"].endswith("models.yaml")
