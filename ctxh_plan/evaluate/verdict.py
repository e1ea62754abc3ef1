"""The official verdict of a target, as a signed report writes it, and the statistical judgement beside it.

A People's Committee's report judges a target on the figure it prints: the reported (or estimated,
"ước thực hiện") value and the target, each at the indicator's decimals, compared by the target's
operator. So every function here works *at the displayed precision*:

* :func:`shown_value` — a value as printed (``7,04`` → 7.0 with one decimal);
* :func:`target_on_grid` — a target as printed: on the indicator's grid, rounded the way that keeps
  every verdict the same (−10 % of 15 drowning deaths = 13,5 → "≤ 13" in whole deaths);
* :func:`official_verdict` — Đạt / Vượt / Chưa đạt: the operator on the shown value and the shown
  target; **Vượt** = strictly better than the target at the displayed precision (so a strict ``<``
  or ``>`` target that is met is always exceeded, an ``=`` target never);
* :func:`percent_of_target` — TH/KH (%) = shown value ÷ shown target × 100, as reports print it
  (for lower-is-better indicators ≤ 100 means met);
* :func:`assess_certainty` — the statistical judgement: does the exact Poisson interval of the value lie
  on one side of the target? It is a separate column, never a replacement for the verdict.
"""
from __future__ import annotations

import math

from ctxh_plan.evaluate.methods import is_missing
from ctxh_plan.vocab import Attainment, Certainty, Direction, Operator

__all__ = ["assess_certainty", "official_verdict", "percent_of_target", "shown_value", "target_on_grid"]

_EPS = 1e-6


def shown_value(value: float, decimals: int) -> float:
    """``value`` as a table prints it with ``decimals`` digits (the same rounding as
    :func:`ctxh_plan.data.numbers.format_number`); NaN stays NaN."""
    from ctxh_plan.data.numbers import round_half_up

    if is_missing(value):
        return math.nan
    return round_half_up(float(value), max(int(decimals), 0))


def target_on_grid(target: float, operator: str | Operator, decimals: int) -> float:
    """The target on the indicator's grid (``decimals`` digits), rounded so that no verdict changes.

    A value printed with ``decimals`` digits satisfies ``value <op> target`` exactly when it satisfies
    ``value <op> target_on_grid``: ``<=`` and ``>`` round down (≤ 13,5 deaths ⇔ ≤ 13), ``>=`` and ``<``
    round up (≥ 97,25 % ⇔ ≥ 97,3 with one decimal), ``=`` rounds to the nearest. A target already on
    the grid is returned as it is.

    Parameters
    ----------
    target : float
        Target in the indicator's unit.
    operator : ``>=``, ``<=``, ``>``, ``<`` or ``=``
    decimals : int
        The indicator's decimals (catalogue).
    """
    if is_missing(target):
        return math.nan
    q = 10.0 ** max(int(decimals), 0)
    y = float(target) * q
    if abs(y - round(y)) < _EPS:
        return round(y) / q
    op = Operator(operator)
    if op in (Operator.LE, Operator.GT):
        return math.floor(y) / q
    if op in (Operator.GE, Operator.LT):
        return math.ceil(y) / q
    return shown_value(float(target), decimals)


def official_verdict(value: float, target: float, operator: str | Operator, direction: str | Direction,
                     decimals: int, *, exceed_at: float = math.nan) -> Attainment:
    """Đạt / Vượt / Chưa đạt of ``value`` against ``target`` at the displayed precision.

    Parameters
    ----------
    value : float
        The reported or estimated value ("ước thực hiện"), in the indicator's unit.
    target : float
        The target in the same unit (a relative target already made absolute).
    operator : ``>=``, ``<=``, ``>``, ``<`` or ``=``
    direction : ``higher`` or ``lower`` (which way is better)
    decimals : int
        The indicator's decimals; both numbers are compared as printed.
    exceed_at : float, optional
        The ambitious end of a range target (−2 … −3 %/năm): Vượt only strictly beyond it.

    Returns
    -------
    Attainment
        NOT_MET when the operator fails; MET for ``=`` targets and values exactly at the target
        (or inside a range); EXCEEDED when strictly better than the target (than the ambitious end of
        a range); INSUFFICIENT when the value or the target is missing.
    """
    if is_missing(value) or is_missing(target):
        return Attainment.INSUFFICIENT
    op = Operator(operator)
    d = Direction(direction).sign
    v = shown_value(value, decimals)
    t = target_on_grid(target, op, decimals)
    if not op.holds(v, t, tol=0.5 * 10.0 ** -max(int(decimals), 0) * _EPS):
        return Attainment.NOT_MET
    if op is Operator.EQ:
        return Attainment.MET
    bar = t if is_missing(exceed_at) else target_on_grid(exceed_at, op, decimals)
    return Attainment.EXCEEDED if d * (v - bar) > 0.5 * 10.0 ** -max(int(decimals), 0) else Attainment.MET


def percent_of_target(value: float, target: float, operator: str | Operator, decimals: int) -> float:
    """TH/KH (%): the shown value ÷ the shown target × 100 (thực hiện ÷ kế hoạch); NaN when either is
    missing or the target is 0 (a "keep at zero" target has no ratio)."""
    if is_missing(value) or is_missing(target):
        return math.nan
    t = target_on_grid(target, operator, decimals)
    if t == 0:
        return math.nan
    return 100.0 * shown_value(value, decimals) / t


def assess_certainty(verdict: Attainment, lo: float, hi: float, target: float,
                     operator: str | Operator) -> Certainty:
    """The statistical judgement of a verdict on a small-number value.

    SURE when both ends of the exact interval ``[lo, hi]`` of the value give the same answer to the
    operator (met or not met), UNSURE when the interval straddles the target ("chưa đủ chắc chắn":
    one or two events more or fewer would change the verdict), NOT_TESTED without an interval or a
    conclusive verdict.
    """
    if verdict not in (Attainment.MET, Attainment.EXCEEDED, Attainment.NOT_MET):
        return Certainty.NOT_TESTED
    if is_missing(lo) or is_missing(hi) or is_missing(target):
        return Certainty.NOT_TESTED
    op = Operator(operator)
    if op is Operator.EQ:
        return Certainty.UNSURE if lo < target < hi else Certainty.SURE
    return Certainty.UNSURE if op.holds(lo, target) != op.holds(hi, target) else Certainty.SURE
