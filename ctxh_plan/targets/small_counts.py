"""Rates and percentages built on small counts: a count model on the numerator, or a Poisson floor.

A rate such as child injury deaths per 100,000 children (CT11b) is a count divided
by a population. When the count is small — Bình Liêu has 1 death a year among
~9,300 children — the rate series is almost constant (10.7, 10.8, 10.9 …), so a
time-series interval is absurdly narrow (10.4–11.0), although next year's count may
well be 0 or 4. Two steps, both vectorised over series:

**1. Count model on the numerator** (:func:`forecast_rate_counts`). For a ratio series
whose observations carry the count (numerator and denominator, or the catalogue's
component indicators) and whose recent count is small (mean of the last 3 counts up to
``forecast.counts.SWITCH_MEAN``), the numerator is forecast by the count model with the
denominator as exposure (``log μ_t = log D_t + a + b·t``: deaths per child, with its
trend; empirical-Bayes shrinkage across the units of the indicator), and the denominator
of each forecast year is the denominator indicator's own forecast for that unit and year
(e.g. ``POP_U16``), else the forecast of the observed denominators, else the last one.
The rate's predictive distribution is the count's times ``factor ÷ D`` (factor 100,
1,000, 100,000): whole-count steps, the same intervals and probabilities as the count
(``method`` ``count_glm``, ``dist_*`` columns). Percentages above 50% use the complement
count (children *not* reached): value = ``100 − 100·Y/D``. Shares of units (communes
meeting a standard) are policy outcomes, not random events: never.

**2. Poisson floor for the others** (:func:`widen_small_count_intervals`): a ratio series
with a count basis that the count model did not take (larger counts) has its interval
widened to at least the Poisson predictive interval of the count implied by the forecast:

1. expected count ``μ = mean × D / factor``, with ``D`` the denominator: the forecast of the
   catalogue's denominator indicator for that unit and year, else the last observed
   denominator;
2. count interval ``[q_lo, q_hi]``: central quantiles of the Poisson predictive
   distribution with the rate known from the ``n`` years that carry a count
   (Jeffreys prior ⇒ negative binomial; :func:`ctxh_plan.forecast.intervals.count_predictive_quantiles`,
   the same machinery as the count floor of count forecasts);
3. back to the rate scale ``q × factor / D``, clipped to the indicator's bounds;
4. ``lo = min(lo, rate of q_lo)``, ``hi = max(hi, rate of q_hi)`` — intervals are
   only ever widened, the ``mean`` is unchanged, levels stay nested.

For percentages above 50% the small count is the complement and the interval is mirrored.
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from typing import cast

import numpy as np
import pandas as pd

from ctxh_plan.vocab import Kind

__all__ = ["RATE_COUNT_NOTE", "SMALL_COUNT_NOTE", "WIDENED_KINDS", "count_basis", "count_years",
           "forecast_rate_counts", "widen_small_count_intervals"]

log = logging.getLogger(__name__)

#: written in the forecast ``note`` of every widened row
SMALL_COUNT_NOTE = "khoảng tin cậy mở rộng theo số đếm nhỏ (Poisson) / interval widened for small counts"

#: written in the forecast ``note`` of a rate forecast by the count model of its numerator
RATE_COUNT_NOTE = ("tỷ lệ từ mô hình đếm của tử số / rate from the count model of its numerator "
                   "and the projected denominator")

#: kinds whose intervals get the count floor (shares of units are not random counts)
WIDENED_KINDS: tuple[Kind, ...] = (Kind.PERCENT, Kind.RATE_1000, Kind.RATE_100000)

_KEYS = ["unit_code", "indicator_code"]


def _ratio_indicators(catalog) -> list:
    return [ind for ind in catalog if ind.kind in WIDENED_KINDS]


def _component_values(obs: pd.DataFrame, pairs: pd.DataFrame, comp_col: str, name: str) -> pd.DataFrame:
    """Values of the component indicator named in ``pairs[comp_col]`` per (unit, ratio code, year)."""
    comp = obs[["unit_code", "indicator_code", "year", "value"]].rename(
        columns={"indicator_code": comp_col, "value": name})
    return pairs.merge(comp, on=[comp_col], how="inner").drop(columns=[comp_col])


def count_years(observations: pd.DataFrame, catalog, *, base_year: int | None = None) -> pd.DataFrame:
    """The years that carry a count behind each ratio series: ``unit_code, indicator_code, year, numerator,
    denominator`` (numerator >= 0, denominator > 0), sorted by series and year.

    The count comes from the observation's ``numerator``/``denominator`` columns or, where those are
    empty, from the catalogue's component indicators observed for the same unit and year (kinds
    percent, rate per 1,000 and per 100,000 only).
    """
    from ctxh_plan.targets.floors import full_year

    cols = ["unit_code", "indicator_code", "year", "numerator", "denominator"]
    inds = _ratio_indicators(catalog)
    if not inds or observations is None or not len(observations):
        return pd.DataFrame(columns=cols)
    codes = [i.code for i in inds]
    obs = full_year(observations)
    obs = obs[obs["year"].notna()]
    if base_year is not None:
        obs = obs[obs["year"] <= base_year]
    obs = obs.assign(year=obs["year"].astype("int64"))
    obs = obs.drop_duplicates(["unit_code", "indicator_code", "year"], keep="last")
    rates = obs[obs["indicator_code"].isin(codes) & obs["value"].notna()]
    if not len(rates):
        return pd.DataFrame(columns=cols)
    base = rates[["unit_code", "indicator_code", "year"]].copy()
    for c in ("numerator", "denominator"):
        base[c] = pd.to_numeric(rates[c], errors="coerce").to_numpy(float) if c in rates.columns else np.nan
    comps = pd.DataFrame([(i.code, i.numerator or "", i.denominator or "") for i in inds],
                         columns=["indicator_code", "num_code", "den_code"])
    for comp_col, name, col in (("num_code", "num_comp", "numerator"), ("den_code", "den_comp", "denominator")):
        if base[col].isna().any():
            pairs = comps[comps[comp_col] != ""][["indicator_code", comp_col]]
            vals = _component_values(obs, pairs, comp_col, name)
            base = base.merge(vals, on=["unit_code", "indicator_code", "year"], how="left")
            base[col] = base[col].fillna(base.pop(name))
    num = base["numerator"].to_numpy(float)
    den = base["denominator"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(num) & np.isfinite(den) & (num >= 0) & (den > 0)
    good = base[ok].sort_values(["unit_code", "indicator_code", "year"], kind="stable").reset_index(drop=True)
    return good[cols]


def count_basis(observations: pd.DataFrame, catalog, *, base_year: int | None = None) -> pd.DataFrame:
    """Years that carry a count behind each ratio series, and the last denominator.

    A (unit, indicator, year) of a ratio indicator (kind percent, rate per 1,000 or
    per 100,000) carries a count when its observation has a numerator >= 0 and a
    denominator > 0, taken from the observation's ``numerator``/``denominator``
    columns or, where those are empty, from the catalogue's component indicators
    observed for the same unit and year (:func:`count_years`).

    Parameters
    ----------
    observations : observations frame (full-year rows are used)
    catalog : Catalog
    base_year : last year used (default: all years)

    Returns
    -------
    DataFrame ``unit_code, indicator_code, n_count_years, last_denominator, denominator_code``
    (one row per series with at least one such year; the denominator in the
    indicator's denominator unit, e.g. children; ``denominator_code`` is the
    catalogue's denominator indicator or empty).
    """
    cols = ["unit_code", "indicator_code", "n_count_years", "last_denominator", "denominator_code"]
    good = count_years(observations, catalog, base_year=base_year)
    if not len(good):
        return pd.DataFrame(columns=cols)
    g = good.groupby(_KEYS, sort=False)
    out = pd.DataFrame({"n_count_years": g["year"].size(), "last_denominator": g["denominator"].last()}).reset_index()
    dens = {i.code: i.denominator or "" for i in _ratio_indicators(catalog)}
    out["denominator_code"] = out["indicator_code"].map(dens)
    return out[cols]


def _value_bounds(ind) -> tuple[float, float]:
    """(lower, upper) of an indicator's values; NaN = no upper bound; percentages within 0–100."""
    lo = 0.0 if ind.bounds[0] is None else float(ind.bounds[0])
    hi = np.nan if ind.bounds[1] is None else float(ind.bounds[1])
    if ind.kind.is_bounded_100:
        hi = 100.0 if np.isnan(hi) else min(hi, 100.0)
    return lo, hi


def _denominator_forecasts(forecasts: pd.DataFrame, counts: pd.DataFrame, series: pd.DataFrame, H: int,
                           levels: Sequence[float]) -> pd.DataFrame:
    """Future denominator per (unit, indicator, year) of the forecast rows of ``series``.

    The denominator indicator's own forecast (same unit and year); else the forecast of the
    series' observed denominators (default method, a smooth positive series); else the last
    observed denominator. Returns ``unit_code, indicator_code, year, den``.
    """
    from ctxh_plan.forecast import forecast_frame

    rows = series[["unit_code", "indicator_code", "year", "denominator_code"]]
    own = forecasts[["unit_code", "indicator_code", "year", "mean"]].rename(
        columns={"indicator_code": "denominator_code", "mean": "den"})
    own = own.drop_duplicates(["unit_code", "denominator_code", "year"], keep="last")
    j = rows.merge(own, how="left", on=["unit_code", "denominator_code", "year"])
    den = j["den"].to_numpy(float)
    need = ~(np.isfinite(den) & (den > 0))
    if need.any():
        want = j.loc[need, _KEYS].drop_duplicates()
        hist = counts.merge(want, on=_KEYS)[["unit_code", "indicator_code", "year", "denominator"]]
        last = hist.groupby(_KEYS, sort=False)["denominator"].last().rename("den_last").reset_index()
        fc_parts = []
        for last_year, grp in hist.groupby(hist.groupby(_KEYS)["year"].transform("max")):
            h = H - int(last_year)
            if h < 1:
                continue
            f = forecast_frame(grp.rename(columns={"denominator": "value"}), h, levels=levels, method="default",
                               kind="rate", id_cols=_KEYS)
            fc_parts.append(f[[*_KEYS, "year", "mean"]].rename(columns={"mean": "den_fc"}))
        jj = j[[*_KEYS, "year"]].merge(last, how="left", on=_KEYS)
        if fc_parts:
            jj = jj.merge(pd.concat(fc_parts, ignore_index=True), how="left", on=[*_KEYS, "year"])
        else:
            jj["den_fc"] = np.nan
        alt = jj["den_fc"].to_numpy(float)
        alt = np.where(np.isfinite(alt) & (alt > 0), alt, jj["den_last"].to_numpy(float))
        den = np.where(need, alt, den)
    return j[[*_KEYS, "year"]].assign(den=den)


def forecast_rate_counts(forecasts: pd.DataFrame, observations: pd.DataFrame, catalog, *,
                         levels: Sequence[float] = (80, 95), base_year: int | None = None,
                         switch: float | None = None, note: str = RATE_COUNT_NOTE) -> pd.DataFrame:
    """Forecast rates and percentages on small counts from a count model of their numerator.

    Parameters
    ----------
    forecasts : DataFrame
        Forecasts frame (``unit_code, indicator_code, year, method, mean, lo<lv>, hi<lv>…, note``,
        optionally ``dist_*``); rows of ratio indicators with a small count basis are replaced,
        the others pass through. Forecasts of denominator indicators (e.g. ``POP_U16``) in the
        same frame are used as the future denominator.
    observations : DataFrame
        Observations with ``numerator``/``denominator`` (or the component indicators).
    catalog : Catalog
    levels : interval levels (percent) present as ``lo<lv>``/``hi<lv>`` columns
    base_year : last observed year used (default: all)
    switch : largest recent count (mean of the last 3 counts) taken by the count model
        (default ``forecast.counts.SWITCH_MEAN``)
    note : text appended to the ``note`` of each replaced row

    Returns
    -------
    DataFrame
        A copy of ``forecasts`` (with ``dist_*`` columns) where each replaced row has
        ``method = count_glm``, ``mean`` = the predictive median, whole-count interval bounds
        ``× factor ÷ D`` (within the indicator's bounds) and its distribution.
    """
    from ctxh_plan.forecast.base import MIN_POINTS
    from ctxh_plan.forecast.counts import RECENT, CountModel, fit_counts, predict_counts
    from ctxh_plan.forecast.frame import DIST_COLUMNS
    from ctxh_plan.forecast.intervals import check_levels
    from ctxh_plan.forecast.registry import get_forecaster
    from ctxh_plan.targets.space import clip_bounds

    levels = sorted(check_levels(levels))
    model = cast(CountModel, get_forecaster("count_glm"))  # the registry returns the base type
    switch = model.switch if switch is None else float(switch)
    out = forecasts.copy()
    for c in DIST_COLUMNS:
        if c not in out.columns:
            out[c] = np.nan
    counts = count_years(observations, catalog, base_year=base_year)
    if not len(counts) or not len(out):
        return out
    inds = {i.code: i for i in _ratio_indicators(catalog)}
    fc_keys = out[[*_KEYS, "year"]].copy()
    fc_keys["_row"] = np.arange(len(out))
    fc_keys = fc_keys[fc_keys["indicator_code"].isin(list(inds))]
    series = counts[_KEYS].drop_duplicates().merge(fc_keys[_KEYS].drop_duplicates(), on=_KEYS)
    if not len(series):
        return out
    counts = counts.merge(series, on=_KEYS)
    # which side is small: a percentage above 50% counts its complement (den − num)
    last_val = counts.groupby(_KEYS, sort=False).tail(1)
    pct = last_val["indicator_code"].map(lambda c: inds[c].kind.is_bounded_100).to_numpy(bool)
    share = (last_val["numerator"] / last_val["denominator"]).to_numpy(float)
    mirror_of = pd.Series(pct & (share > 0.5), index=pd.MultiIndex.from_frame(last_val[_KEYS]))
    counts["mirror"] = mirror_of.reindex(pd.MultiIndex.from_frame(counts[_KEYS])).to_numpy(bool)
    counts["y"] = np.where(counts["mirror"], counts["denominator"] - counts["numerator"], counts["numerator"])
    counts["y"] = counts["y"].clip(lower=0.0)
    recent = counts.groupby(_KEYS, sort=False).tail(RECENT).groupby(_KEYS, sort=False)["y"].mean().rename("recent")
    n_years = counts.groupby(_KEYS, sort=False).size().rename("n_years")
    series = series.merge(recent.reset_index(), on=_KEYS).merge(n_years.reset_index(), on=_KEYS)
    # as for counts: at least MIN_POINTS years with a count, and a small recent count
    series = series[(series["recent"] <= switch) & (series["n_years"] >= MIN_POINTS)].reset_index(drop=True)
    if not len(series):
        return out
    counts = counts.merge(series[_KEYS], on=_KEYS)
    fc_rows = fc_keys.merge(series[_KEYS], on=_KEYS).sort_values([*_KEYS, "year"], kind="stable")
    first_fc = fc_rows.groupby(_KEYS, sort=False)["year"].min().rename("first_fc").reset_index()
    series = series.merge(first_fc, on=_KEYS)
    S = len(series)
    sidx = pd.Series(np.arange(S), index=pd.MultiIndex.from_frame(series[_KEYS]))
    # one matrix, each series right-aligned on the year before its first forecast year
    end = series["first_fc"].to_numpy(int) - 1
    c_sid = sidx.reindex(pd.MultiIndex.from_frame(counts[_KEYS])).to_numpy(int)
    lag = end[c_sid] - counts["year"].to_numpy(int)
    keep = lag >= 0
    L = int(lag[keep].max()) + 1 if keep.any() else 1
    Y = np.full((S, L), np.nan)
    E = np.full((S, L), np.nan)
    Y[c_sid[keep], L - 1 - lag[keep]] = counts["y"].to_numpy(float)[keep]
    E[c_sid[keep], L - 1 - lag[keep]] = counts["denominator"].to_numpy(float)[keep]
    fit = fit_counts(Y, exposure=E, group=series["indicator_code"].to_numpy(object), slope_sd=model.slope_sd,
                     dispersion=model.dispersion)
    # future denominators of every forecast row of these series
    r_sid = sidx.reindex(pd.MultiIndex.from_frame(fc_rows[_KEYS])).to_numpy(int)
    step = fc_rows["year"].to_numpy(int) - end[r_sid]  # 1, 2, …
    H = int(step.max())
    den_rows = fc_rows[[*_KEYS, "year"]].assign(
        denominator_code=fc_rows["indicator_code"].map(lambda c: inds[c].denominator or "").to_numpy(object))
    horizon_year = int(fc_rows["year"].max())
    den = _denominator_forecasts(out, counts, den_rows, horizon_year, levels)["den"].to_numpy(float)
    Ef = np.full((S, H), np.nan)
    Ef[r_sid, step - 1] = den
    # a year without a denominator borrows the nearest earlier one (then the first known)
    Ef = pd.DataFrame(Ef).ffill(axis=1).bfill(axis=1).to_numpy(float)
    ok_den = np.isfinite(Ef) & (Ef > 0)
    Ef = np.where(ok_den, Ef, 1.0)
    factor = series["indicator_code"].map(lambda c: inds[c].kind.factor).to_numpy(float)[:, None]
    mirror = mirror_of.reindex(pd.MultiIndex.from_frame(series[_KEYS])).to_numpy(bool)[:, None]
    loc = np.where(mirror, 100.0, 0.0) * np.ones((S, H))
    scale = np.where(mirror, -100.0, factor) / Ef
    pred = predict_counts(fit, H, future_exposure=Ef, damping=model.damping, loc=loc, scale=scale)
    bounds = {c: _value_bounds(ind) for c, ind in inds.items()}
    lo_b = series["indicator_code"].map(lambda c: bounds[c][0]).to_numpy(float)[:, None]
    hi_b = series["indicator_code"].map(lambda c: bounds[c][1]).to_numpy(float)[:, None]
    ivl = pred.intervals(levels)
    med = clip_bounds(pred.median(), lo_b, hi_b)
    rows = fc_rows["_row"].to_numpy(int)
    pick = (r_sid, step - 1)
    good = ok_den[pick] & (fit.n_obs[r_sid] > 0)
    rows, pick = rows[good], (r_sid[good], step[good] - 1)
    out.loc[out.index[rows], "mean"] = med[pick]
    for lv in levels:
        out.loc[out.index[rows], f"lo{lv}"] = clip_bounds(ivl[lv][0], lo_b, hi_b)[pick]
        out.loc[out.index[rows], f"hi{lv}"] = clip_bounds(ivl[lv][1], lo_b, hi_b)[pick]
    for name, arr in (("dist_mu", pred.mu), ("dist_disp", pred.disp), ("dist_loc", pred.loc),
                      ("dist_scale", pred.scale)):
        out.loc[out.index[rows], name] = arr[pick]
    out.loc[out.index[rows], "method"] = model.name
    notes = out["note"].fillna("").astype(str).to_numpy(object).copy() if "note" in out.columns \
        else np.full(len(out), "", dtype=object)
    notes[rows] = np.where(notes[rows] == "", note, notes[rows] + "; " + note)
    out["note"] = notes
    log.info("rates from the count model of their numerator: %d forecast rows, %d series", rows.size,
             len(np.unique(r_sid[good])))
    return out


def widen_small_count_intervals(forecasts: pd.DataFrame, observations: pd.DataFrame, catalog, *,
                                levels: Sequence[float] = (80, 95), base_year: int | None = None,
                                note: str = SMALL_COUNT_NOTE) -> pd.DataFrame:
    """Widen rate/percent forecast intervals to at least the Poisson interval of their count.

    Parameters
    ----------
    forecasts : DataFrame
        ``unit_code, indicator_code, year, mean, lo<lv>, hi<lv> …, note`` in the
        indicator's unit (percent 0–100; rates per 1,000 / 100,000). Rows of other
        indicators (counts, money, shares of units, yes/no) pass through unchanged;
        forecasts of denominator indicators (e.g. ``POP_U16``) in the same frame are
        used as the future denominator.
    observations : DataFrame
        Observations with ``numerator``/``denominator`` columns for ratio indicators
        (or their component indicators); see :func:`count_basis`.
    catalog : Catalog
    levels : interval levels (percent) present as ``lo<lv>``/``hi<lv>`` columns
    base_year : last observed year used for the count basis (default: all)
    note : text appended to the ``note`` of each widened row

    Returns
    -------
    DataFrame
        A copy of ``forecasts`` with ``lo``/``hi`` never narrower (lower bounds only
        lower, upper bounds only higher), ``mean`` unchanged, levels nested, bounds
        respected, and ``note`` extended on the rows that changed. Rows without an
        interval (NaN) stay without one.
    """
    from ctxh_plan.forecast.intervals import count_predictive_quantiles
    from ctxh_plan.targets.space import clip_bounds

    out = forecasts.copy()
    levels = sorted(levels)
    basis = count_basis(observations, catalog, base_year=base_year)
    if not len(basis) or not len(out):
        return out
    j = out[["unit_code", "indicator_code", "year"]].reset_index(drop=True).merge(basis, on=_KEYS, how="left")
    # future denominator: the denominator indicator's own forecast for that unit and year, else the last observed
    den_fc = out[["unit_code", "indicator_code", "year", "mean"]].rename(
        columns={"indicator_code": "denominator_code", "mean": "den_fc"})
    den_fc = den_fc.drop_duplicates(["unit_code", "denominator_code", "year"], keep="last")
    fc = j.merge(den_fc, how="left", on=["unit_code", "denominator_code", "year"])["den_fc"].to_numpy(float)
    mean_all = out["mean"].to_numpy(float)
    # rows the count model forecast already have their distribution: nothing to widen
    counted = out["dist_mu"].notna().to_numpy() if "dist_mu" in out.columns else np.zeros(len(out), dtype=bool)
    with np.errstate(invalid="ignore"):
        den_all = np.where(np.isfinite(fc) & (fc > 0), fc, j["last_denominator"].to_numpy(float))
        n_all = j["n_count_years"].to_numpy(float)
        sel = np.flatnonzero((n_all >= 1) & (den_all > 0) & np.isfinite(den_all) & np.isfinite(mean_all)
                             & ~counted)
    if not sel.size:
        return out
    attrs = pd.DataFrame([(i.kind.factor, float(i.kind.is_bounded_100), i.bounds[0],
                           np.nan if i.bounds[1] is None else i.bounds[1]) for i in _ratio_indicators(catalog)],
                         index=[i.code for i in _ratio_indicators(catalog)], dtype=float)
    a = attrs.reindex(j["indicator_code"].to_numpy(object)[sel]).to_numpy(float)
    factor, mirror_ok, lower, upper = a[:, 0], a[:, 1] > 0, a[:, 2], a[:, 3]
    mean, den = mean_all[sel], den_all[sel]
    # percentages above 50%: the small count is the complement (e.g. children not vaccinated)
    mirror = mirror_ok & (mean > 50.0)
    mu = np.maximum(np.where(mirror, 100.0 - mean, mean), 0.0) * den / factor
    qs = count_predictive_quantiles(mu, n_all[sel], levels)
    old_lo = {lv: out[f"lo{lv}"].to_numpy(float, copy=True) for lv in levels}
    old_hi = {lv: out[f"hi{lv}"].to_numpy(float, copy=True) for lv in levels}
    new_lo, new_hi = {}, {}
    for lv in levels:
        qlo, qhi = qs[lv]
        r_lo = clip_bounds(np.where(mirror, 100.0 - qhi * factor / den, qlo * factor / den), lower, upper)
        r_hi = clip_bounds(np.where(mirror, 100.0 - qlo * factor / den, qhi * factor / den), lower, upper)
        # only widen; np.minimum/np.maximum keep NaN, so a series without an interval gets none
        new_lo[lv] = np.minimum(old_lo[lv][sel], np.minimum(r_lo, mean))
        new_hi[lv] = np.maximum(old_hi[lv][sel], np.maximum(r_hi, mean))
    for inner, outer in itertools.pairwise(levels):  # nested: a higher level is never narrower
        new_lo[outer] = np.minimum(new_lo[outer], new_lo[inner])
        new_hi[outer] = np.maximum(new_hi[outer], new_hi[inner])
    # a row changes when some bound moves by more than rounding noise; other rows keep their bits
    tol = 1e-9 * np.maximum(1.0, np.abs(mean))
    changed = np.zeros(sel.size, dtype=bool)
    for lv in levels:
        with np.errstate(invalid="ignore"):
            changed |= (new_lo[lv] < old_lo[lv][sel] - tol) | (new_hi[lv] > old_hi[lv][sel] + tol)
    if changed.any():
        rows = sel[changed]
        for lv in levels:
            old_lo[lv][rows], old_hi[lv][rows] = new_lo[lv][changed], new_hi[lv][changed]
            out[f"lo{lv}"], out[f"hi{lv}"] = old_lo[lv], old_hi[lv]
        notes = (out["note"].fillna("").astype(str) if "note" in out.columns
                 else pd.Series("", index=out.index)).to_numpy(object).copy()
        notes[rows] = np.where(notes[rows] == "", note, notes[rows] + "; " + note)
        out["note"] = notes
        n_series = len(j.iloc[rows][_KEYS].drop_duplicates())
        log.info("interval widened for small counts (Poisson): %d forecast rows, %d series", rows.size, n_series)
    return out
