"""Forecasting short yearly series (3–10 points) with one contract.

Public API::

    get_forecaster(name="default", **settings) -> Forecaster
    list_forecasters() -> list[str]
    forecast_frame(frame, horizon, levels=(80, 95), method="default", kind="count",
                   id_cols=("series_id",), year_col="year", value_col="value") -> DataFrame
    Forecaster.fit(y, *, years=None, kind="count") -> self
    Forecaster.predict(h, levels=(80, 95)) -> ForecastResult

See docs/FORECASTING.md for methods, transforms, the measured default and the
interval calibration.
"""
from __future__ import annotations

from ctxh_plan.forecast.base import Forecaster, ForecastResult, get_forecaster, list_forecasters
from ctxh_plan.forecast.frame import forecast_frame

__all__ = ["ForecastResult", "Forecaster", "forecast_frame", "get_forecaster", "list_forecasters"]
