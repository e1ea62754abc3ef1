"""The tracking frame on the embedded 2026 folder, recomputed by hand: change vs the same period, status
against the milestone, the year-end estimate from the province's share, the province as a ratio of sums,
the province's own figure checked, indicators without a target still tracked."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.paths import QN26

pytestmark = pytest.mark.xdist_group("tracking")


@pytest.fixture(scope="module")
def ctx(qn26_context):
    """The folder opened once per test process (tests/conftest.py)."""
    return qn26_context


@pytest.fixture(scope="module")
def h1(qn26_h1):
    return qn26_h1


@pytest.fixture(scope="module")
def fy(qn26_fy):
    return qn26_fy


def _small(tr, table):
    """The same tracking result with another (smaller or edited) table: writing it is quick."""
    from ctxh_plan.tracking.track import Tracking

    return Tracking(table, tr.submissions, tr.consistency, tr.problems, tr.period, tr.illustrative, tr.province_code)


def _form_value(ctx, period: str, unit: str, code: str) -> float | None:
    """The figure a unit wrote in its form, read with openpyxl (independently of the toolkit's reader)."""
    from openpyxl import load_workbook

    path = QN26 / "received" / period / f"{unit}_{period}.xlsx"
    ws = load_workbook(path, read_only=True, data_only=True)["Bieu_mau"]
    for row in ws.iter_rows(min_row=9, values_only=True):
        if len(row) > 5 and row[1] == code:
            return row[5]
    return None


def test_frame_has_the_contract_columns_and_schema(h1, fy):
    from ctxh_plan.data.frames import tracking_schema

    need = ["unit_code", "indicator_code", "period", "value", "same_period_last_year", "change_vs_same_period",
            "milestone", "milestone_year", "status_vs_milestone", "target_2030", "status_vs_target",
            "year_end_estimate"]
    for run in (h1, fy):
        t = run.tracking.table
        assert all(c in t.columns for c in need)
        tracking_schema().validate(t)
        assert set(t["milestone_year"]) == {2026} and t["illustrative"].all()
        assert t["note"].str.contains("dữ liệu minh họa").all()
        assert t["unit_code"].nunique() == 55  # 54 units + the province


@pytest.mark.parametrize("unit,code", [("06652", "TNTT_CASES"), ("06652", "POP_U16"), ("06811", "COMM_SESSIONS"),
                                       ("07192", "SWIM_CLASSES")])
def test_change_vs_same_period_by_hand(ctx, h1, unit, code):
    value = _form_value(ctx, "2026-H1", unit, code)
    hist = ctx.history.observations
    prev = hist[(hist["unit_code"] == unit) & (hist["indicator_code"] == code) & (hist["year"] == 2025)
                & (hist["period"] == "H1")]["value"]
    row = h1.tracking.table.set_index(["unit_code", "indicator_code"]).loc[(unit, code)]
    assert row["value"] == value and row["same_period_last_year"] == pytest.approx(float(prev.iloc[0]))
    assert row["change_vs_same_period"] == pytest.approx(value - float(prev.iloc[0]))


def test_status_vs_milestone_by_hand_for_the_full_year(ctx, fy):
    """A full year reported: met or not by the target's operator ("= 100%" on the way: at least)."""
    t = fy.tracking.table
    t = t[t["milestone"].notna() & t["value"].notna()]
    plan = ctx.plan.plan.set_index(["unit_code", "indicator_code"])
    checked = 0
    for r in t.to_dict("records"):
        op = plan.loc[(r["unit_code"], r["indicator_code"]), "operator"]
        m = plan.loc[(r["unit_code"], r["indicator_code"]), "milestone_2026"]
        higher = ctx.history.catalog[r["indicator_code"]].direction.value == "higher"
        v = r["year_end_estimate"]
        ok = {">=": v >= m - 1e-9, "<=": v <= m + 1e-9, ">": v > m, "<": v < m,
              "=": (v >= m - 1e-9) if higher else (v <= m + 1e-9)}[op]
        assert r["status_vs_milestone"] == ("on_track" if ok else "off_track"), r
        checked += 1
    assert checked > 500
    # and by hand for a few units: their form's figure against their milestone
    for unit in ("06652", "06811", "07192"):
        v = _form_value(ctx, "2026", unit, "TNTT_DEATHS")
        m = plan.loc[(unit, "TNTT_DEATHS"), "milestone_2026"]
        row = fy.tracking.table.set_index(["unit_code", "indicator_code"]).loc[(unit, "TNTT_DEATHS")]
        assert row["status_vs_milestone"] == ("on_track" if v <= m else "off_track")


def test_six_months_status_by_hand(ctx, h1):
    t = h1.tracking.table
    plan = ctx.plan.plan.set_index(["unit_code", "indicator_code"])
    rows = t[t["milestone"].notna() & t["value"].notna()]
    counts = rows[rows["indicator_code"].isin(["TNTT_DEATHS", "DROWNING_DEATHS", "ABUSE_CASES", "CHILD_MARRIAGES"])]
    # six months alone already above an "at most" milestone: no chance left
    over = counts[counts["value"] > counts["milestone"]]
    assert len(over) and (over["p_milestone"] == 0).all() and (over["status_vs_milestone"] == "off_track").all()
    # status follows the probability and the thresholds of params/tracking.yaml
    p = rows["p_milestone"]
    expect = np.where(p >= 0.8, "on_track", np.where(p < 0.2, "off_track", "at_risk"))
    assert (rows["status_vs_milestone"].to_numpy() == expect).all()
    # a higher milestone of an "at most" count can only be easier to meet
    r = counts[(counts["value"] < counts["milestone"])].iloc[0]
    assert plan.loc[(r["unit_code"], r["indicator_code"]), "operator"] == "<="
    from ctxh_plan.tracking.probability import conditional_rows

    fc = ctx.forecasts
    f = fc[(fc["unit_code"] == r["unit_code"]) & (fc["indicator_code"] == r["indicator_code"]) & (fc["year"] == 2026)]
    ps = [conditional_rows(f.reset_index(drop=True), part_value=[r["value"]], share=[r["share_of_year"]],
                           year_end=[r["year_end_estimate"]], additive=[True], target=[m], operator=["<="],
                           catalog=ctx.history.catalog, elapsed=0.5)[0] for m in (r["milestone"], r["milestone"] + 5)]
    assert ps[0] == pytest.approx(r["p_milestone"]) and ps[1] >= ps[0]


def test_year_end_estimate_from_the_province_share(ctx, h1):
    """A commune's small count has no share of its own: the province's H1/FY share of 2025 is used, and said."""
    from ctxh_plan.evaluate.rollup import rollup_observations

    hist = ctx.history.observations
    h = hist[(hist["year"] == 2025) & (hist["indicator_code"] == "TNTT_DEATHS")]
    up = rollup_observations(h, ctx.history.units, ctx.history.catalog)
    prov = up[up["unit_code"] == "22"].set_index("period")["value"]
    share = prov["H1"] / prov["FY"]
    t = h1.tracking.table
    rows = t[(t["indicator_code"] == "TNTT_DEATHS") & (t["unit_code"] != "22") & (t["value"] > 0)]
    assert len(rows)
    for r in rows.to_dict("records"):
        assert r["estimate_method"] == "parent_share_of_year"
        assert r["year_end_estimate"] == pytest.approx(r["value"] / share)
        assert "tỷ lệ của toàn tỉnh" in r["note"]


def test_province_is_the_ratio_of_sums_of_its_units(h1):
    t = h1.tracking.table
    units = t[t["unit_code"] != "22"]
    prov = t[t["unit_code"] == "22"].set_index("indicator_code")
    # a count: the sum of the units that reported it
    tot = units[units["indicator_code"] == "TNTT_CASES"]["value"].sum()
    assert prov.loc["TNTT_CASES", "value"] == tot
    # a rate from two counts: Σ numerators / Σ denominators × factor (never the mean of rates)
    r = units[(units["indicator_code"] == "CT11b") & units["numerator"].notna()]
    assert prov.loc["CT11b", "value"] == pytest.approx(r["numerator"].sum() / r["denominator"].sum() * 100_000)
    assert prov.loc["CT11b", "value"] != pytest.approx(r["value"].mean())
    # a percentage written alone: weighted by the units' denominators
    c = units[(units["indicator_code"] == "CT05a") & units["denominator"].notna()]
    assert prov.loc["CT05a", "value"] == pytest.approx(c["numerator"].sum() / c["denominator"].sum() * 100)


def test_province_own_figure_is_checked_against_the_aggregate(ctx, h1):
    t = h1.tracking.table.set_index(["unit_code", "indicator_code"])
    own = _form_value(ctx, "2026-H1", "22", "TNTT_DEATHS")
    row = t.loc[("22", "TNTT_DEATHS")]
    assert row["reported_value"] == own and row["reported_difference"] == own - row["value"]
    assert own != row["value"] and "số tỉnh tự báo cáo" in row["note"]
    cons = h1.tracking.consistency.set_index("indicator_code")
    assert cons.loc["TNTT_DEATHS", "reported_value"] == own
    # a province-level indicator (no unit reports it) is the province's own figure
    assert t.loc[("22", "CT06"), "value"] == _form_value(ctx, "2026-H1", "22", "CT06")


def test_indicators_without_a_target_still_get_trend_and_change(h1):
    t = h1.tracking.table
    free = t[t["milestone"].isna() & t["target_2030"].isna() & t["value"].notna()]
    assert len(free) > 1000 and (free["status_vs_milestone"] == "no_target").all()
    assert free["trend"].isin(["improving", "stable", "worsening", "insufficient_data"]).all()
    assert (free["trend"] != "insufficient_data").mean() > 0.8
    assert free["change_vs_same_period"].notna().mean() > 0.5


def test_missing_units_have_no_data_and_causes_flow_in(h1):
    t = h1.tracking.table
    missing = h1.tracking.submissions.missing
    m = t[t["unit_code"].isin(missing) & t["milestone"].notna()]
    assert len(m) and (m["status_vs_milestone"] == "no_data").all() and m["value"].isna().all()
    prov = t[(t["unit_code"] == "22") & (t["indicator_code"] == "DROWNING_DEATHS")].iloc[0]
    assert prov["cause"].startswith("Mùa mưa") and prov["solution"]


def test_small_counts_keep_their_uncertainty(h1):
    t = h1.tracking.table
    c = t[(t["indicator_code"] == "TNTT_DEATHS") & (t["unit_code"] != "22") & t["value"].notna()]
    assert c["year_end_lo95"].notna().all() and (c["year_end_hi95"] > c["year_end_estimate"]).all()
    # the probability of an at-most milestone for a small unit is neither 0 nor 1 while half the year is ahead
    mid = c[(c["value"] <= c["milestone"]) & c["milestone"].notna()]
    assert ((mid["p_milestone"] > 0) & (mid["p_milestone"] < 1)).any()


def test_writing_the_workbook(tmp_path, h1):
    """The workbook's sheets and headings, on the rows of two units (the whole workbook is written by the
    ``track`` command in tests/commands/test_tracking_cli.py)."""
    from openpyxl import load_workbook

    t = h1.tracking.table
    rows = t[t["unit_code"].isin(["22", "06652"])].reset_index(drop=True)
    out = _small(h1.tracking, rows).write(tmp_path / "t.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["theo_doi", "nop_bao_cao", "doi_chieu_tinh", "van_de", "ghi_chu"]
    assert "DỮ LIỆU MINH HỌA" in wb["theo_doi"]["A1"].value
    heads = [c.value for c in wb["theo_doi"][2]]
    assert "Cùng kỳ năm trước" in heads and "Đánh giá so với lộ trình" in heads
    shown = {c.value for row in wb["theo_doi"].iter_rows(min_row=3) for c in row}
    assert len(rows) > 20 and {"06652", "22"} & shown


def test_text_never_becomes_a_formula(tmp_path, h1):
    from openpyxl import load_workbook

    tr = h1.tracking
    t = tr.table.head(30).copy()
    t.loc[t.index[0], "cause"] = "=HYPERLINK(\"http://x\",\"y\")"
    t.loc[t.index[1], "solution"] = "+1+2"
    bad = _small(tr, t)
    ws = load_workbook(bad.write(tmp_path / "x.xlsx"))["theo_doi"]
    vals = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+"]
    assert vals and all(c.data_type == "s" for c in vals)
    csv = (bad.write(tmp_path / "x.csv")).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv and "'+1+2" in csv


def test_probability_function_reads_the_forecast(ctx):
    from ctxh_plan.tracking.probability import probability_of_meeting
    from ctxh_plan.tracking.run import run_tracking

    if ctx.forecasts is None:  # computed on the first run (this test may run first on its worker)
        run_tracking(ctx, "2026-H1")
    fc = ctx.forecasts
    f = fc[(fc["year"] == 2030) & (fc["indicator_code"] == "CT16")].head(5)
    lo = probability_of_meeting(f, f["lo95"].to_numpy() - 1e-6, [">="] * len(f), catalog=ctx.history.catalog)
    mid = probability_of_meeting(f, f["mean"].to_numpy(), [">="] * len(f), catalog=ctx.history.catalog)
    assert (lo >= mid - 1e-12).all()
    # a continuous forecast's median is met half the time; count-model rows (dist_*) are discrete
    cont = (f["hi95"] > f["lo95"]).to_numpy() & f["dist_mu"].isna().to_numpy()
    assert np.allclose(mid[cont], 0.5, atol=1e-6)
    g = fc[(fc["year"] == 2030) & fc["dist_mu"].isna() & (fc["hi95"] > fc["lo95"])].head(5)
    assert len(g) and np.allclose(probability_of_meeting(g, g["mean"].to_numpy(), [">="] * len(g),
                                                         catalog=ctx.history.catalog), 0.5, atol=1e-6)
    assert math.isnan(probability_of_meeting(g.assign(mean=np.nan).head(1), [1.0], [">="],
                                             catalog=ctx.history.catalog)[0])


def test_the_plan_years_already_reported_become_history(ctx):
    """Tracking 2027-H1: the forms of 2026 (same period last year, shares of the year) join the history."""
    from ctxh_plan.tracking.periods import parse_period

    assert ctx.history_for(parse_period("2026-H1")) is ctx.history
    h = ctx.history_for(parse_period("2027-H1")).observations
    got = h[h["year"] == 2026].groupby("period").size()
    assert set(got.index) == {"H1", "FY"} and got["H1"] > 1000
    assert ctx.history.observations["year"].max() == 2025  # the folder's history itself is unchanged
