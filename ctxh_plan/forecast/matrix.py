"""Forecast many series held as a long table — without a Python loop over series.

:func:`forecast_long` is the engine of ``forecast_frame`` for the vectorised
(numpy) methods. Rows (series number, year, value) are pivoted with numpy into
one ``(series × years)`` matrix per (transform, span of supplied years); gaps are
handled on the matrix exactly as ``base.prepare_series`` does for one series
(leading missing values dropped, inner gaps linearly interpolated on the
transformed scale, trailing missing values forecast); series are then grouped
by cleaned length and each group goes through one ``predict_batch`` call;
intervals, the count floor and the back-transform work on whole matrices.
Results are identical to ``prepare_series`` + ``forecast_prepared`` (tested).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MatrixForecast", "clean_matrix", "forecast_long"]

log = logging.getLogger("ctxh_plan.forecast.base")  # same logger as the one-series path


@dataclass
class MatrixForecast:
    """Forecasts of ``S`` series, ``h`` years each (original scale).

    Attributes
    ----------
    years : ndarray (S, h) int
    mean : ndarray (S, h)
    lo, hi : dict level → ndarray (S, h)
    method : ndarray (S,) object — method that really ran
    note : ndarray (S,) object — "" when nothing to say
    dist : dict ``mu, disp, loc, scale`` → ndarray (S, h), or None — the count model's
        predictive distributions (NaN rows: another method ran); see ``counts.CountPredictive``
    """

    years: Any
    mean: Any
    lo: dict[float, Any]
    hi: dict[float, Any]
    method: Any
    note: Any
    dist: dict[str, Any] | None = None


def clean_matrix(Y: Any, transform: Any) -> dict[str, Any]:
    """Transform and clean a ``(m, L)`` matrix of series (NaN = missing, oldest first).

    Returns
    -------
    dict with ``Z`` (m, L) transformed and interpolated between the first and last
    observed value, ``first``, ``last`` (column of the first/last observed value),
    ``n`` (cleaned length, 0 when nothing observed), ``gaps`` (inner gaps filled),
    ``eps`` (m, 1) logit clips.
    """
    import numpy as np

    from ctxh_plan.forecast.transforms import logit_eps

    _m, L = Y.shape
    eps = logit_eps(Y, axis=1)[:, None] if transform.name == "logit" else None
    obs = ~np.isnan(Y)
    has = obs.any(axis=1)
    first = np.where(has, np.argmax(obs, axis=1), 0)
    last = np.where(has, L - 1 - np.argmax(obs[:, ::-1], axis=1), -1)
    Z = transform.forward(Y, eps) if eps is not None else transform.forward(Y)
    col = np.arange(L)[None, :]
    inside = (col >= first[:, None]) & (col <= last[:, None])
    gap = inside & ~obs
    n_gaps = gap.sum(axis=1)
    if n_gaps.any():
        prev = np.maximum.accumulate(np.where(obs, col, -1), axis=1)
        nxt = np.minimum.accumulate(np.where(obs, col, L)[:, ::-1], axis=1)[:, ::-1]
        r, c = np.nonzero(gap)
        p, q = prev[r, c], nxt[r, c]
        zp, zq = Z[r, p], Z[r, q]
        slope = (zq - zp) / (q - p).astype(float)  # the same arithmetic as np.interp
        Z[r, c] = slope * (c - p).astype(float) + zp
    n = np.where(has, last - first + 1, 0)
    return {"Z": Z, "first": first, "last": last, "n": n, "gaps": n_gaps, "eps": eps}


def _notes_for(S: int, parts: Sequence[tuple[Any, Any]]) -> Any:
    """Join note parts for the ``S`` series that have any; ``parts`` = (mask, text array) pairs."""
    import numpy as np

    note = np.full(S, "", dtype=object)
    any_part = np.zeros(S, dtype=bool)
    for mask, _ in parts:
        any_part |= mask
    for i in np.flatnonzero(any_part):  # only series with something to say
        note[i] = "; ".join(str(text[i]) for mask, text in parts if mask[i])
    return note


def forecast_long(forecaster: Any, sid: Any, years: Any, values: Any, transforms: Sequence[Any],
                  transform_of: Any, h: int, levels: Sequence[float]) -> MatrixForecast:
    """Forecast ``S`` series given as rows sorted by (series, year).

    Parameters
    ----------
    forecaster : Forecaster
        A vectorised forecaster (``per_series`` False).
    sid : ndarray (rows,) int
        Series number 0…S−1 of each row, non-decreasing.
    years : ndarray (rows,) int
        Year of each row, increasing within a series (no repeats; checked by the caller).
    values : ndarray (rows,) float
        Values in the indicator's unit (bounds checked by the caller); NaN = missing.
    transforms : sequence of Transform
        The distinct transforms; ``transform_of[s]`` indexes it for series ``s``.
    h : int
        Years ahead of each series' last supplied year.
    levels : sequence of float
        Interval levels (validated).
    """
    import numpy as np

    from ctxh_plan.forecast.base import MIN_POINTS, Naive
    from ctxh_plan.forecast.intervals import apply_count_floor, half_widths

    S = int(transform_of.shape[0])
    starts = np.searchsorted(sid, np.arange(S))
    ymin = years[starts]
    ymax = np.maximum.reduceat(years, starts)
    span = ymax - ymin + 1
    n_all = np.zeros(S, dtype=int)
    skip_all = np.zeros(S, dtype=int)
    lead_all = np.zeros(S, dtype=int)
    gaps_all = np.zeros(S, dtype=int)
    # buckets (transform index, cleaned length) → lists of (series ids, Z rows, skips, eps)
    buckets: dict[tuple[int, int], list[tuple[Any, Any, Any, Any]]] = {}
    group_key = transform_of.astype(np.int64) * (int(span.max()) + 1) + span
    for key in np.unique(group_key):
        ids = np.flatnonzero(group_key == key)
        ti, L = int(transform_of[ids[0]]), int(span[ids[0]])
        tr = transforms[ti]
        loc = np.full(S, -1)
        loc[ids] = np.arange(len(ids))
        rows = np.flatnonzero(loc[sid] >= 0)
        Y = np.full((len(ids), L), np.nan)
        Y[loc[sid[rows]], years[rows] - ymin[sid[rows]]] = values[rows]
        c = clean_matrix(Y, tr)
        n_all[ids], gaps_all[ids] = c["n"], c["gaps"]
        has = c["n"] > 0
        lead_all[ids] = np.where(has, c["first"], 0)
        skip_all[ids] = np.where(has, L - 1 - c["last"], 0)
        eps = c["eps"] if c["eps"] is not None else np.full((len(ids), 1), np.nan)
        for n in np.unique(c["n"]):
            sel = np.flatnonzero(c["n"] == n)
            Zn = np.take_along_axis(c["Z"][sel], c["first"][sel, None] + np.arange(int(n))[None, :], axis=1)
            buckets.setdefault((ti, int(n)), []).append((ids[sel], Zn, skip_all[ids[sel]], eps[sel]))

    mean = np.full((S, h), np.nan)
    lo = {lv: np.full((S, h), np.nan) for lv in levels}
    hi = {lv: np.full((S, h), np.nan) for lv in levels}
    method = np.full(S, forecaster.name, dtype=object)
    extra = np.full(S, "", dtype=object)
    uncal = np.zeros(S, dtype=bool)
    model_notes = np.full(S, "", dtype=object)
    for (ti, n), chunks in sorted(buckets.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        tr = transforms[ti]
        ids = np.concatenate([ch[0] for ch in chunks])
        Z = np.vstack([ch[1] for ch in chunks])
        skips = np.concatenate([ch[2] for ch in chunks])
        eps = np.vstack([ch[3] for ch in chunks])
        model = forecaster
        if n < MIN_POINTS:
            model = Naive()
            msg = (f"only {n} observed point(s) (< {MIN_POINTS}): {forecaster.name} not used, "
                   f"naive fallback" + ("" if n >= 2 else "; no interval"))
            log.warning("%s for %d series", msg, len(ids))
            extra[ids] = msg
            method[ids] = model.name
        hh = h + int(skips.max())
        if n == 0:
            mean_z = np.full((len(ids), hh), np.nan)
            sigma = mean_z.copy()
        else:
            out = model.predict_batch(Z, hh)
            mean_z, sigma = out.mean, out.sigma
            for r, texts in out.notes.items():
                model_notes[ids[r]] = "; ".join(texts)
        hw, calibrated = half_widths(model.calibration_key, sigma, levels)
        if tr.count and n > 0:
            hw = apply_count_floor(hw, mean_z, np.full(len(ids), n))
        if not calibrated and n >= 2:
            uncal[ids] = True
        take = skips[:, None] + np.arange(h)[None, :]
        mz = np.take_along_axis(mean_z, take, axis=1)
        e = eps if tr.name == "logit" else None
        mean[ids] = tr.inverse(mz, e)
        for lv in levels:
            w = np.take_along_axis(hw[lv], take, axis=1)
            lo[lv][ids] = tr.inverse(mz - w, e)
            hi[lv][ids] = tr.inverse(mz + w, e)

    none = n_all == 0
    skip_all = np.where(none, 0, skip_all)
    note = _notes_for(S, [
        (none, np.full(S, "no observed value", dtype=object)),
        (~none & (lead_all > 0), np.char.add(lead_all.astype(str), " leading missing value(s) dropped")),
        (~none & (skip_all > 0), np.char.add(skip_all.astype(str), " trailing missing value(s) forecast")),
        (~none & (gaps_all > 0), np.char.add(gaps_all.astype(str), " inner gap(s) interpolated")),
        (extra != "", extra),
        (uncal, np.full(S, "intervals not calibrated (normal quantiles)", dtype=object)),
        (model_notes != "", model_notes),
    ])
    yrs = (ymax + 1)[:, None] + np.arange(h)[None, :]
    return MatrixForecast(yrs.astype(int), mean, lo, hi, method, note)
