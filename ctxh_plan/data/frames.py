"""Pandera schemas of the frames that cross module boundaries (see docs/ARCHITECTURE.md).

Importing pandera costs about 0.8 s, so this module is only imported inside
validation functions, never at package import. The schemas are the contract
check run on the *typed* frames after the domain checks of
:mod:`ctxh_plan.data.validation`; a failure here is a bug in the toolkit or an
unusual input that the domain checks missed, and is reported as an error row of
the problems table (never silently dropped).
"""
from __future__ import annotations

from typing import Any

__all__ = ["adopted_targets_schema", "observations_schema", "problems_schema", "schema_problems", "targets_schema",
           "tracking_schema"]

PERIODS = ("FY", "H1", "9M", "Q1", "Q2", "Q3", "Q4")


def observations_schema(years: tuple[int, int] = (2000, 2035)):
    """Schema of the observations frame (one row per unit, indicator, year, period)."""
    import pandera.pandas as pa

    text = dict(nullable=False)
    return pa.DataFrameSchema(
        {
            "unit_code": pa.Column(str, pa.Check.str_matches(r"^\d{2,5}$"), **text),
            "indicator_code": pa.Column(str, pa.Check.str_length(1, 64), **text),
            "year": pa.Column("int64", pa.Check.in_range(*years)),
            "period": pa.Column(str, pa.Check.isin(PERIODS)),
            "value": pa.Column(float, pa.Check(lambda s: s.abs() < 1e15, element_wise=False), nullable=False),
            "numerator": pa.Column(float, pa.Check.ge(0), nullable=True),
            "denominator": pa.Column(float, pa.Check.ge(0), nullable=True),
            "flag": pa.Column(str),
            "source": pa.Column(str),
            "note": pa.Column(str),
        },
        unique=["unit_code", "indicator_code", "year", "period"],
        strict=True, ordered=True, name="observations",
    )


def targets_schema(years: tuple[int, int] = (2000, 2035)):
    """Schema of the targets frame."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "scope": pa.Column(str),
            "indicator_code": pa.Column(str),
            "target_year": pa.Column("int64", pa.Check.in_range(*years)),
            "operator": pa.Column(str, pa.Check.isin([">=", "<=", "<", ">", "="])),
            "value": pa.Column(float, nullable=False),
            "value_hi": pa.Column(float, nullable=True),
            "kind": pa.Column(str, pa.Check.isin(["absolute", "relative", "annual_change"])),
            "base_year": pa.Column("Int64", nullable=True),
            "source": pa.Column(str),
            "verification": pa.Column(str),
            "note": pa.Column(str),
        },
        unique=["scope", "indicator_code", "target_year"],
        strict=True, ordered=True, name="targets",
    )


def adopted_targets_schema():
    """Schema of the adopted-targets frame (``ctxh_plan.tracking.adopt``): one row per unit and indicator."""
    import pandera.pandas as pa

    ms = {f"milestone_{y}": pa.Column(float, nullable=True) for y in range(2026, 2031)}
    return pa.DataFrameSchema(
        {
            "unit_code": pa.Column(str, pa.Check.str_matches(r"^\d{2,5}$")),
            "indicator_code": pa.Column(str, pa.Check.str_length(1, 64)),
            "operator": pa.Column(str, pa.Check.isin([">=", "<=", "<", ">", "="])),
            **ms,
            "target_2030": pa.Column(float, nullable=True),
            "document_number": pa.Column(str),
            "document_date": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$")),
            "set_by": pa.Column(str),
            "note": pa.Column(str),
        },
        unique=["unit_code", "indicator_code"], strict=True, ordered=True, name="adopted_targets",
    )


def tracking_schema():
    """Schema of the tracking frame (``ctxh_plan.tracking.track``): one row per unit × indicator of a period."""
    import pandera.pandas as pa

    status = ["on_track", "at_risk", "off_track", "no_target", "no_data"]
    prob = dict(nullable=True, checks=pa.Check.in_range(0.0, 1.0))
    num = dict(nullable=True)
    return pa.DataFrameSchema(
        {
            "unit_code": pa.Column(str, pa.Check.str_matches(r"^\d{2,5}$")),
            "unit_name": pa.Column(str),
            "level": pa.Column(str, pa.Check.isin(["province", "commune"])),
            "indicator_code": pa.Column(str),
            "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}(-(H1|9M))?$")),
            "value": pa.Column(float, **num), "numerator": pa.Column(float, **num),
            "denominator": pa.Column(float, **num), "flag": pa.Column(str),
            "same_period_last_year": pa.Column(float, **num), "change_vs_same_period": pa.Column(float, **num),
            "change_percent": pa.Column(float, **num), "year_end_estimate": pa.Column(float, **num),
            "year_end_lo95": pa.Column(float, **num), "year_end_hi95": pa.Column(float, **num),
            "estimate_method": pa.Column(str, nullable=True), "share_of_year": pa.Column(float, **num),
            "milestone": pa.Column(float, **num), "milestone_year": pa.Column("int64"),
            "operator": pa.Column(str, pa.Check.isin(["", ">=", "<=", "<", ">", "="])),
            "p_milestone": pa.Column(float, **prob), "status_vs_milestone": pa.Column(str, pa.Check.isin(status)),
            "target_2030": pa.Column(float, **num), "p_target_2030": pa.Column(float, **prob),
            "status_vs_target": pa.Column(str, pa.Check.isin(status)),
            "trend": pa.Column(str, pa.Check.isin(["improving", "stable", "worsening", "insufficient_data"])),
            "reported_value": pa.Column(float, **num), "reported_difference": pa.Column(float, **num),
            "n_units": pa.Column(float, **num), "n_units_expected": pa.Column(float, **num),
            "cause": pa.Column(str), "solution": pa.Column(str), "note": pa.Column(str),
            "illustrative": pa.Column(bool),
        },
        unique=["unit_code", "indicator_code"], strict=True, ordered=True, name="tracking", coerce=False,
    )


def problems_schema():
    """Schema of the problems table."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "file": pa.Column(str), "sheet": pa.Column(str), "row": pa.Column("Int64", nullable=True),
            "column": pa.Column(str), "value": pa.Column(str), "problem": pa.Column(str), "fix": pa.Column(str),
            "severity": pa.Column(str, pa.Check.isin(["error", "warning"])),
        },
        strict=True, ordered=True, name="problems",
    )


def schema_problems(frame: Any, schema: Any) -> list[dict]:
    """Run ``schema`` lazily on ``frame``; every failure as a problems-table row (severity error).

    Returns
    -------
    list of dict
        Empty when the frame satisfies the schema.
    """
    import pandera.errors as pe

    try:
        schema.validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        rows = []
        for rec in exc.failure_cases.to_dict("records"):
            rows.append({"file": "", "sheet": "", "row": None, "column": str(rec.get("column") or ""),
                         "value": str(rec.get("failure_case")),
                         "problem": f"{schema.name}: {rec.get('check')} failed (internal contract of the frame)",
                         "fix": "report this to the toolkit maintainers with the input file",
                         "severity": "error"})
        return rows
    return []
