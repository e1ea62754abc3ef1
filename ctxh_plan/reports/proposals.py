"""The 2030 proposals as a report shows them: plan columns, each indicator's decimals, labels, and
the same small-cell suppression as the published appendices."""
from __future__ import annotations

import math
from typing import Any

__all__ = ["PROPOSAL_COLUMNS", "display_proposals", "published_unit_proposals"]

#: proposal columns shown in the unit report (the forecast itself is in the charts)
PROPOSAL_COLUMNS = ("indicator_code", "value_2025", "milestone_2026", "milestone_2027", "milestone_2028",
                    "milestone_2029", "milestone_2030", "target_2030", "target_method", "binding",
                    "national_floor", "feasibility")

_NUMBER_COLUMNS = ("value_2025", *(f"milestone_{y}" for y in range(2026, 2031)), "target_2030")


def display_proposals(table: Any, catalog: Any, lang: str) -> Any:
    """Proposals as text for display: each indicator's own decimals (counts whole), Vietnamese
    (or English) number style, method and deciding rule as labels. Suppression marks stay."""
    from ctxh_plan.data.numbers import format_number
    from ctxh_plan.present.labels import text
    from ctxh_plan.vocab import TargetMethod

    style = "vi" if lang == "vi" else "en"
    out = table.astype(object).copy()
    nums = [c for c in (*_NUMBER_COLUMNS, "national_floor") if c in out.columns]
    for i, code in enumerate(out["indicator_code"]):
        ind = catalog.get(code)
        dec = 0 if ind is None or ind.kind.value in ("count", "yes_no") else int(ind.decimals)
        for c in nums:
            v = out.at[i, c]
            if isinstance(v, (int, float)):
                if ind is not None and ind.kind.value == "yes_no" and v == v:  # Có/Không, as the appendix prints
                    out.at[i, c] = text("yes" if v >= 0.5 else "no", lang)
                else:
                    out.at[i, c] = format_number(v, dec, style=style, missing="–")
    if "feasibility" in out.columns:
        out["feasibility"] = [format_number(v, 0, style=style, missing="–") if isinstance(v, (int, float))
                              else "–" for v in out["feasibility"]]
    if "target_method" in out.columns:
        out["target_method"] = [_enum_label(TargetMethod, v, lang) for v in out["target_method"]]
    if "binding" in out.columns:  # worded by direction: "không cao hơn mức năm 2025" for lower-is-better
        out["binding"] = [_binding_label(v, catalog.get(c), lang)
                          for v, c in zip(out["binding"], out["indicator_code"])]
    return out


def _binding_label(value: Any, ind: Any, lang: str) -> Any:
    from ctxh_plan.vocab import Binding

    try:
        b = Binding(value)
    except ValueError:
        return value
    return b.label_for(ind.direction, lang) if ind is not None else b.label(lang)


def _enum_label(enum: Any, value: Any, lang: str) -> Any:
    try:
        return enum(value).label(lang)
    except ValueError:
        return value


def published_unit_proposals(plan: Any, unit: str, proposals: Any, evaluation: Any, *, lang: str,
                             threshold: int, scenario: str = "") -> Any:
    """One unit's proposals as published.

    Small counts of sensitive indicators, and every number of a sensitive rate resting on a small
    count, show as ``<threshold``; so do the cells the all-units pattern of the appendices hides
    (:meth:`Plan.proposal_pattern`, complementary cells included); a row whose 2025 level is hidden
    shows no number at all (its milestones would give the level away).

    Parameters
    ----------
    plan : Plan
    unit : str
        Unit code.
    proposals, evaluation : DataFrame
        The unit's rows of the projection's proposals and of the evaluation.
    lang : str
        ``"vi"`` or ``"en"`` (indicator names).
    threshold : int
        Suppression threshold; 0 = nothing hidden.
    scenario : str
        Scenario of ``proposals`` (``""`` = baseline).
    """
    cols = [c for c in PROPOSAL_COLUMNS if c in proposals.columns]
    table = proposals[cols].reset_index(drop=True)
    if "feasibility" in table.columns:  # a probability 0–1; its label says %
        table["feasibility"] = table["feasibility"].astype(float) * 100.0
    cat = plan.dataset.catalog
    from ctxh_plan.present.labels import post_reform

    table.insert(1, "indicator_name", [post_reform(cat[c].name(lang)) if c in cat else ""
                                       for c in table["indicator_code"]])
    if not threshold or not len(table):
        return table
    from ctxh_plan.present import suppress_small_cells
    from ctxh_plan.present.suppress import suppressed_flag_column

    nums = [c for c in _NUMBER_COLUMNS if c in table.columns]
    counts = {}
    if "latest_numerator" in evaluation.columns:
        counts = dict(zip(evaluation["indicator_code"].astype(str), evaluation["latest_numerator"]))
    work = table.assign(unit_code=unit, _count=[counts.get(str(c), math.nan) for c in table["indicator_code"]])
    out = suppress_small_cells(work, cat, threshold, value_cols=nums, count_col="_count").frame
    mark = f"<{threshold}"
    shown = table.astype(dict.fromkeys(nums, object))
    pattern = {(i, c) for u, i, c in plan.proposal_pattern(scenario, threshold) if u == unit}
    for i in range(len(out)):
        hidden = {c for c in nums if bool(out[suppressed_flag_column(c)].iloc[i])}
        hidden |= {c for c in nums if (str(table["indicator_code"].iloc[i]), c) in pattern}
        if "value_2025" in hidden:
            hidden = set(nums)
        for c in hidden:
            shown.loc[i, c] = mark
        if hidden and "feasibility" in shown.columns:
            shown.loc[i, "feasibility"] = None
    return shown
