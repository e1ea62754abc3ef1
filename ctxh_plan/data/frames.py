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

__all__ = ["observations_schema", "problems_schema", "schema_problems", "targets_schema"]

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
