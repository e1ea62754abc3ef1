"""Year-end estimate ("ước thực hiện") from a partial-year value (H1, 9M, Q1).

Method "share of year" (default): over the past years of the same unit and
indicator that have both the partial value and the full-year (FY) value, the
share of the year reached by that point is ``s = Σ partial / Σ FY`` (ratio of
sums); the estimate is ``partial / s``. For rates with numerator and denominator
the numerator is scaled and the denominator (a population) kept.

Fallback when no past year has both values: counts, money and rates of events
are scaled by the elapsed fraction of the year (H1 ÷ 0.5 = ×2, 9M ÷ 0.75, Q1 ÷ 0.25);
percentages, shares of units and yes/no values are kept as they are. The fallback
is logged and named in the row's ``note``.
"""
from __future__ import annotations

import logging
from typing import Any

from ctxh_plan.data.frames import coerce_observations
from ctxh_plan.evaluate.frames import add_flag, indicator_map, join_notes

__all__ = ["PERIOD_FRACTION", "estimate_year_end"]

log = logging.getLogger(__name__)

#: Share of the calendar year covered by a cumulative partial period.
PERIOD_FRACTION = {"H1": 0.5, "6M": 0.5, "9M": 0.75, "Q1": 0.25}

_KEEP_AS_IS = {"percent", "share_of_units", "yes_no"}


def estimate_year_end(obs: Any, catalog: Any) -> Any:
    """Add an estimated FY row for every (unit, indicator, year) that has only partial values.

    Parameters
    ----------
    obs : observations frame.
    catalog : Catalog (kinds decide the fallback).

    Returns
    -------
    DataFrame
        ``obs`` (normalised) plus the estimated FY rows, flagged ``estimate``; their
        ``note`` names the method (share of year from which years, or the fallback),
        and a column ``estimate_method`` (``share_of_year`` / ``fallback_scale`` /
        ``fallback_as_is``; empty on other rows). When a year has several partial
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
    num_ok = pair["numerator"].notna() & pair["numerator_fy"].notna() & (pair["numerator_fy"] > 0)
    gn = pair[num_ok].groupby("index")
    num_share = gn["numerator"].sum() / gn["numerator_fy"].sum()
    years_used = g["year_h"].agg(
        lambda y: f"{int(y.min())}–{int(y.max())}" if y.min() != y.max() else str(int(y.min())))

    kind = cand["indicator_code"].map(indicator_map(catalog, "kind")).fillna("count")
    new = cand.copy()
    s = share.reindex(new.index)
    ns = num_share.reindex(new.index).fillna(s)
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
    new["estimate_method"] = np.where(has_hist, "share_of_year", np.where(as_is, "fallback_as_is", "fallback_scale"))
    notes = []
    for idx, unit, code, year, period, frac, note in zip(new.index, *(new[c].tolist() for c in (
            "unit_code", "indicator_code", "year", "period", "_frac", "note"))):
        if has_hist[idx]:
            n = (f"ước thực hiện cả năm từ số {period} ÷ {s[idx]:.3f} (tỷ lệ đạt được các năm "
                 f"{years_used[idx]}) / full-year estimate from {period} ÷ share of year {s[idx]:.3f} "
                 f"(years {years_used[idx]})")
        elif as_is[idx]:
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
