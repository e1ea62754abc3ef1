"""Yearly milestones (lộ trình) from the base-year level to the target.

Geometric: ``r = (T/y0)^(1/n) − 1``, milestone ``y0·(1+r)^k`` (k years after the
base year, n = horizon − base year). Linear: ``y0 + (T − y0)·k/n``. Rows flagged by
:func:`space.shortfall_mask` work on ``100 − p``. A geometric path is undefined when
either end is 0 (or negative) in the working space: those rows fall back to the
linear path and are reported in the returned mask.
"""
from __future__ import annotations

import numpy as np

from ctxh_plan.errors import ParameterError
from ctxh_plan.targets.space import from_work, to_work
from ctxh_plan.targets.terms import MilestonePath

__all__ = ["milestone_matrix"]


def milestone_matrix(start, target, n_years: int, path: str = "geometric", shortfall=None):
    """Milestones for years base+1 … base+n_years.

    Parameters
    ----------
    start : float array
        Base-year level y0 (indicator unit).
    target : float array
        Target T for the horizon year (indicator unit).
    n_years : int
        Horizon − base year (5 for 2025 → 2030).
    path : {"geometric", "linear"}
    shortfall : bool array, optional
        Rows computed on ``100 − p``.

    Returns
    -------
    values : ndarray, shape (rows, n_years)
        Milestones; the last column equals ``target`` exactly.
    fell_back : bool ndarray
        Rows where a geometric path was asked but the linear one was used.
    """
    try:
        path = MilestonePath(path).value
    except ValueError:
        raise ParameterError("milestone_path", "unknown milestone path", value=path,
                             fix=f"use one of {[m.value for m in MilestonePath]}") from None
    start = np.asarray(start, float)
    target = np.asarray(target, float)
    sf = np.zeros(start.shape, bool) if shortfall is None else np.asarray(shortfall, bool)
    w0, wt = to_work(start, sf), to_work(target, sf)
    k = np.arange(1, n_years + 1, dtype=float)[None, :] / n_years
    linear = w0[:, None] + (wt - w0)[:, None] * k
    fell_back = np.zeros(start.shape, bool)
    if path == MilestonePath.GEOMETRIC.value:
        ok = (w0 > 0) & (wt > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(ok, wt / np.where(ok, w0, 1.0), 1.0)
            geo = w0[:, None] * np.power(ratio[:, None], k)
        work = np.where(ok[:, None], geo, linear)
        fell_back = ~ok & (w0 != wt) & ~np.isnan(w0) & ~np.isnan(wt)
    else:
        work = linear
    values = from_work(work, sf[:, None])
    values[:, -1] = target
    return values, fell_back
