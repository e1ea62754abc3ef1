"""Tests of ctxh_plan.forecast: every forecaster, the count model, forecast_frame."""
