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

from statistics import NormalDist
from typing import Any, Sequence

__all__ = [
    "LEVEL_GRID",
    "normal_quantile",
    "calibration_for",
    "interval_multipliers",
    "half_widths",
    "check_levels",
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
    from ..errors import ParameterError

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
    from .calibration_table import CALIBRATION

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
