"""Reliability round two, classes 3–11: raw data overwritten, silent row loss, settings that weaken privacy,
formula injection, resource exhaustion, colliding or interrupted runs, scenario and option values, internal
errors instead of messages, batch paths. Each case ends in a clear message (file/option, row, column, fix),
the documented exit code and no traceback — or, for readers, in the right rows."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ctxh_plan.cli import main
from ctxh_plan.errors import CtxhError, InputError, ParameterError, UsageError
from tests.helpers.paths import ROOT, SMALL

SERIES = "series_id,year,value\na,2020,1\na,2021,2\na,2022,3\na,2023,5\n"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ds(tmp: Path) -> Path:
    folder = tmp / "ds"
    shutil.copytree(SMALL, folder)
    return folder


def _run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text, text
    return code, text


# --------------------------------------------------------------------------- 3. raw data overwritten

def test_no_command_writes_over_its_inputs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ds = _ds(tmp_path)
    series = tmp_path / "s.csv"
    series.write_text(SERIES, encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(series)
    os.link(series, tmp_path / "hard.csv")
    before = {p: _sha(p) for p in [*ds.iterdir(), series]}
    cases = [
        ["evaluate", "--data", str(ds), "-o", str(ds / "observations.csv")],
        ["evaluate", "--data", str(ds), "-o", str(ds / "evaluation.xlsx")],  # a new file inside the dataset
        ["project", "--data", str(ds), "-o", str(ds / "p.csv")],
        ["forecast", "-i", str(series), "-o", str(series)],
        ["forecast", "-i", "link.csv", "-o", "s.csv"],  # through a symbolic link
        ["forecast", "-i", "s.csv", "-o", "hard.csv"],  # a hard link is the same file
        ["validate", str(series), "--report", str(series)],
        ["validate", str(ds), "--report", str(ds / "problems.csv")],
        ["validate", str(ds / "observations.csv"), "--report", str(ds / "targets.csv")],
        ["appendix", "--data", str(ds), "-o", str(ds / "phu_luc")],
        ["rebase", "--data", str(ds), "-o", str(ds)],
        ["evaluate", "-o", str(ROOT / "data" / "quang_ninh" / "observations.csv")],  # the default dataset
        ["forecast", "-i", str(series), "-o", str(ROOT / "params" / "x.csv")],  # the project's settings
    ]
    for argv in cases:
        code, text = _run(argv, capsys)
        assert code == 2 and "fix:" in text, (argv, text)
    assert {p: _sha(p) for p in before} == before
    assert sorted(p.name for p in ds.iterdir()) == sorted(p.name for p in SMALL.iterdir())


def test_rebase_into_an_existing_dataset_is_refused_but_rewriting_its_own_output_is_not(tmp_path, capsys):
    ds = _ds(tmp_path)
    other = tmp_path / "other"
    shutil.copytree(SMALL, other)
    code, text = _run(["rebase", "--data", str(ds), "-o", str(other)], capsys)
    assert code == 2 and "dataset folder" in text
    out = tmp_path / "rebased"
    assert _run(["rebase", "--data", str(ds), "-o", str(out)], capsys)[0] == 0
    assert _run(["rebase", "--data", str(ds), "-o", str(out)], capsys)[0] == 0  # its own earlier output


# --------------------------------------------------------------------------- 4. silent row loss

def _rows(text: str, path: Path) -> int:
    from ctxh_plan.io.readers import read_observations

    path.write_text(text, encoding="utf-8")
    return len(read_observations(path))


def test_an_unclosed_quote_is_an_error_naming_the_row_where_it_opened(tmp_path, capsys):
    lines = (SMALL / "observations.csv").read_text(encoding="utf-8-sig").splitlines()
    for row in (13, 300, 600):
        ds = _ds(tmp_path / str(row))
        broken = list(lines)
        broken[row - 1] = broken[row - 1].rstrip(",") + ',"ghi chú chưa đóng'
        (ds / "observations.csv").write_text("\n".join(broken) + "\n", encoding="utf-8")
        code, text = _run(["--lang", "en", "validate", str(ds)], capsys)
        assert code == 1 and f"Row: {row}" in text and "quote" in text and "never closed" in text, text


def test_a_stray_pair_of_quotes_that_swallows_rows_is_an_error(tmp_path):
    body = ['unit_code,indicator_code,year,value,note', '193,CT06,2020,1,"a', '193,CT06,2021,2,b',
            '193,CT06,2022,3,c"', '193,CT06,2023,4,d']
    with pytest.raises(InputError) as info:
        _rows("\n".join(body) + "\n", tmp_path / "o.csv")
    assert info.value.where.row == 2 and "row 4" in str(info.value) and info.value.where.column == "note"


def test_quoted_line_breaks_in_a_note_keep_every_row_and_its_number(tmp_path):
    from ctxh_plan.io.readers import read_observations

    text = ('unit_code,indicator_code,year,value,note\n193,CT06,2020,1,"dòng một\ndòng hai"\n'
            '193,CT06,2021,2,"có ""ngoặc"" trong ô"\n193,CT06,2022,3,x\n')
    path = tmp_path / "o.csv"
    path.write_text(text, encoding="utf-8")
    frame = read_observations(path).frame
    assert list(frame["year"]) == ["2020", "2021", "2022"] and list(frame["_row"]) == [2, 4, 5]
    assert frame["note"].iloc[1] == 'có "ngoặc" trong ô'


# --------------------------------------------------------------------------- 5. settings that weaken privacy

@pytest.mark.parametrize("name, text, reader", [
    ("publish.yaml", "suppression:\n  threshold: 5\n  threshold: 0\n", "publish"),
    ("projection.yaml", "target_year: 2030\ntarget_year: 2040\n", "projection"),
    ("scenario.yaml", "name: s\nname: t\nadjustments: []\n", "scenario"),
    ("dataset.yaml", "province: '22'\nprovince: '15'\n", "dataset"),
    ("models.yaml", "models: []\nmodels: []\n", "models"),
    ("indicators.yaml", "indicators: []\nindicators: []\n", "catalogue"),
    ("batch.yaml", "dataset: data/quang_ninh\nsuppress_threshold: 5\nsuppress_threshold: 0\n", "batch"),
])
def test_a_key_written_twice_is_refused_in_every_yaml_file(tmp_path, name, text, reader):
    from ctxh_plan.batch.config import load_batch_config
    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.io.layout import read_dataset_meta
    from ctxh_plan.present import load_publish_settings
    from ctxh_plan.present.models import load_models
    from ctxh_plan.targets import load_scenario, load_settings

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    read = {"publish": load_publish_settings, "projection": load_settings, "scenario": load_scenario,
            "dataset": lambda p: read_dataset_meta(p.parent), "models": load_models, "catalogue": load_catalog,
            "batch": load_batch_config}[reader]
    with pytest.raises(InputError) as info:
        read(path)
    assert "twice" in str(info.value) and info.value.where.row in (2, 3) and "fix:" in str(info.value)


@pytest.mark.parametrize("text, words", [
    ("suppression:\n  treshold: 10\n", ("treshold", "unknown key")),
    ("suppression:\n  mark: 5\n", ("mark", "must be str")),
    ("suppression:\n  mark: '{threshold:>9999}'\n", ("mark", "format")),
    ("suppression:\n  mark: '{0}'\n", ("mark", "{threshold}")),
    ("suppression:\n  mark: '3'\n", ("mark", "plain number")),
    ("document:\n  issuing_body: \"UBND\\x07\"\n", ("issuing_body", "control character")),
])
def test_publishing_settings_that_would_weaken_suppression_are_refused(tmp_path, text, words):
    from ctxh_plan.present import load_publish_settings

    path = tmp_path / "publish.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CtxhError) as info:
        load_publish_settings(path)
    for w in words:
        assert w in str(info.value), str(info.value)


# --------------------------------------------------------------------------- 6. formula injection

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|'/c calc'!A1", "-2+3", "@SUM(A1:A9)", "\t=1"]


def test_text_from_data_stays_text_in_csv_and_excel(tmp_path):
    import openpyxl
    import pandas as pd

    from ctxh_plan.io.atomic import write_frame

    frame = pd.DataFrame({"note": FORMULAS + ["-5", "=", "an toàn"], "value": range(8)})
    write_frame(frame, tmp_path / "o.csv")
    write_frame(frame, tmp_path / "o.xlsx")
    cells = [line.split(",")[0] for line in (tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert all(c.lstrip('"').startswith("'") for c in cells[:5]) and cells[5:] == ["-5", "=", "an toàn"], cells
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    kinds = {ws.cell(r, 1).value: (ws.cell(r, 1).data_type, ws.cell(r, 1).quotePrefix) for r in range(2, 10)}
    assert all(kinds[f] == ("s", True) for f in FORMULAS), kinds


def test_formula_like_text_in_a_dataset_stays_text_in_every_output(tmp_path, capsys):
    import openpyxl

    ds = _ds(tmp_path)
    text = (ds / "observations.csv").read_text(encoding="utf-8-sig").replace(
        "dữ liệu minh họa (generate.py)", "=HYPERLINK(\"http://x\",\"y\")", 3)
    assert text.count("=HYPERLINK") == 3  # the dataset does carry formula-like text
    (ds / "observations.csv").write_text(text, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("unit_code,indicator_code,year,value\n193,CT06,2020,=1+2\n193,CT06,2021,@SUM(A1)\n",
                   encoding="utf-8")
    runs = [["evaluate", "--data", str(ds), "-o", str(tmp_path / "e.xlsx")],
            ["evaluate", "--data", str(ds), "-o", str(tmp_path / "e.csv")],
            ["project", "--data", str(ds), "-o", str(tmp_path / "p.xlsx")],
            ["validate", str(bad), "--report", str(tmp_path / "r.xlsx")],
            ["validate", str(bad), "--report", str(tmp_path / "r.csv")]]
    codes = [_run(argv, capsys)[0] for argv in runs]
    assert codes == [0, 0, 0, 1, 1]  # the dataset is accepted (text is text); the bad file is reported
    for name in ("e.xlsx", "p.xlsx", "r.xlsx"):
        wb = openpyxl.load_workbook(tmp_path / name, read_only=True)
        assert not [(ws.title, c.row, c.column) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if c.data_type == "f"], name
        wb.close()
    for name in ("e.csv", "r.csv"):
        body = (tmp_path / name).read_text(encoding="utf-8-sig")
        assert not re.search(r'(^|,)"?[=@+][^,\n]', body, flags=re.MULTILINE), name  # "=" alone is an operator


# --------------------------------------------------------------------------- 7. resource exhaustion

def test_yaml_alias_bomb_and_deep_nesting_are_refused_quickly(tmp_path):
    from ctxh_plan.io.yamlfile import read_yaml

    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    (tmp_path / "big.yaml").write_text("a: " + "x" * (6 * 1024 * 1024) + "\n", encoding="utf-8")
    for name, words in (("bomb.yaml", "aliases"), ("deep.yaml", "levels"), ("big.yaml", "limit")):
        t0 = time.perf_counter()
        with pytest.raises(InputError) as info:
            read_yaml(tmp_path / name)
        assert time.perf_counter() - t0 < 5 and words in str(info.value) and "fix:" in str(info.value), name


def test_compressed_workbook_that_inflates_is_refused_before_reading(tmp_path):
    from ctxh_plan.io.readers import read_observations

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (40 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    t0 = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_observations(path)
    assert "compressed" in str(info.value) and time.perf_counter() - t0 < 5


def test_workbook_columns_and_rows_over_the_limits(tmp_path, monkeypatch):
    import openpyxl

    import ctxh_plan.io.excel as excel
    from ctxh_plan.io.readers import read_observations

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "193"
    ws.append(["Mã chỉ tiêu", "2023"])
    ws.cell(1, 5000, "x")  # a stray cell far to the right
    wb.save(tmp_path / "wide.xlsx")
    with pytest.raises(InputError, match="columns"):
        read_observations(tmp_path / "wide.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "193"
    ws.append(["Mã chỉ tiêu", "2023"])
    for i in range(30):
        ws.append([f"C{i}", i])
    wb.save(tmp_path / "long.xlsx")
    monkeypatch.setattr(excel, "MAX_ROWS", 20)
    with pytest.raises(InputError, match="rows") as info:
        read_observations(tmp_path / "long.xlsx")
    assert info.value.where.row == 21


def test_csv_rows_columns_cells_and_size_over_the_limits(tmp_path, monkeypatch):
    import ctxh_plan.io.csvfile as csvfile
    from ctxh_plan.io.readers import read_observations

    path = tmp_path / "o.csv"
    path.write_text("unit_code,indicator_code,year,value,note\n" + "193,CT06,2020,1,x\n" * 30, encoding="utf-8")
    monkeypatch.setattr(csvfile, "MAX_ROWS", 20)
    with pytest.raises(InputError, match="rows") as info:
        read_observations(path)
    assert info.value.where.row == 22
    monkeypatch.undo()
    path.write_text("unit_code,indicator_code,year,value,note\n193,CT06,2020,1," + "x" * 40_000 + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="32") as info:
        read_observations(path)
    assert (info.value.where.row, info.value.where.column) == (2, "note")
    path.write_text("unit_code,indicator_code,year,value,note\n193,CT06,2020,1," + "x" * 200_000 + "\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="longer than"):
        read_observations(path)
    path.write_text(",".join(f"c{i}" for i in range(1500)) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="columns"):
        read_observations(path)
    from ctxh_plan.io import limits

    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 100)  # the one size check (io.limits.check_input_size)
    path.write_text("unit_code,indicator_code,year,value\n" + "193,CT06,2020,1\n" * 20, encoding="utf-8")
    with pytest.raises(InputError, match="MB"):
        read_observations(path)


@pytest.mark.parametrize("argv, words", [
    (["forecast", "-i", "{S}", "--horizon", "100000000", "-o", "{T}/f.csv"], ("--horizon", "50")),
    (["project", "--data", "{D}", "--target-year", "2900", "-o", "{T}/p.csv"], ("target_year", "2100")),
    (["project", "--data", "{D}", "--target-year", "2090", "-o", "{T}/p.csv"], ("target_year", "50 years")),
    (["evaluate", "--data", "{D}", "--baseline", "99999", "-o", "{T}/e.csv"], ("--baseline", "1990")),
    (["evaluate", "--data", "{D}", "--period", "1000-9999", "-o", "{T}/e.csv"], ("--period", "1990")),
    (["forecast", "-i", "{S}", "--levels", "nan", "-o", "{T}/f.csv"], ("--levels",)),
    (["forecast", "-i", "{S}", "--levels", "80,inf", "-o", "{T}/f.csv"], ("--levels",)),
])
def test_absurd_option_values_end_in_one_line_quickly(tmp_path, capsys, argv, words):
    series = tmp_path / "s.csv"
    series.write_text(SERIES, encoding="utf-8")
    argv = [a.format(S=series, T=tmp_path, D=SMALL) for a in argv]
    t0 = time.perf_counter()
    code, text = _run(argv, capsys)
    assert code in (1, 2) and time.perf_counter() - t0 < 30, (argv, text)
    for w in words:
        assert w in text, (argv, text)
    assert not list(tmp_path.glob("f*.csv")) and not list(tmp_path.glob("p*.csv"))


# --------------------------------------------------------------------------- 9. scenario values, projection horizon

def _scenario(tmp: Path, body: str) -> Path:
    path = tmp / "sc.yaml"
    path.write_text("name: sc\nadjustments:\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, words", [
    ("  - {indicator: CT16, operation: set, value: 150}\n", ("150", "outside", "CT16")),
    ("  - {indicator: CT16, operation: set, value: -1}\n", ("outside",)),
    ("  - {indicator: DROWNING_DEATHS, operation: annual_pct, value: -10, min: -5}\n", ("min", "outside")),
    ("  - {kind: percent, operation: annual_points, value: 1, max: 120}\n", ("max", "outside")),
    ("  - {group: Không có nhóm này, operation: multiply, value: 0.9}\n", ("selects no indicator",)),
    ("  - {indicator: CT16, operation: set, value: .nan}\n", ("finite",)),
    ("  - {indicator: CT16, operation: multiply, value: .inf}\n", ("finite",)),
    ("  - {indicator: DROWNING_DEATHS, operation: annual_pct, value: 1.0e+300}\n", ("yearly change",)),
    ("  - {indicator: DROWNING_DEATHS, operation: multiply, value: 1.0e+12}\n", ("multiplier",)),
])
def test_scenario_values_out_of_bounds_or_not_finite_are_errors(tmp_path, capsys, body, words):
    code, text = _run(["project", "--data", str(SMALL), "--scenario", str(_scenario(tmp_path, body)),
                       "-o", str(tmp_path / "p.csv")], capsys)
    assert code == 1 and "fix:" in text, text
    for w in words:
        assert w in text, text
    assert not list(tmp_path.glob("p_*.csv"))


def test_projection_settings_horizon_is_refused_not_overridden(tmp_path):
    from ctxh_plan.targets import load_settings

    path = tmp_path / "projection.yaml"
    path.write_text("horizon: 10\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="target_year"):
        load_settings(path)
    path.write_text("target_year: 2035\n", encoding="utf-8")
    assert load_settings(path).target_year == 2035


def test_a_period_without_data_says_why_there_are_no_rows(tmp_path, capsys):
    code, text = _run(["evaluate", "--data", str(SMALL), "--period", "2031-2035", "--baseline", "2030",
                       "-o", str(tmp_path / "e.csv")], capsys)
    assert code == 0 and "0 rows" in text and "no target for 2035" in text and "2019–2025" in text


# --------------------------------------------------------------------------- 10. internal errors → messages

def test_nul_bytes_and_control_characters_name_row_and_column(tmp_path):
    from ctxh_plan.io.readers import read_observations

    for char in ("\x00", "\x07", "\x1b"):
        path = tmp_path / "o.csv"
        path.write_text(f"unit_code,indicator_code,year,value,note\n193,CT06,2020,1,x\n193,CT06,2021,2,a{char}b\n",
                        encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_observations(path)
        assert (info.value.where.row, info.value.where.column) == (3, "note") and "fix:" in str(info.value)


def test_very_long_numbers_are_a_row_problem_not_an_internal_error(tmp_path, capsys):
    import openpyxl

    path = tmp_path / "o.csv"
    path.write_text("unit_code,indicator_code,year,value\n193,CT06,2020,1\n193,CT06,2021," + "9" * 400 + "\n"
                    "193,CT06,2022,999999999999999999999999999999\n", encoding="utf-8")
    code, text = _run(["--lang", "en", "validate", str(path)], capsys)
    assert code == 1 and "Row: 3" in text and "Row: 4" in text and "too large" in text and "internal" not in text
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit_code", "indicator_code", "year", "value"])
    ws.append(["193", "CT06", 2020, 1e300])
    wb.save(tmp_path / "o.xlsx")
    code, text = _run(["--lang", "en", "validate", str(tmp_path / "o.xlsx")], capsys)
    assert code == 1 and "Row: 2" in text and "too large" in text and "internal" not in text, text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_or_without_bom_is_read(tmp_path, encoding):
    from ctxh_plan.io.readers import read_observations

    path = tmp_path / "o.csv"
    path.write_bytes("unit_code,indicator_code,year,value,note\n193,CT06,2020,1,Hạ Long\n".encode(encoding))
    table = read_observations(path)
    assert list(table.frame["note"]) == ["Hạ Long"] and table.problems == []


def test_a_full_disk_during_an_excel_write_prints_one_line(tmp_path):
    """The writer's zip archive fails on ENOSPC; Python's later clean-up of it prints nothing."""
    script = f"""
import errno, gc, io, os, sys, zipfile
import pandas as pd
from ctxh_plan.io.atomic import write_frame

class Full(io.RawIOBase):
    def __init__(self, path): self.f = open(path, "wb"); self.n = 0
    def writable(self): return True
    def seekable(self): return True
    def tell(self): return self.f.tell()
    def seek(self, *a): return self.f.seek(*a)
    def write(self, b):
        self.n += len(b)
        if self.n > 2000: raise OSError(errno.ENOSPC, "No space left on device")
        return self.f.write(b)

def writer(frame, tmp):
    z = zipfile.ZipFile(Full(tmp), "w", zipfile.ZIP_DEFLATED)
    z.writestr("xl/a.xml", "x" * 100)
    z.writestr("xl/b.xml", os.urandom(20000))  # incompressible: the disk "fills" while writing it

try:
    write_frame(pd.DataFrame({{"a": [1]}}), {str(tmp_path / "out.xlsx")!r}, excel_writer=writer)
except OSError as exc:
    print("one line:", exc.strerror, file=sys.stderr)
gc.collect()
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert "one line: No space left on device" in proc.stderr, proc.stderr
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "out.xlsx").exists() and not list(tmp_path.glob(".tmp-ctxh-*"))


def test_control_characters_in_document_headers_are_refused(tmp_path, capsys):
    ds = _ds(tmp_path)
    meta = (ds / "dataset.yaml").read_text(encoding="utf-8").replace("title: \"", "title: \"\\x0c")
    (ds / "dataset.yaml").write_text(meta, encoding="utf-8")
    code, text = _run(["appendix", "--data", str(ds), "--units", "22", "-o", str(tmp_path / "ap")], capsys)
    assert code == 1 and "control character" in text and "title" in text


# --------------------------------------------------------------------------- 8 and 11. runs and batch paths

def test_batch_output_is_resolved_like_its_dataset(tmp_path, monkeypatch):
    from ctxh_plan.batch.config import load_batch_config
    from ctxh_plan.paths import project_root

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copytree(SMALL, outside / "ds")
    (outside / "b.yaml").write_text("name: b\ndataset: ds\noutput: ket_qua\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    cfg = load_batch_config(outside / "b.yaml")
    assert cfg.dataset == (outside / "ds").resolve() and cfg.output == (outside / "ket_qua").resolve()
    (outside / "c.yaml").write_text("name: c\ndataset: data/quang_ninh\n", encoding="utf-8")
    cfg = load_batch_config(outside / "c.yaml")  # the embedded data is still found …
    assert cfg.dataset == project_root() / "data" / "quang_ninh"
    assert cfg.output == (outside / "outputs").resolve()  # … but nothing is written into the project
    assert load_batch_config(ROOT / "params" / "quang_ninh.yaml").output == project_root() / "outputs"


def test_batch_dataset_root_is_not_a_dataset_folder_and_answers_at_once(tmp_path):
    from ctxh_plan.batch.config import load_batch_config

    (tmp_path / "b.yaml").write_text("name: b\ndataset: /\n", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(ParameterError) as info:
        load_batch_config(tmp_path / "b.yaml")
    assert "not a dataset folder" in str(info.value) and time.perf_counter() - t0 < 2


def test_run_lock_refuses_a_second_batch(tmp_path):
    from ctxh_plan.batch.lock import LOCK_NAME, acquire_run_lock

    lock = acquire_run_lock(tmp_path / "run")
    with pytest.raises(UsageError) as info:
        acquire_run_lock(tmp_path / "run")
    assert f"pid {os.getpid()}" in str(info.value) and "--output" in str(info.value)
    code = subprocess.run([sys.executable, "-c", "import sys; from ctxh_plan.batch.lock import acquire_run_lock;"
                           f"acquire_run_lock(__import__('pathlib').Path({str(tmp_path / 'run')!r}))"],
                          capture_output=True, text=True, check=False, timeout=60)
    assert code.returncode != 0 and "another batch" in code.stderr
    lock.release()
    assert not (tmp_path / "run" / LOCK_NAME).exists()
    acquire_run_lock(tmp_path / "run").release()  # free again


def _small_batch(tmp_path: Path) -> Path:
    yml = tmp_path / "b.yaml"
    yml.write_text(f'name: r\ndataset: {SMALL}\nunits: ["193"]\nkey_indicators: ["CT16"]\nappendices: []\n'
                   f"output: {tmp_path / 'out'}\njobs: 1\n", encoding="utf-8")
    return yml


def test_batch_refused_while_another_holds_the_run_folder(tmp_path, capsys, monkeypatch):
    import ctxh_plan.batch.run as run

    yml = _small_batch(tmp_path)
    seen = []
    real = run.acquire_run_lock

    def hold_first(run_dir):
        seen.append(run_dir)
        held = real(run_dir)  # "another batch" holds the folder …
        try:
            return real(run_dir)  # … so this one is refused
        finally:
            held.release()

    monkeypatch.setattr(run, "acquire_run_lock", hold_first)
    code, text = _run(["batch", str(yml), "--no-progress"], capsys)
    assert code == 2 and "another batch" in text and seen
    assert not (seen[0] / "manifest.json").exists()


@pytest.mark.xdist_group("jupyter")  # imports nbformat: with the other such tests (docs/TESTING.md)
def test_interrupted_rerun_keeps_the_finished_run_on_show(tmp_path, monkeypatch):
    """A finished run's folder, re-run and interrupted before any report is replaced: the index and the
    manifest still show every report as done; a temporary file left by a killed run is swept."""
    import json

    import ctxh_plan.batch.kernels as kernels
    from ctxh_plan.batch.run import run_batch

    yml = _small_batch(tmp_path)

    def fake_jobs(jobs, *, on_done=None, **kw):
        import nbformat

        for job in jobs:
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("ok")])
            job.output.parent.mkdir(parents=True, exist_ok=True)
            job.output.write_text(nbformat.writes(nb), encoding="utf-8")
            on_done(kernels.JobResult(job.key, "ok", 0.1, job.output, None, 0, nb))
        return []

    monkeypatch.setattr(kernels, "run_jobs", fake_jobs)
    first = run_batch(yml, progress=False)
    assert first.exit_code == 0
    (first.run_dir / ".tmp-ctxh-killed.html").write_text("half", encoding="utf-8")

    def interrupted(jobs, **kw):
        raise KeyboardInterrupt("stopped by a signal")

    monkeypatch.setattr(kernels, "run_jobs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch(yml, progress=False)
    manifest = json.loads((first.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["last_attempt"] == "interrupted"
    assert {r["status"] for r in manifest["reports"].values()} == {"ok"}
    index = (first.run_dir / "index.html").read_text(encoding="utf-8")
    assert "Chưa chạy" not in index and index.count("Hoàn thành") == 3  # two reports + the run status
    assert not list(first.run_dir.rglob(".tmp-ctxh-*")) and not (first.run_dir / ".ctxh-run.lock").exists()


def _ctrl_c_during(run_jobs, jobs, *, after: float) -> float:
    """Seconds ``run_jobs(jobs, workers=2)`` takes to raise KeyboardInterrupt when SIGINT comes ``after`` s in."""
    import signal
    import threading

    timer = threading.Timer(after, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_jobs(jobs, workers=2)
    finally:
        timer.cancel()
    return time.perf_counter() - t0


@pytest.mark.xdist_group("jupyter")  # imports nbformat: with the other such tests (docs/TESTING.md)
def test_ctrl_c_while_kernels_start_is_one_clean_stop(monkeypatch, capfd):
    """SIGINT while the kernels are still starting: the starts are abandoned (no retry), nothing is written,
    KeyboardInterrupt comes back, and asyncio prints no "Task exception was never retrieved"."""
    import asyncio
    import gc

    import ctxh_plan.batch.kernels as kernels

    starts = []

    async def slow_start(self, timeout):
        starts.append(self.index)
        self.km = object()  # a manager exists, the kernel is not ready
        await asyncio.sleep(30)

    async def quiet_shutdown(self):
        self.km = None

    monkeypatch.setattr(kernels.WarmKernel, "_start", slow_start)
    monkeypatch.setattr(kernels.WarmKernel, "shutdown", quiet_shutdown)
    jobs = [kernels.NotebookJob(str(i), ROOT / "notebooks" / "unit_report.ipynb", {}, Path("/nonexistent") / f"{i}")
            for i in range(2)]
    took = _ctrl_c_during(kernels.run_jobs, jobs, after=1.0)
    gc.collect()
    assert took < 10 and sorted(starts) == [0, 1]  # one start each: no retry
    err = capfd.readouterr().err
    assert "never retrieved" not in err and "Traceback" not in err and "retrying" not in err, err


@pytest.mark.xdist_group("jupyter")  # imports nbformat: with the other such tests (docs/TESTING.md)
def test_ctrl_c_abandons_a_notebook_whose_kernel_missed_the_interrupt(monkeypatch, capfd):
    """A kernel that got the interrupt between two cells (or inside its own message handling) goes on, or never
    answers: STOP_GRACE seconds after Ctrl-C its notebook is abandoned, its kernel shut down, nothing written."""
    import asyncio

    import ctxh_plan.batch.kernels as kernels

    interrupted, shut, ran = [], [], []

    class DeafManager:  # the kernel's manager: the interrupt is sent, the kernel does not react
        async def interrupt_kernel(self):
            interrupted.append(1)

    async def started(self, timeout):
        self.km, self.ready = DeafManager(), True

    async def deaf_execute(self, nb):
        ran.append(1)
        await asyncio.sleep(60)  # the notebook "goes on" far longer than the grace
        return None

    async def shutdown(self):
        shut.append(self.index)
        self.km, self.ready = None, False

    monkeypatch.setattr(kernels, "STOP_GRACE", 0.5)
    monkeypatch.setattr(kernels.WarmKernel, "_start", started)
    monkeypatch.setattr(kernels.WarmKernel, "execute", deaf_execute)
    monkeypatch.setattr(kernels.WarmKernel, "shutdown", shutdown)
    written = []
    monkeypatch.setattr(kernels, "record_result", lambda *a, **k: written.append(a))
    jobs = [kernels.NotebookJob(str(i), ROOT / "notebooks" / "unit_report.ipynb", {"unit_code": "06652"},
                                Path("/nonexistent") / f"{i}.ipynb") for i in range(3)]
    took = _ctrl_c_during(kernels.run_jobs, jobs, after=0.5)
    assert 0.9 < took < 10, took  # the signal at 0.5 s, the grace of 0.5 s, not the 60 s of the notebooks
    assert len(ran) == 2 and interrupted == [1, 1] and sorted(shut) == [0, 1] and not written
    err = capfd.readouterr().err
    assert "never retrieved" not in err and "Traceback" not in err, err
