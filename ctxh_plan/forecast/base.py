"""The one forecaster contract, the registry, series preparation and the batch core.

Contract (statsforecast style)::

    f = get_forecaster("theta")                 # settings go to the constructor
    f.fit(y, years=[2019, ..., 2025], kind="count")
    r = f.predict(5, levels=(80, 95))           # ForecastResult
    r.mean, r.lo[80], r.hi[80], r.years, r.method, r.note

A forecaster only implements :meth:`Forecaster.predict_batch`: given a 2-D array
of equal-length *transformed* series it returns point forecasts and model-based
error standard deviations. Everything else — bounds transforms, gaps, the
fewer-than-3-points fallback, calibrated intervals — is shared here, so every
method behaves the same way and :func:`forecast_frame` can batch many series
through one vectorised call.

Gaps (NaN): leading missing values are dropped; inner gaps are filled by linear
interpolation in the transformed space (and reported in ``note``); trailing
missing values are forecast (the horizon is counted from the last *supplied*
year, so a missing 2025 is forecast before 2026).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from ctxh_plan.forecast.transforms import Transform, get_transform

__all__ = [
    "MIN_POINTS",
    "BatchForecast",
    "ForecastResult",
    "Forecaster",
    "Naive",
    "PreparedSeries",
    "forecast_prepared",
    "prepare_series",
    "rms",
    "steps",
]

log = logging.getLogger(__name__)

#: fewer observed points than this → visible naive fallback
MIN_POINTS = 3

@dataclass(frozen=True)
class BatchForecast:
    """What :meth:`Forecaster.predict_batch` returns for ``m`` equal-length transformed series.

    Attributes
    ----------
    mean, sigma : ndarray (m, h)
        Point forecasts and standard deviations of the h-step error (transformed space).
    notes : mapping row → list of str
        What happened to a row (a failed fit and the fallback used); empty when nothing to say.
    """

    mean: Any
    sigma: Any
    notes: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class ForecastResult:
    """Forecast of one series.

    Attributes
    ----------
    mean : ndarray (h,)
        Point forecast on the original scale (for log1p/logit kinds: the back-
        transformed centre, i.e. the forecast median).
    lo, hi : dict level → ndarray (h,)
        Interval ends, original scale, within the kind's bounds.
    years : ndarray (h,)
        Forecast years (or step numbers n+1… when no years were given).
    method : str
        Method actually used (``naive`` when a fallback happened).
    note : str
        Fallbacks, interpolated gaps, uncalibrated intervals; "" when nothing to say.
    dist : counts.CountPredictive or None
        The predictive distribution of each year when the count model ran (whole counts;
        ``mean`` is then its median); None otherwise.
    space : str
        Transform of the kind (``log1p``, ``logit``, ``identity``): how ``prob_meets`` reads
        the interval bounds when there is no ``dist``.
    """

    mean: Any
    lo: dict[float, Any]
    hi: dict[float, Any]
    years: Any
    method: str
    note: str = ""
    levels: tuple[float, ...] = field(default=(80, 95))
    dist: Any = None
    space: str = ""

    def to_frame(self, distribution: bool = False) -> Any:
        """One row per year: ``year, method, mean, lo80, hi80, lo95, hi95, note`` (+ ``dist_mu, dist_disp,
        dist_loc, dist_scale`` with ``distribution=True``: NaN unless the count model ran)."""
        import pandas as pd

        data: dict[str, Any] = {"year": self.years, "method": self.method, "mean": self.mean}
        for lv in self.levels:
            data[f"lo{_fmt_level(lv)}"] = self.lo[lv]
            data[f"hi{_fmt_level(lv)}"] = self.hi[lv]
        data["note"] = self.note
        if distribution:
            import numpy as np

            d = self.dist
            nan = np.full(len(np.atleast_1d(self.mean)), np.nan)
            data.update({"dist_mu": nan if d is None else d.mu, "dist_disp": nan if d is None else d.disp,
                         "dist_loc": nan if d is None else d.loc, "dist_scale": nan if d is None else d.scale})
        return pd.DataFrame(data)


def _fmt_level(lv: float) -> str:
    return str(int(lv)) if float(lv).is_integer() else str(lv).replace(".", "_")


@dataclass
class PreparedSeries:
    """A cleaned series in the transformed space, ready for a batch call."""

    z: Any                 # ndarray (n,) transformed, no NaN
    transform: Transform
    skip: int              # trailing missing steps forecast before the horizon starts
    last_year: int | None  # last supplied year (None → step numbers)
    n_supplied: int
    notes: list[str]


def _series_error(problem: str, fix: str, value: Any = None) -> Exception:
    from ctxh_plan.errors import InputError

    return InputError(problem, fix=fix, value=value)


def prepare_series(y: Any, years: Any = None, kind: Any = "count") -> PreparedSeries:
    """Validate, transform and clean one series (see module docstring for gaps).

    Parameters
    ----------
    y : sequence of float
        Values in the indicator's unit (percent as 0–100), oldest first. NaN = missing.
    years : sequence of int, optional
        Calendar years of ``y`` (any order, no repeats). Missing years inside the
        range are treated as gaps.
    kind : str
        ``count``, ``percent``, ``rate``, ``raw`` or a ``vocab.Kind`` value.

    Raises
    ------
    InputError
        Values outside the kind's bounds, repeated years, lengths that differ.
    """
    import numpy as np

    y = np.asarray(y, dtype=float).ravel()
    last_year = None
    if years is not None:
        yrs = np.asarray(years).ravel()
        if yrs.shape != y.shape:
            raise _series_error(f"{len(yrs)} years for {len(y)} values", "give one year per value")
        if len(yrs):
            if np.any(np.isnan(yrs.astype(float))):
                raise _series_error("a year is missing", "fill every year")
            yrs = yrs.astype(int)
            if len(np.unique(yrs)) != len(yrs):
                dup = int(yrs[np.flatnonzero(np.diff(np.sort(yrs)) == 0)[0]])
                raise _series_error("a year appears twice in one series", "keep one value per year", dup)
            order = np.argsort(yrs)
            yrs, y = yrs[order], y[order]
            full = np.full(int(yrs[-1] - yrs[0]) + 1, np.nan)
            full[yrs - yrs[0]] = y
            y = full
            last_year = int(yrs[-1])
    tr = get_transform(kind, y)
    if np.any(np.isinf(y)):
        raise _series_error("infinite value", "replace it with a number or leave it empty")
    bad = tr.check(np.where(np.isnan(y), np.nan, y))
    if bad is not None:
        lo, hi = tr.lower, tr.upper
        rng = f">= {lo:g}" if hi is None else f"within {lo:g}–{hi:g}"
        raise _series_error(f"value {y[bad]!r} is outside the bounds of kind {kind!s} ({rng})",
                            "correct the value or use kind=raw for an unbounded series", y[bad])
    notes: list[str] = []
    obs = np.flatnonzero(~np.isnan(y))
    if obs.size == 0:
        return PreparedSeries(np.empty(0), tr, 0, last_year, len(y), ["no observed value"])
    first, last = int(obs[0]), int(obs[-1])
    if first > 0:
        notes.append(f"{first} leading missing value(s) dropped")
    skip = len(y) - 1 - last
    if skip:
        notes.append(f"{skip} trailing missing value(s) forecast")
    z = tr.forward(y[first:last + 1])
    gaps = np.isnan(z)
    if gaps.any():
        idx = np.arange(len(z))
        z[gaps] = np.interp(idx[gaps], idx[~gaps], z[~gaps])
        notes.append(f"{int(gaps.sum())} inner gap(s) interpolated")
    return PreparedSeries(z, tr, skip, last_year, len(y), notes)


class Forecaster:
    """Base class: settings in the constructor, ``fit`` then ``predict``.

    Subclasses set ``name`` and implement :meth:`predict_batch`.
    """

    #: registry name of the method; an instance may say which method really ran (``Default``)
    name: str = "base"
    #: short description for docs and --help
    summary: ClassVar[str] = ""
    #: True when predict_batch loops over series (slow statsmodels methods)
    per_series: ClassVar[bool] = False

    def __init__(self, **settings: Any) -> None:
        if settings:
            from ctxh_plan.errors import ParameterError

            raise ParameterError("method", f"unexpected setting(s) {sorted(settings)} for {self.name!r}",
                                 fix="see docs/FORECASTING.md for the settings of each method", value=settings)
        self._prepared: PreparedSeries | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    @property
    def calibration_key(self) -> str:
        """Name under which interval calibration is looked up."""
        return self.name

    # -- the one contract ---------------------------------------------------
    def fit(self, y: Any, *, years: Any = None, kind: Any = "count") -> Forecaster:
        """Store a short yearly series (3–10 points typical; NaN gaps allowed).

        Parameters
        ----------
        y : sequence of float
            Values, oldest first (or in the order of ``years``).
        years : sequence of int, optional
            Calendar years; the forecast years follow the last one.
        kind : str
            ``count`` / ``rate`` (>= 0, log1p), ``percent`` (0–100, logit), ``raw``.
        """
        self._prepared = prepare_series(y, years, kind)
        return self

    def predict(self, h: int, levels: Sequence[float] = (80, 95)) -> ForecastResult:
        """Forecast ``h`` steps with central intervals at ``levels`` percent."""
        if self._prepared is None:
            from ctxh_plan.errors import UsageError

            raise UsageError("predict() called before fit() — fix: call fit(y, years=..., kind=...) first")
        return forecast_prepared(self, [self._prepared], h, levels)[0]

    # -- to implement -------------------------------------------------------
    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        """Point forecasts and model-based error SDs for equal-length transformed series.

        Parameters
        ----------
        Z : ndarray (m, n)
            ``m`` series of ``n >= 3`` points each, transformed space, no NaN.
        h : int
            Steps ahead.

        Returns
        -------
        BatchForecast
            ``mean``, ``sigma`` (m, h) in the transformed space, and per-row ``notes``.
        """
        raise NotImplementedError


def steps(h: int) -> Any:
    """Steps ahead 1…h as floats."""
    import numpy as np

    return np.arange(1, h + 1, dtype=float)


def rms(a: Any, axis: int = 1, ddof: int = 0) -> Any:
    """Root mean square along ``axis`` with ``ddof`` degrees of freedom removed (NaN for empty rows)."""
    import numpy as np

    k = max(a.shape[axis] - ddof, 1)
    return np.sqrt(np.sum(a * a, axis=axis) / k) if a.shape[axis] else np.full(a.shape[0], np.nan)


class Naive(Forecaster):
    """The last value carried forward (random walk); sigma ``s·√h``, s = RMS of first differences.

    Lives with the contract because it is every forecaster's fallback for a series with fewer
    than :data:`MIN_POINTS` observed points.
    """

    name = "naive"
    summary = "last value carried forward (random walk)"

    def predict_batch(self, Z: Any, h: int) -> BatchForecast:
        import numpy as np

        s = rms(np.diff(Z, axis=1))
        mean = np.repeat(Z[:, -1:], h, axis=1)
        return BatchForecast(mean, s[:, None] * np.sqrt(steps(h))[None, :])


def _check_h(h: Any) -> int:
    from ctxh_plan.errors import ParameterError

    try:
        hi = int(h)
    except (TypeError, ValueError):
        raise ParameterError("horizon", "must be a whole number of years", value=h) from None
    if hi != h or hi < 1:
        raise ParameterError("horizon", "must be a whole number of years >= 1", value=h,
                             fix="e.g. 5 for 2026–2030 after 2025")
    from ctxh_plan.io.limits import MAX_HORIZON

    if hi > MAX_HORIZON:
        raise ParameterError("horizon", f"must be {MAX_HORIZON} years or fewer (short yearly series cannot say more)",
                             value=h, fix="e.g. 5 for 2026–2030 after 2025")
    return hi


def forecast_prepared(forecaster: Forecaster, series: Sequence[PreparedSeries], h: int,
                      levels: Sequence[float] = (80, 95)) -> list[ForecastResult]:
    """Forecast many prepared series; equal lengths go through one ``predict_batch`` call.

    Series with fewer than :data:`MIN_POINTS` observed points fall back to
    ``naive`` (logged as a warning and written in ``note``).
    """
    import numpy as np

    from ctxh_plan.forecast.intervals import apply_count_floor, check_levels, half_widths

    h = _check_h(h)
    levels = check_levels(levels)
    results: list[ForecastResult | None] = [None] * len(series)
    groups: dict[tuple[int, str, bool, bool], list[int]] = {}
    for i, s in enumerate(series):
        short = len(s.z) < MIN_POINTS
        groups.setdefault((len(s.z), s.transform.name, s.transform.count, short), []).append(i)
    for (n, _tname, is_count, short), idx in sorted(groups.items()):
        model = forecaster
        extra: list[str] = []
        if short:
            model = Naive()
            msg = (f"only {n} observed point(s) (< {MIN_POINTS}): {forecaster.name} not used, "
                   f"naive fallback" + ("" if n >= 2 else "; no interval"))
            log.warning("%s for %d series", msg, len(idx))
            extra.append(msg)
        skips = np.array([series[i].skip for i in idx])
        hh = h + int(skips.max())
        row_notes: dict[int, list[str]] = {}
        if n == 0:
            mean_z = np.full((len(idx), hh), np.nan)
            sigma = mean_z.copy()
        else:
            Z = np.vstack([series[i].z for i in idx])
            out = model.predict_batch(Z, hh)
            mean_z, sigma, row_notes = out.mean, out.sigma, out.notes
        hw, calibrated = half_widths(model.calibration_key, sigma, levels)
        if is_count and n > 0:
            hw = apply_count_floor(hw, mean_z, np.full(len(idx), n))
        if not calibrated and n >= 2:
            extra.append("intervals not calibrated (normal quantiles)")
        for row, i in enumerate(idx):
            s = series[i]
            tr = s.transform
            sl = slice(s.skip, s.skip + h)
            mz = mean_z[row, sl]
            lo = {lv: tr.inverse(mz - hw[lv][row, sl]) for lv in levels}
            hi = {lv: tr.inverse(mz + hw[lv][row, sl]) for lv in levels}
            start = (s.last_year + 1) if s.last_year is not None else s.n_supplied + 1
            years = np.arange(start, start + h)
            note_parts = s.notes + extra + list(row_notes.get(row, []))
            results[i] = ForecastResult(tr.inverse(mz), lo, hi, years, model.name,
                                        "; ".join(note_parts), levels, space=tr.name)
    return cast("list[ForecastResult]", results)  # every slot was filled above
