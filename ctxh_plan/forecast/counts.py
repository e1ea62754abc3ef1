"""A count model for small counts: Poisson / negative-binomial regression on year.

Harm counts per unit after the 2025 reform are small (0–15 a year, often 0). For
them the default forecaster (calibrated on large series, then widened to a Poisson
minimum) gives intervals far too wide. This module forecasts them with a model of
the counts themselves:

* **Model.** ``Y_t ~ NB2(μ_t, φ)`` (variance ``μ + φμ²``; ``φ = 0`` is Poisson) with
  ``log μ_t = log E_t + a + b·s_t``: a log-linear trend in the year ``s_t`` (0 at the
  last supplied year), ``E_t`` an exposure (1 for counts; the denominator for a rate,
  e.g. children for deaths per 100,000 children).
* **Fit.** Penalised Newton–Raphson (IRLS) on ``(a, b)``, vectorised over all series
  at once (numpy; two parameters per series, so each step is a closed-form 2 × 2
  solve). Missing years simply carry no weight.
* **Empirical-Bayes shrinkage** across the series of one group (the units of one
  indicator): the trend gets the prior ``b ~ N(b̄, τ²)`` with ``b̄, τ²`` estimated
  from the group (DerSimonian–Laird, with the group's Pearson scale for
  overdispersion); the level gets the gamma prior ``e^a ~ Gamma(α, β)`` estimated
  by moments (Marshall); the dispersion ``φ`` of a series is its own moment estimate
  shrunk to the group's (weight ``df/(df + DISPERSION_WEIGHT)``). A series without
  a group (fewer than :data:`MIN_GROUP` informative series) gets fixed weak priors:
  ``b ~ N(0, SLOPE_SD²)``, Jeffreys ``Gamma(½, 0)`` on the level, ``φ`` shrunk to
  :data:`DISPERSION_PRIOR`.
* **Predictive distribution** of the count in year ``T + h``: the NB2 mixture over
  the parameter uncertainty, matched in mean and variance. The level ``e^a`` is read
  as gamma-distributed (posterior mean ``e^a``, squared CV ``v_a = Var(a)``; exact for
  Poisson counts under a gamma prior: an all-zero series of ``n`` years gets the
  Jeffreys answer ``P(0) = (n/(n+1))^½``), the trend's extra uncertainty
  ``x_h = Var(a + b·h) − Var(a)`` as log-normal: ``μ_h = exp(log E + a + b·h + x_h/2)``,
  dispersion ``(1 + φ)(1 + v_a)e^{x_h} − 1``. Everything downstream — intervals (whole
  numbers), the point forecast (the predictive median), probabilities (``prob_meets``,
  with P(0) exact) — is read from that integer distribution, never from a continuous
  transform.
* **Intervals** are central intervals of the predictive distribution whose tail
  probabilities are the *nearest* to the nominal tails (see :func:`count_intervals`):
  with whole numbers a "≥ level" rule covers far more than the level (an 80% interval
  of Poisson(0.3) would be 0–1, covering 96%), so that rule over-covers even with the
  true distribution; the nearest rule covers close to the level on average.

Which series: kind ``count``, whole-number values, and a recent level (mean of the last
:data:`RECENT` observed values) up to :data:`SWITCH_MEAN`; larger counts keep today's
default. The switch point was chosen by backtest (``benchmarks/forecast_counts.py``,
docs/FORECASTING.md). Settings of :class:`CountModel` override every constant.
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ctxh_plan.errors import ParameterError
from ctxh_plan.forecast.base import BatchForecast, Forecaster, ForecastResult

__all__ = [
    "COUNT_NOTE",
    "DAMPING",
    "DISPERSION_PRIOR",
    "DISPERSION_WEIGHT",
    "MIN_GROUP",
    "RECENT",
    "SLOPE_DF",
    "SLOPE_SD",
    "SLOPE_SD_MIN",
    "SWITCH_MEAN",
    "CountFit",
    "CountModel",
    "CountPredictive",
    "count_cdf",
    "count_intervals",
    "count_quantiles",
    "eligible_series",
    "fit_counts",
    "forecast_counts_long",
    "predict_counts",
]

log = logging.getLogger(__name__)

#: recent level (mean count of the last RECENT observed years) up to which the count model is used;
#: chosen by the rolling-origin backtest in benchmarks/forecast_counts.py
SWITCH_MEAN = 20.0
#: observed years averaged for the recent level
RECENT = 3
#: prior SD of the yearly log-trend for a series without a group (≈ ±10% a year at 2 SD)
SLOPE_SD = 0.05
#: degrees of freedom of the Student-t trend prior (heavy tails: a clear steep trend is not shrunk away)
SLOPE_DF = 3.0
#: the group's trend spread is never taken below this (keeps some room for a unit's own trend)
SLOPE_SD_MIN = 0.02
#: NB2 dispersion φ a series is shrunk to when there is no group (Var = μ + φμ²)
DISPERSION_PRIOR = 0.1
#: pseudo degrees of freedom of the group (or prior) dispersion in the shrinkage of φ
DISPERSION_WEIGHT = 10.0
#: informative series (>= 3 years, some count > 0) a group needs before its priors are estimated
MIN_GROUP = 5
#: damping of the trend per year ahead (1 = a straight log-linear trend)
DAMPING = 1.0
#: written in ``note`` of every series the count model forecast
COUNT_NOTE = "mô hình đếm Poisson–NB / count model"

_WEAK_SLOPE_VAR = 1.0   # prior variance of the first (raw) fit: b ~ N(0, 1), almost flat
_NEWTON_STEPS = 60
_MAX_STEP = 2.0         # largest change of a or of b·(span) per Newton step (log scale)
_BIG_MEAN = 400.0       # above this expected count, quantiles use a normal approximation


# --------------------------------------------------------------------------- predictive distribution

@dataclass
class CountPredictive:
    """Predictive distributions ``value = loc + scale · Y`` with ``Y ~ NB2(mu, disp)``.

    ``Y`` is a whole-number count with mean ``mu`` and variance ``mu + disp·mu²``
    (``disp = 0``: Poisson). ``loc``/``scale`` map the count to the indicator's value:
    ``0``/``1`` for counts; ``0``/``factor ÷ denominator`` for a rate (deaths per 100,000
    children: ``scale = 100000 / children``); ``100``/``−100 ÷ denominator`` for a
    percentage read through its complement (children *not* reached). Arrays broadcast
    together, e.g. shape (series, years).
    """

    mu: Any
    disp: Any
    loc: Any = 0.0
    scale: Any = 1.0

    def __post_init__(self) -> None:
        import numpy as np

        self.mu, self.disp, self.loc, self.scale = np.broadcast_arrays(
            *(np.asarray(x, dtype=float) for x in (self.mu, self.disp, self.loc, self.scale)))

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.mu.shape)

    def to_value(self, k: Any) -> Any:
        """Counts → values (``loc + scale·k``)."""
        return self.loc + self.scale * k

    def intervals(self, levels: Sequence[float] = (80, 95)) -> dict[float, tuple[Any, Any]]:
        """Central intervals on the value scale (nearest-tail rule, see :func:`count_intervals`)."""
        import numpy as np

        ks = count_intervals(self.mu, self.disp, levels)
        out = {}
        for lv, (klo, khi) in ks.items():
            a, b = self.to_value(klo), self.to_value(khi)
            out[lv] = (np.minimum(a, b), np.maximum(a, b))
        return out

    def quantile(self, p: Any) -> Any:
        """Quantile ``p`` (0–1) of the value: the smallest value with P(value ≤ it) >= p."""
        import numpy as np

        p = np.broadcast_to(np.asarray(p, dtype=float), self.shape)
        # a negative scale reverses the order: the value's p-quantile is the count's (1 − p)-quantile
        q = np.where(self.scale < 0, 1.0 - p, p)
        k = _quantiles_varying(self.mu.ravel(), self.disp.ravel(), q.ravel()).reshape(self.shape)
        return self.to_value(k)

    def median(self) -> Any:
        """Predictive median of the value (a whole count mapped to the value scale)."""
        return self.quantile(0.5)

    def mean(self) -> Any:
        """Expected value ``loc + scale·mu``."""
        return self.loc + self.scale * self.mu

    def prob_le(self, t: Any) -> Any:
        """P(value ≤ t), exact (whole counts)."""
        return self._prob(t, strict=False)

    def prob_lt(self, t: Any) -> Any:
        """P(value < t), exact."""
        return self._prob(t, strict=True)

    def _prob(self, t: Any, strict: bool) -> Any:
        import numpy as np

        t = np.broadcast_to(np.asarray(t, dtype=float), self.shape)
        sc = self.scale
        with np.errstate(invalid="ignore", divide="ignore"):
            x = (t - self.loc) / np.where(sc == 0, 1.0, sc)
        tol = 1e-9 * np.maximum(1.0, np.abs(x))
        below_floor = np.floor(x + tol)          # largest k with k <= x (rounding noise absorbed)
        strictly_below = np.ceil(x - tol) - 1    # largest k with k < x
        if strict:
            # value < t: scale > 0 → Y < x; scale < 0 → Y > x
            pos = count_cdf(strictly_below, self.mu, self.disp)
            neg = 1.0 - count_cdf(below_floor, self.mu, self.disp)
            point = np.where(self.loc < t, 1.0, 0.0)
        else:
            pos = count_cdf(below_floor, self.mu, self.disp)
            neg = 1.0 - count_cdf(strictly_below, self.mu, self.disp)
            point = np.where(self.loc <= t, 1.0, 0.0)
        out = np.where(sc > 0, pos, np.where(sc < 0, neg, point))
        missing = np.isnan(t) | np.isnan(self.mu) | np.isnan(self.disp) | np.isnan(sc) | np.isnan(self.loc)
        return np.where(missing, np.nan, np.clip(out, 0.0, 1.0))


def count_cdf(k: Any, mu: Any, disp: Any) -> Any:
    """P(Y ≤ k) for ``Y ~ NB2(mu, disp)`` (Poisson when ``disp`` is 0), exact.

    Parameters
    ----------
    k : array_like
        Counts (whole numbers; below 0 → probability 0).
    mu : array_like
        Means (>= 0).
    disp : array_like
        NB2 dispersion (>= 0): variance ``mu + disp·mu²``.
    """
    import numpy as np
    from scipy.special import betainc, gammaincc

    k, mu, disp = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (k, mu, disp)))
    out = np.zeros(k.shape)
    ok = k >= 0
    kk = np.where(ok, k, 0.0)
    pois = disp < 1e-10
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        m = np.maximum(mu, 0.0)
        p_pois = np.where(m > 0, gammaincc(kk + 1.0, np.where(m > 0, m, 1.0)), 1.0)
        r = 1.0 / np.where(pois, 1.0, disp)
        p_nb = betainc(r, kk + 1.0, 1.0 / (1.0 + m * np.where(pois, 0.0, disp)))
    out = np.where(ok, np.where(pois, p_pois, p_nb), 0.0)
    return np.where(np.isnan(mu) | np.isnan(disp) | np.isnan(k), np.nan, out)


def _walk(mu: Any, disp: Any, targets: Sequence[float]) -> list[tuple[Any, Any, Any]]:
    """For each target probability: the smallest k with CDF(k) >= target, CDF(k − 1) and CDF(k).

    Walks the probabilities k = 0, 1, … for all rows at once (rows that have found
    every target leave the walk). ``mu`` and ``disp`` are 1-D; means above
    ``_BIG_MEAN`` use a normal approximation (CDF values then approximate).
    """
    import numpy as np

    from ctxh_plan.forecast.intervals import normal_quantile

    m = mu.size
    res = [(np.zeros(m), np.zeros(m), np.zeros(m)) for _ in targets]
    big = mu > _BIG_MEAN
    if big.any():
        sd = np.sqrt(mu[big] * (1 + disp[big] * mu[big]))
        for (k, f0, f1), t in zip(res, targets):
            z = normal_quantile(2 * 100 * abs(t - 0.5)) * (1 if t >= 0.5 else -1)
            k[big] = np.maximum(np.ceil(mu[big] + z * sd - 0.5), 0.0)
            f0[big], f1[big] = t, t
    act = np.flatnonzero(~big)
    if not act.size:
        return res
    mu_a, d_a = mu[act], disp[act]
    pois = d_a < 1e-10
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p0 = np.where(pois, -mu_a, -np.log1p(mu_a * d_a) / np.where(pois, 1.0, d_a))
    pmf = np.exp(log_p0)
    cdf = pmf.copy()
    prev = np.zeros_like(cdf)
    found = [np.zeros(act.size, dtype=bool) for _ in targets]
    for (k, f0, f1), t, fnd in zip(res, targets, found):
        hit = cdf >= t - 1e-12
        k[act[hit]], f0[act[hit]], f1[act[hit]] = 0.0, 0.0, cdf[hit]
        fnd |= hit
    step = 0
    while act.size:
        done = np.logical_and.reduce(found)
        if done.all():
            break
        if step % 8 == 0 and done.any():  # compact: rows that found everything leave
            keep = ~done
            act, mu_a, d_a, pmf, cdf = act[keep], mu_a[keep], d_a[keep], pmf[keep], cdf[keep]
            found = [f[keep] for f in found]
        step += 1
        prev = cdf
        pmf = pmf * mu_a * (1.0 + (step - 1) * d_a) / (step * (1.0 + mu_a * d_a))
        cdf = prev + pmf
        for (k, f0, f1), t, fnd in zip(res, targets, found):
            hit = ~fnd & (cdf >= t - 1e-12)
            if hit.any():
                rows = act[hit]
                k[rows], f0[rows], f1[rows] = step, prev[hit], cdf[hit]
                fnd |= hit
        if step > 100000:  # pragma: no cover  (a mean of 400 has its 99.99% quantile near 480)
            break
    return res


def count_quantiles(mu: Any, disp: Any, probs: Sequence[float]) -> list[Any]:
    """Smallest whole ``k`` with P(Y ≤ k) >= prob, for each prob (arrays shaped like ``mu``)."""
    import numpy as np

    mu, disp = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(disp, dtype=float))
    res = _walk(np.nan_to_num(mu.ravel()), np.nan_to_num(disp.ravel()), list(probs))
    bad = np.isnan(mu) | np.isnan(disp)
    return [np.where(bad, np.nan, k.reshape(mu.shape)) for k, _f0, _f1 in res]


def _quantiles_varying(mu: Any, disp: Any, p: Any) -> Any:
    """Quantiles with one probability per row (1-D arrays)."""
    import numpy as np

    out = np.full(mu.shape, np.nan)
    for q in np.unique(p[~np.isnan(p)]):
        rows = np.flatnonzero(p == q)
        out[rows] = count_quantiles(mu[rows], disp[rows], [float(q)])[0]
    return out


def count_intervals(mu: Any, disp: Any, levels: Sequence[float] = (80, 95)) -> dict[float, tuple[Any, Any]]:
    """Central ``level``% intervals of the count, whole numbers, with the *nearest-tail* rule.

    For a level with tails ``α/2``, the upper end is the ``u`` whose ``P(Y ≤ u)`` is
    nearest to ``1 − α/2`` and the lower end the ``l`` whose ``P(Y < l)`` is nearest to
    ``α/2`` (ties go to the wider interval). Counts move in whole steps, so an interval
    cannot hold exactly ``level``% — the usual rule ("at least the level") turns the 80%
    interval of Poisson(0.3) into 0–1, which holds 96%; the nearest rule keeps 0–1
    (P(0) = 74% is further from 90% than P(≤ 1) = 96%) here but over many series covers
    close to the level. Intervals are nested across levels.

    Returns
    -------
    dict level → (lower, upper), arrays shaped like ``mu`` (whole numbers >= 0; NaN where
    ``mu`` is NaN).
    """
    import numpy as np

    from ctxh_plan.forecast.intervals import check_levels

    levels = check_levels(levels)
    mu, disp = np.broadcast_arrays(np.asarray(mu, dtype=float), np.asarray(disp, dtype=float))
    targets: list[float] = []
    for lv in levels:
        a = (1.0 - float(lv) / 100.0) / 2.0
        targets += [a, 1.0 - a]
    res = _walk(np.nan_to_num(mu.ravel()), np.nan_to_num(disp.ravel()), targets)
    bad = (np.isnan(mu) | np.isnan(disp)).ravel()
    out: dict[float, tuple[Any, Any]] = {}
    for i, lv in enumerate(levels):
        (kl, fl0, fl1), (ku, fu0, fu1) = res[2 * i], res[2 * i + 1]
        tl, tu = targets[2 * i], targets[2 * i + 1]
        # lower: l = k (P(Y < k) = F(k−1) < tl) or k + 1 (P(Y < k+1) = F(k) >= tl), whichever is nearer
        lo = np.where(tl - fl0 <= fl1 - tl, kl, kl + 1.0)
        # upper: u = k (F(k) >= tu) or k − 1 (F(k−1) < tu), whichever is nearer
        hi = np.where((fu1 - tu <= tu - fu0) | (ku == 0), ku, ku - 1.0)
        lo = np.minimum(lo, hi)
        out[lv] = (np.where(bad, np.nan, lo).reshape(mu.shape), np.where(bad, np.nan, hi).reshape(mu.shape))
    order = sorted(levels)
    for inner, outer in itertools.pairwise(order):  # nested (the rule already is; rounding noise aside)
        out[outer] = (np.fmin(out[outer][0], out[inner][0]), np.fmax(out[outer][1], out[inner][1]))
    return out


# --------------------------------------------------------------------------- fitting

@dataclass
class CountFit:
    """Fitted count model of ``m`` series (arrays of length ``m``).

    ``a`` is the log expected count per unit of exposure at the last supplied year,
    ``b`` the yearly log-trend, ``vaa, vab, vbb`` their posterior (co)variances, ``phi``
    the NB2 dispersion, ``n_obs`` the observed years, ``pooled`` whether the series
    borrowed its priors from a group.
    """

    a: Any
    b: Any
    vaa: Any
    vab: Any
    vbb: Any
    phi: Any
    n_obs: Any
    pooled: Any
    group_info: dict[str, Any] = field(default_factory=dict)


def _newton(y: Any, obs: Any, log_e: Any, s: Any, b_mean: Any, b_var: Any, a_shape: Any, a_rate: Any,
            phi: Any, nu: float | None = None) -> tuple[Any, Any, Any, Any, Any, Any]:
    """Posterior mode of (a, b) and the inverse Hessian, for every row at once.

    Log posterior: NB2 log-likelihood of ``y`` with ``log μ = log_e + a + b·s`` (fixed
    ``phi``), ``+ a_shape·a − a_rate·e^a`` (gamma prior on ``e^a``) and the trend prior:
    normal ``− (b − b_mean)²/(2 b_var)``, or with ``nu`` a Student-t with ``nu`` degrees of
    freedom and scale ``√b_var`` (handled as a scale mixture of normals: the prior variance
    is re-weighted each step, ``b_var·(nu + d²/b_var)/(nu + 1)`` with ``d = b − b_mean``, so a
    small noisy trend is shrunk as by the normal prior while a clear steep one is kept).
    """
    import numpy as np

    tot = y.sum(axis=1)
    with np.errstate(divide="ignore", over="ignore"):
        ex = np.where(obs, np.exp(log_e), 0.0).sum(axis=1)
        a = np.log((tot + a_shape + 1e-3) / (ex + a_rate + 1e-300))
    a = np.where(np.isfinite(a), a, 0.0)
    b = np.array(b_mean, dtype=float, copy=True)
    span = max(1.0, float(np.abs(s).max()))
    ph = phi[:, None]
    b_var0 = np.asarray(b_var, dtype=float)
    for _ in range(_NEWTON_STEPS):
        if nu is not None:
            b_var = b_var0 * (nu + (b - b_mean) ** 2 / b_var0) / (nu + 1.0)
        eta = np.clip(log_e + a[:, None] + b[:, None] * s, -700.0, 700.0)
        mu = np.exp(eta)
        den = 1.0 + ph * mu
        w = np.where(obs, mu / den, 0.0)
        r = np.where(obs, (y - mu) / den, 0.0)
        ea = np.exp(np.clip(a, -700.0, 700.0))
        ga = r.sum(axis=1) + a_shape - a_rate * ea
        gb = (r * s).sum(axis=1) - (b - b_mean) / b_var
        haa = w.sum(axis=1) + a_rate * ea + 1e-12
        hab = (w * s).sum(axis=1)
        hbb = (w * s * s).sum(axis=1) + 1.0 / b_var
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        big = np.maximum(np.abs(da), np.abs(db) * span)
        f = np.minimum(1.0, _MAX_STEP / np.maximum(big, 1e-300))
        a = a + f * da
        b = b + f * db
        if float(np.max(big, initial=0.0)) < 1e-10:
            break
    if nu is not None:
        b_var = b_var0 * (nu + (b - b_mean) ** 2 / b_var0) / (nu + 1.0)
    eta = np.clip(log_e + a[:, None] + b[:, None] * s, -700.0, 700.0)
    mu = np.exp(eta)
    w = np.where(obs, mu / (1.0 + ph * mu), 0.0)
    ea = np.exp(np.clip(a, -700.0, 700.0))
    haa = w.sum(axis=1) + a_rate * ea + 1e-12
    hab = (w * s).sum(axis=1)
    hbb = (w * s * s).sum(axis=1) + 1.0 / b_var
    det = haa * hbb - hab * hab
    return a, b, hbb / det, -hab / det, haa / det, np.where(obs, mu, 0.0)


def _group_sums(codes: Any, values: Any, n_groups: int) -> Any:
    import numpy as np

    return np.bincount(codes, weights=values, minlength=n_groups)


def fit_counts(Y: Any, *, exposure: Any = None, group: Any = None, slope_sd: float = SLOPE_SD,
               slope_sd_min: float = SLOPE_SD_MIN, dispersion: float = DISPERSION_PRIOR,
               dispersion_weight: float = DISPERSION_WEIGHT, min_group: int = MIN_GROUP,
               slope_df: float | None = SLOPE_DF) -> CountFit:
    """Fit the count model to ``m`` series at once.

    Parameters
    ----------
    Y : ndarray (m, L)
        Counts per year (>= 0; NaN = missing), oldest first, **right-aligned**: column
        ``L − 1`` is each series' last supplied year.
    exposure : ndarray (m, L), optional
        Exposure per year (> 0), e.g. the denominator of a rate (children); default 1.
        Years with a missing or non-positive exposure are left out.
    group : array (m,), optional
        Group label of each series (e.g. the indicator code): priors of trend, level and dispersion
        are estimated within a group of at least ``min_group`` informative series
        (empirical Bayes); other series use the fixed weak priors.
    slope_sd, slope_sd_min, dispersion, dispersion_weight, min_group, slope_df :
        See the module constants (``slope_df`` None: a normal trend prior).

    Returns
    -------
    CountFit
    """
    import numpy as np

    Y = np.asarray(Y, dtype=float)
    m, L = Y.shape
    obs = ~np.isnan(Y)
    if exposure is None:
        log_e = np.zeros((m, L))
    else:
        E = np.asarray(exposure, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            good = np.isfinite(E) & (E > 0)
        obs &= good
        log_e = np.where(good, np.log(np.where(good, E, 1.0)), 0.0)
    y = np.where(obs, np.maximum(Y, 0.0) if m else Y, 0.0)
    n_obs = obs.sum(axis=1)
    s = (np.arange(L) - (L - 1)).astype(float)[None, :]
    ones = np.ones(m)

    # 1. raw fit: almost flat prior on the trend, Jeffreys on the level, Poisson weights
    _a0, b0, _vaa0, _vab0, vbb0, mu0 = _newton(y, obs, log_e, s, 0.0 * ones, _WEAK_SLOPE_VAR * ones, 0.5 * ones,
                                             0.0 * ones, 0.0 * ones)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = np.where(obs & (mu0 > 0), (y - mu0) ** 2 / np.where(mu0 > 0, mu0, 1.0), 0.0).sum(axis=1)
    df = np.maximum(n_obs - 2, 0).astype(float)
    smu = mu0.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_own = np.where((df > 0) & (smu > 0), np.maximum(0.0, (chi - df) / np.where(smu > 0, smu, 1.0)), 0.0)

    # 2. priors: fixed weak ones, replaced by the group's where the group is informative enough
    b_mean, b_var = np.zeros(m), np.full(m, float(slope_sd) ** 2)
    a_shape, a_rate = np.full(m, 0.5), np.zeros(m)
    phi_prior = np.full(m, float(dispersion))
    pooled = np.zeros(m, dtype=bool)
    info: dict[str, Any] = {}
    if group is not None and m:
        codes, uniq = _codes(group)
        G = len(uniq)
        informative = (n_obs >= 3) & (y.sum(axis=1) > 0)
        k = _group_sums(codes, informative.astype(float), G)
        ok_g = k >= min_group
        sel = informative & ok_g[codes]
        if sel.any():
            chi_g = _group_sums(codes, np.where(sel, chi, 0.0), G)
            df_g = _group_sums(codes, np.where(sel, df, 0.0), G)
            smu_g = _group_sums(codes, np.where(sel, smu, 0.0), G)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale_g = np.maximum(1.0, chi_g / np.where(df_g > 0, df_g, 1.0))
                phi_g = np.maximum(0.0, (chi_g - df_g) / np.where(smu_g > 0, smu_g, 1.0))
                # trend: DerSimonian–Laird with the sampling variances scaled for overdispersion
                w = np.where(sel, 1.0 / (vbb0 * scale_g[codes]), 0.0)
                sw = _group_sums(codes, w, G)
                bbar = _group_sums(codes, w * b0, G) / np.where(sw > 0, sw, 1.0)
                q = _group_sums(codes, w * (b0 - bbar[codes]) ** 2, G)
                sw2 = _group_sums(codes, w * w, G)
                tau2 = np.maximum(0.0, (q - (k - 1)) / np.where(sw > 0, sw - sw2 / np.where(sw > 0, sw, 1.0), 1.0))
                var_bbar = 1.0 / np.where(sw > 0, sw, np.inf)
                # level: gamma prior on the rate at the last year, moments across the group (Marshall)
                x = np.where(obs, np.exp(log_e + bbar[codes][:, None] * s), 0.0).sum(axis=1)
                member = (n_obs >= 1) & ok_g[codes]
                sx = _group_sums(codes, np.where(member, x, 0.0), G)
                sy = _group_sums(codes, np.where(member, y.sum(axis=1), 0.0), G)
                nm = _group_sums(codes, member.astype(float), G)
                rate_g = sy / np.where(sx > 0, sx, 1.0)
                r_i = y.sum(axis=1) / np.where(x > 0, x, 1.0)
                s2 = _group_sums(codes, np.where(member, x * (r_i - rate_g[codes]) ** 2, 0.0), G) / np.where(
                    sx > 0, sx, 1.0)
                xbar = sx / np.where(nm > 0, nm, 1.0)
                tau_l = np.maximum(s2 - rate_g / np.where(xbar > 0, xbar, 1.0), 0.0)
                # no excess heterogeneity → prior worth one average series at most
                beta = np.where(tau_l > 0, rate_g / np.where(tau_l > 0, tau_l, 1.0), np.inf)
                beta = np.minimum(beta, xbar)
                alpha = rate_g * beta
            g_ok = ok_g[codes]
            b_mean = np.where(g_ok, bbar[codes], b_mean)
            b_var = np.where(g_ok, np.maximum(tau2, slope_sd_min ** 2)[codes] + var_bbar[codes], b_var)
            phi_prior = np.where(g_ok, phi_g[codes], phi_prior)
            lvl_ok = g_ok & (rate_g[codes] > 0) & (alpha[codes] > 0)
            a_shape = np.where(lvl_ok, alpha[codes], a_shape)
            a_rate = np.where(lvl_ok, beta[codes], a_rate)
            pooled = g_ok
            info = {"groups": [uniq[i] for i in np.flatnonzero(ok_g)], "slope_mean": bbar[ok_g],
                    "slope_sd": np.sqrt(tau2[ok_g]), "dispersion": phi_g[ok_g], "rate": rate_g[ok_g]}

    wt = df / (df + float(dispersion_weight))
    phi = wt * phi_own + (1.0 - wt) * phi_prior
    # 3. final fit with the priors and NB2 weights
    a, b, vaa, vab, vbb, _mu = _newton(y, obs, log_e, s, b_mean, b_var, a_shape, a_rate, phi, slope_df)
    return CountFit(a, b, vaa, vab, vbb, phi, n_obs, pooled, info)


def _codes(group: Any) -> tuple[Any, list[Any]]:
    """Integer codes 0…G−1 of group labels (any hashable values)."""
    import numpy as np
    import pandas as pd

    codes, uniq = pd.factorize(pd.Series(np.asarray(group, dtype=object)), use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64), list(uniq)


def predict_counts(fit: CountFit, h: int, *, future_exposure: Any = None, damping: float = DAMPING,
                   loc: Any = 0.0, scale: Any = 1.0) -> CountPredictive:
    """Predictive distributions of the counts 1…h years after each series' last supplied year.

    Parameters
    ----------
    fit : CountFit
    h : int
        Years ahead.
    future_exposure : ndarray (m, h), optional
        Exposure of each forecast year (e.g. the projected number of children); default 1.
    damping : float
        Trend damping per year (1 = straight log-linear trend).
    loc, scale : array_like (m, h) or scalars
        Map from counts to values (see :class:`CountPredictive`).
    """
    import numpy as np

    steps = np.cumsum(np.power(float(damping), np.arange(h)))[None, :]
    log_e = 0.0 if future_exposure is None else np.log(np.asarray(future_exposure, dtype=float))
    eta = log_e + fit.a[:, None] + fit.b[:, None] * steps
    vaa = np.maximum(fit.vaa, 0.0)[:, None]
    # variance added by the trend between the last year and year h (the level's own part is vaa)
    extra = np.maximum(2.0 * steps * fit.vab[:, None] + steps * steps * fit.vbb[:, None], 0.0)
    with np.errstate(over="ignore"):
        # the level e^a is gamma-like (posterior mean e^a, CV² = vaa: exact for Poisson counts with a
        # gamma prior); the trend part is log-normal (mean factor e^{extra/2}, CV² factor e^{extra})
        mu = np.exp(np.clip(eta + extra / 2.0, -700.0, 700.0))
        disp = (1.0 + fit.phi[:, None]) * (1.0 + vaa) * np.exp(np.minimum(extra, 50.0)) - 1.0
    return CountPredictive(mu, np.maximum(disp, 0.0), loc, scale)


# --------------------------------------------------------------------------- which series

def eligible_series(sid: Any, values: Any, n_series: int, *, switch: float = SWITCH_MEAN, recent: int = RECENT,
                    whole_only: bool = True) -> tuple[Any, Any]:
    """Series the count model takes: at least 3 observed years, recent level <= ``switch``, whole numbers.

    Parameters
    ----------
    sid : ndarray (rows,) int
        Series number of each row, rows sorted by (series, year).
    values : ndarray (rows,) float
        Values (NaN = missing).
    n_series : int
    switch : float
        Largest recent level (mean of the last ``recent`` observed values).
    whole_only : bool
        Require every observed value to be a whole number (a count as counted, not an
        average or a re-allocated share).

    Returns
    -------
    (eligible bool (S,), recent level (S,) float — NaN for a series with nothing observed)
    """
    import numpy as np

    obs = ~np.isnan(values)
    sid_o, val_o = sid[obs], values[obs]
    cnt = np.bincount(sid_o, minlength=n_series)
    # position of each observed row counted from the end of its series
    starts = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    pos_from_end = cnt[sid_o] - 1 - (np.arange(sid_o.size) - starts[sid_o])
    last = pos_from_end < recent
    s_recent = np.bincount(sid_o[last], weights=val_o[last], minlength=n_series)
    n_recent = np.bincount(sid_o[last], minlength=n_series)
    with np.errstate(invalid="ignore", divide="ignore"):
        level = np.where(n_recent > 0, s_recent / np.maximum(n_recent, 1), np.nan)
    from ctxh_plan.forecast.base import MIN_POINTS

    # fewer than MIN_POINTS observed years: the visible naive fallback of every forecaster
    ok = (cnt >= MIN_POINTS) & (level <= switch)
    if whole_only:
        frac = np.abs(val_o - np.round(val_o)) > 1e-9 * np.maximum(1.0, np.abs(val_o))
        ok &= np.bincount(sid_o[frac], minlength=n_series) == 0
    return ok, level


# --------------------------------------------------------------------------- the long-frame engine

def forecast_counts_long(model: CountModel, sid: Any, years: Any, values: Any, h: int, levels: Sequence[float],
                         group: Any = None) -> Any:
    """Forecast ``S`` count series given as rows sorted by (series, year) — no loop over series.

    The series are placed in one matrix aligned on their last supplied year (gaps and
    missing years carry no weight), fitted with :func:`fit_counts` and read from their
    predictive distributions. Returns a ``matrix.MatrixForecast`` with ``dist``
    (``mu, disp, loc, scale`` arrays (S, h)).
    """
    import numpy as np

    from ctxh_plan.forecast.matrix import MatrixForecast

    S = int(sid.max()) + 1 if sid.size else 0
    starts = np.searchsorted(sid, np.arange(S))
    ymax = np.maximum.reduceat(years, starts) if S else np.zeros(0, dtype=int)
    ymin = years[starts] if S else np.zeros(0, dtype=int)
    obs = ~np.isnan(values)
    L = int((ymax - ymin).max()) + 1 if S else 1
    Y = np.full((S, L), np.nan)
    Y[sid, L - 1 - (ymax[sid] - years)] = values
    fit = fit_counts(Y, group=group, slope_sd=model.slope_sd, dispersion=model.dispersion)
    pred = predict_counts(fit, h, damping=model.damping)
    ivl = pred.intervals(levels)
    mean = pred.median()
    n_obs = np.bincount(sid[obs], minlength=S)
    first_obs = np.full(S, -1)
    if obs.any():
        fo = np.full(S, np.iinfo(np.int64).max)
        np.minimum.at(fo, sid[obs], years[obs])
        first_obs = fo
    last_obs = np.full(S, -1)
    if obs.any():
        np.maximum.at(last_obs, sid[obs], years[obs])
    span_obs = np.where(n_obs > 0, last_obs - first_obs + 1, 0)
    gaps = np.maximum(span_obs - n_obs, 0)
    trailing = np.where(n_obs > 0, ymax - last_obs, 0)
    leading = np.where(n_obs > 0, first_obs - ymin, 0)
    note = np.full(S, COUNT_NOTE, dtype=object)
    for i in np.flatnonzero(n_obs == 0):
        note[i] = "no observed value"
    extra = []
    if leading.any():
        extra.append((leading > 0, np.char.add(leading.astype(str), " leading missing value(s) dropped")))
    if gaps.any():
        extra.append((gaps > 0, np.char.add(gaps.astype(str), " missing year(s) left out of the fit")))
    if trailing.any():
        extra.append((trailing > 0, np.char.add(trailing.astype(str), " trailing missing value(s) forecast")))
    if fit.pooled.any():
        extra.append((fit.pooled, np.full(S, "trend and level shrunk to the group (empirical Bayes)", dtype=object)))
    for mask, text in extra:
        for i in np.flatnonzero(mask & (n_obs > 0)):
            note[i] = note[i] + "; " + str(text[i])
    none = n_obs == 0
    if none.any():
        mean[none] = np.nan
        for lv in ivl:
            ivl[lv][0][none], ivl[lv][1][none] = np.nan, np.nan
        pred.mu[none] = np.nan
    yrs = (ymax + 1)[:, None] + np.arange(h)[None, :]
    dist = {"mu": pred.mu, "disp": pred.disp, "loc": pred.loc, "scale": pred.scale}
    return MatrixForecast(yrs.astype(int), mean, {lv: ivl[lv][0] for lv in levels}, {lv: ivl[lv][1] for lv in levels},
                          np.full(S, model.name, dtype=object), note, dist)


# --------------------------------------------------------------------------- the forecaster

class CountModel(Forecaster):
    """Poisson / negative-binomial regression on year for small counts (see the module docstring).

    Settings (constructor)
    ----------------------
    switch : float
        Largest recent level (mean of the last 3 observed counts) the count model takes;
        larger series go to ``large``. Default :data:`SWITCH_MEAN` (chosen by backtest).
    large : str
        Forecaster for larger series, other kinds and non-whole values (default ``default``).
    slope_sd : float
        Prior SD of the yearly log-trend without a group (default :data:`SLOPE_SD`).
    dispersion : float
        Dispersion φ a series is shrunk to without a group (default :data:`DISPERSION_PRIOR`).
    damping : float
        Trend damping per year ahead (default :data:`DAMPING`, 1 = none).
    whole_only : bool
        Take only series of whole numbers (default True).
    """

    name = "count_glm"
    summary = "Poisson/negative-binomial regression on year for small counts, empirical-Bayes shrinkage"

    #: the registry passes ``factory`` (the ``large`` forecaster is built by name)
    takes_factory = True

    def __init__(self, switch: float = SWITCH_MEAN, large: str = "default", slope_sd: float = SLOPE_SD,
                 dispersion: float = DISPERSION_PRIOR, damping: float = DAMPING, whole_only: bool = True, *,
                 factory: Callable[..., Forecaster]) -> None:
        super().__init__()
        for key, v in (("switch", switch), ("slope_sd", slope_sd), ("dispersion", dispersion),
                       ("damping", damping)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise ParameterError(key, "must be a number >= 0", value=v, fix=f"e.g. {key}={SWITCH_MEAN:g}"
                                     if key == "switch" else "see docs/FORECASTING.md")
        if not 0 < damping <= 1:
            raise ParameterError("damping", "must be in (0, 1]", value=damping, fix=f"e.g. damping={DAMPING:g}")
        if large == self.name:
            raise ParameterError("large", "must be another forecaster", value=large, fix="e.g. large='default'")

        self.switch, self.slope_sd, self.dispersion = float(switch), float(slope_sd), float(dispersion)
        self.damping, self.whole_only, self.large_name = float(damping), bool(whole_only), str(large)
        self._large = factory(self.large_name)
        self._raw: tuple[Any, Any, Any] | None = None

    def __repr__(self) -> str:
        return (f"CountModel(switch={self.switch:g}, large={self.large_name!r}, slope_sd={self.slope_sd:g}, "
                f"dispersion={self.dispersion:g}, damping={self.damping:g}, whole_only={self.whole_only})")

    @property
    def large(self) -> Forecaster:
        """The forecaster used for series the count model does not take."""
        return self._large

    @property
    def calibration_key(self) -> str:
        return self._large.calibration_key

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        """Transformed-space path (used only for series the count model does not take)."""
        return self._large.predict_batch(Z, h)

    def fit(self, y: Any, *, years: Any = None, kind: Any = "count") -> CountModel:
        """Store one series (see :meth:`Forecaster.fit`); counts are checked like any series."""
        super().fit(y, years=years, kind=kind)  # same validation and errors as every forecaster
        self._raw = (y, years, kind)
        return self

    def predict(self, h: int, levels: Sequence[float] = (80, 95)) -> ForecastResult:
        """Forecast the stored series: a small whole count series (kind ``count``, recent level up to
        ``switch``) from the count model with its predictive distribution (``dist``); any other
        series by the ``large`` forecaster — the same rule as ``forecast_frame``."""
        import numpy as np

        from ctxh_plan.forecast.base import _check_h
        from ctxh_plan.forecast.intervals import check_levels
        from ctxh_plan.forecast.transforms import transform_name_for_kind

        if self._raw is None or self._prepared is None:
            from ctxh_plan.errors import UsageError

            raise UsageError("predict() called before fit() — fix: call fit(y, years=..., kind=...) first")
        h, levels = _check_h(h), check_levels(levels)
        y, years, kind = self._raw
        yv = np.asarray(y, dtype=float).ravel()
        yrs = np.arange(1, yv.size + 1) if years is None else np.asarray(years).astype(int).ravel()
        order = np.argsort(yrs, kind="stable")
        yrs, yv = yrs[order], yv[order]
        sid = np.zeros(yv.size, dtype=int)
        ok, _level = eligible_series(sid, yv, 1, switch=self.switch, whole_only=self.whole_only)
        if not (self._prepared.transform.count and str(kind) == "count" and bool(ok[0])):
            from ctxh_plan.forecast.base import forecast_prepared

            # the large forecaster's batch path (its predict() would route counts back here)
            return forecast_prepared(self._large, [self._prepared], h, levels)[0]
        res = forecast_counts_long(self, sid, yrs, yv, h, levels)
        d = res.dist
        dist = CountPredictive(d["mu"][0], d["disp"][0], d["loc"][0], d["scale"][0])
        out_years = res.years[0]
        return ForecastResult(res.mean[0], {lv: res.lo[lv][0] for lv in levels}, {lv: res.hi[lv][0] for lv in levels},
                              out_years, str(res.method[0]), str(res.note[0]), levels, dist=dist,
                              space=transform_name_for_kind(kind))

