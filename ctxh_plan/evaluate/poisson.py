"""Exact (Garwood) Poisson intervals for small counts and for rates built on counts.

``lo = χ²(α/2; 2k)/2`` (0 when k = 0), ``hi = χ²(1 − α/2; 2k + 2)/2``
(Garwood 1936), computed as the inverse regularised gamma function
(``χ²(q; 2k)/2 = gammaincinv(k, q)``). A rate's interval is the count's interval ÷ denominator × factor
(the denominator, e.g. the child population, is treated as known).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["POISSON_METHOD", "garwood_interval", "pooled_interval", "rate_interval"]

POISSON_METHOD = "Garwood exact Poisson"


def garwood_interval(count: Any, level: float = 0.95) -> tuple[Any, Any]:
    """Exact Poisson confidence interval for an observed count.

    Parameters
    ----------
    count : float or array-like
        Observed count(s) k >= 0 (non-integers are accepted, e.g. pooled sums).
    level : float
        Confidence level, 0 < level < 1 (default 0.95).

    Returns
    -------
    (lo, hi) : floats or numpy arrays, in counts. NaN where ``count`` is NaN or negative.
    """
    import numpy as np
    from scipy.special import gammaincinv

    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    k = np.asarray(count, dtype=float)
    alpha = 1.0 - level
    bad = ~np.isfinite(k) | (k < 0)
    ks = np.where(bad, 0.0, k)
    # chi2.ppf(q, 2k) / 2 == gammaincinv(k, q): same numbers, without scipy.stats' argument checking
    with np.errstate(invalid="ignore"):
        lo = np.where(ks > 0, gammaincinv(np.maximum(ks, 1e-300), alpha / 2), 0.0)
        hi = gammaincinv(ks + 1.0, 1 - alpha / 2)
    lo = np.where(bad, np.nan, lo)
    hi = np.where(bad, np.nan, hi)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def rate_interval(numerator: Any, denominator: Any, factor: float, level: float = 0.95) -> tuple[Any, Any]:
    """Interval of a rate ``numerator / denominator × factor`` from the numerator's Garwood interval.

    NaN where the denominator is missing or not positive.
    """
    import numpy as np

    lo, hi = garwood_interval(numerator, level)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = np.isfinite(den) & (den > 0)
        lo_r = np.where(ok, np.asarray(lo) / np.where(ok, den, 1.0) * factor, np.nan)
        hi_r = np.where(ok, np.asarray(hi) / np.where(ok, den, 1.0) * factor, np.nan)
    if lo_r.ndim == 0:
        return float(lo_r), float(hi_r)
    return lo_r, hi_r


def pooled_interval(counts: Sequence[float], denominators: Sequence[float] | None = None, factor: float = 1.0,
                    level: float = 0.95) -> tuple[float, float, float]:
    """Pool several years: mean annual count (or pooled rate) with its exact interval.

    Counts: ``mean = Σk / n``, interval = Garwood(Σk) / n. Rates: ``Σk / Σden × factor``
    with the interval Garwood(Σk) / Σden × factor.

    Returns
    -------
    (value, lo, hi) ; NaN when ``counts`` is empty.
    """
    ks = [float(k) for k in counts]
    if not ks:
        return float("nan"), float("nan"), float("nan")
    total = sum(ks)
    if denominators is None:
        lo, hi = garwood_interval(total, level)
        n = len(ks)
        return total / n, lo / n, hi / n
    den = sum(float(x) for x in denominators)
    lo, hi = rate_interval(total, den, factor, level)
    return (total / den * factor if den > 0 else float("nan")), lo, hi
