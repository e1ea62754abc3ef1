"""Year-end estimate ("ước thực hiện") from a partial-year value (H1, 9M, Q1).

Method "share of year" (default): over the past years of the same unit and
indicator that have both the partial value and the full-year (FY) value, the
share of the year reached by that point is ``s = Σ partial / Σ FY`` (ratio of
sums); the estimate is ``partial / s``. For rates with numerator and denominator
the numerator is scaled and the denominator (a population) kept.

When the unit has no such year and its parent (the province, rows rolled up
from its units) has, the parent's share is used (``parents=``; method
``parent_share_of_year``, said in the note). Fallback when neither has: counts,
money and rates of events are scaled by the elapsed fraction of the year
(H1 ÷ 0.5 = ×2, 9M ÷ 0.75, Q1 ÷ 0.25); percentages, shares of units and yes/no values are kept as they are. The fallback
is logged and named in the row's ``note``.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from ctxh_plan.data.frames import coerce_observations
from ctxh_plan.evaluate.frames import add_flag, indicator_map, join_notes

__all__ = ["PERIOD_FRACTION", "estimate_year_end"]

log = logging.getLogger(__name__)

#: Share of the calendar year covered by a cumulative partial period.
PERIOD_FRACTION = {"H1": 0.5, "6M": 0.5, "9M": 0.75, "Q1": 0.25}

_KEEP_AS_IS = {"percent", "share_of_units", "yes_no"}


def _year_spans(years: Any) -> Any:
    """"2023–2025" (or "2025") per group of a grouped year column (vectorised min/max)."""
    import pandas as pd

    lo, hi = years.min().astype(int), years.max().astype(int)
    return pd.Series([f"{a}–{b}" if a != b else str(a) for a, b in zip(lo, hi)], index=lo.index, dtype=object)


def estimate_year_end(obs: Any, catalog: Any, *, parents: Mapping[str, str] | None = None,
                      min_count: float = 0.0) -> Any:
    """Add an estimated FY row for every (unit, indicator, year) that has only partial values.

    Parameters
    ----------
    obs : observations frame.
    catalog : Catalog (kinds decide the fallback).
    parents : unit → parent unit, optional. A unit without a past year holding both values takes its
        parent's share of the year (the parent's rows must be in ``obs``, e.g. rolled up from its units);
        method ``parent_share_of_year``.
    min_count : with ``parents``, a unit's own share of a count is used only when its past full-year values
        add up to at least this (a commune with 1 death in H1 and 1 in the year has a "share" of 1 that says
        nothing); below it the parent's share is used. Default 0: every own share is used.

    Returns
    -------
    DataFrame
        ``obs`` (normalised) plus the estimated FY rows, flagged ``estimate``; their
        ``note`` names the method (share of year from which years, or the fallback),
        and a column ``estimate_method`` (``share_of_year`` / ``parent_share_of_year`` / ``fallback_scale`` /
        ``fallback_as_is``; empty on other rows) and ``share_of_year`` (the share used, NaN for the
        fallbacks). When a year has several partial
        periods the latest one (9M before H1 before Q1) is used.
    """
    import numpy as np
    import pandas as pd

    out = coerce_observations(obs)
    out["estimate_method"] = ""
    part = out[out["period"].isin(PERIOD_FRACTION.keys())]
    if part.empty:
        return out
    fy = out[out["period"] == "FY"]
    ykeys = ["unit_code", "indicator_code", "year"]
    fy_keys = pd.MultiIndex.from_frame(fy[ykeys])
    cand = part[~pd.MultiIndex.from_frame(part[ykeys]).isin(fy_keys)].copy()
    if cand.empty:
        return out
    cand["_frac"] = cand["period"].map(PERIOD_FRACTION)
    cand = cand.sort_values("_frac").drop_duplicates(ykeys, keep="last")

    hist = part.merge(fy[ykeys + ["value", "numerator"]], on=ykeys, suffixes=("", "_fy"))
    hist = hist[hist["value_fy"] > 0]
    pair = cand[ykeys + ["period"]].reset_index().merge(
        hist[["unit_code", "indicator_code", "period", "year", "value", "value_fy", "numerator", "numerator_fy"]],
        on=["unit_code", "indicator_code", "period"], suffixes=("", "_h"))
    pair = pair[pair["year_h"] < pair["year"]]
    g = pair.groupby("index")
    share = g["value"].sum() / g["value_fy"].sum()
    if min_count > 0 and parents:  # small units fall back on their parent's share
        sub = cand.reindex(share.index)
        small = (sub["indicator_code"].map(indicator_map(catalog, "kind")) == "count") \
            & sub["unit_code"].isin(list(parents)) & (g["value_fy"].sum() < min_count)
        share = share[~small]
    num_ok = pair["numerator"].notna() & pair["numerator_fy"].notna() & (pair["numerator_fy"] > 0)
    gn = pair[num_ok].groupby("index")
    num_share = gn["numerator"].sum() / gn["numerator_fy"].sum()
    years_used = _year_spans(g["year_h"])

    kind = cand["indicator_code"].map(indicator_map(catalog, "kind")).fillna("count")
    new = cand.copy()
    s = share.reindex(new.index)
    ns = num_share.reindex(new.index).fillna(s)
    from_parent = pd.Series(False, index=new.index)
    parent_years = pd.Series("", index=new.index, dtype=object)
    if parents:
        need = new.index[~(s.notna() & (s > 0))]
        if len(need):
            ask = new.loc[need, ykeys + ["period"]].assign(
                unit_code=new.loc[need, "unit_code"].map(dict(parents))).dropna(subset=["unit_code"]).reset_index()
            pp = ask.merge(hist[["unit_code", "indicator_code", "period", "year", "value", "value_fy"]],
                           on=["unit_code", "indicator_code", "period"], suffixes=("", "_h"))
            pp = pp[pp["year_h"] < pp["year"]]
            if len(pp):
                gp = pp.groupby("index")
                ps = gp["value"].sum() / gp["value_fy"].sum()
                ps = ps[ps > 0]
                s = s.copy()
                s.loc[ps.index] = ps
                ns = ns.copy()
                ns.loc[ps.index] = ps
                from_parent.loc[ps.index] = True
                parent_years.loc[ps.index] = _year_spans(gp["year_h"])[ps.index]
    has_hist = s.notna() & (s > 0)
    as_is = ~has_hist & kind.isin(_KEEP_AS_IS)
    scale = ~has_hist & ~as_is
    with np.errstate(divide="ignore", invalid="ignore"):
        est_value = np.where(has_hist, new["value"] / s, np.where(scale, new["value"] / new["_frac"], new["value"]))
        est_num = np.where(has_hist, new["numerator"] / ns,
                           np.where(scale, new["numerator"] / new["_frac"], new["numerator"]))
    rate_known = new["numerator"].notna() & new["denominator"].notna() & (new["denominator"] > 0) & ~as_is
    factor = new["indicator_code"].map(indicator_map(catalog, "factor")).fillna(1.0).astype(float)
    est_value = np.where(rate_known, est_num / new["denominator"] * factor, est_value)
    new["value"] = est_value
    new["numerator"] = est_num
    new["estimate_method"] = np.where(has_hist, np.where(from_parent, "parent_share_of_year", "share_of_year"),
                                      np.where(as_is, "fallback_as_is", "fallback_scale"))
    new["share_of_year"] = np.where(has_hist, s, np.nan)
    notes = []
    hh, fp, sd = has_hist.to_dict(), from_parent.to_dict(), s.to_dict()
    py, yu, ai = parent_years.to_dict(), years_used.to_dict(), as_is.to_dict()
    for idx, unit, code, year, period, frac, note in zip(new.index, *(new[c].tolist() for c in (
            "unit_code", "indicator_code", "year", "period", "_frac", "note"))):
        if hh[idx] and fp[idx]:
            n = (f"ước thực hiện cả năm từ số {period} ÷ {sd[idx]:.3f} (tỷ lệ của toàn tỉnh các năm "
                 f"{py[idx]}: đơn vị chưa có năm đối chiếu) / full-year estimate from {period} ÷ the "
                 f"province's share of year {sd[idx]:.3f} (years {py[idx]}; the unit has no past year)")
        elif hh[idx]:
            n = (f"ước thực hiện cả năm từ số {period} ÷ {sd[idx]:.3f} (tỷ lệ đạt được các năm "
                 f"{yu.get(idx, '')}) / full-year estimate from {period} ÷ share of year {sd[idx]:.3f} "
                 f"(years {yu.get(idx, '')})")
        elif ai[idx]:
            n = (f"ước thực hiện = số {period} giữ nguyên (không có năm đối chiếu) / "
                 f"estimate = {period} value as-is (fallback: no past year with both values)")
            log.info("year-end estimate fallback (as-is) for %s %s %s", unit, code, year)
        else:
            n = (f"ước thực hiện = số {period} ÷ {frac:g} (không có năm đối chiếu) / "
                 f"estimate = {period} value ÷ {frac:g} (fallback: no past year with both values)")
            log.info("year-end estimate fallback (÷%g) for %s %s %s", frac, unit, code, year)
        notes.append(join_notes(note, n))
    new["note"] = notes
    new["flag"] = new["flag"].map(lambda f: add_flag(f, "estimate"))
    new["period"] = "FY"
    new = new.drop(columns=["_frac"])
    return pd.concat([out, new], ignore_index=True)
