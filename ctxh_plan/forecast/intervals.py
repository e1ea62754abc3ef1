"""Prediction intervals: model-based spread × an empirical calibration per horizon.

Every forecaster returns, in the transformed space, a point forecast and a
model-based standard deviation ``sigma[h]`` of the h-step error (textbook
formulas: naive ``s·√h``; SES ``s·√(1+(h−1)α²)``; ...). Those formulas assume the
model is right, and on short series they are too narrow. So the half-width of a
``level``% interval is ``q_h(level) · sigma[h]`` where ``q_h(level)`` is the
empirical ``level``% quantile of ``|error / sigma|`` at horizon ``h``, measured
by rolling-origin forecasts *inside the training parts* of the Tourism yearly
series (never their test points; see ``benchmarks/forecast_tourism.py
--calibrate`` and docs/FORECASTING.md). The measured quantiles live in
:mod:`.calibration_table`. A method without a measured row uses the normal
quantile and says so in ``note``.

Guarantees: intervals are nested across levels and their half-widths (in the
transformed space) never shrink with the horizon.
"""
from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

__all__ = [
    "LEVEL_GRID",
    "apply_count_floor",
    "calibration_for",
    "check_levels",
    "count_floor_half_widths",
    "count_predictive_quantiles",
    "half_widths",
    "interval_multipliers",
    "normal_quantile",
]

#: levels (%) at which calibration quantiles are stored
LEVEL_GRID: tuple[int, ...] = (50, 60, 70, 80, 90, 95, 99)


def normal_quantile(level: float) -> float:
    """Two-sided standard normal quantile for a central ``level``% interval (80 → 1.2816)."""
    return NormalDist().inv_cdf(0.5 + level / 200.0)


def check_levels(levels: Sequence[float]) -> tuple[float, ...]:
    """Validate interval levels (percent, strictly between 0 and 100); returns them as given.

    Raises
    ------
    ParameterError
        A level outside (0, 100) or a repeated level.
    """
    from ctxh_plan.errors import ParameterError

    out = []
    for lv in levels:
        try:
            f = float(lv)
        except (TypeError, ValueError):
            raise ParameterError("levels", "a level must be a number", value=lv,
                                 fix="write levels as percentages, e.g. 80,95") from None
        if not 0 < f < 100:
            raise ParameterError("levels", "a level must be between 0 and 100 (percent)", value=lv,
                                 fix="write levels as percentages, e.g. 80,95")
        out.append(int(f) if f.is_integer() else f)
    if len(set(out)) != len(out):
        raise ParameterError("levels", "a level is repeated", value=list(levels), fix="list each level once")
    return tuple(out)


def calibration_for(method: str) -> dict[str, Any] | None:
    """Measured calibration of ``method`` (dict with ``q`` [horizon][level grid]) or None."""
    from ctxh_plan.forecast.calibration_table import CALIBRATION

    return CALIBRATION.get(method)


def _ratio_at(level: float, qrow: Sequence[float]) -> float:
    """Calibrated/normal quantile ratio at ``level``, interpolated over LEVEL_GRID."""
    import numpy as np

    grid = np.asarray(LEVEL_GRID, dtype=float)
    ratios = np.asarray([q / normal_quantile(g) for q, g in zip(qrow, grid)])
    return float(np.interp(level, grid, ratios))  # clamps outside the grid


def interval_multipliers(method: str, levels: Sequence[float], h: int) -> tuple[Any, bool]:
    """Multipliers of ``sigma`` for each level and horizon.

    Parameters
    ----------
    method : str
        Registered forecaster name (its calibration row is looked up).
    levels : sequence of float
        Interval levels in percent.
    h : int
        Number of horizons.

    Returns
    -------
    (array of shape (len(levels), h), calibrated: bool)
        Horizons beyond the calibrated ones reuse the last calibrated multiplier
        (sigma itself keeps growing with h).
    """
    import numpy as np

    cal = calibration_for(method)
    mult = np.empty((len(levels), h))
    for i, lv in enumerate(levels):
        z = normal_quantile(lv)
        if cal is None:
            mult[i, :] = z
            continue
        q = cal["q"]
        for k in range(h):
            row = q[min(k, len(q) - 1)]
            mult[i, k] = z * _ratio_at(lv, row)
    # nested: a higher level never gets a smaller multiplier
    order = np.argsort(np.asarray(levels, dtype=float))
    mult[order] = np.maximum.accumulate(mult[order], axis=0)
    return mult, cal is not None


def half_widths(method: str, sigma: Any, levels: Sequence[float]) -> tuple[dict[float, Any], bool]:
    """Half-widths (transformed space) per level for a batch ``sigma`` of shape (m, h).

    Half-widths are made non-decreasing along the horizon (cumulative maximum).
    """
    import numpy as np

    sigma = np.asarray(sigma, dtype=float)
    mult, calibrated = interval_multipliers(method, levels, sigma.shape[1])
    out = {}
    for i, lv in enumerate(levels):
        hw = sigma * mult[i][None, :]
        # keep NaN (no spread known) as NaN; otherwise never shrink with h
        filled = np.where(np.isnan(hw), -np.inf, hw)
        acc = np.maximum.accumulate(filled, axis=1)
        out[lv] = np.where(np.isnan(hw), np.nan, acc)
    return out, calibrated


#: count floor: Poisson-gamma quantiles are found by walking the probabilities up to this mean;
#: above it a normal approximation is used (the floor rarely binds there)
_WALK_MAX_MEAN = 200.0


def _negbin_quantiles(r: Any, p: float | Any, probs: Sequence[float]) -> list[Any]:
    """Quantiles (smallest k with CDF(k) >= prob) of NegBin(r, p) for an array of shapes ``r``.

    ``P(X = k) = C(k + r − 1, k) p^r (1 − p)^k`` (mean ``r(1 − p)/p``). Walks the
    probabilities for means up to ``_WALK_MAX_MEAN``; larger means use the normal
    approximation rounded outwards.
    """
    import numpy as np

    r = np.asarray(r, dtype=float)
    p = np.broadcast_to(np.asarray(p, dtype=float), r.shape)
    mean = r * (1 - p) / p
    sd = np.sqrt(mean / p)
    out = []
    big = mean > _WALK_MAX_MEAN
    for q in probs:
        z = normal_quantile(2 * 100 * abs(q - 0.5)) * (1 if q >= 0.5 else -1)
        approx = np.maximum(np.ceil(mean + z * sd) if q >= 0.5 else np.floor(mean + z * sd), 0.0)
        out.append(np.where(big, approx, np.nan))
    small = ~big
    if small.any():
        rs, ps = r[small], p[small]
        pmf = np.exp(rs * np.log(ps))
        cdf = pmf.copy()
        found = [np.where(cdf >= q, 0.0, np.nan) for q in probs]
        kmax = int(np.ceil(_WALK_MAX_MEAN * 3 + 50))
        for k in range(1, kmax + 1):
            if all(not np.isnan(f).any() for f in found):
                break
            pmf = pmf * (k - 1 + rs) / k * (1 - ps)
            cdf = cdf + pmf
            for f, q in zip(found, probs):
                hit = np.isnan(f) & (cdf >= q - 1e-12)
                f[hit] = k
        for o, f in zip(out, found):
            o[small] = np.where(np.isnan(f), kmax, f)
    return out


def count_floor_half_widths(mean_z: Any, n_obs: Any, levels: Sequence[float]) -> dict[float, Any]:
    """Poisson-style minimum half-widths (log1p scale) for count forecasts.

    A count interval is at least as wide as the central ``level``% interval of the
    Poisson predictive distribution at the forecast median ``μ`` with the rate known
    from ``n`` years (Jeffreys prior: ``λ ~ Gamma(n·μ + ½, n)``, so the next count is
    negative binomial with ``r = n·μ + ½``, ``p = n/(n + 1)``). On the log1p scale the
    floor is ``max(z − log1p(q_lo), log1p(q_hi) − z)``, so an interval symmetric on
    that scale covers ``[q_lo, q_hi]``. A constant 0, 0, 0, 0 then gets 0–1 at 80%
    and 95% instead of a zero-width interval; 1, 1, 1, 1 gets 0–3 (95%).

    Parameters
    ----------
    mean_z : ndarray (m, h)
        Point forecasts on the log1p scale.
    n_obs : ndarray (m,)
        Observed (cleaned) points per series.
    levels : sequence of float
        Interval levels in percent.

    Returns
    -------
    dict level → ndarray (m, h), half-widths >= 0 on the log1p scale.
    """
    import numpy as np

    mean_z = np.asarray(mean_z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        mu = np.maximum(np.expm1(mean_z), 0.0)
    ok = np.isfinite(mu)
    n = np.asarray(n_obs, dtype=float)[:, None]
    qs = count_predictive_quantiles(np.where(ok, mu, 0.0), n, levels)
    out = {}
    for lv in levels:
        qlo, qhi = qs[lv]
        hw = np.maximum(np.maximum(mean_z - np.log1p(qlo), np.log1p(qhi) - mean_z), 0.0)
        out[lv] = np.where(ok, hw, 0.0)
    return out


def count_predictive_quantiles(mu: Any, n_obs: Any, levels: Sequence[float]) -> dict[float, tuple[Any, Any]]:
    """Central ``level``% interval of the next count when the expected count is ``mu``.

    The count is Poisson with a rate known from ``n`` years (Jeffreys prior
    ``λ ~ Gamma(n·μ + ½, n)``), so it is negative binomial with ``r = n·μ + ½`` and
    ``p = n/(n + 1)``. Bounds are exact quantiles (smallest ``k`` with
    ``CDF(k) >= prob``, as ``scipy.stats.nbinom.ppf``) for means up to 200, a normal
    approximation rounded outwards above. Example: ``μ = 1``, ``n = 7`` → 0–3 at 80%,
    0–4 at 95% (a pure Poisson(1) would give 0–3 at 95%).

    Parameters
    ----------
    mu : array_like
        Expected counts (events per year, >= 0); non-finite or negative values are
        treated as 0 by the caller's choice — pass finite values.
    n_obs : array_like
        Observed years behind ``mu`` (broadcast against ``mu``; values below 1 count as 1).
    levels : sequence of float
        Interval levels in percent.

    Returns
    -------
    dict level → (lower count, upper count), arrays shaped like ``mu`` (whole numbers
    >= 0); nested across levels.
    """
    import numpy as np

    mu = np.maximum(np.asarray(mu, dtype=float), 0.0)
    n = np.maximum(np.asarray(n_obs, dtype=float), 1.0)
    mu, n = np.broadcast_arrays(mu, n)
    r = n * mu + 0.5
    p = n / (n + 1.0)
    probs: list[float] = []
    for lv in levels:
        a = (1 - float(lv) / 100.0) / 2
        probs += [a, 1 - a]
    if r.size == 0:
        return {lv: (np.zeros(r.shape), np.zeros(r.shape)) for lv in levels}
    qs = _negbin_quantiles(r.ravel(), p.ravel(), probs)
    return {lv: (qs[2 * i].reshape(r.shape), qs[2 * i + 1].reshape(r.shape)) for i, lv in enumerate(levels)}


def apply_count_floor(hw: dict[float, Any], mean_z: Any, n_obs: Any) -> dict[float, Any]:
    """``hw`` (level → (m, h) half-widths, log1p scale) raised to the count floor.

    NaN half-widths (no interval) stay NaN; the result never shrinks with the horizon
    and stays nested across levels.
    """
    import numpy as np

    floor = count_floor_half_widths(mean_z, n_obs, list(hw))
    out = {}
    for lv, w in hw.items():
        raised = np.maximum(w, floor[lv])  # NaN propagates
        filled = np.where(np.isnan(raised), -np.inf, raised)
        out[lv] = np.where(np.isnan(raised), np.nan, np.maximum.accumulate(filled, axis=1))
    return out
