"""Working spaces for rates of change, and value rounding/bounds (vectorised).

Near 100% a percentage improves by closing its shortfall, so paths and rates for
"higher is better" percentages with both ends above a threshold are computed on
``100 − p`` (domain.md, "work on the shortfall"). Everything here works on numpy
arrays, one element per (unit, indicator).
"""
from __future__ import annotations

import numpy as np

__all__ = ["annual_rate", "clip_bounds", "display_decimals", "from_work", "round_good", "shortfall_mask", "to_work"]


def shortfall_mask(bounded_100, sign, start, end, threshold: float) -> np.ndarray:
    """Rows that work on the shortfall ``100 − p``.

    Parameters
    ----------
    bounded_100 : bool array
        Indicator is a percentage bounded by 100.
    sign : int array
        +1 higher is better, −1 lower is better.
    start, end : float arrays
        Base value and target, in percent (0–100).
    threshold : float
        Both ``start`` and ``end`` must exceed it (percent points).
    """
    start = np.asarray(start, float)
    end = np.asarray(end, float)
    with np.errstate(invalid="ignore"):
        return np.asarray(bounded_100, bool) & (np.asarray(sign) > 0) & (start > threshold) & (end > threshold)


def to_work(x, shortfall) -> np.ndarray:
    """Value → working space (``100 − x`` where ``shortfall``); an involution."""
    x = np.asarray(x, float)
    return np.where(shortfall, 100.0 - x, x)


from_work = to_work


def annual_rate(start, end, years, zero: float = 0.001) -> np.ndarray:
    """Compound annual rate ``(end/start)^(1/years) − 1`` (fraction per year).

    Zeros are replaced by ``zero`` (Open SDG convention); NaN where an input is
    missing, negative, or ``years <= 0``.
    """
    s = np.asarray(start, float)
    e = np.asarray(end, float)
    n = np.asarray(years, float)
    s = np.where(s == 0, zero, s)
    e = np.where(e == 0, zero, e)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (s > 0) & (e > 0) & (n > 0)
        r = np.power(np.where(ok, e / np.where(ok, s, 1.0), 1.0), 1.0 / np.where(ok, n, 1.0)) - 1.0
    return np.where(ok, r, np.nan)


def display_decimals(x, decimals, kind_is_count=None) -> np.ndarray:
    """Decimals to keep: the catalogue's, or more for small values (two significant digits).

    0.0067 with 2 catalogue decimals keeps 4 (0.0067) instead of collapsing to 0.00.
    Rows with 0 catalogue decimals (counts) stay whole numbers.
    """
    x = np.abs(np.asarray(x, float))
    d = np.asarray(decimals, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where((x > 0) & (x < 1), 1 - np.floor(np.log10(np.where(x > 0, x, 1.0))), 0.0)
    return np.where(d == 0, 0.0, np.maximum(d, np.nan_to_num(need)))


def round_good(x, decimals, sign) -> np.ndarray:
    """Round to ``decimals`` in the GOOD direction (up if higher is better, down if lower).

    Rounding this way keeps a target that meets a floor still meeting it
    (22.4 deaths allowed → target 22). A tiny tolerance keeps 3.0000000001 at 3.
    """
    x = np.asarray(x, float)
    scale = np.power(10.0, np.asarray(decimals, float))
    y = x * scale
    up = np.ceil(y - 1e-6)
    down = np.floor(y + 1e-6)
    return np.where(np.asarray(sign) > 0, up, down) / scale


def clip_bounds(x, lo, hi) -> np.ndarray:
    """Clip to ``[lo, hi]``; NaN bounds mean no bound."""
    x = np.asarray(x, float)
    lo = np.asarray(lo, float)
    hi = np.asarray(hi, float)
    x = np.where(np.isnan(lo) | np.isnan(x), x, np.maximum(x, np.nan_to_num(lo, nan=-np.inf)))
    return np.where(np.isnan(hi) | np.isnan(x), x, np.minimum(x, np.nan_to_num(hi, nan=np.inf)))
