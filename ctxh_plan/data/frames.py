"""The frame contract: column lists, dtypes and pandera schemas of every frame that crosses a module
boundary (observations, targets, units, problems, evaluation, forecasts, proposals), and the one
function that coerces an observations frame to the contract.

One home: readers, validation, re-basing, evaluation, projection and the present package take
their column lists from here (see docs/ARCHITECTURE.md, "Frames").

Importing pandera costs about 0.8 s, so the schemas are built inside functions, only when a frame
is validated, never at package import. The schemas are the contract check run on the *typed*
frames after the domain checks of :mod:`ctxh_plan.data.checks`; a failure is reported as an error
row of the problems table (never silently dropped).
"""
from __future__ import annotations

import itertools
from typing import Any

__all__ = [
    "ADOPTED_FILE_COLUMNS",
    "ADOPTION_COLUMNS",
    "CROSSWALK_COLUMNS",
    "EVALUATION_COLUMNS",
    "FORECAST_COLUMNS",
    "OBSERVATION_COLUMNS",
    "OBSERVATION_DTYPES",
    "OBSERVATION_KEYS",
    "PERIODS",
    "PROBLEM_COLUMNS",
    "PROPOSAL_COLUMNS",
    "PROVENANCE_COLUMNS",
    "REQUIRED_OBSERVATION_COLUMNS",
    "REQUIRED_TARGET_COLUMNS",
    "SKIPPED_COLUMNS",
    "SUBMISSION_COLUMNS",
    "TARGET_COLUMNS",
    "TARGET_DTYPES",
    "TRACKING_COLUMNS",
    "UNIT_COLUMNS",
    "adopted_targets_schema",
    "coerce_observations",
    "evaluation_schema",
    "forecasts_schema",
    "frame_records",
    "observations_schema",
    "problems_schema",
    "proposals_schema",
    "schema_problems",
    "targets_schema",
    "tracking_schema",
    "units_schema",
]

#: reporting periods of an observation: full year, first half, nine months, quarters
PERIODS = ("FY", "H1", "9M", "Q1", "Q2", "Q3", "Q4")

# --------------------------------------------------------------------------- observations
#: one row per fact; the key is (unit, indicator, year, period)
OBSERVATION_KEYS = ("unit_code", "indicator_code", "year", "period")
OBSERVATION_COLUMNS = (*OBSERVATION_KEYS, "value", "numerator", "denominator", "flag", "source", "note")
REQUIRED_OBSERVATION_COLUMNS = ("unit_code", "indicator_code", "year", "value")
OBSERVATION_DTYPES = {"unit_code": "str", "indicator_code": "str", "year": "int64", "period": "str",
                      "value": "float64", "numerator": "float64", "denominator": "float64", "flag": "str",
                      "source": "str", "note": "str"}
#: provenance of a raw row: file, sheet, 1-based row as seen in Excel or an editor, cell column
PROVENANCE_COLUMNS = ("_file", "_sheet", "_row", "_column")

# --------------------------------------------------------------------------- targets
TARGET_COLUMNS = ("scope", "indicator_code", "target_year", "operator", "value", "value_hi", "kind", "base_year",
                  "source", "verification", "note")
REQUIRED_TARGET_COLUMNS = ("scope", "indicator_code", "target_year", "operator", "value", "kind")
#: optional columns of an adopted-targets file (``ctxh-plan adopt``): the deciding document and who set the value
ADOPTION_COLUMNS = ("document_number", "document_date", "set_by")
TARGET_DTYPES = {"scope": "str", "indicator_code": "str", "target_year": "int64", "operator": "str",
                 "value": "float64", "value_hi": "float64", "kind": "str", "base_year": "Int64",
                 "source": "str", "verification": "str", "note": "str"}

# --------------------------------------------------------------------------- other frames
UNIT_COLUMNS = ("unit_code", "name", "level", "parent_code", "unit_type", "valid_from", "valid_to")
PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "value", "problem", "fix", "severity")
#: re-basing: one row per (former unit, new unit) with the weight of the new unit's part
CROSSWALK_COLUMNS = ("old_code", "new_code", "weight", "weight_source", "level", "old_name", "new_name", "relation")
#: re-basing: rows that could not be moved, and why
SKIPPED_COLUMNS = (*OBSERVATION_KEYS, "reason")
#: the 2021–2025 evaluation: one row per (unit, indicator) with a target
EVALUATION_COLUMNS = (
    "unit_code", "unit_name", "unit_level", "indicator_code", "indicator_name_vi", "indicator_name_en",
    "indicator_unit_vi", "kind", "direction", "decimals",
    "baseline_year", "baseline_value", "latest_year", "latest_value", "latest_is_estimate",
    "latest_numerator", "latest_denominator", "n_points",
    "target_scope", "target_kind", "target_year", "target_operator", "target_value", "target_value_hi",
    "target_shown", "target_source",
    "attainment", "attainment_vi", "attainment_en", "attainment_method", "percent_of_target", "certainty",
    "interval_lo", "interval_hi", "interval_method",
    "observed_annual_change", "required_annual_change",
    "planned_change_share",
    "progress_ratio", "progress_category", "progress_category_vi", "progress_category_en",
    "cagr_observed", "cagr_required", "progress_basis", "progress_method",
    "unsd_score", "unsd_category", "unsd_category_vi", "unsd_category_en", "unsd_method",
    "escap_current_status", "escap_expected_status", "escap_predicted", "escap_anticipated_ratio",
    "escap_anticipated", "escap_method",
    "aarr_observed", "aarr_required", "aarr_on_track", "aarr_method",
    "pool_latest_years", "pool_baseline_years", "pooled_baseline", "pooled_latest", "pooled_lo", "pooled_hi",
    "attainment_pooled",
    "value_source", "province_reported", "aggregated_value", "aggregate_difference", "aggregate_units",
    "illustrative", "notes",
)
#: the adopted-targets file (``ctxh-plan adopt``): the required targets columns, the note, the deciding document
#: and who set the value (``source`` of the targets frame is the document, rebuilt when the file is read)
ADOPTED_FILE_COLUMNS = ("scope", "indicator_code", "target_year", "operator", "value", "kind", "note",
                        *ADOPTION_COLUMNS)
#: tracking of a reporting period: one row per unit × indicator (ctxh_plan.tracking.track)
TRACKING_COLUMNS = (
    "unit_code", "unit_name", "level", "indicator_code", "period", "value", "numerator", "denominator", "flag",
    "same_period_last_year", "change_vs_same_period", "change_percent", "year_end_estimate", "year_end_lo95",
    "year_end_hi95", "estimate_method", "share_of_year", "milestone", "milestone_year", "operator", "p_milestone",
    "status_vs_milestone", "target_2030", "p_target_2030", "status_vs_target", "trend", "reported_value",
    "reported_difference", "n_units", "n_units_expected", "cause", "solution", "note", "illustrative")
#: completeness and timeliness of a period's reports: one row per unit (ctxh_plan.tracking.submissions)
SUBMISSION_COLUMNS = ("unit_code", "unit_name", "expected", "received", "submitted_on", "due", "on_time",
                      "days_late", "indicators_expected", "indicators_filled", "share_filled", "by_name", "file",
                      "note")
#: forecasts of a projection (one pair of interval columns per level, here 80 % and 95 %); ``dist_*`` hold the
#: predictive distribution of count-model rows (empty on other rows; see ctxh_plan.forecast.counts)
FORECAST_COLUMNS = ("scenario", "unit_code", "indicator_code", "year", "method", "mean", "lo80", "hi80", "lo95",
                    "hi95", "note", "dist_mu", "dist_disp", "dist_loc", "dist_scale")
#: the leading columns of proposals (2030 targets with yearly milestones); more columns follow
PROPOSAL_COLUMNS = ("unit_code", "indicator_code", "target_2030", "target_method", "national_floor",
                    "milestone_2026", "milestone_2027", "milestone_2028", "milestone_2029", "milestone_2030",
                    "feasibility")


def frame_records(frame: Any) -> list[Any]:
    """The rows of a DataFrame as dicts of Python values, as ``frame.to_dict("records")`` gives them.

    The same values (``tolist`` boxes numpy scalars as ``to_dict`` does), three to six times faster on the
    ``str`` columns the readers produce (``benchmarks/evaluate_speed.py``): ``to_dict`` boxes each cell of an
    extension array one by one. Used wherever a frame's rows are walked, e.g. every row of an input file.
    """
    import pandas as pd

    cols = list(frame.columns)
    if not cols or len(set(cols)) != len(cols):  # no columns, or a repeated name: to_dict's own rules
        return frame.to_dict("records")

    def values(column: Any) -> list:
        out = column.tolist()
        if getattr(column.dtype, "na_value", None) is pd.NA and column.hasnans:  # to_dict writes None for NA
            out = [None if v is pd.NA else v for v in out]
        return out

    return [dict(zip(cols, row)) for row in zip(*(values(frame[c]) for c in cols))]


def coerce_observations(obs: Any) -> Any:
    """A copy of an observations frame with every contract column, in contract order, typed.

    Codes become ``str``, ``year`` int64, ``value``/``numerator``/``denominator`` float64 (empty →
    NaN), text columns empty strings instead of missing, ``period`` upper case with ``FY`` as the
    default. A frame already in this form is returned as a copy with its extra columns (e.g.
    ``estimate_method``); otherwise extra columns are dropped.

    Raises
    ------
    InputError
        A required column is missing, or a number cell holds text that is not a number (the row
        is the frame's row + 2, as in a CSV file with a header): frames are built by the readers,
        which parse Vietnamese numbers; this function does not guess.
    """
    import math

    import numpy as np
    import pandas as pd

    from ctxh_plan.errors import InputError

    cols = list(OBSERVATION_COLUMNS)
    if list(obs.columns[:len(cols)]) == cols and str(obs["year"].dtype) == "int64" \
            and all(str(obs[c].dtype) == "float64" for c in ("value", "numerator", "denominator")):
        return obs.copy()  # already typed: kept whole (extra columns such as estimate_method stay)
    missing = [c for c in REQUIRED_OBSERVATION_COLUMNS if c not in obs.columns]
    if missing:
        raise InputError(f"observations frame lacks column(s) {missing}", column=missing[0],
                         fix="build it with ctxh_plan.load_dataset or add the columns")
    out = pd.DataFrame({
        "unit_code": obs["unit_code"].astype(str).str.strip().to_numpy(dtype=object),
        "indicator_code": obs["indicator_code"].astype(str).str.strip().to_numpy(dtype=object),
        "year": pd.to_numeric(obs["year"]).astype("int64").to_numpy(),
    })
    for col in ("value", "numerator", "denominator"):
        if col not in obs.columns:
            out[col] = np.nan
            continue
        vals = np.empty(len(obs), dtype=float)
        for i, v in enumerate(obs[col].tolist()):
            if v is None or (isinstance(v, str) and not v.strip()):
                vals[i] = math.nan
                continue
            try:
                vals[i] = float(v)
            except (TypeError, ValueError):
                raise InputError("not a number (read the file with ctxh_plan.io.readers first)", row=i + 2,
                                 column=col, value=v, fix="give numeric values in the observations frame") from None
        out[col] = vals
    for col, default in (("period", "FY"), ("flag", ""), ("source", ""), ("note", "")):
        if col in obs.columns:
            s = obs[col].astype(object).where(obs[col].notna(), default)
            out[col] = s.astype(str).replace({"": default}).to_numpy(dtype=object)
        else:
            out[col] = default
    out["period"] = out["period"].str.strip().str.upper().replace({"": "FY"})
    return out[cols]


def observations_schema(years: tuple[int, int] = (2000, 2035)):
    """Schema of the observations frame (one row per unit, indicator, year, period)."""
    import pandera.pandas as pa

    text: dict[str, Any] = dict(nullable=False)  # keyword arguments of pa.Column
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


def units_schema():
    """Schema of the units frame (a registry; codes unique per validity window)."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "unit_code": pa.Column(str, pa.Check.str_matches(r"^\d{2,5}$")),
            "name": pa.Column(str, pa.Check.str_length(1, 200)),
            "level": pa.Column(str, pa.Check.isin(["province", "district", "commune"])),
            "parent_code": pa.Column(str, nullable=True),
            "unit_type": pa.Column(str, nullable=True),
            "valid_from": pa.Column(str, nullable=True),
            "valid_to": pa.Column(str, nullable=True),
        },
        unique=["unit_code", "valid_from"], strict=True, ordered=True, name="units",
    )


def evaluation_schema():
    """Schema of the evaluation frame: keys present, attainment and progress in their vocabularies."""
    import pandera.pandas as pa

    from ctxh_plan.vocab import Attainment, Certainty, ProgressCategory

    columns = {c: pa.Column(nullable=True) for c in EVALUATION_COLUMNS}
    columns.update({
        "unit_code": pa.Column(str), "indicator_code": pa.Column(str),
        "attainment": pa.Column(str, pa.Check.isin([a.value for a in Attainment if a is not Attainment.UNCERTAIN])),
        "certainty": pa.Column(str, pa.Check.isin([c.value for c in Certainty])),
        "progress_category": pa.Column(str, pa.Check.isin([p.value for p in ProgressCategory]), nullable=True),
        "planned_change_share": pa.Column(float, nullable=True),
    })
    return pa.DataFrameSchema(columns, unique=["unit_code", "indicator_code"], strict=True, ordered=True,
                              name="evaluation")


def forecasts_schema(levels: tuple[int, ...] = (80, 95)):
    """Schema of a forecasts frame: finite means, intervals nested around the mean (lo ≤ mean ≤ hi, the
    wider level outside the narrower)."""
    import pandera.pandas as pa

    columns: dict[str, Any] = {"unit_code": pa.Column(str), "indicator_code": pa.Column(str),
                               "year": pa.Column("int64"), "method": pa.Column(str),
                               "mean": pa.Column(float, pa.Check(lambda s: s.notna().all(), element_wise=False))}
    checks = []
    for lv in levels:
        columns[f"lo{lv}"] = pa.Column(float, nullable=True)
        columns[f"hi{lv}"] = pa.Column(float, nullable=True)
        checks.append(pa.Check(lambda d, lv=lv: ~(d[f"lo{lv}"] > d["mean"] + 1e-9) & ~(d["mean"] > d[f"hi{lv}"] + 1e-9),
                               name=f"lo{lv} <= mean <= hi{lv}"))
    for a, b in itertools.pairwise(levels):
        checks.append(pa.Check(lambda d, a=a, b=b: ~(d[f"lo{b}"] > d[f"lo{a}"] + 1e-9)
                               & ~(d[f"hi{a}"] > d[f"hi{b}"] + 1e-9),
                               name=f"{b}% interval contains the {a}% interval"))
    return pa.DataFrameSchema(columns, checks=checks, strict=False, name="forecasts")


def proposals_schema():
    """Schema of the proposals frame: one row per (unit, indicator); feasibility a probability."""
    import pandera.pandas as pa

    columns: dict[str, Any] = {"unit_code": pa.Column(str), "indicator_code": pa.Column(str),
                               "target_2030": pa.Column(float, nullable=True),
                               "feasibility": pa.Column(float, pa.Check.in_range(0, 1), nullable=True)}
    columns.update({f"milestone_{y}": pa.Column(float, nullable=True) for y in range(2026, 2031)})
    return pa.DataFrameSchema(columns, strict=False, name="proposals")
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
    prob: dict[str, Any] = dict(nullable=True, checks=pa.Check.in_range(0.0, 1.0))  # pa.Column keywords
    num: dict[str, Any] = dict(nullable=True)
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
        for rec in frame_records(exc.failure_cases):
            rows.append({"file": "", "sheet": "", "row": None, "column": str(rec.get("column") or ""),
                         "value": str(rec.get("failure_case")),
                         "problem": f"{schema.name}: {rec.get('check')} failed (internal contract of the frame)",
                         "fix": "report this to the toolkit maintainers with the input file",
                         "severity": "error"})
        return rows
    return []
