"""The Excel form (protected codes, data validation, header with unit and period, same period last year),
reading filled forms back, and the completeness/timeliness table (a late file is received but not on time,
a missing unit is listed)."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.paths import QN26


@pytest.fixture(scope="module")
def env():
    from ctxh_plan.data.catalog import load_catalog
    from ctxh_plan.data.units import load_units
    from ctxh_plan.tracking.names import IndicatorMatcher
    from ctxh_plan.tracking.periods import load_calendar, parse_period

    cat = load_catalog()
    return {"cat": cat, "units": load_units("22", as_of="2025-07-01"), "matcher": IndicatorMatcher(cat),
            "cal": load_calendar(), "H1": parse_period("2026-H1"), "FY": parse_period("2026")}


def _form(path, env, values, submitted, unit="06652", codes=("TNTT_DEATHS", "POP_U16", "CT05a", "SWIM_MODEL")):
    from ctxh_plan.tracking.forms import write_form

    return write_form(path, unit_code=unit, unit_name="Phường Hà Tu", period=env["H1"], indicators=list(codes),
                      catalog=env["cat"], last_year={"TNTT_DEATHS": 2.0, "POP_U16": 5159.0}, calendar=env["cal"],
                      illustrative=True, values=values, submitted_on=submitted)


def test_form_layout_protection_validation_and_header(tmp_path, env):
    from openpyxl import load_workbook

    p = _form(tmp_path / "06652_2026-H1.xlsx", env, {}, None)
    wb = load_workbook(p)
    ws = wb["Bieu_mau"]
    header = [c.value for c in ws[8]]
    assert header[:6] == ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Cùng kỳ năm 2025 (tham khảo)",
                          "2026 (6 tháng)"]
    texts = " ".join(str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value)
    assert "Mã đơn vị: 06652" in texts and "Kỳ báo cáo: 2026-H1" in texts and "20/05/2026" in texts
    assert "DỮ LIỆU MINH HỌA" in texts
    assert ws.protection.sheet is True
    rows = {ws.cell(r, 2).value: r for r in range(9, ws.max_row + 1) if ws.cell(r, 2).value}
    r = rows["TNTT_DEATHS"]
    assert ws.cell(r, 2).protection.locked and ws.cell(r, 5).protection.locked   # code and reference locked
    assert not ws.cell(r, 6).protection.locked                                   # the value cell is open
    assert ws.cell(r, 5).value == 2 and ws.cell(rows["CT05a"], 5).value == "–"   # same period last year
    assert not ws.cell(rows["CT05a"], 7).protection.locked                        # numerator of a percentage
    kinds = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            kinds[rng.coord] = (dv.type, dv.formula1, dv.formula2)
    assert kinds[f"F{r}"] == ("whole", "0", None)
    assert kinds[f"F{rows['CT05a']}"] == ("decimal", "0", "100")
    assert kinds[f"F{rows['SWIM_MODEL']}"][0] == "list"
    assert kinds["C6"][0] == "date"


def test_filled_form_reads_back(tmp_path, env):
    from ctxh_plan.tracking.forms import collect_forms

    values = {"TNTT_DEATHS": (3, None, None, ""), "POP_U16": ("5.230", None, None, "số liệu tháng 6"),
              "CT05a": (None, 266, 270, ""), "SWIM_MODEL": (1, None, None, "")}
    _form(tmp_path / "06652_2026-H1.xlsx", env, values, dt.date(2026, 5, 18))
    c = collect_forms(tmp_path, env["H1"], catalog=env["cat"], units=env["units"])
    o = c.observations.set_index("indicator_code")
    assert set(o["unit_code"]) == {"06652"} and set(o["period"]) == {"H1"} and set(o["year"]) == {2026}
    assert o.loc["TNTT_DEATHS", "value"] == 3 and o.loc["POP_U16", "value"] == 5230  # "5.230" read the VN way
    assert o.loc["CT05a", "value"] == pytest.approx(266 / 270 * 100)                  # computed from num/den
    assert o.loc["POP_U16", "note"] == "số liệu tháng 6"
    f = c.files.iloc[0]
    assert f["submitted_on"] == dt.date(2026, 5, 18) and f["rows"] == 4 and f["filled"] == 4 and not f["by_name"]
    assert not (c.problems["severity"] == "error").any() if len(c.problems) else True


def test_form_of_another_period_and_person_level_data(tmp_path, env):
    from openpyxl import Workbook

    from ctxh_plan.tracking.forms import collect_forms

    _form(tmp_path / "06652_2026-H1.xlsx", env, {"TNTT_DEATHS": (1,)}, dt.date(2026, 5, 1))
    c = collect_forms(tmp_path, env["FY"], catalog=env["cat"], units=env["units"])
    assert len(c.observations) == 0 and "không có cột số liệu kỳ 2026" in c.problems["problem"].iloc[0]
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã đơn vị: 06658"])
    ws.append(["Mã chỉ tiêu", "Họ và tên", "2026 (6 tháng)"])
    ws.append(["ABUSE_CASES", "Nguyễn Văn A", 1])
    wb.save(tmp_path / "06658.xlsx")
    c = collect_forms(tmp_path, env["H1"], catalog=env["cat"], units=env["units"])
    refused = c.problems[c.problems["file"].str.endswith("06658.xlsx")]
    assert len(refused) == 1 and "từ chối" in refused["problem"].iloc[0]
    assert "06658" not in set(c.observations["unit_code"])


def test_late_file_is_received_not_on_time_and_missing_unit_is_listed(tmp_path, env):
    from ctxh_plan.tracking.forms import collect_forms
    from ctxh_plan.tracking.submissions import submission_table

    _form(tmp_path / "06652_2026-H1.xlsx", env, {"TNTT_DEATHS": (1,)}, dt.date(2026, 5, 20))       # on the due day
    _form(tmp_path / "06658_2026-H1.xlsx", env, {"TNTT_DEATHS": (0,), "POP_U16": (4000,)}, dt.date(2026, 5, 27),
          unit="06658")                                                                             # 7 days late
    _form(tmp_path / "06661_2026-H1.xlsx", env, {"TNTT_DEATHS": (0,)}, None, unit="06661")          # no date
    c = collect_forms(tmp_path, env["H1"], catalog=env["cat"], units=env["units"])
    expected = {u: ["TNTT_DEATHS", "POP_U16"] for u in ("06652", "06658", "06661", "06673")}
    subs = submission_table(c, units=["06652", "06658", "06661", "06673"], unit_names={}, calendar=env["cal"],
                            expected=expected)
    t = subs.table.set_index("unit_code")
    assert t.loc["06652", "received"] and t.loc["06652", "on_time"]
    assert t.loc["06658", "received"] and not t.loc["06658", "on_time"] and t.loc["06658", "days_late"] == 7
    assert t.loc["06661", "received"] and not t.loc["06661", "on_time"] and "không ghi ngày" in t.loc["06661", "note"]
    assert not t.loc["06673", "received"]
    assert t.loc["06652", "share_filled"] == 50.0 and t.loc["06658", "share_filled"] == 100.0
    a = subs.summary()
    assert a["missing"] == ["06673"] and a["late"] == ["06658"] and a["n_received"] == 3 and a["n_on_time"] == 1
    assert a["completeness"] == 75.0 and a["timeliness"] == 25.0


def test_embedded_received_forms(env):
    """The committed 2026-H1 folder: every stated date is judged against 20/05/2026; units without a file
    are the missing ones; the analysts' own sheets are read by name."""
    from openpyxl import load_workbook

    from ctxh_plan.tracking.forms import collect_forms
    from ctxh_plan.tracking.submissions import submission_table

    folder = QN26 / "received" / "2026-H1"
    c = collect_forms(folder, env["H1"], catalog=env["cat"], units=env["units"])
    units = ["22"] + [u for u in env["units"].codes() if u != "22"]
    subs = submission_table(c, units=units, unit_names={}, calendar=env["cal"])
    t = subs.table.set_index("unit_code")
    files = {}
    for p in folder.glob("*.xlsx"):
        ws = load_workbook(p, read_only=True).worksheets[0]
        for row in ws.iter_rows(max_row=8, values_only=True):
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith(("Ngày gửi", "Ngày báo cáo")):
                    after = v.split(":", 1)[1].strip() if ":" in v else ""
                    d = dt.datetime.strptime(after, "%d/%m/%Y") if after else next(x for x in row[j + 1:] if x)
                    files[p.name] = d.date() if hasattr(d, "date") else d
    assert len(files) == len(list(folder.glob("*.xlsx")))
    received = set(t.index[t["received"]])
    assert subs.missing and set(subs.missing) == set(units) - received
    late = {u for u in received if t.loc[u, "submitted_on"] > dt.date(2026, 5, 20)}
    assert late and late == set(subs.late) and not any(t.loc[u, "on_time"] for u in late)
    assert sorted(files.values()) == sorted(t.loc[list(received), "submitted_on"])
    by_name = t[t["by_name"]]
    assert len(by_name) == 2 and all(t.loc[u, "indicators_filled"] > 10 for u in by_name.index)
    unmatched = c.problems[c.problems["problem"].str.contains("không khớp")]
    assert len(unmatched) == 2  # one unknown name in each analyst's sheet, refused with candidates
