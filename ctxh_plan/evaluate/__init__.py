"""Evaluation of 2021–2025 achievement: attainment, named progress methods, roll-up, year-end estimate.

Importing this package is cheap; pandas/numpy/scipy are imported inside the functions.
"""
from __future__ import annotations

from ctxh_plan.evaluate.core import EVALUATION_COLUMNS, Evaluation, evaluate_dataset, evaluate_frames, parse_period
from ctxh_plan.evaluate.nowcast import estimate_year_end
from ctxh_plan.evaluate.rollup import compare_reported, fill_components, rollup_observations
from ctxh_plan.evaluate.style import compact_evaluation, style_evaluation

__all__ = [
    "EVALUATION_COLUMNS",
    "Evaluation",
    "compact_evaluation",
    "compare_reported",
    "estimate_year_end",
    "evaluate_dataset",
    "evaluate_frames",
    "fill_components",
    "parse_period",
    "rollup_observations",
    "style_evaluation",
]
