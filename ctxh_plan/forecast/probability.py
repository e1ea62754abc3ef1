"""Probabilities and quantiles of forecasts: ``prob_meets`` — P(value in year Y ≤ / ≥ / < / > / = target).

Two kinds of forecast rows:

* **Count model rows** (``method`` ``count_glm``; columns ``dist_mu, dist_disp, dist_loc,
  dist_scale`` or ``ForecastResult.dist``): the value is ``loc + scale·Y`` with ``Y`` a
  whole-number count, ``Y ~ NB2(mu, disp)`` (Poisson when ``disp`` is 0). Probabilities
  are exact sums of that distribution (``P(Y = 0) = (1 + mu·disp)^(−1/disp)``, ``e^{−mu}``
  for Poisson): a count of 0 deaths has a real probability mass.
* **Other rows** (continuous forecasts): the centre (``mean``) and the bounds of central
  intervals (``lo80, hi80, lo95, hi95``) are read as quantiles of the forecast
  distribution: ``lo80`` = 10th, ``hi80`` = 90th, ``lo95`` = 2.5th, ``hi95`` = 97.5th
  percentile, and ``mean`` as the median. The quantile function is interpolated
  **linearly in normal scores z** between these knots, in the forecaster's transformed
  space (log1p for counts, money and rates; logit for percentages), and extrapolated
  beyond the 95% bounds with the slope of the outer segment. If the forecast is normal
  in the transformed space this is exact (a target one standard deviation above the
  median has probability 1 − Φ(1) = 0.1587 of being reached). A forecast with zero
  width is a point mass: probability 1 or 0.

The knot functions (``knots_of``, ``quantile_at``, ``probability_below``,
``probability_meeting``) were the target-setting module's; ``targets.feasibility``
re-exports them.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "OPERATORS",
    "forecast_quantile",
    "knots_of",
    "prob_meets",
    "probability_below",
    "probability_meeting",
    "quantile_at",
    "transform_values",
    "untransform_values",
]

_EPS = 1e-6


def _z(level: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 200.0))


def transform_values(x, space) -> np.ndarray:
    """Map values to the forecaster's space: ``"log1p"``, ``"logit"`` (percent 0–100) or ``"identity"``.

    ``space`` is a scalar or an array of those names (one per row).
    """
    x = np.asarray(x, float)
    space = np.broadcast_to(np.asarray(space, dtype=object), x.shape[:1]) if x.ndim else np.asarray(space)
    out = x.copy()
    sp = space[:, None] if x.ndim == 2 else space
    log = sp == "log1p"
    logit = sp == "logit"
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(log, np.log1p(np.maximum(x, 0.0)), out)
        p = np.clip(x / 100.0, _EPS, 1 - _EPS)
        out = np.where(logit, np.log(p / (1 - p)), out)
    return out


def untransform_values(y, space) -> np.ndarray:
    """Inverse of :func:`transform_values`."""
    y = np.asarray(y, float)
    sp = np.asarray(space, dtype=object)
    if y.ndim == 2 and sp.ndim == 1:
        sp = sp[:, None]
    with np.errstate(over="ignore"):
        out = np.where(sp == "log1p", np.expm1(y), y)
        out = np.where(sp == "logit", 100.0 / (1.0 + np.exp(-y)), out)
    return out


def knots_of(frame, levels=(80, 95)):
    """Normal scores and value knots (rows × knots) from a forecast frame.

    Returns
    -------
    z : ndarray (k,)
        Increasing normal scores: −z95, −z80, 0, z80, z95.
    values : ndarray (rows, k)
        ``lo95, lo80, mean, hi80, hi95`` (original units).
    """
    levels = sorted(levels, reverse=True)
    z = [-_z(lv) for lv in levels] + [0.0] + [_z(lv) for lv in reversed(levels)]
    cols = [f"lo{lv}" for lv in levels] + ["mean"] + [f"hi{lv}" for lv in reversed(levels)]
    return np.asarray(z), frame[cols].to_numpy(float)


def _monotone(v: np.ndarray) -> np.ndarray:
    """Force knots non-decreasing along each row (forecasters should already ensure it)."""
    centre = v.shape[1] // 2
    out = v.copy()
    # below the centre: each knot at most the next one; above: at least the previous one
    for j in range(centre - 1, -1, -1):
        out[:, j] = np.minimum(out[:, j], out[:, j + 1])
    for j in range(centre + 1, v.shape[1]):
        out[:, j] = np.maximum(out[:, j], out[:, j - 1])
    return out


def quantile_at(z, values, p, space="identity") -> np.ndarray:
    """Quantile ``p`` (0–1) of each row's forecast distribution.

    Parameters
    ----------
    z, values : from :func:`knots_of`
    p : float or array (rows,)
    space : transform name or array of names per row
    """
    from scipy.special import ndtri

    tv = _monotone(transform_values(values, space))
    zp = np.broadcast_to(ndtri(np.asarray(p, float)), tv.shape[:1])
    out = np.full(tv.shape[0], np.nan)
    # segment index: knots z[i] <= zp < z[i+1]; extrapolate with the outer segments
    idx = np.clip(np.searchsorted(z, zp, side="right") - 1, 0, len(z) - 2)
    rows = np.arange(tv.shape[0])
    z0, z1 = z[idx], z[idx + 1]
    v0, v1 = tv[rows, idx], tv[rows, idx + 1]
    out = v0 + (v1 - v0) * (zp - z0) / (z1 - z0)
    return untransform_values(out, space)


def probability_below(z, values, t, space="identity") -> np.ndarray:
    """P(Y <= t) for each row (the interpolated CDF at ``t``).

    A row whose knots are all equal (no uncertainty) gives 1 if ``t`` >= the value, else 0.
    NaN where the knots or ``t`` are missing.
    """
    from scipy.special import ndtr

    tv = _monotone(transform_values(values, space))
    tt = transform_values(np.asarray(t, float), space)
    n, k = tv.shape
    zt = np.full(n, np.nan)
    below = tt < tv[:, 0]
    above = tt > tv[:, -1]
    inside = ~below & ~above
    # inside: find the last knot <= t with a following knot strictly greater, or exact hits
    cnt = (tv <= tt[:, None]).sum(axis=1)  # knots at or below t
    i = np.clip(cnt - 1, 0, k - 2)
    rows = np.arange(n)
    v0, v1 = tv[rows, i], tv[rows, i + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        seg = np.where(v1 > v0, z[i] + (z[i + 1] - z[i]) * (tt - v0) / (v1 - v0), z[np.minimum(cnt - 1, k - 1)])
        zt = np.where(inside, seg, zt)
        lo_slope = (tv[:, 1] - tv[:, 0]) / (z[1] - z[0])
        hi_slope = (tv[:, -1] - tv[:, -2]) / (z[-1] - z[-2])
        zt = np.where(below, np.where(lo_slope > 0, z[0] - (tv[:, 0] - tt) / lo_slope, -np.inf), zt)
        zt = np.where(above, np.where(hi_slope > 0, z[-1] + (tt - tv[:, -1]) / hi_slope, np.inf), zt)
    # a point mass, or t at/above a flat top: all mass is <= t
    flat = tv[:, -1] == tv[:, 0]
    prob = ndtr(zt)
    prob = np.where(flat, np.where(tt >= tv[:, 0], 1.0, 0.0), prob)
    prob = np.where((tt >= tv[:, -1]) & ~(hi_slope > 0), 1.0, prob)
    missing = np.isnan(tt) | np.isnan(tv).any(axis=1)
    return np.where(missing, np.nan, prob)


def probability_meeting(z, values, target, sign, space="identity", tol=0.0) -> np.ndarray:
    """Probability that the horizon value meets ``target`` in the good direction.

    Parameters
    ----------
    sign : int array
        +1: meeting means Y >= target; −1: Y <= target.
    tol : float or array
        Tolerance in the indicator's unit (used at natural limits, e.g. "= 100%").
    """
    target = np.asarray(target, float)
    sign = np.asarray(sign)
    tol = np.asarray(tol, float)
    p_le = probability_below(z, values, target + tol, space)
    # P(Y >= T - tol) = 1 - P(Y < T - tol); the CDF is continuous except for point masses
    p_lt = probability_below(z, values, target - tol, space)
    flat = values[:, -1] == values[:, 0]
    p_lt = np.where(flat, np.where(target - tol > values[:, 0], 1.0, 0.0), p_lt)
    return np.where(sign > 0, 1.0 - p_lt, p_le)


# --------------------------------------------------------------------------- prob_meets

#: operators accepted by :func:`prob_meets` (``vocab.Operator`` values)
OPERATORS = ("<=", ">=", "<", ">", "=")


def _operators(operator, n: int) -> np.ndarray:
    from ctxh_plan.errors import ParameterError

    ops = np.asarray([str(getattr(o, "value", o)).strip() for o in np.broadcast_to(
        np.asarray(operator, dtype=object), (n,))], dtype=object)
    bad = ~np.isin(ops, OPERATORS)
    if bad.any():
        raise ParameterError("operator", "unknown comparison", value=ops[bad][0],
                             fix="use one of " + ", ".join(OPERATORS))
    return ops


def _spaces(rows, kind, catalog, n: int) -> np.ndarray:
    """Transform space (log1p / logit / identity) per row, from ``kind`` or the catalogue."""
    from ctxh_plan.errors import ParameterError
    from ctxh_plan.forecast.transforms import transform_name_for_kind

    if kind is not None:
        kinds = np.broadcast_to(np.asarray(kind, dtype=object), (n,))
        cache: dict[str, str] = {}
        out = []
        for k in kinds:
            key = str(getattr(k, "value", k))
            if key not in cache:
                cache[key] = k if key in ("log1p", "logit", "identity") else transform_name_for_kind(k)
            out.append(cache[key])
        return np.asarray(out, dtype=object)
    if catalog is not None and rows is not None and "indicator_code" in getattr(rows, "columns", ()):
        spaces = {ind.code: transform_name_for_kind(ind.kind) for ind in catalog}
        codes = rows["indicator_code"].astype(str).to_numpy(object)
        missing = [c for c in codes if c not in spaces]
        if missing:
            raise ParameterError("catalog", "indicator not in the catalogue", value=missing[0],
                                 fix="pass the catalogue the forecasts were made with, or kind=")
        return np.asarray([spaces[c] for c in codes], dtype=object)
    raise ParameterError("kind", "needed for rows without a count distribution (continuous forecasts)",
                         fix="pass kind='count'|'percent'|'rate_per_100000'|… (one or one per row) or catalog=")


def _dist_arrays(forecast, n: int):
    """(mask of rows with a count distribution, CountPredictive of those rows) from a frame."""
    from ctxh_plan.forecast.counts import CountPredictive

    cols = ("dist_mu", "dist_disp", "dist_loc", "dist_scale")
    if not all(c in forecast.columns for c in cols):
        return np.zeros(n, dtype=bool), None
    arr = {c: forecast[c].to_numpy(float) for c in cols}
    has = np.isfinite(arr["dist_mu"]) & np.isfinite(arr["dist_disp"]) & np.isfinite(arr["dist_scale"])
    if not has.any():
        return has, None
    return has, CountPredictive(arr["dist_mu"][has], arr["dist_disp"][has], np.nan_to_num(arr["dist_loc"][has]),
                                arr["dist_scale"][has])


def _select(ops, le_hi, lt_hi, le_lo, lt_lo) -> np.ndarray:
    """Combine P(V ≤ t+tol), P(V < t+tol), P(V ≤ t−tol), P(V < t−tol) by operator (favourable side)."""
    return np.select([ops == "<=", ops == "<", ops == ">=", ops == ">", ops == "="],
                     [le_hi, lt_hi, 1.0 - lt_lo, 1.0 - le_lo, np.maximum(le_hi - lt_lo, 0.0)], np.nan)


def _knot_probs(rows, levels, target, ops, space, tol) -> np.ndarray:
    """Probabilities from the interval knots (continuous rows; a row without spread is a point mass)."""
    z, values = knots_of(rows, levels)
    t = np.asarray(target, float)
    flat = values[:, -1] == values[:, 0]

    def le(x):
        return probability_below(z, values, x, space)

    def lt(x):
        return np.where(flat, np.where(values[:, 0] < x, 1.0, 0.0), le(x))

    hi, lo = t + tol, t - tol
    out = _select(ops, le(hi), lt(hi), le(lo), lt(lo))
    return np.where(np.isnan(t) | np.isnan(values).any(axis=1), np.nan, out)


def _levels_of(frame) -> list[int]:
    return sorted(int(c[2:]) for c in frame.columns if c.startswith("lo") and c[2:].isdigit()
                  and f"hi{c[2:]}" in frame.columns)


def prob_meets(forecast, target, operator="<=", *, year=None, kind=None, catalog=None, tol=0.0):
    """Probability (0–1) that the forecast value satisfies ``value <operator> target``.

    One function for every caller that needs "how likely is the value in year Y to be ≤ /
    ≥ / < / > / = a target": feasibility of 2030 targets, status against a milestone
    ("on track / at risk / off track"), feasibility of harm targets in official text.

    Parameters
    ----------
    forecast : DataFrame, ForecastResult or counts.CountPredictive
        * a **forecasts frame** (rows of ``forecast_frame`` / ``Projection.forecasts``):
          one probability per row, vectorised over many (unit, indicator, year) rows —
          select the rows (e.g. ``year == 2030``) before calling;
        * a **ForecastResult** (one series, ``Forecaster.predict``): ``year`` picks the
          forecast year (default: the last one) and a float is returned;
        * a **CountPredictive**: one probability per element.
    target : float or array_like
        Target in the indicator's unit (count, percent 0–100, rate per 1,000 / 100,000),
        one for all rows or one per row.
    operator : str, vocab.Operator, or array of them
        ``"<="``, ``">="``, ``"<"``, ``">"``, ``"="`` — what "meeting" means: ``"<="`` for
        "at most 10 deaths", ``">="`` for "at least 95%".
    year : int, optional
        Forecast year, for a ForecastResult only.
    kind : str or array_like, optional
        Indicator kind(s) (``count``, ``percent``, ``rate_per_100000``… or a transform
        name) of rows **without** a count distribution — needed to read their interval
        bounds in the right space. Not needed for count-model rows.
    catalog : Catalog, optional
        Instead of ``kind``: kinds looked up by the rows' ``indicator_code``.
    tol : float or array_like
        Tolerance in the indicator's unit: the target is read as ``target ± tol`` on the
        favourable side (``<=``: ≤ target + tol; ``>=``: ≥ target − tol; ``=``: within
        ± tol), e.g. 0.05 points for "= 100%".

    Returns
    -------
    float (ForecastResult) or ndarray (one per row; NaN where the forecast or the target is
    missing).

    Semantics
    ---------
    Count-model rows (``dist_*`` columns set): the value is ``loc + scale·Y`` with a whole
    count ``Y ~ NB2(mu, disp)``; ``P(value ≤ t) = P(Y ≤ ⌊(t − loc)/scale⌋)`` exactly, so
    "≤ 0 deaths" is ``P(Y = 0)`` and "< 1 death" the same; ``=`` is the mass of one count
    (0 when the target falls between two possible values). A rate built on a small count
    (deaths per 100,000 children) is the count's distribution times ``factor ÷ projected
    denominator``. Other rows: the interval bounds are read as quantiles (see the module
    docstring); ``<`` equals ``<=`` there and ``=`` has probability 0 unless ``tol`` > 0
    or the forecast has no spread.

    Raises
    ------
    ParameterError
        Unknown operator; ``kind``/``catalog`` missing for continuous rows; ``year`` not
        forecast.

    Examples
    --------
    >>> r = get_forecaster("default").fit([0, 1, 0, 2, 0, 0, 1], years=range(2019, 2026)).predict(5)
    >>> prob_meets(r, 0, "<=", year=2030)          # P(no death in 2030)
    >>> fc = proj.forecasts[proj.forecasts.year == 2030]
    >>> prob_meets(fc, targets, ops, catalog=ds.catalog)
    """
    from ctxh_plan.errors import ParameterError
    from ctxh_plan.forecast.counts import CountPredictive

    if isinstance(forecast, CountPredictive):
        shape = forecast.shape
        ops = _operators(np.ravel(np.broadcast_to(np.asarray(operator, dtype=object), shape)), int(np.prod(shape)))
        t = np.broadcast_to(np.asarray(target, float), shape).ravel()
        tl = np.broadcast_to(np.asarray(tol, float), shape).ravel()
        flat = CountPredictive(forecast.mu.ravel(), forecast.disp.ravel(), forecast.loc.ravel(),
                               forecast.scale.ravel())
        return _count_probs(flat, t, ops, tl).reshape(shape)
    if hasattr(forecast, "levels") and hasattr(forecast, "years") and hasattr(forecast, "lo"):
        return _result_prob(forecast, target, operator, year, kind, tol)
    if year is not None:
        raise ParameterError("year", "for a ForecastResult only: select the year's rows of a forecasts frame "
                             "before calling", value=year, fix="prob_meets(fc[fc.year == 2030], …)")
    n = len(forecast)
    t = np.broadcast_to(np.asarray(target, float), (n,)).astype(float)
    tl = np.broadcast_to(np.asarray(tol, float), (n,)).astype(float)
    ops = _operators(operator, n)
    out = np.full(n, np.nan)
    has, dist = _dist_arrays(forecast, n)
    if dist is not None:
        out[has] = _count_probs(dist, t[has], ops[has], tl[has])
    rest = ~has
    if rest.any():
        rows = forecast[rest] if not rest.all() else forecast
        space = _spaces(rows, None if kind is None else np.broadcast_to(np.asarray(kind, dtype=object), (n,))[rest],
                        catalog, int(rest.sum()))
        levels = _levels_of(rows)
        if not levels:
            raise ParameterError("forecast", "no interval columns (lo80, hi80, …)", fix="pass a forecasts frame")
        out[rest] = _knot_probs(rows.reset_index(drop=True), levels, t[rest], ops[rest], space, tl[rest])
    return out


def _count_probs(dist, t, ops, tol) -> np.ndarray:
    """Exact probabilities for count-model distributions (1-D arrays)."""
    hi, lo = t + tol, t - tol
    return _select(ops, dist.prob_le(hi), dist.prob_lt(hi), dist.prob_le(lo), dist.prob_lt(lo))


def _result_prob(result, target, operator, year, kind, tol) -> float:
    import pandas as pd

    from ctxh_plan.errors import ParameterError

    years = np.asarray(result.years)
    if year is None:
        i = len(years) - 1
    else:
        hits = np.flatnonzero(years == year)
        if not hits.size:
            raise ParameterError("year", "not a forecast year of this result", value=year,
                                 fix=f"use one of {[int(y) for y in years]}")
        i = int(hits[0])
    if result.dist is not None and np.isfinite(result.dist.mu[i]):
        from ctxh_plan.forecast.counts import CountPredictive

        d = result.dist
        one = CountPredictive(d.mu[i:i + 1], d.disp[i:i + 1], d.loc[i:i + 1], d.scale[i:i + 1])
        return float(_count_probs(one, np.array([float(target)]), _operators(operator, 1),
                                  np.array([float(tol)]))[0])
    from ctxh_plan.forecast.base import _fmt_level

    row = {"mean": [result.mean[i]]}
    for lv in result.levels:
        row[f"lo{_fmt_level(lv)}"] = [result.lo[lv][i]]
        row[f"hi{_fmt_level(lv)}"] = [result.hi[lv][i]]
    frame = pd.DataFrame(row)
    space = kind if kind is not None else (result.space or None)
    return float(prob_meets(frame, target, operator, kind=space, tol=tol)[0])


def forecast_quantile(forecast, p, *, kind=None, catalog=None) -> np.ndarray:
    """Quantile ``p`` (0–1, one or one per row) of each row of a forecasts frame.

    Count-model rows: the smallest possible value (whole count mapped to the value) with
    P(value ≤ it) >= p. Other rows: interpolated between the interval knots (see the module
    docstring; ``kind``/``catalog`` as in :func:`prob_meets`).
    """
    n = len(forecast)
    pp = np.broadcast_to(np.asarray(p, float), (n,)).astype(float)
    out = np.full(n, np.nan)
    has, dist = _dist_arrays(forecast, n)
    if dist is not None:
        out[has] = dist.quantile(pp[has])
    rest = ~has
    if rest.any():
        rows = (forecast[rest] if not rest.all() else forecast).reset_index(drop=True)
        space = _spaces(rows, None if kind is None else np.broadcast_to(np.asarray(kind, dtype=object), (n,))[rest],
                        catalog, int(rest.sum()))
        z, values = knots_of(rows, _levels_of(rows))
        out[rest] = quantile_at(z, values, pp[rest], space)
    return out
