"""Privacy: person-level data is refused at every door; published appendices (Word, Excel) show no small
count of a sensitive indicator, directly, through a rate built on it, by repeating a hidden value in the
same row, or by subtraction from a total (complementary suppression). The HTML reports of the batch are
checked in tests/reliability/test_reliability_batch.py (they need a batch run)."""
from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest

from ctxh_plan.cli import main
from ctxh_plan.errors import PersonLevelDataError
from tests.helpers.paths import SMALL

CASE_TEXT = ("Trẻ bị xâm hại tại nhà, phát hiện ngày 02/05/2023; gia đình đã trình báo công an xã, trẻ được đưa "
             "đi khám và hỗ trợ tâm lý; người gây hại là hàng xóm, đã bị tạm giữ để điều tra theo quy định")
PERSON_HEADER = ["unit_code", "indicator_code", "year", "value", "Số CCCD", "Họ và tên", "Ngày sinh",
                 "Mô tả vụ việc"]
PERSON_ROW = ["193", "ABUSE_CASES", "2023", "1", "022309001234", "Nguyễn Văn A", "12/03/2015", CASE_TEXT]


def _person_csv(path: Path, columns: list[int]) -> Path:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([PERSON_HEADER[i] for i in columns])
        for k in range(3):
            row = list(PERSON_ROW)
            row[4] = f"02230900{k:04d}"
            w.writerow([row[i] for i in columns])
    return path


@pytest.mark.parametrize("column, what", [(4, "Số CCCD"), (5, "Họ và tên"), (6, "Ngày sinh"),
                                          (7, "Mô tả vụ việc")])
def test_each_person_level_column_is_refused_with_its_name(tmp_path, column, what, capsys):
    path = _person_csv(tmp_path / "observations.csv", [0, 1, 2, 3, column])
    code = main(["--lang", "en", "validate", str(path)])
    out = capsys.readouterr().out
    assert code == 1 and "aggregates only" in out and f"Column: {what}" in out and "Traceback" not in out


def test_citizen_id_file_refused_by_every_loader_with_a_clear_message(tmp_path, capsys):
    """A file with a 12-digit citizen-ID column, names, dates of birth and case text: refused by the
    reader (before anything is kept), by validate, and by the commands that load a dataset."""
    from ctxh_plan.io.readers import read_observations

    folder = tmp_path / "ds"
    shutil.copytree(SMALL, folder)
    path = _person_csv(folder / "observations.csv", list(range(8)))
    with pytest.raises(PersonLevelDataError) as info:
        read_observations(path)
    msg = str(info.value)
    assert "Số CCCD" in msg and "aggregates only" in msg and "số liệu tổng hợp" in msg and "fix:" in msg
    assert "022309" not in msg  # the message never repeats a personal value
    for argv in (["validate", str(folder)], ["evaluate", "--data", str(folder), "-o", str(tmp_path / "e.csv")],
                 ["project", "--data", str(folder), "-o", str(tmp_path / "p.csv")],
                 ["appendix", "--data", str(folder), "-o", str(tmp_path / "ap")]):
        code = main(argv)
        out = capsys.readouterr()
        text = out.out + out.err
        assert code == 1 and "aggregates only" in text and "Số CCCD" in text, (argv, text)
        assert "Nguyễn Văn A" not in text and "Traceback" not in text
    assert not (tmp_path / "e.csv").exists() and not (tmp_path / "ap").exists()


def test_person_level_excel_and_targets_are_refused(tmp_path):
    import openpyxl

    from ctxh_plan.io.readers import read_observations, read_targets

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PERSON_HEADER)
    ws.append([int(v) if v.isdigit() and len(v) < 6 else v for v in PERSON_ROW])
    wb.save(tmp_path / "obs.xlsx")
    with pytest.raises(PersonLevelDataError, match="aggregates only"):
        read_observations(tmp_path / "obs.xlsx")
    (tmp_path / "targets.csv").write_text("scope,indicator_code,target_year,operator,value,kind,Ngày sinh\n"
                                          "22,CT09,2030,<,4,absolute,01/01/2015\n", encoding="utf-8")
    with pytest.raises(PersonLevelDataError, match="Ngày sinh"):
        read_targets(tmp_path / "targets.csv")


# --------------------------------------------------------------------------- published appendices

@pytest.fixture(scope="module")
def appendices(tmp_path_factory):
    """Excel appendices of the province and every unit, Word for the province and three units."""
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.evaluate import evaluate_dataset
    from ctxh_plan.present import load_publish_settings, write_appendices
    from ctxh_plan.targets import project_dataset

    out = tmp_path_factory.mktemp("rel_appendix")
    ds = load_dataset(SMALL)
    ev = evaluate_dataset(ds).table
    proj = project_dataset(ds, evaluation=ev)
    settings = load_publish_settings()
    write_appendices(ds, ev, proj, out, formats=("xlsx",), settings=settings, charts=False)
    write_appendices(ds, ev, proj, out, units=["22", "193", "194", "195"], formats=("docx",), settings=settings,
                     charts=False)
    return out, ds, settings.threshold, settings.mark


def _level_column(label: str) -> int | None:
    """Year shown by a column of Biểu 1/2 (levels and milestones), or None for other columns."""
    m = re.fullmatch(r"(?:Năm gốc |Năm |Ước thực hiện năm |Chỉ tiêu năm )?(20\d\d)", str(label or "").strip())
    if not m or str(label).startswith("Chỉ tiêu năm 2025"):
        return None
    return int(m.group(1))


def _grid_tables(rows: list[list], cell=lambda v: v) -> list[tuple[list, list[list]]]:
    """Split a sheet/table grid into (column labels, body rows): header row starts with 'STT'.
    ``cell`` converts body cells (Word tables hold text)."""
    out = []
    i = 0
    while i < len(rows):
        if rows[i] and str(rows[i][0]).strip() == "STT":
            top, sub = rows[i], rows[i + 1] if i + 1 < len(rows) else []
            labels = [(s if s not in (None, "") else t) for t, s in zip(top, list(sub) + [None] * len(top))]
            body = []
            j = i + 2
            while j < len(rows) and rows[j] and not str(rows[j][0] or "").startswith(("Ghi chú", "Notes")):
                body.append([cell(v) for v in rows[j]])
                j += 1
            out.append((labels, body))
            i = j
        else:
            i += 1
    return out


def _xlsx_tables(path: Path):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)  # values only: read-only mode reads them ~3x faster
    try:
        for ws in wb.worksheets:
            if ws.title.startswith("Bieu"):
                grid = [list(r) for r in ws.iter_rows(values_only=True)]
                yield from ((ws.title, labels, body) for labels, body in _grid_tables(grid))
    finally:
        wb.close()


def _docx_number(text: str) -> float | str | None:
    t = str(text).strip()
    if not t:
        return None
    t = t.replace("(ư)", "").replace(" ước", "").strip()
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?", t):
        return float(t.replace(".", "").replace(",", "."))
    return t


def _docx_tables(path: Path):
    import docx

    d = docx.Document(str(path))
    for k, t in enumerate(d.tables):
        grid = [[c.text.strip() for c in r.cells] for r in t.rows]
        yield from ((f"Bieu{k + 1}", labels, body) for labels, body in _grid_tables(grid, _docx_number))


def _truth(ds) -> tuple[dict, dict]:
    obs = ds.observations
    obs = obs[obs["period"].astype(str).isin(["FY", ""])]
    value = {(str(u), str(i), int(y)): float(v)
             for u, i, y, v in zip(obs.unit_code, obs.indicator_code, obs.year, obs.value)}
    num = {(str(u), str(i), int(y)): float(n)
           for u, i, y, n in zip(obs.unit_code, obs.indicator_code, obs.year, obs.numerator) if not math.isnan(n)}
    return value, num


#: cells read from the appendices of the module's fixture, by (folder, suffix): read once, checked by every test
_READ: dict[tuple[Path, str], dict] = {}


def _cells(out: Path, ds, suffix: str) -> dict:
    """(unit, sheet, indicator, column label) → published cell (number, mark text or None); read-only."""
    if (out, suffix) not in _READ:
        _READ[(out, suffix)] = _read_cells(out, ds, suffix)
    return _READ[(out, suffix)]


def _read_cells(out: Path, ds, suffix: str) -> dict:
    from ctxh_plan.vocab import Kind

    sensitive = {i.name_vi: i.code for i in ds.catalog if i.sensitive}
    cells = {}
    for path in sorted(out.glob(f"phu_luc_*{suffix}")):
        unit = path.stem.removeprefix("phu_luc_")
        tables = _xlsx_tables(path) if suffix == ".xlsx" else _docx_tables(path)
        for sheet, labels, body in tables:
            for row in body:
                code = sensitive.get(str(row[1] if len(row) > 1 else "").strip())
                if code is None:
                    continue
                for label, v in zip(labels, row):
                    if _level_column(label) is not None:
                        cells[(unit, sheet, code, str(label))] = v
    assert cells, f"no sensitive row found in the {suffix} appendices"
    assert any(ds.catalog[c].kind in (Kind.COUNT, Kind.MONEY) for (_, _, c, _) in cells)
    return cells


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_appendices_show_no_small_sensitive_count(appendices, suffix):
    """Directly, and through a sensitive rate whose count is small."""
    from ctxh_plan.vocab import Kind

    out, ds, threshold, mark = appendices
    value, num = _truth(ds)
    cells = _cells(out, ds, suffix)
    problems = []
    marks = 0
    for (unit, sheet, code, label), v in cells.items():
        marks += v == mark
        if not isinstance(v, (int, float)):
            continue
        ind = ds.catalog[code]
        year = _level_column(label)
        if ind.kind in (Kind.COUNT, Kind.MONEY):
            if 0 < v < threshold:
                problems.append(f"{unit} {sheet} {code} {label}: {v} published")
        elif year <= 2025:
            n = num.get((unit, code, year), value.get((unit, ind.numerator or "", year), math.nan))
            if 0 < n < threshold:
                problems.append(f"{unit} {sheet} {code} {label}: rate {v} published on a count of {n:g}")
    assert marks, "the data has small counts: some cells must show the mark"
    assert not problems, "\n".join(problems)


def test_hidden_value_is_not_repeated_elsewhere_in_its_row(appendices):
    """A hidden 2025 level must not be readable from the milestones or 2030 target of the same row
    (e.g. a 'maintain' target equal to the hidden level)."""
    out, ds, _threshold, mark = appendices
    value, _ = _truth(ds)
    cells = _cells(out, ds, ".xlsx")
    problems = []
    for (unit, sheet, code, label), v in cells.items():
        if sheet != "Bieu2" or v != mark or _level_column(label) != 2025:
            continue
        true = value.get((unit, code, 2025))
        for (u2, s2, c2, l2), w in cells.items():
            if (u2, s2, c2) == (unit, sheet, code) and isinstance(w, (int, float)) and true is not None \
                    and abs(w - true) <= 0.005 * max(abs(true), 1e-9):
                problems.append(f"{unit} {code}: hidden 2025 level {true:g} shown as {l2}={w}")
    assert not problems, "\n".join(problems)


def test_no_hidden_count_recoverable_by_subtraction(appendices):
    """Province = sum of its units for sensitive counts: in every column, across the province's and the
    units' appendices, never exactly one hidden cell (it would be the total minus the others)."""
    from ctxh_plan.vocab import Kind

    out, ds, _threshold, mark = appendices
    cells = _cells(out, ds, ".xlsx")
    province = str(ds.province_code)
    units = {p.stem.removeprefix("phu_luc_") for p in out.glob("phu_luc_*.xlsx")} - {province}
    assert len(units) >= 10
    groups: dict[tuple, list] = {}
    for (unit, sheet, code, label), v in cells.items():
        if ds.catalog[code].kind in (Kind.COUNT, Kind.MONEY):
            groups.setdefault((sheet, code, label), []).append((unit, v))
    bad = []
    for key, members in groups.items():
        hidden = [u for u, v in members if v == mark]
        shown = {u for u, v in members if isinstance(v, (int, float))}
        if len(hidden) == 1 and (province in shown or hidden == [province]) and shown | set(hidden) >= units:
            bad.append(f"{key}: only {hidden[0]} hidden")
    assert not bad, "\n".join(bad)
    # and the Word tables hide exactly what the Excel tables hide
    docx_cells = _cells(out, ds, ".docx")
    words = {(u, s, c, lab) for (u, s, c, lab), v in docx_cells.items() if v == mark}
    excel = {(u, s, c, lab) for (u, s, c, lab), v in cells.items() if v == mark and u in {"22", "193", "194", "195"}}
    assert words == excel


def test_batch_without_threshold_uses_the_published_threshold(tmp_path):
    """The threshold lives in params/publish.yaml: a batch file that does not set one does not publish
    unsuppressed reports (0 = off only when written explicitly)."""
    from ctxh_plan.batch import load_batch_config
    from ctxh_plan.present import load_publish_settings

    yml = tmp_path / "b.yaml"
    yml.write_text(f"name: b\ndataset: {SMALL}\n", encoding="utf-8")
    assert load_batch_config(yml).suppress_threshold == load_publish_settings().threshold >= 1
    yml.write_text(f"name: b\ndataset: {SMALL}\nsuppress_threshold: 0\n", encoding="utf-8")
    assert load_batch_config(yml).suppress_threshold == 0


def test_unit_reports_hide_the_complementary_cells_of_the_appendices(tmp_path):
    """One district with 3 abuse cases in 2025, all others with 6 or more, the province total published:
    hiding the 3 alone would let anyone subtract. The HTML unit reports (report.published_proposals,
    called in-process as the notebooks do) must hide every cell the appendices' all-units pattern hides."""
    import pandas as pd

    from ctxh_plan import reports as report
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.evaluate import evaluate_dataset
    from ctxh_plan.present import load_publish_settings
    from ctxh_plan.present.tables import published_proposals
    from ctxh_plan.targets import project_dataset

    data = tmp_path / "ds"
    shutil.copytree(SMALL, data)
    obs = pd.read_csv(data / "observations.csv", dtype=str, keep_default_na=False)
    rows = (obs["indicator_code"] == "ABUSE_CASES") & (obs["year"] == "2025")
    units = sorted(set(obs.loc[rows & (obs["unit_code"] != "22"), "unit_code"]))
    value = {u: (3 if u == "193" else 6 + k) for k, u in enumerate(units)}
    value["22"] = sum(value.values())
    obs.loc[rows, "value"] = obs.loc[rows, "unit_code"].map(lambda u: str(value[u]))
    obs.to_csv(data / "observations.csv", index=False)

    threshold = load_publish_settings().threshold
    ds = load_dataset(data)
    ev = evaluate_dataset(ds).table
    pattern = published_proposals(ds, project_dataset(ds, evaluation=ev).proposals, load_publish_settings())
    pattern = pattern[pattern["indicator_code"] == "ABUSE_CASES"]
    hidden = set(pattern.loc[pattern["suppressed__value_2025"].astype(bool), "unit_code"])
    assert "193" in hidden and len(hidden - {"193"}) >= 1, "the appendices must hide a complementary cell"
    leaks = []
    for unit in units:
        params = {"unit_code": unit, "dataset": str(data), "scenario": "", "lang": "vi", "rebase_to": "",
                  "output_dir": "", "suppress_threshold": threshold, "key_indicators": ["CT16"]}
        shown = report.published_proposals(report.build_unit_report(params))
        row = shown[shown["indicator_code"] == "ABUSE_CASES"]
        if unit in hidden and len(row) and isinstance(row["value_2025"].iloc[0], (int, float)):
            leaks.append(f"{unit}: 2025 = {row['value_2025'].iloc[0]} shown; the appendices hide it")
    assert not leaks, "\n".join(leaks) + f"\n(province total {value['22']} is published: 193 = total − others)"
