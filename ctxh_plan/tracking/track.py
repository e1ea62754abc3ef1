"""The tracking frame: where each unit and the province stand in a reporting period.

One row per unit × indicator reported for the period or planned (``TRACKING_COLUMNS``):

* ``value`` — the figure of the period (six months, nine months or the year); rates computed from their
  two counts where the form asks the counts; the **province row is aggregated from its units** (sums,
  ratio of sums — :func:`ctxh_plan.evaluate.rollup_observations`) and checked against the province's own
  figure where it reports one (``reported_value``, ``reported_difference``);
* ``same_period_last_year`` and ``change_vs_same_period`` ("so với cùng kỳ"), from the re-based history;
* ``year_end_estimate`` — for a partial period, the period's value ÷ the unit's own share of the year
  reached by then in past years, else the province's share, else the elapsed fraction (counts) or the
  value as it is (percentages) — :func:`ctxh_plan.evaluate.estimate_year_end`, the method in
  ``estimate_method`` and the note;
* ``milestone`` of ``milestone_year`` and ``target_2030`` from the adopted plan; ``p_milestone`` /
  ``p_target_2030`` the probability, from the forecast model, that the year's value meets the milestone
  and that the 2030 value meets the target (:mod:`ctxh_plan.tracking.probability`), and the status
  (on track / at risk / off track, thresholds in ``params/tracking.yaml``);
* ``trend`` for every indicator, target or not (the year's value against the mean of the previous
  full years; small counts are "stable" inside their Poisson range); ``year_end_lo95/hi95``: the exact
  Poisson interval of a count (or of the count behind a rate), scaled to the year;
* ``cause`` and ``solution`` from the analysts' sheet.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.tracking.periods import Period

__all__ = ["TRACKING_COLUMNS", "Tracking", "track_period"]

from ctxh_plan.data.frames import TRACKING_COLUMNS

log = logging.getLogger(__name__)

_ADDITIVE_KINDS = {"count", "money", "rate_per_1000", "rate_per_100000"}
_KEYS = ["unit_code", "indicator_code"]
ILLUSTRATIVE_NOTE = "dữ liệu minh họa (illustrative data)"


@dataclass
class Tracking:
    """Result of :func:`track_period`.

    Attributes
    ----------
    table : DataFrame — the tracking frame (``TRACKING_COLUMNS``).
    submissions : Submissions — completeness and timeliness (:func:`~ctxh_plan.tracking.submissions.submission_table`).
    consistency : DataFrame — the province's own figures beside the aggregate of its units.
    problems : DataFrame — problems found in the forms and the causes sheet.
    period : Period
    illustrative : bool
    timings : dict — seconds of the steps.
    """

    table: Any
    submissions: Any
    consistency: Any
    problems: Any
    period: Period
    illustrative: bool = False
    province_code: str = "22"
    documents: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    def unit(self, code: str) -> Any:
        return self.table[self.table["unit_code"] == str(code)].reset_index(drop=True)

    def write(self, path: str | Path) -> Path:
        """Write the tracking workbook (``.xlsx``: sheets theo_doi, nop_bao_cao, doi_chieu_tinh, van_de, ghi_chu)
        or the tracking frame alone (``.csv``). Atomic; text cells that look like formulas are quoted."""
        from ctxh_plan.tracking.output import write_tracking

        return write_tracking(self, path)


def _obs(frame: Any) -> Any:
    from ctxh_plan.data.frames import REQUIRED_OBSERVATION_COLUMNS, coerce_observations

    return coerce_observations(frame) if len(frame) else coerce_observations(
        frame.reindex(columns=list(REQUIRED_OBSERVATION_COLUMNS)))


def _fill_denominators(cur: Any, hist: Any, catalog: Any) -> Any:
    """Ratio rows without numerator/denominator (a percentage written alone) get the unit's last known
    denominator, so the province can be aggregated as a ratio of sums; the note says so."""
    import numpy as np

    ratio = {i.code for i in catalog if i.kind.is_ratio and not (i.numerator and i.denominator)}
    need = cur["indicator_code"].isin(ratio) & cur["denominator"].isna() & cur["value"].notna()
    if not need.any():
        return cur
    h = hist[hist["denominator"].notna() & (hist["denominator"] > 0)].sort_values("year")
    last = h.drop_duplicates(_KEYS, keep="last").set_index(_KEYS)
    out = cur.copy()
    idx = out.index[need.to_numpy()]
    keys = list(zip(out.loc[idx, "unit_code"], out.loc[idx, "indicator_code"]))
    dens = np.array([float(last.at[k, "denominator"]) if k in last.index else np.nan for k in keys])
    years = [int(last.at[k, "year"]) if k in last.index else 0 for k in keys]
    factor = out.loc[idx, "indicator_code"].map({i.code: i.factor for i in catalog}).to_numpy(float)
    ok = ~np.isnan(dens)
    out.loc[idx[ok], "denominator"] = dens[ok]
    out.loc[idx[ok], "numerator"] = out.loc[idx[ok], "value"].to_numpy(float) / factor[ok] * dens[ok]
    out.loc[idx[ok], "note"] = [
        (n + "; " if n else "") + f"mẫu số năm {y} dùng để tổng hợp tỉnh / denominator of {y} used to aggregate"
        for n, y in zip(out.loc[idx[ok], "note"], np.asarray(years)[ok])]
    return out


def _with_province(obs: Any, units: Any, catalog: Any, province: str) -> tuple[Any, Any]:
    """(unit rows + province rows, the aggregated province rows) — the province's own reported rows are kept
    apart by the caller; here every parent value is the roll-up of its units."""
    import pandas as pd

    from ctxh_plan.evaluate.rollup import fill_components, rollup_observations

    filled = fill_components(obs, catalog)
    up = rollup_observations(filled, units, catalog, components_filled=True)
    up = up[up["unit_code"] == province]
    return pd.concat([filled, up[[c for c in filled.columns if c in up.columns]]], ignore_index=True), up


def _status(p: Any, has_target: Any, has_value: Any, on: float, off: float) -> Any:
    import numpy as np

    from ctxh_plan.vocab import TrackingStatus as S

    p = np.asarray(p, float)
    out = np.where(p >= on, S.ON_TRACK.value, np.where(p < off, S.OFF_TRACK.value, S.AT_RISK.value)).astype(object)
    out = np.where(np.isnan(p), S.NO_DATA.value, out)
    out = np.where(~np.asarray(has_value, bool) & np.asarray(has_target, bool), S.NO_DATA.value, out)
    return np.where(~np.asarray(has_target, bool), S.NO_TARGET.value, out)


def _trend(frame: Any, hist_fy: Any, catalog: Any, settings: Any, year: int) -> Any:
    """Trend category of each row: year-end estimate vs the mean of the previous full years."""
    import numpy as np
    from scipy.stats import poisson

    from ctxh_plan.vocab import Trend

    prev = hist_fy[(hist_fy["year"] < year) & (hist_fy["year"] >= year - settings.trend_years)]
    g = prev.groupby(_KEYS)["value"].agg(["mean", "count"]).reset_index()
    j = frame[_KEYS].merge(g, on=_KEYS, how="left")
    m = j["mean"].to_numpy(float)
    ye = frame["year_end_estimate"].to_numpy(float)
    sign = frame["indicator_code"].map({i.code: i.direction.sign for i in catalog}).fillna(1).to_numpy(float)
    kind = frame["indicator_code"].map({i.code: i.kind.value for i in catalog}).fillna("count").to_numpy(object)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(np.abs(m) > 0, sign * (ye - m) / np.abs(m) * 100.0, sign * np.sign(ye - m) * np.inf)
    rel = np.where((m == 0) & (ye == 0), 0.0, rel)
    out = np.where(rel >= settings.trend_threshold, Trend.IMPROVING.value,
                   np.where(rel <= -settings.trend_threshold, Trend.WORSENING.value, Trend.STABLE.value)).astype(object)
    small = (kind == "count") & (m < 50) & ~np.isnan(m)
    if small.any():
        a = (1 - settings.poisson_level) / 2
        lo = poisson.ppf(a, np.where(small, m, 1.0))
        hi = poisson.ppf(1 - a, np.where(small, m, 1.0))
        inside = (ye >= lo) & (ye <= hi)
        out = np.where(small & inside, Trend.STABLE.value, out)
    insufficient = np.isnan(m) | np.isnan(ye) | (j["count"].fillna(0).to_numpy() < 2)
    return np.where(insufficient, Trend.INSUFFICIENT.value, out)


def _poisson_range(frame: Any, catalog: Any) -> tuple[Any, Any]:
    """Exact 95% Poisson interval of the year's count (counts, and rates resting on a count), to year-end scale."""
    import numpy as np

    from ctxh_plan.evaluate.poisson import garwood_interval

    kind = frame["indicator_code"].map({i.code: i.kind.value for i in catalog}).fillna("").to_numpy(object)
    factor = frame["indicator_code"].map({i.code: i.factor for i in catalog}).fillna(1.0).to_numpy(float)
    share = frame["share_of_year"].fillna(1.0).to_numpy(float)
    value = frame["value"].to_numpy(float)
    num = frame["numerator"].to_numpy(float)
    den = frame["denominator"].to_numpy(float)
    count = np.where(kind == "count", value, np.where(np.isin(kind, ["rate_per_1000", "rate_per_100000"]), num, np.nan))
    whole = ~np.isnan(count) & (np.abs(count - np.round(count)) < 1e-9)
    lo, hi = garwood_interval(np.where(whole, count, 0.0))
    scale = np.where(kind == "count", 1.0, np.where(den > 0, factor / den, np.nan)) / np.where(share > 0, share, 1.0)
    lo, hi = np.where(whole, lo * scale, np.nan), np.where(whole, hi * scale, np.nan)
    return lo, hi


def _ratios_from_components(rows: Any, catalog: Any, notes: list[str], province: str) -> None:
    """Year-end estimate of a rate computed from two catalogue counts = estimate of its numerator ÷ estimate of
    its denominator (deaths per 1,000 live births stay a rate of two flows; deaths per 100,000 children grow
    with the deaths); ``share_of_year`` = value ÷ estimate. Changes ``rows`` and ``notes`` in place."""
    import numpy as np

    from ctxh_plan.tracking.forms import _derived

    derived = _derived(catalog)
    if not derived:
        return
    ye = dict(zip(zip(rows["unit_code"], rows["indicator_code"]), rows["year_end_estimate"].astype(float)))
    unit_list = [u for u in dict.fromkeys(rows["unit_code"]) if u != province]
    # the province: ratio of sums of its units' estimated counts, over the units that have both
    province_ye: dict[str, float] = {}
    for code, (num, den) in derived.items():
        pairs = [(ye[(u, num)], ye[(u, den)]) for u in unit_list if (u, num) in ye and (u, den) in ye
                 and not (np.isnan(ye[(u, num)]) or np.isnan(ye[(u, den)]))]
        b = sum(y for _, y in pairs)
        if pairs and b > 0:
            province_ye[code] = sum(x for x, _ in pairs) / b * catalog[code].factor
    codes = rows["indicator_code"].to_numpy(object)
    units = rows["unit_code"].to_numpy(object)
    new_ye = rows["year_end_estimate"].to_numpy(float).copy()
    changed = np.zeros(len(rows), bool)
    for i in np.flatnonzero(np.isin(codes, list(derived))):
        if units[i] == province:
            if codes[i] in province_ye:
                new_ye[i], changed[i] = province_ye[codes[i]], True
            continue
        num, den = derived[codes[i]]
        a, b = ye.get((units[i], num), np.nan), ye.get((units[i], den), np.nan)
        if not (np.isnan(a) or np.isnan(b)) and b > 0:
            new_ye[i] = a / b * catalog[codes[i]].factor
            changed[i] = True
    if not changed.any():
        return
    rows["year_end_estimate"] = new_ye
    value = rows["value"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sh = np.where(new_ye > 0, value / new_ye, np.where(value == 0, 1.0, np.nan))
    rows["share_of_year"] = np.where(changed, sh, rows["share_of_year"].to_numpy(float))
    rows["estimate_method"] = np.where(changed, "components", rows["estimate_method"].fillna("").to_numpy(object))
    for i in np.flatnonzero(changed):
        parts = [p for p in notes[i].split("; ") if not p.startswith("ước thực hiện")]
        notes[i] = "; ".join(parts + ["ước cả năm = ước tử số ÷ ước mẫu số / year-end estimate from the estimates "
                                      "of its numerator and denominator"])


def _append(notes: list[str], mask: Any, text: Any) -> None:
    for i in range(len(notes)):
        if mask[i]:
            t = text[i] if isinstance(text, (list, tuple)) or hasattr(text, "__array__") else text
            if t and t not in notes[i]:
                notes[i] = f"{notes[i]}; {t}" if notes[i] else str(t)


def track_period(history: Any, plan: Any, period: Period, collection: Any, *, forecasts: Any = None,
                 causes: Any = None, settings: Any = None, calendar: Any = None,
                 expected: dict[str, list[str]] | None = None, units: list[str] | None = None,
                 illustrative: bool | None = None, documents: list[str] | None = None) -> Tracking:
    """Track one period for every unit of the plan and the province.

    Parameters
    ----------
    history : Dataset
        Observations before the plan on the plan's units (re-based), with ``units`` (registry),
        ``catalog``, ``province_code``, ``illustrative``.
    plan : adopted-targets frame (``ADOPTED_COLUMNS``) or :class:`~ctxh_plan.tracking.adopt.AdoptedPlan`, or None.
    period : the period tracked.
    collection : :class:`~ctxh_plan.tracking.forms.Collection` of the period (forms read).
    forecasts : forecasts frame of the history (``unit_code, indicator_code, year, mean, lo80 …``) covering the
        period's year and 2030; default: computed here (``targets.projection.forecast_observations``).
    causes : causes-and-solutions frame (:func:`~ctxh_plan.tracking.causes.read_causes`), optional.
    settings : TrackingSettings (default ``params/tracking.yaml``); calendar : Calendar (``params/calendar.yaml``).
    expected : unit → indicators its form asks (submission table); units : units expected to report
        (default: the province and every unit of the registry below it).
    """
    import numpy as np
    import pandas as pd

    from ctxh_plan.evaluate.nowcast import estimate_year_end
    from ctxh_plan.evaluate.rollup import compare_reported
    from ctxh_plan.tracking.periods import load_calendar
    from ctxh_plan.tracking.probability import conditional_rows, meets, probability_of_meeting, shift_rows
    from ctxh_plan.tracking.settings import load_tracking_settings
    from ctxh_plan.tracking.submissions import submission_table

    t0 = time.perf_counter()
    settings = settings or load_tracking_settings()
    calendar = calendar or load_calendar()
    cat, reg = history.catalog, history.units
    prov = str(history.province_code)
    plan_frame = getattr(plan, "plan", plan)
    illus = bool(getattr(history, "illustrative", False)) if illustrative is None else bool(illustrative)
    Y = period.year
    if units is None:
        units = [prov] + [c for c in reg.codes() if c != prov and reg.parent(c) == prov]
    names = {c: str(reg.name(c)) if c in reg else c for c in units}
    # ---- history: the years needed, with the province rolled up from its units ----------------------------
    hist = _obs(history.observations)
    hist = hist[(hist["year"] >= Y - 1 - settings.trend_years) & (hist["year"] < Y)]
    hist_all, _ = _with_province(hist, reg, cat, prov)
    own_hist = hist[hist["unit_code"] == prov]
    if len(own_hist):  # the province's own figures take precedence over the roll-up
        keys4 = ["unit_code", "indicator_code", "year", "period"]
        agg_keys = pd.MultiIndex.from_frame(hist_all[keys4])
        dup = agg_keys.duplicated(keep="first")
        hist_all = hist_all[~dup]
    t1 = time.perf_counter()
    # ---- the period: units, their aggregate, the province's own figures ------------------------------------
    cur = _obs(collection.observations)
    cur = cur[(cur["year"] == Y) & (cur["period"] == period.part)]
    cur_units = cur[cur["unit_code"] != prov]
    cur_units = _fill_denominators(cur_units, hist, cat)
    cur_all, agg = _with_province(cur_units, reg, cat, prov)
    own = cur[cur["unit_code"] == prov]
    from ctxh_plan.evaluate.rollup import fill_components

    own = fill_components(own, cat) if len(own) else own
    consistency = compare_reported(own, agg) if len(own) and len(agg) else pd.DataFrame(
        columns=["unit_code", "indicator_code", "year", "period", "reported_value", "aggregated_value", "difference",
                 "relative_difference", "n_units", "n_units_expected", "complete"])
    consistency = consistency[consistency["reported_value"].notna()].reset_index(drop=True)
    have = set(zip(cur_all["unit_code"], cur_all["indicator_code"]))
    own_only = own[[(u, c) not in have for u, c in zip(own["unit_code"], own["indicator_code"])]]
    cur_all = pd.concat([cur_all, own_only], ignore_index=True)
    t2 = time.perf_counter()
    # ---- year-end estimate ----------------------------------------------------------------------------------
    if period.is_partial:
        # past shares of the year: only years holding values of this part of the year matter
        part_years = set(hist_all.loc[hist_all["period"] == period.part, "year"])
        past = hist_all[hist_all["year"].isin(part_years)]
        combo = pd.concat([past[list(cur_all.columns[:10])], cur_all[list(cur_all.columns[:10])]],
                          ignore_index=True)
        est = estimate_year_end(combo, cat, parents={u: prov for u in units if u != prov},
                                min_count=settings.min_count)
        est = est[(est["year"] == Y) & (est["estimate_method"] != "")]
        est = est[_KEYS + ["value", "estimate_method", "share_of_year", "note"]].rename(
            columns={"value": "year_end_estimate", "note": "_est_note"})
    else:
        est = None
    # ---- rows: every (unit, indicator) reported, planned, or both ---------------------------------------------
    rows = cur_all[cur_all["unit_code"].isin(units)][_KEYS + ["value", "numerator", "denominator", "flag", "note"]]
    rows = rows.drop_duplicates(_KEYS, keep="first")
    if plan_frame is not None and len(plan_frame):
        mcol = f"milestone_{Y}" if f"milestone_{Y}" in plan_frame.columns else None
        pl = plan_frame[plan_frame["unit_code"].isin(units)][
            _KEYS + ["operator", "target_2030"] + ([mcol] if mcol else [])].rename(columns={mcol: "milestone"} if mcol
                                                                                     else {})
        if "milestone" not in pl.columns:
            pl = pl.assign(milestone=np.nan)
        rows = rows.merge(pl, on=_KEYS, how="outer")
    else:
        rows = rows.assign(operator="", target_2030=np.nan, milestone=np.nan)
    rows = rows[rows["indicator_code"].isin(cat.codes())].reset_index(drop=True)
    order_u = {c: k for k, c in enumerate(units)}
    order_i = {c: k for k, c in enumerate(cat.codes())}
    rows = rows.assign(_u=rows["unit_code"].map(order_u), _i=rows["indicator_code"].map(order_i))
    rows = rows.sort_values(["_u", "_i"], kind="stable").drop(columns=["_u", "_i"]).reset_index(drop=True)
    n = len(rows)
    rows["note"] = rows["note"].fillna("").astype(str)
    rows["flag"] = rows["flag"].fillna("").astype(str)
    notes = list(rows["note"])
    # same period last year
    prev = hist_all[(hist_all["year"] == Y - 1) & (hist_all["period"] == period.part)]
    prev = prev.drop_duplicates(_KEYS)[_KEYS + ["value", "flag"]].rename(
        columns={"value": "same_period_last_year", "flag": "_prev_flag"})
    rows = rows.merge(prev, on=_KEYS, how="left")
    rows["change_vs_same_period"] = rows["value"] - rows["same_period_last_year"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["change_percent"] = np.where(rows["same_period_last_year"].abs() > 0,
                                          rows["change_vs_same_period"] / rows["same_period_last_year"].abs() * 100,
                                          np.nan)
    prev_est = rows["_prev_flag"].fillna("").str.contains("estimate").to_numpy()
    _append(notes, prev_est, f"cùng kỳ {Y - 1} là số ước / same period {Y - 1} is an estimate")
    prev_reb = rows["_prev_flag"].fillna("").str.contains("rebased").to_numpy()
    _append(notes, prev_reb, "cùng kỳ quy đổi về đơn vị mới / same period re-based onto the new units")
    # year-end estimate
    if est is not None:
        rows = rows.merge(est, on=_KEYS, how="left")
        has_est = rows["_est_note"].notna().to_numpy()
        _append(notes, has_est, [x[x.find("ước thực hiện"):] if isinstance(x, str) and "ước thực hiện" in x else ""
                                 for x in rows["_est_note"]])
    else:
        rows["year_end_estimate"] = rows["value"]
        rows["estimate_method"] = np.where(rows["value"].notna(), "reported", "")
        rows["share_of_year"] = np.where(rows["value"].notna(), 1.0, np.nan)
    if est is not None:
        _ratios_from_components(rows, cat, notes, prov)
    rows["milestone_year"] = Y
    rows["period"] = str(period)
    # ---- probabilities and status -----------------------------------------------------------------------------
    kind = rows["indicator_code"].map({i.code: i.kind.value for i in cat}).to_numpy(object)
    share = rows["share_of_year"].to_numpy(float)
    method = rows["estimate_method"].fillna("").to_numpy(object)
    if period.is_partial:
        share = np.where(np.isnan(share) & (method == "fallback_scale"), period.fraction, share)
        share = np.where(np.isnan(share), 1.0, share)
    else:
        share = np.ones(n)
    # the year = the part + the rest for flows (a clearly partial share); levels otherwise
    additive = (kind != "yes_no") & (share < 0.95)
    fc = forecasts
    if fc is None:
        from ctxh_plan.targets.projection import forecast_observations, prepare_observations
        from ctxh_plan.targets.settings import load_settings

        fc = forecast_observations(prepare_observations(history), cat, load_settings())
    if "scenario" in fc.columns and fc["scenario"].nunique() > 1:
        fc = fc[fc["scenario"] == fc["scenario"].iloc[0]]
    knots = ["mean", "lo80", "hi80", "lo95", "hi95"]
    fy = rows[_KEYS].merge(fc[fc["year"] == Y][_KEYS + knots].drop_duplicates(_KEYS), on=_KEYS, how="left")
    f30 = rows[_KEYS].merge(fc[fc["year"] == 2030][_KEYS + knots].drop_duplicates(_KEYS), on=_KEYS, how="left")
    value = rows["value"].to_numpy(float)
    ye = rows["year_end_estimate"].to_numpy(float)
    ops = rows["operator"].fillna("").astype(str).to_numpy(object)
    direction_op = np.where(rows["indicator_code"].map({i.code: i.direction.sign for i in cat}).fillna(1) > 0,
                            ">=", "<=")
    ops = np.where(ops == "", direction_op, ops)
    rows["operator"] = np.where(rows["milestone"].notna() | rows["target_2030"].notna(), ops, "")
    # "= 100%" is a target at a natural limit: a milestone on the way there is met from the good side
    ops = np.where(ops == "=", direction_op, ops)
    milestone = rows["milestone"].to_numpy(float)
    has_m = ~np.isnan(milestone)
    has_v = ~np.isnan(ye)
    p_m = np.full(n, np.nan)
    ask = has_m & has_v
    if ask.any():
        p_m[ask] = conditional_rows(fy[ask].reset_index(drop=True), part_value=value[ask], share=share[ask],
                                    year_end=ye[ask], additive=additive[ask], target=milestone[ask],
                                    operator=ops[ask], catalog=cat, elapsed=period.fraction)
    no_fc = ask & np.isnan(p_m)
    if no_fc.any():
        p_m[no_fc] = meets(ye[no_fc], milestone[no_fc], ops[no_fc])
        _append(notes, no_fc, "không có dự báo: đánh giá theo số ước / no forecast: judged on the estimate")
    rows["p_milestone"] = p_m
    rows["status_vs_milestone"] = _status(p_m, has_m, has_v, settings.on_track, settings.off_track)
    target = rows["target_2030"].to_numpy(float)
    has_t = ~np.isnan(target)
    p_t = np.full(n, np.nan)
    ask = has_t & has_v & f30["mean"].notna().to_numpy() & fy["mean"].notna().to_numpy()
    if ask.any():
        from ctxh_plan.targets.feasibility import transform_values, untransform_values
        from ctxh_plan.tracking.probability import _spaces

        sub30 = f30[ask].reset_index(drop=True)
        space = _spaces(sub30, cat)
        delta = transform_values(ye[ask], space) - transform_values(fy["mean"].to_numpy(float)[ask], space)
        centre = untransform_values(transform_values(sub30["mean"].to_numpy(float), space) + delta, space)
        moved = shift_rows(sub30, centre, 1.0, catalog=cat)
        p_t[ask] = probability_of_meeting(moved, target[ask], ops[ask], catalog=cat)
    no_fc = has_t & has_v & np.isnan(p_t)
    if no_fc.any():
        p_t[no_fc] = meets(ye[no_fc], target[no_fc], ops[no_fc])
    rows["p_target_2030"] = p_t
    rows["status_vs_target"] = _status(p_t, has_t, has_v, settings.on_track, settings.off_track)
    t3 = time.perf_counter()
    # ---- trend, small-count range, province check, causes, labels --------------------------------------------
    fy_hist = hist_all[hist_all["period"] == "FY"]
    rows["trend"] = _trend(rows, fy_hist, cat, settings, Y)
    lo, hi = _poisson_range(rows, cat)
    rows["year_end_lo95"], rows["year_end_hi95"] = lo, hi
    small = ~np.isnan(lo) & has_m & (milestone >= lo) & (milestone <= hi) & (rows["p_milestone"].to_numpy() < 1)
    _append(notes, small, "số nhỏ: mốc lộ trình nằm trong khoảng dao động ngẫu nhiên (Poisson 95%) / small "
                          "count: the milestone lies inside the 95% Poisson range")
    if len(consistency):
        c = consistency[_KEYS + ["reported_value", "aggregated_value", "difference", "relative_difference"]]
        rows = rows.merge(c.rename(columns={"difference": "reported_difference"}), on=_KEYS, how="left")
        big = (rows["relative_difference"].abs() * 100 > settings.province_tolerance).to_numpy()
        _append(notes, big, [f"số tỉnh tự báo cáo {rv:g} khác số tổng hợp từ các đơn vị {av:g} / the province's own "
                             f"figure differs from its units' aggregate" if not (math.isnan(rv) or math.isnan(av))
                             else "" for rv, av in zip(rows["reported_value"].fillna(np.nan),
                                                       rows["aggregated_value"].fillna(np.nan))])
    else:
        rows["reported_value"] = np.nan
        rows["reported_difference"] = np.nan
    counts = agg[_KEYS + ["n_units", "n_units_expected"]] if len(agg) else None
    if counts is not None:
        rows = rows.merge(counts, on=_KEYS, how="left")
        part = (rows["n_units"] < rows["n_units_expected"]).to_numpy()
        _append(notes, part, [f"tổng hợp từ {int(a)}/{int(b)} đơn vị có số liệu / aggregated from {int(a)} of {int(b)} "
                              f"units" if not (math.isnan(a) or math.isnan(b)) else ""
                              for a, b in zip(rows["n_units"].astype(float), rows["n_units_expected"].astype(float))])
    else:
        rows["n_units"] = np.nan
        rows["n_units_expected"] = np.nan
    if causes is not None and len(causes):
        cz = causes[(causes["period"] == str(period)) | (causes["period"] == "")]
        cz = cz.drop_duplicates(_KEYS, keep="first")[_KEYS + ["cause", "solution"]]
        rows = rows.merge(cz, on=_KEYS, how="left")
    else:
        rows["cause"] = ""
        rows["solution"] = ""
    rows["cause"] = rows["cause"].fillna("")
    rows["solution"] = rows["solution"].fillna("")
    rows["unit_name"] = rows["unit_code"].map(names).fillna(rows["unit_code"])
    rows["level"] = np.where(rows["unit_code"] == prov, "province", "commune")
    _append(notes, np.full(len(rows), illus), ILLUSTRATIVE_NOTE)
    rows["note"] = notes if len(notes) == len(rows) else rows["note"]
    rows["illustrative"] = illus
    table = rows.reindex(columns=list(TRACKING_COLUMNS))
    t4 = time.perf_counter()
    subs = submission_table(collection, units=units, unit_names=names, calendar=calendar, expected=expected)
    problems = collection.problems
    if not isinstance(problems, pd.DataFrame):
        problems = pd.DataFrame(problems)
    t5 = time.perf_counter()
    return Tracking(table=table, submissions=subs, consistency=consistency, problems=problems, period=period,
                    illustrative=illus, province_code=prov, documents=list(documents or []),
                    timings={"history": t1 - t0, "period": t2 - t1, "status": t3 - t2, "details": t4 - t3,
                             "submissions": t5 - t4})
