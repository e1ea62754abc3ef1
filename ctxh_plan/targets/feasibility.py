"""Feasibility: probability that a forecast meets a target (the rules live in ``forecast.probability``).

Kept as the target-setting entry point: ``knots_of``, ``quantile_at``, ``probability_below`` and
``probability_meeting`` read a forecast row's mean and interval bounds as quantiles (continuous
forecasts); rows with a count model distribution are read exactly by ``forecast.probability.prob_meets``
and ``forecast_quantile``. See docs/TARGETS.md ("Feasibility") and docs/FORECASTING.md.
"""
from __future__ import annotations

from ctxh_plan.forecast.probability import (
    forecast_quantile,
    knots_of,
    prob_meets,
    probability_below,
    probability_meeting,
    quantile_at,
    transform_values,
    untransform_values,
)

__all__ = [
    "forecast_quantile",
    "knots_of",
    "prob_meets",
    "probability_below",
    "probability_meeting",
    "quantile_at",
    "transform_values",
    "untransform_values",
]
