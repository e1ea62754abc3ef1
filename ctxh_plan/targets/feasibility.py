"""Quantiles and probabilities from a forecast's mean and interval bounds.

A forecast row gives the centre (``mean``) and the bounds of central intervals
(``lo80, hi80, lo95, hi95``). These are read as quantiles of the forecast
distribution: ``lo80`` = 10th, ``hi80`` = 90th, ``lo95`` = 2.5th, ``hi95`` = 97.5th
percentile, and ``mean`` as the median. The quantile function is interpolated
**linearly in normal scores z** between these knots, in the forecaster's
transformed space (log1p for counts, money and rates; logit for percentages), and
extrapolated beyond the 95% bounds with the slope of the outer segment. If the
forecast is normal in the transformed space this is exact (a target one standard
deviation above the median has probability 1 − Φ(1) = 0.1587 of being reached).
A forecast with zero width is a point mass: probability 1 or 0.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "knots_of",
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
