"""Builders of small frames for the evaluation tests (no tests here; imported by test_evaluate_*.py)."""
from __future__ import annotations

import math

import pandas as pd

from ctxh_plan.data.catalog import Catalog, Indicator
from ctxh_plan.vocab import Aggregation, Direction, Kind

NAN = math.nan


def ind(code, kind, direction, agg=None, num=None, den=None, levels=("province", "district", "commune"),
        bounds=None):
    """One Indicator with short names."""
    kind, direction = Kind(kind), Direction(direction)
    agg = Aggregation(agg) if agg else (Aggregation.RATIO if kind.is_ratio else Aggregation.SUM)
    b = bounds or ((0.0, 100.0) if kind.is_bounded_100 else (0.0, None))
    return Indicator(code=code, name_vi=f"Chỉ tiêu {code}", name_en=f"Indicator {code}", unit_vi="đv",
                     kind=kind, direction=direction, numerator=num, denominator=den, aggregation=agg,
                     bounds=b, levels=tuple(levels))


def make_catalog(*inds):
    return Catalog(indicators={i.code: i for i in inds}, _order=tuple(i.code for i in inds))


def small_catalog():
    return make_catalog(
        ind("DEATHS", "count", "lower"),
        ind("POP", "count", "higher"),
        ind("RATE", "rate_per_100000", "lower", num="DEATHS", den="POP"),
        ind("PCT", "percent", "higher"),
        ind("LOWPCT", "percent", "lower"),
        ind("SWIM", "count", "higher"),
        ind("MARR", "count", "lower"),
        ind("CF", "share_of_units", "higher", agg="share_of_units"),
        ind("YN", "yes_no", "higher", agg="all"),
    )


def make_units(n_districts=2, province="22"):
    codes = [str(193 + i) for i in range(n_districts)]
    return pd.DataFrame({
        "unit_code": [province, *codes],
        "name": ["Tỉnh Quảng Ninh", *[f"Huyện {c}" for c in codes]],
        "level": ["province", *["district"] * n_districts],
        "parent_code": ["", *[province] * n_districts],
    })


def obs_frame(rows):
    """rows: (unit, indicator, year, value[, numerator, denominator[, period]])."""
    recs = []
    for r in rows:
        r = list(r) + [NAN] * (6 - len(r)) if len(r) < 6 else list(r)
        period = r[6] if len(r) > 6 else "FY"
        recs.append(dict(unit_code=r[0], indicator_code=r[1], year=r[2], value=r[3], numerator=r[4],
                         denominator=r[5], period=period, flag="", source="test", note=""))
    return pd.DataFrame(recs, columns=["unit_code", "indicator_code", "year", "value", "numerator", "denominator",
                                       "period", "flag", "source", "note"])


def target_frame(rows):
    """rows: dicts with at least indicator_code, operator, value; defaults scope national, 2025, absolute."""
    recs = []
    for r in rows:
        rec = dict(scope="national", target_year=2025, value_hi=NAN, kind="absolute", base_year=NAN,
                   source="test", verification="", note="")
        rec.update(r)
        recs.append(rec)
    return pd.DataFrame(recs)


def series(unit, code, values: dict):
    """Observation rows of one unit and indicator from {year: value}."""
    return [(unit, code, y, v) for y, v in values.items()]
