"""Accuracy measures, rolling-origin windows and interval calibration.

Used by ``benchmarks/forecast_tourism.py`` (and available to notebooks):

* :func:`smape`, :func:`mase`, :func:`coverage` — per-series scores.
* :func:`rolling_windows` — pseudo-test windows *inside* a training part, so
  calibration never sees the test points of the series it is evaluated on.
* :func:`standardized_errors` / :func:`calibrate_method` — quantiles of
  ``|z_actual − z_forecast| / sigma`` per horizon at the levels of
  ``intervals.LEVEL_GRID``, the numbers stored in ``calibration_table.py``.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "calibrate_method",
    "coverage",
    "mase",
    "predict_transformed",
    "rolling_windows",
    "smape",
    "standardized_errors",
]


def smape(actual: Any, forecast: Any) -> Any:
    """Symmetric MAPE per series, percent (0–200): mean of ``200·|a−f|/(|a|+|f|)`` over horizons."""
    import numpy as np

    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    den = np.abs(a) + np.abs(f)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(den == 0, 0.0, 200.0 * np.abs(a - f) / den)
    return np.nanmean(r, axis=-1)


def mase(actual: Any, forecast: Any, insample: Sequence[Any]) -> Any:
    """MASE per series: mean absolute error ÷ in-sample MAE of the naive (lag-1) forecast.

    ``insample`` is a list of 1-D arrays (one per series, any lengths >= 2).
    """
    import numpy as np

    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    scale = np.array([np.mean(np.abs(np.diff(np.asarray(x, float)))) for x in insample])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nanmean(np.abs(a - f), axis=-1) / scale


def coverage(actual: Any, lo: Any, hi: Any) -> float:
    """Share (0–1) of actual values inside [lo, hi] (NaN actuals ignored)."""
    import numpy as np

    a = np.asarray(actual, float)
    ok = ~np.isnan(a)
    inside = (a >= np.asarray(lo, float)) & (a <= np.asarray(hi, float))
    return float(inside[ok].mean())


def rolling_windows(series: Sequence[Any], *, window: int = 10, horizon: int = 6, origins: int = 3,
                    step: int = 2, min_fit: int = 5) -> tuple[list[Any], Any]:
    """Fit/pseudo-test pairs cut from the *training* parts of ``series``.

    For a training part of length ``L`` the origins are ``L − horizon − step·j``
    (j < ``origins``), moved up to ``min_fit`` when the series is short; the fit
    part is the ``window`` points before the origin, the pseudo-test the
    ``horizon`` points after it (NaN-padded past the end of the training part).

    Returns
    -------
    fits : list of 1-D arrays; actual : ndarray (len(fits), horizon)
    """
    import numpy as np

    fits, actual = [], []
    for y in series:
        y = np.asarray(y, float)
        L = len(y)
        seen = set()
        for j in range(origins):
            o = max(min_fit, L - horizon - step * j)
            if o >= L or o in seen:
                continue
            seen.add(o)
            fits.append(y[max(0, o - window):o])
            test = np.full(horizon, np.nan)
            part = y[o:o + horizon]
            test[:len(part)] = part
            actual.append(test)
    return fits, np.array(actual).reshape(len(fits), horizon)


def predict_transformed(forecaster: Any, fits: Sequence[Any], kind: str, h: int) -> tuple[Any, Any, Any]:
    """Transformed-space forecasts for complete (gap-free) series of any lengths >= 3.

    Returns mean_z, sigma_z (each (len(fits), h)) and the transform used.
    """
    import numpy as np

    from ctxh_plan.forecast.transforms import get_transform

    tr = get_transform(kind)
    mean = np.full((len(fits), h), np.nan)
    sigma = np.full((len(fits), h), np.nan)
    by_len: dict[int, list[int]] = {}
    for i, y in enumerate(fits):
        by_len.setdefault(len(y), []).append(i)
    for n, idx in by_len.items():
        if n < 3:
            continue
        Z = tr.forward(np.vstack([fits[i] for i in idx]))
        out = forecaster.predict_batch(Z, h)
        mean[idx], sigma[idx] = out.mean, out.sigma
    return mean, sigma, tr


def standardized_errors(forecaster: Any, fits: Sequence[Any], actual: Any, kind: str = "count") -> Any:
    """``(z_actual − z_forecast) / sigma`` per window and horizon (NaN where unknown)."""
    import numpy as np

    h = actual.shape[1]
    mean, sigma, tr = predict_transformed(forecaster, fits, kind, h)
    with np.errstate(invalid="ignore", divide="ignore"):
        e = (tr.forward(actual) - mean) / sigma
    e[~np.isfinite(e)] = np.nan
    return e


def calibrate_method(forecaster: Any, fits: Sequence[Any], actual: Any, kind: str = "count") -> dict[str, Any]:
    """Calibration entry for one forecaster: ``{"q": [[q per LEVEL_GRID] per horizon], "n": [...]}``.

    ``q[h][i]`` is the ``LEVEL_GRID[i]``% quantile of ``|standardized error|`` at horizon h+1;
    quantiles are made non-decreasing across levels.
    """
    import numpy as np

    from ctxh_plan.forecast.intervals import LEVEL_GRID

    e = np.abs(standardized_errors(forecaster, fits, actual, kind))
    q, counts = [], []
    for k in range(e.shape[1]):
        col = e[:, k][~np.isnan(e[:, k])]
        row = np.quantile(col, np.asarray(LEVEL_GRID) / 100.0) if col.size else np.full(len(LEVEL_GRID), np.nan)
        q.append([round(float(v), 4) for v in np.maximum.accumulate(row)])
        counts.append(int(col.size))
    return {"q": q, "n": counts}
