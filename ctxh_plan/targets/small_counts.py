"""Honest intervals for rates and percentages built on small counts.

A rate such as child injury deaths per 100,000 children (CT11b) is a count divided
by a population. When the count is small — Bình Liêu has 1 death a year among
~9,300 children — the rate series is almost constant (10.7, 10.8, 10.9 …), so a
time-series interval is absurdly narrow (10.4–11.0), although next year's count may
well be 0 or 4. This module widens such intervals to at least the Poisson
predictive interval of the count implied by the forecast:

1. expected count ``μ = mean × D / factor`` (``factor`` 100 for percent, 1,000 or
   100,000 for rates), with ``D`` the denominator: the forecast of the
   catalogue's denominator indicator for that unit and year, else the last observed
   denominator;
2. count interval ``[q_lo, q_hi]``: central quantiles of the Poisson predictive
   distribution with the rate known from the ``n`` years that carry a count
   (Jeffreys prior ⇒ negative binomial; :func:`ctxh_plan.forecast.intervals.count_predictive_quantiles`,
   the same machinery as the count floor of count forecasts);
3. back to the rate scale ``q × factor / D``, clipped to the indicator's bounds;
4. ``lo = min(lo, rate of q_lo)``, ``hi = max(hi, rate of q_hi)`` — intervals are
   only ever widened, the ``mean`` is unchanged, levels stay nested.

For percentages above 50% the small count is the complement (children *not*
reached): ``μ = (100 − mean) × D / 100`` and the interval is mirrored. Poisson on
the rarer side is a conservative stand-in for the binomial. Shares of units
(communes meeting a standard) are policy outcomes, not random events: not widened.

Everything is vectorised over forecast rows (no Python loop over series).
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ctxh_plan.vocab import Kind

__all__ = ["SMALL_COUNT_NOTE", "WIDENED_KINDS", "count_basis", "widen_small_count_intervals"]

log = logging.getLogger(__name__)

#: written in the forecast ``note`` of every widened row
SMALL_COUNT_NOTE = "khoảng tin cậy mở rộng theo số đếm nhỏ (Poisson) / interval widened for small counts"

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


def count_basis(observations: pd.DataFrame, catalog, *, base_year: int | None = None) -> pd.DataFrame:
    """Years that carry a count behind each ratio series, and the last denominator.

    A (unit, indicator, year) of a ratio indicator (kind percent, rate per 1,000 or
    per 100,000) carries a count when its observation has a numerator >= 0 and a
    denominator > 0, taken from the observation's ``numerator``/``denominator``
    columns or, where those are empty, from the catalogue's component indicators
    observed for the same unit and year.

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
    from ctxh_plan.targets.floors import full_year

    cols = ["unit_code", "indicator_code", "n_count_years", "last_denominator", "denominator_code"]
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
    good = base[ok].sort_values(["unit_code", "indicator_code", "year"], kind="stable")
    if not len(good):
        return pd.DataFrame(columns=cols)
    g = good.groupby(_KEYS, sort=False)
    out = pd.DataFrame({"n_count_years": g["year"].size(), "last_denominator": g["denominator"].last()}).reset_index()
    out["denominator_code"] = out["indicator_code"].map(dict(zip(comps["indicator_code"], comps["den_code"])))
    return out[cols]


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
    with np.errstate(invalid="ignore"):
        den_all = np.where(np.isfinite(fc) & (fc > 0), fc, j["last_denominator"].to_numpy(float))
        n_all = j["n_count_years"].to_numpy(float)
        sel = np.flatnonzero((n_all >= 1) & (den_all > 0) & np.isfinite(den_all) & np.isfinite(mean_all))
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
