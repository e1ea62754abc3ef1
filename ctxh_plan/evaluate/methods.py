"""Named progress methods as pure scalar formulas (no pandas).

Notation (docs/EVALUATION.md, domain.md "Methods with a name"): base value ``y0``
at year ``t0``, latest value ``yt`` at year ``t``, target ``T`` at year ``tT``,
``d = +1`` when higher is better and ``-1`` when lower is better. Values are in
the indicator's unit (percent as 0–100). Every function returns ``nan`` (or the
"insufficient data" category) instead of raising when inputs are missing.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

from ctxh_plan.vocab import Attainment, Direction, Operator, ProgressCategory, UnsdCategory

__all__ = [
    "EXCEED_MARGIN",
    "ZERO_REPLACEMENT",
    "EscapAnticipated",
    "assess_attainment",
    "compute_aarr",
    "compute_cagr",
    "compute_escap_anticipated",
    "compute_escap_status",
    "compute_opensdg_progress",
    "compute_planned_change_share",
    "compute_required_aarr",
    "compute_unsd_progress",
    "is_missing",
]

#: Open SDG replaces a zero base or target by this value before taking ratios.
ZERO_REPLACEMENT = 0.001
#: "Exceeded" = met with more than 110 % of the planned change (see assess_attainment).
EXCEED_MARGIN = 0.10

OPENSDG_ON_TRACK = 0.95
OPENSDG_ACCELERATION = 0.60
OPENSDG_NO_TARGET_ON_TRACK = 0.015
OPENSDG_NO_TARGET_ACCELERATION = 0.005
UNSD_ON_TRACK = 0.95
UNSD_ACCELERATION = 0.10


class EscapAnticipated:
    """Categories of ESCAP anticipated progress (identifiers stored in frames)."""

    MAINTAIN = "maintain"
    ACCELERATE = "accelerate"
    REVERSE = "reverse_trend"
    INSUFFICIENT = "insufficient_data"


def is_missing(x: object) -> bool:
    """True for ``None``, NaN and pandas NA."""
    if isinstance(x, float):  # fast path (float and numpy float64)
        return x != x
    if x is None:
        return True
    try:
        return bool(math.isnan(float(cast(Any, x))))  # any object: float() raising is handled below
    except (TypeError, ValueError):
        return True


def _nz(x: float) -> float:
    """Open SDG zero replacement (values are >= 0 in this toolkit)."""
    return ZERO_REPLACEMENT if x == 0 else x


def compute_cagr(y0: float, t0: float, yt: float, t: float) -> float:
    """Compound annual growth rate ``(yt/y0)^(1/(t-t0)) - 1`` (fraction per year).

    Zero values are replaced by 0.001 (Open SDG). ``nan`` when a value is
    missing or negative, or when ``t <= t0`` (fewer than 2 points).
    """
    if any(is_missing(v) for v in (y0, t0, yt, t)) or t <= t0 or y0 < 0 or yt < 0:
        return math.nan
    return (_nz(yt) / _nz(y0)) ** (1.0 / (t - t0)) - 1.0


def compute_planned_change_share(y0: float, yt: float, target: float) -> float:
    """Share of the planned change achieved, ``(yt - y0) / (T - y0)``.

    1 = exactly on target, 0 = no change, < 0 = moved away from the target.
    ``nan`` when a value is missing or the target equals the base (no planned change).
    """
    if any(is_missing(v) for v in (y0, yt, target)) or target == y0:
        return math.nan
    return (yt - y0) / (target - y0)


def _holds(op: Operator, value: float, target: float) -> bool:
    return op.holds(float(value), float(target))


def assess_attainment(value: float, target: float, operator: str | Operator, direction: str | Direction,
                      *, baseline: float = math.nan, lo: float = math.nan, hi: float = math.nan,
                      exceed_at: float = math.nan, exceed_margin: float = EXCEED_MARGIN) -> Attainment:
    """Verdict on the latest value against the target.

    Parameters
    ----------
    value, target : float
        Latest value and target in the indicator's unit.
    operator : ``>=``, ``<=``, ``>``, ``<`` or ``=``
        How ``value`` must compare with ``target``.
    direction : ``higher`` or ``lower``
        Which way is better (``d``).
    baseline : float, optional
        Base value ``y0``; used to define "exceeded".
    lo, hi : float, optional
        Interval of the latest value (exact Poisson). When the operator's verdict
        differs between ``lo`` and ``hi`` (the interval straddles the target) the
        result is :attr:`Attainment.UNCERTAIN`.
    exceed_at : float, optional
        For range targets (e.g. -2 … -3 % a year): the ambitious end. When given,
        "exceeded" means strictly beyond it in the good direction.
    exceed_margin : float
        "Exceeded" (Vượt) = the target is met AND the value lies beyond the target in
        the good direction by more than ``exceed_margin`` × the planned change
        ``|T - y0|`` (i.e. more than 110 % of the planned change was achieved). When
        there was no planned change in the good direction (target already met at
        base, or no base) the margin is ``exceed_margin × |T|``. An ``=`` target is
        never "exceeded".

    Returns
    -------
    Attainment
        MET, EXCEEDED, NOT_MET, UNCERTAIN or INSUFFICIENT (value or target missing).
    """
    if is_missing(value) or is_missing(target):
        return Attainment.INSUFFICIENT
    op = Operator(operator)
    d = Direction(direction).sign
    if not (is_missing(lo) or is_missing(hi)) and (
            _holds(op, lo, target) != _holds(op, hi, target) or (op is Operator.EQ and lo < target < hi)):
        return Attainment.UNCERTAIN
    if not _holds(op, value, target):
        return Attainment.NOT_MET
    if op is Operator.EQ:
        return Attainment.MET
    beyond = d * (value - target)
    if not is_missing(exceed_at):
        return Attainment.EXCEEDED if d * (value - exceed_at) > 1e-12 else Attainment.MET
    planned = d * (target - baseline) if not is_missing(baseline) else math.nan
    scale = planned if (not is_missing(planned) and planned > 0) else abs(target)
    return Attainment.EXCEEDED if scale > 0 and beyond > exceed_margin * scale + 1e-12 else Attainment.MET


def _progress_category(x: float, on_track: float, acceleration: float) -> ProgressCategory:
    """Open SDG category of a progress ratio (or of a sign-adjusted CAGR) given its two thresholds."""
    if x >= on_track:
        return ProgressCategory.ON_TRACK
    if x >= acceleration:
        return ProgressCategory.ACCELERATION
    if x >= 0:
        return ProgressCategory.LIMITED
    return ProgressCategory.DETERIORATION


def compute_opensdg_progress(y0: float, t0: float, yt: float, t: float, target: float, t_target: float,
                             direction: str | Direction, *, met: bool = False
                             ) -> tuple[float, ProgressCategory, float, float]:
    """Open SDG / Statistics Canada progress ratio and category.

    ``CAGR_obs = (yt/y0)^(1/(t-t0)) - 1``, ``CAGR_req = (T/y0)^(1/(tT-t0)) - 1``,
    ``R = d · CAGR_obs / |CAGR_req|``. Categories: target met → achieved;
    R >= 0.95 on track; 0.60–0.95 acceleration needed; 0–0.60 limited progress;
    R < 0 deterioration. Without a numeric target (or when ``CAGR_req`` is 0) the
    sign-adjusted ``CAGR_obs`` is used: >= 1.5 % on track, 0.5–1.5 % acceleration
    needed, 0–0.5 % limited, < 0 deterioration. Zero base/target → 0.001.

    Returns
    -------
    (ratio, category, cagr_observed, cagr_required)
        ratio and CAGRs as fractions per year (0.05 = 5 % a year); ``nan`` when not computable.
    """
    d = Direction(direction).sign
    obs = compute_cagr(y0, t0, yt, t)
    req = math.nan
    if not any(is_missing(v) for v in (target, t_target, y0, t0)) and t_target > t0 and target >= 0 and y0 >= 0:
        req = (_nz(target) / _nz(y0)) ** (1.0 / (t_target - t0)) - 1.0
    ratio = d * obs / abs(req) if not (is_missing(obs) or is_missing(req) or req == 0) else math.nan
    if met:
        return ratio, ProgressCategory.ACHIEVED, obs, req
    if is_missing(obs):
        return ratio, ProgressCategory.INSUFFICIENT, obs, req
    if is_missing(ratio):
        cat = _progress_category(d * obs, OPENSDG_NO_TARGET_ON_TRACK, OPENSDG_NO_TARGET_ACCELERATION)
        return ratio, cat, obs, req
    return ratio, _progress_category(ratio, OPENSDG_ON_TRACK, OPENSDG_ACCELERATION), obs, req


def compute_unsd_progress(y0: float, t0: float, yt: float, t: float, target: float, t_target: float,
                          *, met: bool = False) -> tuple[float, UnsdCategory]:
    """UN Statistics Division progress chart (2023) score and category.

    Extrapolate at the observed CAGR: ``ŷ = yt·(1+CAGR_obs)^(tT−t)``; score
    ``(ŷ − y0)/(T − y0)``: >= 0.95 on track (or target met), 0.10–0.95 acceleration
    needed, < 0.10 stagnation or regression. When ``t == tT`` the score equals the
    share of planned change achieved.
    """
    obs = compute_cagr(y0, t0, yt, t)
    if is_missing(obs) or is_missing(target) or is_missing(t_target) or target == y0:
        return math.nan, (UnsdCategory.ON_TRACK if met else UnsdCategory.INSUFFICIENT)
    projected = yt * (1.0 + obs) ** (t_target - t)
    score = (projected - y0) / (target - y0)
    if met or score >= UNSD_ON_TRACK:
        return score, UnsdCategory.ON_TRACK
    if score >= UNSD_ACCELERATION:
        return score, UnsdCategory.ACCELERATION
    return score, UnsdCategory.STAGNATION


def compute_escap_status(y0: float, t0: float, yt: float, t: float, target: float, t_target: float,
                         direction: str | Direction) -> tuple[float, float]:
    """ESCAP current status ``CS = 10·d·(yt − y0)/|T − y0|`` and the expected status.

    The expected status is ``10·(t − t0)/(tT − t0)``: the share of the period
    elapsed on the same 0–10 scale. CS at or above the expected status means
    progress is at least as fast as time passes.
    """
    d = Direction(direction).sign
    if any(is_missing(v) for v in (y0, yt, target)) or target == y0:
        cs = math.nan
    else:
        cs = 10.0 * d * (yt - y0) / abs(target - y0)
    expected = math.nan
    if not any(is_missing(v) for v in (t0, t, t_target)) and t_target > t0:
        expected = 10.0 * (t - t0) / (t_target - t0)
    return cs, expected


def compute_escap_anticipated(years: Sequence[float], values: Sequence[float], target: float, t_target: float,
                              operator: str | Operator, direction: str | Direction, *, y0: float = math.nan,
                              bounds: tuple[float, float | None] = (0.0, None)) -> tuple[float, float, str]:
    """ESCAP anticipated progress by a time-weighted linear regression.

    Weighted least squares of value on year with weights ``w = year − first_year + 1``
    (recent years weigh more; ESCAP SD/WP/04, 2017), predicted at ``tT`` and clipped
    to ``bounds``. Category: the prediction meets the target → "maintain"; the slope
    points the good way → "accelerate"; otherwise "reverse_trend". At least 2 years.

    Returns
    -------
    (predicted, ratio, category)
        ``ratio = (ŷ − y0)/(T − y0)`` (``nan`` without base or when ``T == y0``).
    """
    pts = [(float(x), float(v)) for x, v in zip(years, values) if not (is_missing(x) or is_missing(v))]
    if len({x for x, _ in pts}) < 2 or is_missing(target) or is_missing(t_target):
        return math.nan, math.nan, EscapAnticipated.INSUFFICIENT
    first = min(x for x, _ in pts)
    w = [x - first + 1.0 for x, _ in pts]
    sw = sum(w)
    mx = sum(wi * x for wi, (x, _) in zip(w, pts)) / sw
    my = sum(wi * v for wi, (_, v) in zip(w, pts)) / sw
    sxx = sum(wi * (x - mx) ** 2 for wi, (x, _) in zip(w, pts))
    slope = sum(wi * (x - mx) * (v - my) for wi, (x, v) in zip(w, pts)) / sxx
    predicted = my + slope * (t_target - mx)
    lo, hi = bounds
    predicted = max(predicted, lo) if lo is not None else predicted
    predicted = min(predicted, hi) if hi is not None else predicted
    ratio = (predicted - y0) / (target - y0) if not is_missing(y0) and target != y0 else math.nan
    if _holds(Operator(operator), predicted, target):
        cat = EscapAnticipated.MAINTAIN
    elif Direction(direction).sign * slope > 0:
        cat = EscapAnticipated.ACCELERATE
    else:
        cat = EscapAnticipated.REVERSE
    return predicted, ratio, cat


def compute_aarr(years: Sequence[float], values: Sequence[float]) -> float:
    """UNICEF average annual rate of reduction, ``100·(1 − e^β)`` (% per year).

    ``β`` is the least-squares slope of ``ln(y)`` on year over the points with
    ``y > 0`` (zeros cannot be logged and are left out). Positive = falling.
    ``nan`` with fewer than 2 positive points in distinct years.
    """
    pts = [(float(x), math.log(float(v))) for x, v in zip(years, values)
           if not (is_missing(x) or is_missing(v)) and float(v) > 0]
    if len({x for x, _ in pts}) < 2:
        return math.nan
    n = len(pts)
    mx = sum(x for x, _ in pts) / n
    my = sum(y for _, y in pts) / n
    beta = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    return 100.0 * (1.0 - math.exp(beta))


def compute_required_aarr(y_from: float, t_from: float, target: float, t_target: float) -> float:
    """Required AARR ``100·(1 − (T/y)^(1/(tT − t)))`` (% per year) from ``y`` at ``t``.

    Zero target or start replaced by 0.001. ``nan`` when ``tT <= t``.
    """
    if any(is_missing(v) for v in (y_from, t_from, target, t_target)) or t_target <= t_from:
        return math.nan
    if y_from < 0 or target < 0:
        return math.nan
    return 100.0 * (1.0 - (_nz(target) / _nz(y_from)) ** (1.0 / (t_target - t_from)))
