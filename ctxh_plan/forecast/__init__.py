"""Forecasting short yearly series (3–10 points) with one contract.

Public API::

    get_forecaster(name="default", **settings) -> Forecaster
    list_forecasters() -> list[str]
    forecast_frame(frame, horizon, levels=(80, 95), method="default", kind="count",
                   id_cols=("series_id",), year_col="year", value_col="value") -> DataFrame
    Forecaster.fit(y, *, years=None, kind="count") -> self
    Forecaster.predict(h, levels=(80, 95)) -> ForecastResult
    prob_meets(forecast, target, operator="<=", *, year=None, kind=None, catalog=None, tol=0.0)
        -> probability (0–1) that the value meets the target (exact for the count model)
    forecast_quantile(forecast, p, *, kind=None, catalog=None) -> quantiles per row

Small counts (kind ``count``, whole numbers, recent level up to ``counts.SWITCH_MEAN``)
go to the count model (``counts.CountModel``, ``count_glm``) under ``method="default"``.

See docs/FORECASTING.md for methods, transforms, the measured default and the
interval calibration.
"""
from __future__ import annotations

from typing import Any

from ctxh_plan.forecast.base import Forecaster, ForecastResult
from ctxh_plan.forecast.counts import CountModel, CountPredictive
from ctxh_plan.forecast.frame import forecast_frame
from ctxh_plan.forecast.registry import get_forecaster, list_forecasters

__all__ = ["CountModel", "CountPredictive", "ForecastResult", "Forecaster", "forecast_frame", "forecast_quantile",
           "get_forecaster", "list_forecasters", "prob_meets"]

_LAZY = {"prob_meets", "forecast_quantile"}  # forecast.probability imports numpy: loaded on first use


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from ctxh_plan.forecast import probability

        value = getattr(probability, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ctxh_plan.forecast' has no attribute {name!r}")
