"""Single forecasting methods, all on the transformed scale (see base.py).

Vectorised across series (numpy, a few ms for hundreds of series):

* ``naive``  — last value; sigma ``s·√h`` (s = RMS of first differences).
* ``drift``  — last value + h × mean change; sigma ``s·√(h(1 + h/(n−1)))``.
* ``ses``    — simple exponential smoothing, α on a grid 0.02…1 by least squares,
  level started at the first value; sigma ``s·√(1 + (h−1)α²)``.
* ``damped`` — damped additive trend (Holt), grid over α, β ≤ 0.4α, φ ∈ {0.9, 0.95, 0.98};
  sigma from the ETS(A,Ad,N) formula ``s²(1 + Σ_{j<h} (α + βΣ_{i≤j} φ^i)²)``.
* ``theta``  — classic Theta: SES plus drift of half the OLS slope,
  ``ŷ = ℓ_n + b/2·(h − 1 + 1/α − (1−α)^n/α)``; sigma as SES.
* ``theta_damped`` — Theta whose drift steps are damped, ``h − 1`` → ``Σ_{i<h} φ^i``
  with φ = THETA_DAMPED_PHI (0.7; chosen on the Tourism training windows).
* ``trend``  — robust straight line (Theil–Sen slope, median intercept); sigma
  from the residual SD with the OLS prediction-error factor.

statsmodels versions (one fit per series, slower; kept for comparison):
``ses_sm``, ``damped_sm`` (ExponentialSmoothing, ``use_brute=False``) and
``theta_sm`` (ThetaModel; a constant series returns the constant). A failed
statsmodels fit falls back to the numpy version of the same method, logged and
written in ``note``.
"""
from __future__ import annotations

import logging
from typing import Any, ClassVar

from ctxh_plan.forecast.base import BatchForecast, Forecaster, Naive, rms, steps

__all__ = [
    "SES",
    "THETA_DAMPED_PHI",
    "Damped",
    "DampedStatsmodels",
    "Drift",
    "Naive",
    "RobustTrend",
    "SESStatsmodels",
    "Theta",
    "ThetaDamped",
    "ThetaStatsmodels",
    "fit_damped_grid",
    "fit_ses_grid",
]

log = logging.getLogger(__name__)

ALPHA_GRID = tuple(round(0.02 * k, 2) for k in range(1, 51))          # 0.02 … 1.00
DAMPED_ALPHAS = tuple(round(0.05 * k, 2) for k in range(1, 21))       # 0.05 … 1.00
DAMPED_BETA_SHARES = (0.0, 0.05, 0.1, 0.2, 0.4)                        # β = share × α
DAMPED_PHIS = (0.9, 0.95, 0.98)
#: drift damping of ``theta_damped`` (chosen by MASE on the Tourism training windows)
THETA_DAMPED_PHI = 0.7
#: series per block in the grid searches (300 × 256 floats ≈ 0.6 MB per array stays in cache)
BLOCK = 256


def fit_ses_grid(Z: Any, alphas: Any = ALPHA_GRID) -> tuple[Any, Any, Any]:
    """Least-squares SES for each row of ``Z`` (m, n) over an α grid.

    Works on blocks of :data:`BLOCK` series (the grid × block arrays stay in cache);
    results do not depend on the block size.

    Returns
    -------
    alpha (m,), final level (m,), RMS one-step error (m,)
    """
    import numpy as np

    m, n = Z.shape
    a = np.asarray(alphas, dtype=float)[:, None]
    out_a, out_l, out_s = np.empty(m), np.empty(m), np.empty(m)
    for b0 in range(0, m, BLOCK):
        Zb = Z[b0:b0 + BLOCK]
        mb = Zb.shape[0]
        level = np.broadcast_to(Zb[:, 0], (a.shape[0], mb)).copy()
        sse = np.zeros_like(level)
        e = np.empty_like(level)
        tmp = np.empty_like(level)
        for t in range(1, n):
            np.subtract(Zb[:, t], level, out=e)
            np.multiply(e, e, out=tmp)
            sse += tmp
            np.multiply(a, e, out=tmp)
            level += tmp
        best = np.argmin(sse, axis=0)
        cols = np.arange(mb)
        out_a[b0:b0 + mb] = a[best, 0]
        out_l[b0:b0 + mb] = level[best, cols]
        out_s[b0:b0 + mb] = np.sqrt(sse[best, cols] / max(n - 1, 1))
    return out_a, out_l, out_s


def fit_damped_grid(Z: Any) -> tuple[Any, ...]:
    """Least-squares damped-trend Holt for each row of ``Z`` (m, n) over a parameter grid.

    Level starts at the first value, trend at the mean yearly change of the whole
    series (measured better than the first three points on both the training
    windows and the test part of the Tourism benchmark). Works on blocks of
    :data:`BLOCK` series with in-place updates (same arithmetic, same results).
    Returns alpha, beta, phi, level, trend, RMS one-step error (each (m,)).
    """
    import numpy as np

    m, n = Z.shape
    grid = np.array([(a, sh * a, p) for a in DAMPED_ALPHAS for sh in DAMPED_BETA_SHARES
                     for p in DAMPED_PHIS])
    A, B, P = (grid[:, i][:, None] for i in range(3))
    outs = [np.empty(m) for _ in range(6)]
    for b0 in range(0, m, BLOCK):
        Zb = Z[b0:b0 + BLOCK]
        mb = Zb.shape[0]
        level = np.broadcast_to(Zb[:, 0], (len(grid), mb)).copy()
        trend = np.broadcast_to((Zb[:, -1] - Zb[:, 0]) / (n - 1), (len(grid), mb)).copy()
        sse = np.zeros_like(level)
        pt, pred, e, tmp = (np.empty_like(level) for _ in range(4))
        for t in range(1, n):
            np.multiply(P, trend, out=pt)          # φ·b
            np.add(level, pt, out=pred)            # ℓ + φ·b
            np.subtract(Zb[:, t], pred, out=e)
            np.multiply(e, e, out=tmp)
            sse += tmp
            np.multiply(A, e, out=tmp)
            np.add(pred, tmp, out=level)           # ℓ ← pred + α·e
            np.multiply(B, e, out=tmp)
            np.add(pt, tmp, out=trend)             # b ← φ·b + β·e
        best = np.argmin(sse, axis=0)
        cols = np.arange(mb)
        sl = slice(b0, b0 + mb)
        outs[0][sl], outs[1][sl], outs[2][sl] = A[best, 0], B[best, 0], P[best, 0]
        outs[3][sl], outs[4][sl] = level[best, cols], trend[best, cols]
        outs[5][sl] = np.sqrt(sse[best, cols] / max(n - 1, 1))
    return tuple(outs)


def damped_sigma(s: Any, alpha: Any, beta: Any, phi: Any, h: int) -> Any:
    """ETS(A,Ad,N) h-step SD: ``s·√(1 + Σ_{j=1}^{h−1} (α + β·Σ_{i=1}^{j} φ^i)²)`` (shape (m, h))."""
    import numpy as np

    j = steps(h)[None, :]
    phi = phi[:, None]
    cum = np.where(np.isclose(phi, 1.0), j, phi * (1 - phi ** j) / np.where(np.isclose(phi, 1.0), 1, 1 - phi))
    c = alpha[:, None] + beta[:, None] * cum                      # c_j for j = 1..h
    c2 = np.concatenate([np.zeros((len(s), 1)), np.cumsum(c[:, :-1] ** 2, axis=1)], axis=1)
    return s[:, None] * np.sqrt(1.0 + c2)


def damped_mean(level: Any, trend: Any, phi: Any, h: int) -> Any:
    """``ℓ + b·Σ_{i=1}^{h} φ^i`` (shape (m, h))."""
    import numpy as np

    j = steps(h)[None, :]
    cum = np.cumsum(phi[:, None] ** j, axis=1)
    return level[:, None] + trend[:, None] * cum


def ses_sigma(s: Any, alpha: Any, h: int) -> Any:
    import numpy as np

    return s[:, None] * np.sqrt(1.0 + (steps(h)[None, :] - 1.0) * alpha[:, None] ** 2)


def theta_mean(level: Any, alpha: Any, slope: Any, n: int, h: int, weight: float = 0.5,
               phi: float = 1.0) -> Any:
    """Theta point forecast: SES level + ``weight`` × OLS slope with the SES drift correction.

    Classic Theta (θ = 2) is ``weight = 0.5``, ``phi = 1``:
    ``ℓ_n + b/2·(h − 1 + 1/α − (1−α)^n/α)``. With ``phi < 1`` the drift steps are
    damped: ``h − 1`` becomes ``Σ_{i=1}^{h−1} φ^i``.
    """
    import numpy as np

    j = steps(h)[None, :]
    a = alpha[:, None]
    drift_steps = j - 1.0 if phi == 1.0 else np.concatenate([[0.0], np.cumsum(phi ** steps(h - 1))])[None, :]
    return level[:, None] + slope[:, None] * weight * (drift_steps + 1.0 / a - (1.0 - a) ** n / a)


def ols_slope(Z: Any) -> Any:
    """OLS slope of each row on 0..n−1 (per step)."""
    import numpy as np

    n = Z.shape[1]
    t = np.arange(n, dtype=float) - (n - 1) / 2.0
    return (Z @ t) / np.sum(t * t)


class Drift(Forecaster):
    name = "drift"
    summary = "random walk with drift: last value + average yearly change"

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        import numpy as np

        n = Z.shape[1]
        d = np.diff(Z, axis=1)
        b = (Z[:, -1] - Z[:, 0]) / (n - 1)
        s = rms(d - b[:, None], ddof=1)
        j = steps(h)[None, :]
        return BatchForecast(Z[:, -1:] + b[:, None] * j, s[:, None] * np.sqrt(j * (1.0 + j / (n - 1))))


class SES(Forecaster):
    name = "ses"
    summary = "simple exponential smoothing (grid-fitted α, vectorised)"

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        import numpy as np

        alpha, level, s = fit_ses_grid(Z)
        return BatchForecast(np.repeat(level[:, None], h, axis=1), ses_sigma(s, alpha, h))


class Damped(Forecaster):
    name = "damped"
    summary = "Holt's damped additive trend (grid-fitted, vectorised)"

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        alpha, beta, phi, level, trend, s = fit_damped_grid(Z)
        return BatchForecast(damped_mean(level, trend, phi, h), damped_sigma(s, alpha, beta, phi, h))


class Theta(Forecaster):
    name = "theta"
    summary = "classic Theta method: SES with drift = half the OLS slope (vectorised)"
    #: settings whose calibration was measured (others use normal quantiles, said in note)
    _measured: ClassVar[tuple[float, float]] = (0.5, 1.0)

    def __init__(self, weight: float = 0.5, phi: float | None = None) -> None:
        super().__init__()
        self.weight = float(weight)
        self.phi = float(self._measured[1] if phi is None else phi)
        if not 0 < self.phi <= 1:
            from ctxh_plan.errors import ParameterError

            raise ParameterError("phi", "must be in (0, 1]", value=phi, fix="e.g. phi=0.7")

    @property
    def calibration_key(self) -> str:
        if (self.weight, self.phi) == self._measured:
            return self.name
        return f"{self.name}:w{self.weight:g}:phi{self.phi:g}"  # not measured → normal quantiles

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        alpha, level, s = fit_ses_grid(Z)
        mean = theta_mean(level, alpha, ols_slope(Z), Z.shape[1], h, self.weight, self.phi)
        return BatchForecast(mean, ses_sigma(s, alpha, h))


class ThetaDamped(Theta):
    name = "theta_damped"
    summary = (f"Theta with a damped drift (φ = {THETA_DAMPED_PHI} a year, chosen on the Tourism "
               "training windows)")
    _measured = (0.5, THETA_DAMPED_PHI)


class RobustTrend(Forecaster):
    name = "trend"
    summary = "robust straight line (Theil–Sen slope), for comparison — a poor default"

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        import numpy as np

        _m, n = Z.shape
        i, j = np.triu_indices(n, k=1)
        slope = np.median((Z[:, j] - Z[:, i]) / (j - i), axis=1)
        t = np.arange(n, dtype=float)
        icpt = np.median(Z - slope[:, None] * t[None, :], axis=1)
        resid = Z - icpt[:, None] - slope[:, None] * t[None, :]
        s = rms(resid, ddof=2)
        tf = n - 1 + steps(h)
        tbar = t.mean()
        factor = np.sqrt(1.0 + 1.0 / n + (tf - tbar) ** 2 / np.sum((t - tbar) ** 2))
        return BatchForecast(icpt[:, None] + slope[:, None] * tf[None, :], s[:, None] * factor[None, :])


class _PerSeries(Forecaster):
    """statsmodels methods: one fit per row; constant rows return the constant.

    A failed fit falls back to ``fallback`` (statsforecast's ``fallback_model``; default: the numpy
    version of the same method), logged and written in the row's note — never silent.
    """

    per_series = True
    default_fallback: ClassVar[type[Forecaster]] = Naive

    def __init__(self, fallback: Forecaster | None = None) -> None:
        super().__init__()
        self.fallback = fallback if fallback is not None else self.default_fallback()

    def fit_one(self, z: Any, h: int) -> tuple[Any, Any]:
        """Fit one transformed series ``z`` (n,); returns (mean (h,), sigma (h,)) of the h-step forecast."""
        raise NotImplementedError

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        import warnings

        import numpy as np

        m = Z.shape[0]
        mean = np.empty((m, h))
        sigma = np.empty((m, h))
        failed = []
        notes: dict[int, list[str]] = {}
        for r in range(m):
            z = Z[r]
            if np.ptp(z) == 0:
                mean[r], sigma[r] = z[-1], 0.0
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # optimiser chatter on tiny samples
                    mean[r], sigma[r] = self.fit_one(z, h)
                if not (np.all(np.isfinite(mean[r])) and np.all(np.isfinite(sigma[r]))):
                    raise FloatingPointError("non-finite forecast")
            except Exception as exc:
                failed.append(r)
                notes.setdefault(r, []).append(
                    f"{self.name} failed ({type(exc).__name__}: {exc}); used {self.fallback.name}")
        if failed:
            log.warning("%s failed on %d of %d series; used %s", self.name, len(failed), m,
                        self.fallback.name)
            fb = self.fallback.predict_batch(Z[failed], h)
            mean[failed], sigma[failed] = fb.mean, fb.sigma
        return BatchForecast(mean, sigma, notes)


class SESStatsmodels(_PerSeries):
    name = "ses_sm"
    summary = "statsmodels ExponentialSmoothing, no trend (estimated start, use_brute=False)"
    default_fallback = SES

    def fit_one(self, z: Any, h: int) -> tuple[Any, Any]:
        import numpy as np
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        res = ExponentialSmoothing(z, trend=None, initialization_method="estimated").fit(use_brute=False)
        alpha = np.array([float(res.params["smoothing_level"])])
        s = rms((z - res.fittedvalues)[None, :], ddof=1)
        return np.asarray(res.forecast(h)), ses_sigma(s, alpha, h)[0]


class DampedStatsmodels(_PerSeries):
    name = "damped_sm"
    summary = "statsmodels ExponentialSmoothing, damped additive trend (use_brute=False)"
    default_fallback = Damped

    def fit_one(self, z: Any, h: int) -> tuple[Any, Any]:
        import numpy as np
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        res = ExponentialSmoothing(z, trend="add", damped_trend=True,
                                   initialization_method="estimated").fit(use_brute=False)
        p = res.params
        alpha = np.array([float(p["smoothing_level"])])
        beta = alpha * float(p["smoothing_trend"])
        phi = np.array([float(p["damping_trend"])])
        s = rms((z - res.fittedvalues)[None, :], ddof=3)
        return np.asarray(res.forecast(h)), damped_sigma(s, alpha, beta, phi, h)[0]


class ThetaStatsmodels(_PerSeries):
    name = "theta_sm"
    summary = "statsmodels ThetaModel (no deseasonalising); constant series → constant"
    default_fallback = Theta

    def fit_one(self, z: Any, h: int) -> tuple[Any, Any]:
        import numpy as np
        from statsmodels.tsa.forecasting.theta import ThetaModel

        res = ThetaModel(z, period=1, deseasonalize=False).fit()
        alpha = np.array([float(res.params["alpha"])])
        # ``res.sigma2`` refits a state-space model (~1 s per series): use the RMS
        # one-step error of SES at the fitted alpha instead
        _, _, s = fit_ses_grid(z[None, :], alphas=alpha)
        return np.asarray(res.forecast(h)), ses_sigma(s, alpha, h)[0]
