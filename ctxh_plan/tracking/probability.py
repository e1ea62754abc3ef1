"""The one probability the tracking table uses: P(the value meets a target), from the forecast model.

:func:`probability_of_meeting` reads each row of a forecasts frame (``mean, lo80, hi80, lo95, hi95``, the
``indicator_code`` giving the kind) as the predictive distribution of the year's value, and returns the
probability that the value satisfies ``value <operator> target``. Today it interpolates the interval
bounds as quantiles (:mod:`ctxh_plan.targets.feasibility`, transformed space: log1p for counts and rates,
logit for percentages). It is the single place to point at another model: a count model with an exact
predictive distribution replaces the body, the callers stay as they are.

:func:`conditional_rows` turns the forecast of a full year into the distribution of the year *given the
part already reported* (six or nine months):

* additive indicators (counts, money, rates of events — the year is the part plus the rest): the rest of
  the year is the forecast scaled by ``1 − s`` (``s`` = the share of the year's value reached by the
  period, :func:`ctxh_plan.evaluate.estimate_year_end`); the question becomes P(rest meets target − part);
* levels (percentages, shares of units, stocks such as the number of children, rates of two flows such
  as deaths per 1,000 live births): the forecast is moved to the year-end estimate in the transformed
  space and its spread scaled by √(1 − e), ``e`` the elapsed share of the calendar year — the part of
  the year still to come;
* a full year reported (``s = 1``): no uncertainty left about the figure; the probability is 1 or 0
  (the verdict by the operator). Small counts keep their Poisson interval as a separate column.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["KNOT_COLUMNS", "conditional_rows", "meets", "operator_sign", "probability_of_meeting", "shift_rows"]

KNOT_COLUMNS = ("lo95", "lo80", "mean", "hi80", "hi95")
_LIMIT_TOLERANCE = 0.05


def meets(value: Any, target: Any, operator: Any, tol: float = 1e-9) -> np.ndarray:
    """1.0 where ``value <operator> target`` holds, 0.0 where not, NaN where either is missing (vectorised
    :meth:`ctxh_plan.vocab.Operator.holds`; ``=`` within a relative 1e-9)."""
    v, t = np.asarray(value, float), np.asarray(target, float)
    ops = np.asarray(operator, dtype=object)
    with np.errstate(invalid="ignore"):
        res = np.select([ops == ">=", ops == "<=", ops == ">", ops == "<", ops == "="],
                        [v >= t - tol, v <= t + tol, v > t, v < t, np.abs(v - t) <= np.maximum(tol, 1e-9 * np.abs(t))],
                        False)
    return np.where(np.isnan(v) | np.isnan(t), np.nan, res.astype(float))


def operator_sign(operator: Any) -> np.ndarray:
    """+1 where meeting means at least (``>=``, ``>``, ``=`` at an upper limit), −1 for at most (``<=``, ``<``)."""
    ops = np.asarray(operator, dtype=object)
    return np.where(np.isin(ops, ["<=", "<"]), -1, 1)


def _spaces(frame: Any, catalog: Any) -> np.ndarray:
    from ctxh_plan.forecast.transforms import transform_name_for_kind

    names = {ind.code: transform_name_for_kind(ind.kind) for ind in catalog}
    return frame["indicator_code"].map(names).fillna("identity").to_numpy(object)


def probability_of_meeting(forecast: Any, target: Any, operator: Any, *, catalog: Any) -> np.ndarray:
    """Probability (0–1) that each row's value satisfies ``value <operator> target``.

    Parameters
    ----------
    forecast : DataFrame
        Rows of a forecasts frame (``indicator_code, mean, lo80, hi80, lo95, hi95`` and, for count-model
        rows, ``dist_*``), one per question. Delegates to :func:`ctxh_plan.forecast.prob_meets`: exact for
        small counts (count model), read from the interval bounds otherwise.
    target : float or array (one per row), in the indicator's unit.
    operator : str or array of ``>=``, ``<=``, ``>``, ``<``, ``=``.
    catalog : Catalog (kinds → transformed space).

    Returns
    -------
    ndarray
        NaN where the forecast or the target is missing. ``=`` is read as "at least" with a tolerance of
        0.05 at a natural limit (100%), as the proposals' feasibility does.
    """
    from ctxh_plan.forecast.probability import prob_meets

    n = len(forecast)
    if n == 0:
        return np.zeros(0)
    target = np.broadcast_to(np.asarray(target, float), (n,)).astype(float)
    ops = np.broadcast_to(np.asarray(operator, dtype=object), (n,))
    tol = np.where(ops == "=", _LIMIT_TOLERANCE, 0.0)
    meets = np.where(ops == "=", ">=", ops)  # "= 100 %" is met at the limit: read as at least, within tol
    return np.asarray(prob_meets(forecast.reset_index(drop=True), target, meets, catalog=catalog, tol=tol),
                      dtype=float)


def shift_rows(forecast: Any, centre: Any, scale: Any, *, catalog: Any) -> Any:
    """Forecast rows moved so their median is ``centre`` and their spread multiplied by ``scale``
    (in the transformed space of each indicator); ``scale`` 0 gives a point mass at ``centre``."""
    from ctxh_plan.targets.feasibility import transform_values, untransform_values

    out = forecast.copy()
    space = _spaces(forecast, catalog)
    vals = forecast[list(KNOT_COLUMNS)].to_numpy(float)
    tv = transform_values(vals, space)
    mid = tv[:, 2:3]
    c = transform_values(np.asarray(centre, float), space)[:, None]
    s = np.asarray(scale, float)[:, None] if np.ndim(scale) else float(scale)
    new = untransform_values(c + (tv - mid) * s, space)
    for j, col in enumerate(KNOT_COLUMNS):
        out[col] = new[:, j]
    return out


def conditional_rows(forecast: Any, *, part_value: Any, share: Any, year_end: Any, additive: Any,
                     target: Any, operator: Any, catalog: Any, elapsed: float = 1.0) -> np.ndarray:
    """P(the year's value meets ``target``) given the part of the year already reported.

    Parameters
    ----------
    forecast : DataFrame
        The year's forecast rows (one per question).
    part_value : array — the value reported for the period (six or nine months).
    share : array — share of the year's value reached by the period (additive rows).
    year_end : array — the year-end estimate.
    elapsed : share of the calendar year the period covers (0.5, 0.75; 1 = the year is reported).
    additive : bool array — the year is the part plus the rest (counts, money, rates of events).
    target, operator : arrays — the milestone and its operator.

    Returns
    -------
    ndarray of probabilities (NaN where the forecast is missing; 1/0 for a full year).
    """
    n = len(forecast)
    part_value = np.asarray(part_value, float)
    share = np.clip(np.asarray(share, float), 0.0, 1.0)
    year_end = np.asarray(year_end, float)
    additive = np.asarray(additive, bool)
    target = np.asarray(target, float)
    ops = np.asarray(operator, dtype=object)
    sign = operator_sign(ops)
    out = np.full(n, np.nan)
    known = np.full(n, elapsed >= 0.999)
    if known.any():
        out[known] = meets(year_end[known], target[known], ops[known])
    has_fc = forecast["mean"].notna().to_numpy() if n else np.zeros(0, bool)
    rest = ~known & has_fc
    add = rest & additive & (share < 0.999)
    if add.any():
        rows = forecast[add].copy()
        f = 1.0 - share[add]
        for col in KNOT_COLUMNS:
            rows[col] = rows[col].to_numpy(float) * f
        t = target[add] - part_value[add]
        p = probability_of_meeting(rows, np.maximum(t, 0.0), ops[add], catalog=catalog)
        # the part alone already breaks an "at most" target, or already meets an "at least" one
        p = np.where((sign[add] < 0) & (t < 0), 0.0, p)
        p = np.where((sign[add] > 0) & (t <= 0), 1.0, p)
        out[add] = p
    lvl = rest & ~add
    if lvl.any():
        rows = shift_rows(forecast[lvl], year_end[lvl], np.sqrt(max(1.0 - elapsed, 0.0)), catalog=catalog)
        out[lvl] = probability_of_meeting(rows, target[lvl], ops[lvl], catalog=catalog)
    return out
