"""A test indicator in one line (no tests here; imported by the forecast and targets rooms)."""
from __future__ import annotations

from typing import Any

from ctxh_plan.data.catalog import Indicator
from ctxh_plan.vocab import Aggregation, Direction, Kind

__all__ = ["make_indicator"]


def make_indicator(code: str, kind: Kind, direction: Direction = Direction.LOWER, **kw: Any) -> Indicator:
    """An indicator named by its code: bounds from its kind (0–100 or ≥ 0), counts summed and the rest
    aggregated as a ratio, whole counts and one decimal otherwise; ``kw`` as :class:`Indicator` takes them."""
    bounds = (0.0, 100.0) if kind.is_bounded_100 else (0.0, None)
    agg = Aggregation.SUM if kind is Kind.COUNT else Aggregation.RATIO
    return Indicator(code, code, code, "", kind, direction, bounds=bounds, aggregation=agg,
                     decimals=0 if kind is Kind.COUNT else 1, **kw)
