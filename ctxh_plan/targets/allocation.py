"""Top-down allocation: split a province target into unit targets that add back up exactly.

Methods (``method``):

* ``population``   — shares proportional to population (``population`` column);
* ``equal_effort`` — every unit changes by the same relative amount (same % change of
  its count, or of its rate);
* ``gap``          — the change the province needs is shared in proportion to each
  unit's gap to its fair share of the target (units furthest on the bad side move most);
  when no unit has a gap, by population.

Counts: the real-valued quotas are rounded by the **largest-remainder** method
(``rebase.allocate_integer``), so
the unit targets are whole numbers that sum exactly to the province target.
Rates and percentages: what is allocated is the **numerator** (deaths, children
covered…) over each unit's denominator, so ``Σ numerators × factor / Σ denominators``
reproduces the province rate (ratio of sums), and each unit's target rate is
``numerator × factor / denominator``. Unit values stay within bounds (counts >= 0,
percentages 0–100); a unit at a bound is held there and the rest is shared among
the others.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ctxh_plan.errors import ParameterError
from ctxh_plan.targets.terms import AllocationMethod
from ctxh_plan.vocab import Kind

__all__ = ["allocate_target", "bounded_share"]

log = logging.getLogger(__name__)


def bounded_share(total: float, base, weights, lo, hi, fallback=None) -> tuple[np.ndarray, bool]:
    """``x_i = clip(base_i + λ·w_i, lo_i, hi_i)`` with λ chosen so that ``Σx = total``.

    Parameters
    ----------
    total : float
    base, weights, lo, hi : arrays (weights >= 0; ``hi`` may be +inf)

    fallback : array, optional
        Weights used for what is left when the units with weight > 0 all reach a bound
        (e.g. equal effort when the units that can change are capped at 100%).

    Returns
    -------
    x : ndarray
    used_fallback : bool

    Raises
    ------
    ParameterError
        When ``total`` is outside ``[Σlo, Σhi]`` or cannot be reached with the weights given.
    """
    base, w = np.asarray(base, float), np.asarray(weights, float)
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    if total < lo.sum() - 1e-9 or total > hi.sum() + 1e-9:
        raise ParameterError("target", f"cannot be split within the units' bounds [{lo.sum():g}, {hi.sum():g}]",
                             value=total, fix="check the target and the units' denominators")

    def f(lam: float) -> float:
        return float(np.clip(base + lam * w, lo, hi).sum())

    cur = f(0.0)
    if abs(cur - total) <= 1e-12 * max(1.0, abs(total)):
        x = np.clip(base, lo, hi)
    else:
        if not (w > 0).any():
            raise ParameterError("weights", "all allocation weights are 0", fix="give populations or values > 0")
        w = w / w.max()  # scale-free weights (very small or very large values)
        w = np.where(w < 1e-12, 0.0, w)  # a weight 1e-12 of the largest cannot move its unit: it is 0
        step = 1.0 if cur < total else -1.0
        saturated = np.clip(base + step * np.where(w > 0, np.inf, 0.0), lo, hi)
        if (saturated.sum() - total) * step < 0:
            if fallback is None:
                raise ParameterError("target", "cannot be reached by this allocation", value=total,
                                     fix="use another method (population) or check the target")
            fb = np.where(w > 0, 0.0, np.asarray(fallback, float))
            x, _ = bounded_share(total, saturated, fb, lo, hi)
            return x, True
        a, b = 0.0, step * max(1.0, abs(total - cur) / max(w.sum(), 1e-300))
        while (f(b) - total) * step < 0 and abs(b) < 1e300:
            a, b = b, b * 2
        lo_l, hi_l = (a, b) if a < b else (b, a)
        for _ in range(200):
            mid = 0.5 * (lo_l + hi_l)
            if f(mid) < total:
                lo_l = mid
            else:
                hi_l = mid
        x = np.clip(base + hi_l * w, lo, hi)
    # make the sum exact: put the tiny residual on units with room to move
    for _ in range(3):
        r = total - x.sum()
        if r == 0:
            break
        room = (hi - x) if r > 0 else (x - lo)
        free = room > abs(r)
        if not free.any():
            break
        i = int(np.argmax(np.where(free, room, -np.inf)))
        x[i] += r
    return x, False


def allocate_target(target: float, units: pd.DataFrame, *, method: str = "population",
                    kind: str | Kind = "count") -> pd.DataFrame:
    """Split a province target for the horizon year into unit targets.

    Parameters
    ----------
    target : float
        Province target: a count (whole number) or a rate in the indicator's unit
        (percent 0–100, per 1,000, per 100,000).
    units : DataFrame
        ``unit_code`` and, as needed: ``population`` (weights), ``value`` (current level: count
        or rate), ``denominator`` (rates; e.g. children, live births), ``numerator`` (rates; if
        missing, ``value × denominator / factor``).
    method : {"population", "gap", "equal_effort"}
    kind : Kind or str
        ``count``/``money`` are allocated as amounts; ratio kinds through numerators.

    Returns
    -------
    DataFrame
        ``unit_code, method, allocated`` (count, or numerator for rates), ``denominator``,
        ``target`` (unit target in the indicator's unit), ``share`` (of the allocated total), ``note``.
    """
    try:
        method = AllocationMethod(method).value
    except ValueError:
        raise ParameterError("method", "unknown allocation method", value=method,
                             fix=f"use one of {[m.value for m in AllocationMethod]}") from None
    kind = Kind(getattr(kind, "value", kind))
    u = units.reset_index(drop=True)
    n = len(u)
    if n == 0:
        raise ParameterError("units", "no units to allocate to", fix="give at least one unit")
    note = ""
    pop = u["population"].to_numpy(float) if "population" in u else None
    if kind.is_ratio:
        if "denominator" not in u:
            raise ParameterError("units", "a rate is allocated through denominators; column `denominator` is missing",
                                 fix="add each unit's denominator (e.g. child population)")
        den = u["denominator"].to_numpy(float)
        if (den <= 0).any() or np.isnan(den).any():
            raise ParameterError("denominator", "must be > 0 for every unit", fix="check the denominators")
        f = kind.factor
        if "numerator" in u and u["numerator"].notna().all():
            cur = u["numerator"].to_numpy(float)
        elif "value" in u:
            cur = u["value"].to_numpy(float) * den / f
        else:
            cur = None
        total = float(target) * den.sum() / f
        lo = np.zeros(n)
        hi = den.copy() if kind.is_bounded_100 else np.full(n, np.inf)
        weight_pop = den if pop is None else pop
        fair = total * den / den.sum()  # numerators at the province rate
    else:
        if float(target) < 0:
            raise ParameterError("target", "a count target must be >= 0", value=target)
        total = float(target)
        if kind == Kind.COUNT and total != round(total):
            total = float(round(total))
            note = f"chỉ tiêu tỉnh làm tròn thành {int(total)} (province target rounded)"
            log.warning("allocation: count target %s rounded to %d", target, int(total))
        cur = u["value"].to_numpy(float) if "value" in u else None
        lo, hi = np.zeros(n), np.full(n, np.inf)
        weight_pop = pop
        fair = None if pop is None else total * pop / pop.sum()
    base = np.zeros(n)
    if method == AllocationMethod.POPULATION.value:
        if weight_pop is None:
            raise ParameterError("units", "method 'population' needs a `population` column", fix="add populations")
        w = weight_pop
    else:
        if cur is None:
            raise ParameterError("units", f"method {method!r} needs each unit's current `value`",
                                 fix="add the 2025 values")
        if method == AllocationMethod.EQUAL_EFFORT.value:
            w = cur
        else:
            if fair is None:
                raise ParameterError("units", "method 'gap' needs `population` for counts", fix="add populations")
            # units on the far side of their fair share (in the direction of the change) take it
            gap = np.maximum(0.0, np.sign(total - cur.sum()) * (fair - cur))
            base = cur
            w = gap if gap.sum() > 0 else fair
            if gap.sum() == 0:
                note = "không đơn vị nào cách xa chỉ tiêu, chia theo dân số (no gaps: by population)"
        if w.sum() == 0 and weight_pop is not None:
            w = weight_pop
            note = "giá trị hiện tại bằng 0, chia theo dân số (all values 0: by population)"
            log.warning("allocation %s: all weights 0, population used", method)
    x, fell_back = bounded_share(total, base, w, lo, hi, fallback=weight_pop if weight_pop is not None else None)
    if fell_back:
        note = "các đơn vị theo phương pháp đã chạm giới hạn, phần còn lại chia theo dân số " \
               "(units at their bounds; the rest shared by population)"
        log.warning("allocation %s: units reached their bounds; the rest shared by population", method)
    if kind == Kind.COUNT:
        from ctxh_plan.rebase import allocate_integer  # largest remainder, shared with the re-basing of counts

        # the quotas already sum to the total, so splitting the total by them reproduces them, rounded
        x = np.asarray(allocate_integer(int(total), np.maximum(x, 0.0).tolist()), dtype=float)
    out = pd.DataFrame({"unit_code": u["unit_code"].astype(str), "method": method, "allocated": x})
    if kind.is_ratio:
        out["denominator"] = den
        out["target"] = x * kind.factor / den
    else:
        out["denominator"] = np.nan
        out["target"] = x
    out["share"] = x / total if total else 0.0
    out["note"] = note
    return out
