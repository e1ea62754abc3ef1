"""2030 target proposals per (unit, indicator): method, policy rule, milestones, feasibility.

Methods (the ``target_method`` column, see docs/TARGETS.md):

* ``trend``    — the horizon forecast (its median, the ``mean`` column of forecasts);
* ``stretch``  — a quantile of the horizon forecast on the GOOD side
  (``stretch_quantile`` = 0.75 → 75th percentile if higher is better, 25th if lower);
* ``required`` — the national/provincial floor (the level required by policy);
* ``maintain`` — keep the natural limit (100% "=" targets, 0 deaths) or the base-year level.
* ``reduce``   — (decided, not chosen) a lower-is-better indicator above 0 whose target would keep
  its 2025 level is cut by ``min_reduction_percent`` a year from 2025: a plan reduces harms.

``auto`` picks ``maintain`` at a natural limit and ``trend`` otherwise. The policy rule
is applied last: the target is never weaker than the floor (then ``required``) nor than
the base-year level (no backsliding; then ``maintain``); bounds are respected and values
are rounded in the good direction (counts to whole numbers).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ctxh_plan.targets.feasibility import forecast_quantile, prob_meets
from ctxh_plan.targets.floors import base_values, full_year, resolve_floors
from ctxh_plan.targets.milestones import milestone_matrix
from ctxh_plan.targets.settings import ProjectionSettings, load_settings
from ctxh_plan.targets.space import annual_rate, clip_bounds, display_decimals, round_good, shortfall_mask, to_work
from ctxh_plan.targets.terms import Binding, TargetMethod

__all__ = ["ILLUSTRATIVE_NOTE", "context_indicators", "indicator_attributes", "propose_targets"]

log = logging.getLogger(__name__)

ILLUSTRATIVE_NOTE = "dữ liệu minh họa (illustrative data)"


def indicator_attributes(catalog) -> pd.DataFrame:
    """One row per indicator: sign, bounds, decimals, kind, transform space."""
    from ctxh_plan.forecast.transforms import transform_name_for_kind

    rows = []
    for ind in catalog:
        lo, hi = ind.bounds
        if ind.kind.is_bounded_100 and hi is None:
            hi = 100.0
        rows.append({"indicator_code": ind.code, "sign": ind.direction.sign, "kind": ind.kind.value,
                     "bounded_100": ind.kind.is_bounded_100, "lo": np.nan if lo is None else float(lo),
                     "hi": np.nan if hi is None else float(hi),
                     "decimals": 0 if ind.kind.value == "count" else int(ind.decimals),
                     "space": transform_name_for_kind(ind.kind)})
    return pd.DataFrame(rows)


def context_indicators(catalog) -> set[str]:
    """Codes used only as a denominator (child population, live births, all communes), or in a
    catalogue group named as denominators ("mẫu số").

    They are forecast (allocation and rates need them) but get no target.
    """
    dens = {ind.denominator for ind in catalog if ind.denominator}
    nums = {ind.numerator for ind in catalog if ind.numerator}
    marked = {ind.code for ind in catalog if "mẫu số" in ind.group.lower() or "denominator" in ind.group.lower()}
    return (dens - nums) | marked


def _history(observations: pd.DataFrame, s: ProjectionSettings) -> pd.DataFrame:
    obs = full_year(observations)
    obs = obs[(obs["year"] >= s.history_from) & (obs["year"] <= s.base_year) & obs["value"].notna()]
    obs = obs.sort_values("year", kind="stable")
    g = obs.groupby(["unit_code", "indicator_code"], sort=False)
    h = g.agg(h_first_year=("year", "first"), h_first=("value", "first"),
              h_last_year=("year", "last"), h_last=("value", "last")).reset_index()
    flags = observations.get("flag")
    if flags is not None:
        ill = observations[flags.astype(str).str.contains("illustrative", na=False)]
        ill = ill[["unit_code", "indicator_code"]].drop_duplicates().assign(h_illustrative=True)
        h = h.merge(ill, how="left", on=["unit_code", "indicator_code"])
    else:
        h["h_illustrative"] = False
    h["h_illustrative"] = h["h_illustrative"].fillna(False).astype(bool)
    return h


def _append(notes: np.ndarray, mask, text) -> np.ndarray:
    """Append ``text`` (a string or one string per row) to the notes of the rows in ``mask``."""
    mask = np.asarray(mask, bool)
    return np.where(mask, np.where(notes == "", text, notes + "; " + text), notes)


def propose_targets(forecasts: pd.DataFrame, observations: pd.DataFrame, catalog, targets: pd.DataFrame | None = None,
                    *, settings: ProjectionSettings | None = None, province_code: str | None = None,
                    base_levels: pd.DataFrame | None = None, illustrative: bool = False) -> pd.DataFrame:
    """Propose a horizon target, milestones and feasibility for each forecast series.

    Parameters
    ----------
    forecasts : DataFrame
        ``unit_code, indicator_code, year, mean, lo80, hi80, lo95, hi95`` (+ optional ``scenario``);
        must include the horizon year. Values in the indicator's unit (percent 0–100).
    observations : DataFrame
        Observations frame; full-year values give the base-year level and the historical rate.
    catalog : Catalog
        Direction, kind, bounds, decimals of each indicator.
    targets : DataFrame, optional
        Targets frame (national and provincial rows); gives the floors.
    settings : ProjectionSettings, optional
        Defaults from ``params/projection.yaml``.
    province_code : str, optional
        Rows with this scope apply to every unit.
    base_levels : DataFrame, optional
        ``unit_code, indicator_code, value`` used for the base year when no full-year
        observation exists (e.g. the year-end estimate of the evaluation).
    illustrative : bool
        Label every row "dữ liệu minh họa".

    Returns
    -------
    DataFrame
        One row per (unit, indicator[, scenario]): ``unit_code, indicator_code, [scenario,]
        value_<base>, forecast_<horizon>, target_<horizon>, target_method, binding, national_floor,
        floor, floor_source, milestone_<base+1> … milestone_<horizon>, feasibility (probability 0–1
        of meeting the target under the forecast, ``forecast.prob_meets``), required_rate, historical_rate
        (% per year, in ``rate_space``), rate_space (value | shortfall), stretch (required rate > stretch_ratio ×
        historical rate; NA without history), notes``.
    """
    s = settings or load_settings()
    H, B = s.target_year, s.base_year
    keys = ["unit_code", "indicator_code"] + (["scenario"] if "scenario" in forecasts.columns else [])
    attrs = indicator_attributes(catalog)
    attrs = attrs[~attrs["indicator_code"].isin(context_indicators(catalog))]
    fc = forecasts[forecasts["indicator_code"].isin(attrs["indicator_code"])]
    lv = [c for lvl in s.levels for c in (f"lo{lvl}", f"hi{lvl}")]
    dist = [c for c in ("dist_mu", "dist_disp", "dist_loc", "dist_scale") if c in fc.columns]
    rows = fc[fc["year"] == H][keys + ["mean"] + lv + dist].drop_duplicates(keys, keep="last").reset_index(drop=True)
    rows = rows.merge(attrs, on="indicator_code", how="left")
    n = len(rows)
    notes = np.full(n, "", dtype=object)
    sign = rows["sign"].to_numpy()

    # ---- base-year level --------------------------------------------------------------------
    y0 = base_values(observations, rows, np.full(n, B)).to_numpy(float)
    if "flag" in observations.columns:
        fy = full_year(observations)
        est = fy[(fy["year"] == B) & fy["flag"].astype(str).str.contains("estimate", na=False)]
        est_keys = pd.MultiIndex.from_frame(est[["unit_code", "indicator_code"]])
        is_est = pd.MultiIndex.from_frame(rows[["unit_code", "indicator_code"]]).isin(est_keys)
        notes = _append(notes, is_est & ~np.isnan(y0), f"mức {B} là số ước (year-end estimate)")
    if base_levels is not None and len(base_levels):
        bl = rows[["unit_code", "indicator_code"]].merge(
            base_levels[["unit_code", "indicator_code", "value"]].drop_duplicates(["unit_code", "indicator_code"]),
            how="left", on=["unit_code", "indicator_code"])["value"].to_numpy(float)
        fill = np.isnan(y0) & ~np.isnan(bl)
        notes = _append(notes, fill, f"mức {B} là số ước (year-end estimate)")
        y0 = np.where(fill, bl, y0)
    fcb = rows[keys].merge(fc[fc["year"] == B][keys + ["mean"]].drop_duplicates(keys), how="left", on=keys)
    fcb = fcb["mean"].to_numpy(float)
    fill = np.isnan(y0) & ~np.isnan(fcb)
    notes = _append(notes, fill, f"mức {B} lấy từ dự báo ({B} level is a forecast)")
    y0 = np.where(fill, fcb, y0)
    hist = rows[["unit_code", "indicator_code"]].merge(_history(observations, s), how="left",
                                                       on=["unit_code", "indicator_code"])
    last = hist["h_last"].to_numpy(float)
    fill = np.isnan(y0) & ~np.isnan(last)
    if fill.any():
        yrs = hist["h_last_year"].astype("Int64").astype(str).to_numpy(object)
        notes = _append(notes, fill, f"chưa có số {B}, dùng năm " + yrs + f" (no {B} value: latest year used)")
    y0 = np.where(fill, last, y0)

    # ---- candidates ----------------------------------------------------------------------------
    space = rows["space"].to_numpy(object)
    trend = rows["mean"].to_numpy(float)
    p_good = np.where(sign > 0, s.stretch_quantile, 1 - s.stretch_quantile)
    # count-model rows: quantiles of their whole-count distribution; others: between the interval knots
    stretch_val = forecast_quantile(rows, p_good, kind=space) if n else np.zeros(0)
    floors = resolve_floors(rows, targets, observations, catalog, target_year=H, province_code=province_code)
    floors = rows[["unit_code", "indicator_code"]].merge(floors, how="left", on=["unit_code", "indicator_code"])
    floor = floors["floor"].to_numpy(float)
    notes = _append(notes, floors["floor_note"].fillna("").to_numpy() != "",
                    "thiếu số năm gốc cho chỉ tiêu tương đối (no base-year value for a relative target)")
    limit = np.where(sign > 0, rows["hi"].to_numpy(float), rows["lo"].to_numpy(float))
    with np.errstate(invalid="ignore"):
        # at 100% (within the tolerance) when higher is better; exactly at the floor of the range (0) otherwise
        at_limit = ~np.isnan(limit) & np.where(sign > 0, np.abs(y0 - limit) <= s.limit_tolerance,
                                               y0 <= limit + 1e-12)
    maintain = np.where(at_limit, limit, y0)
    method = s.method
    if method == TargetMethod.AUTO.value:
        chosen = np.where(at_limit, TargetMethod.MAINTAIN.value, TargetMethod.TREND.value).astype(object)
    else:
        chosen = np.full(n, method, dtype=object)
    if method == TargetMethod.REQUIRED.value:
        no_floor = np.isnan(floor)
        if no_floor.any():
            log.warning("method 'required': %d series have no floor; the trend is used instead", int(no_floor.sum()))
            notes = _append(notes, no_floor, "không có chỉ tiêu sàn, dùng xu hướng (no floor: trend used)")
            chosen = np.where(no_floor, TargetMethod.TREND.value, chosen)
    cand = np.select([chosen == TargetMethod.TREND.value, chosen == TargetMethod.STRETCH.value,
                      chosen == TargetMethod.REQUIRED.value, chosen == TargetMethod.MAINTAIN.value],
                     [trend, stretch_val, floor, maintain], np.nan)
    no_fc = np.isnan(cand) & np.isin(chosen, [TargetMethod.TREND.value, TargetMethod.STRETCH.value])
    notes = _append(notes, no_fc, "không có dự báo (no forecast)")

    # ---- policy rule: never weaker than the floor nor the base level ---------------------------
    sc, sf, sy = sign * cand, sign * floor, sign * y0
    with np.errstate(invalid="ignore"):
        best = np.fmax(np.fmax(sc, sf), sy)
        bind = np.where(~np.isnan(sf) & (sf == best) & ~(sc >= sf), Binding.FLOOR.value,
                        np.where(~np.isnan(sy) & (sy == best) & ~(sc >= sy), Binding.NO_BACKSLIDING.value,
                                 Binding.METHOD.value)).astype(object)
    target = sign * best
    clipped = clip_bounds(target, rows["lo"], rows["hi"])
    with np.errstate(invalid="ignore"):
        bind = np.where(np.abs(clipped - target) > 1e-12, Binding.LIMIT.value, bind)
    target = clip_bounds(round_good(clipped, display_decimals(clipped, rows["decimals"]), sign), rows["lo"], rows["hi"])
    tmethod = np.where(bind == Binding.FLOOR.value, TargetMethod.REQUIRED.value,
                       np.where(bind == Binding.NO_BACKSLIDING.value, TargetMethod.MAINTAIN.value, chosen))
    # ---- a harm is reduced: lower-is-better targets never keep the 2025 level (min_reduction_percent) ------
    if s.min_reduction_percent > 0:
        # "kept" as a reader sees it: the target printed equal to (or above) the 2025 level printed
        shown_y0 = np.round(y0 * np.power(10.0, display_decimals(y0, rows["decimals"]))) \
            / np.power(10.0, display_decimals(y0, rows["decimals"]))
        with np.errstate(invalid="ignore"):
            kept = (sign < 0) & ~np.isnan(y0) & ~np.isnan(target) & (y0 > np.nan_to_num(limit, nan=0.0) + 1e-12) \
                & (target >= np.minimum(y0, shown_y0) - 1e-9)
        if kept.any():
            cut = y0 * (1 - s.min_reduction_percent / 100.0) ** (H - B)
            cut = clip_bounds(round_good(cut, display_decimals(cut, rows["decimals"]), sign), rows["lo"], rows["hi"])
            target = np.where(kept, cut, target)
            bind = np.where(kept, Binding.MIN_REDUCTION.value, bind)
            tmethod = np.where(kept, TargetMethod.REDUCE.value, tmethod)
    tmethod = np.where(np.isnan(target), "", tmethod)

    # ---- milestones, rates, feasibility, stretch ----------------------------------------------------
    nyr = H - B
    sfm = shortfall_mask(rows["bounded_100"], sign, y0, target, s.shortfall_threshold)
    ms, fell = milestone_matrix(y0, target, nyr, s.milestone_path, sfm)
    if fell.any():
        log.warning("geometric milestones undefined at 0 for %d series; linear path used", int(fell.sum()))
        notes = _append(notes, fell, "lộ trình tuyến tính vì giá trị ở giới hạn 0 hoặc 100% "
                                     "(linear path: a value at 0 or 100%)")
    scale = np.power(10.0, display_decimals(ms, rows["decimals"].to_numpy(float)[:, None]))
    ms = clip_bounds(np.round(ms * scale) / scale,
                     rows["lo"].to_numpy()[:, None], rows["hi"].to_numpy()[:, None])
    ms[:, -1] = target
    req = annual_rate(to_work(y0, sfm), to_work(target, sfm), nyr, s.zero_replacement)
    h_first, h_last = hist["h_first"].to_numpy(float), hist["h_last"].to_numpy(float)
    h_years = hist["h_last_year"].to_numpy(float) - hist["h_first_year"].to_numpy(float)
    hrate = annual_rate(to_work(h_first, sfm), to_work(h_last, sfm), h_years, s.zero_replacement)
    g = np.where(sfm, -1, sign)
    req_gain, hist_gain = g * req, g * hrate
    with np.errstate(invalid="ignore"):
        stretch = np.where(req_gain > 0, req_gain > s.stretch_ratio * np.fmax(hist_gain, 0.0), False)
    stretch_na = (req_gain > 0) & np.isnan(hist_gain)
    notes = _append(notes, stretch_na,
                    "chưa đủ số liệu để tính tốc độ lịch sử (too few points for a historical rate)")
    tol = np.where((sign > 0) & (target == limit), s.limit_tolerance, 0.0)
    # P(2030 value meets the target): exact for count-model rows (whole counts, P(0) included)
    feas = prob_meets(rows, target, np.where(sign > 0, ">=", "<="), kind=space, tol=tol) if n else np.zeros(0)
    ill = hist["h_illustrative"].fillna(False).to_numpy(bool) | bool(illustrative)
    notes = _append(notes, ill, ILLUSTRATIVE_NOTE)

    out = rows[keys].copy()
    out[f"value_{B}"] = y0
    out[f"forecast_{H}"] = trend
    out[f"target_{H}"] = target
    out["target_method"] = tmethod
    out["binding"] = bind
    out["national_floor"] = floors["national_floor"].to_numpy(float)
    out["floor"] = floor
    out["floor_source"] = floors["floor_source"].fillna("").to_numpy()
    for j, year in enumerate(range(B + 1, H + 1)):
        out[f"milestone_{year}"] = ms[:, j]
    out["feasibility"] = feas
    out["required_rate"] = req * 100.0
    out["historical_rate"] = hrate * 100.0
    out["rate_space"] = np.where(sfm, "shortfall", "value")
    out["stretch"] = pd.array(np.where(stretch_na, pd.NA, stretch), dtype="boolean")
    out["notes"] = notes
    return out
