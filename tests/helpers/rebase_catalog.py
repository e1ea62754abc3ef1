"""The small catalogue of the re-basing tests (no tests here; imported by tests/rebase/)."""
from __future__ import annotations

from ctxh_plan.data.catalog import Catalog, Indicator
from ctxh_plan.vocab import Aggregation, Direction, Kind

__all__ = ["make_catalog"]


def make_catalog() -> Catalog:
    """Counts, a rate with components, a share of units, a yes/no and a non-aggregated indicator."""
    inds = [
        Indicator("DEATHS", "Số trẻ tử vong do TNTT", "Injury deaths", "trẻ em", Kind.COUNT, Direction.LOWER),
        Indicator("POP", "Số trẻ em", "Children", "trẻ em", Kind.COUNT, Direction.HIGHER),
        Indicator("BUDGET", "Kinh phí", "Budget", "triệu đồng", Kind.MONEY, Direction.HIGHER),
        Indicator("RATE", "Tỷ suất tử vong", "Death rate", "/100.000", Kind.RATE_100000, Direction.LOWER,
                  numerator="DEATHS", denominator="POP", aggregation=Aggregation.RATIO),
        Indicator("PCT", "Tỷ lệ trẻ được hỗ trợ", "Share supported", "%", Kind.PERCENT, Direction.HIGHER,
                  aggregation=Aggregation.RATIO, bounds=(0, 100)),
        Indicator("CF", "Tỷ lệ xã phù hợp với trẻ em", "Child-friendly communes", "%", Kind.SHARE_OF_UNITS,
                  Direction.HIGHER, aggregation=Aggregation.SHARE_OF_UNITS, bounds=(0, 100)),
        Indicator("PLAN", "Có kế hoạch", "Has a plan", "", Kind.YES_NO, Direction.HIGHER, aggregation=Aggregation.ALL),
        Indicator("NOTE", "Chỉ tiêu riêng", "Own", "", Kind.COUNT, Direction.HIGHER, aggregation=Aggregation.NONE),
    ]
    return Catalog({i.code: i for i in inds})
