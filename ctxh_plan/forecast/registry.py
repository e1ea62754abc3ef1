"""The forecaster registry: names → classes, and building a forecaster from its name and settings.

The methods do not register themselves: this module lists them, so the forecasting modules import
the contract (``base``) and nothing imports back (no import cycle; a test checks the import graph).
Forecasters built from other forecasters by name (combinations, ``select``, ``default``, the count
model's ``large``) get :func:`get_forecaster` passed in as ``factory`` — the way statsforecast passes a
``fallback_model`` — instead of importing the registry.
"""
from __future__ import annotations

import functools
from typing import Any

from ctxh_plan.errors import ParameterError
from ctxh_plan.forecast import combination, counts, methods
from ctxh_plan.forecast.base import Forecaster, Naive

__all__ = ["get_forecaster", "list_forecasters"]


@functools.cache
def _registry() -> dict[str, type[Forecaster]]:
    classes: tuple[type[Forecaster], ...] = (
        Naive, methods.Drift, methods.SES, methods.Damped, methods.Theta, methods.ThetaDamped,
        methods.RobustTrend, methods.SESStatsmodels, methods.DampedStatsmodels, methods.ThetaStatsmodels,
        combination.Combination, combination.CombinationMedian, combination.Select, combination.Default,
        counts.CountModel,
    )
    return {cls.name: cls for cls in classes}


def list_forecasters() -> list[str]:
    """Names accepted by :func:`get_forecaster` (``default`` first)."""
    names = sorted(_registry())
    names.remove("default")
    return ["default", *names]


def get_forecaster(name: str = "default", **settings: Any) -> Forecaster:
    """A new, unfitted forecaster.

    Parameters
    ----------
    name : str
        One of :func:`list_forecasters`.
    **settings
        Passed to the forecaster's constructor (e.g. ``components=("ses", "theta")`` for ``combo``).

    Raises
    ------
    ParameterError
        Unknown name, unknown setting, or a setting out of range.
    """
    cls = _registry().get(str(name))
    if cls is None:
        raise ParameterError("method", "unknown forecasting method", value=name,
                             fix="use one of: " + ", ".join(list_forecasters()))
    if getattr(cls, "takes_factory", False):
        settings = {**settings, "factory": get_forecaster}
    try:
        return cls(**settings)
    except TypeError as exc:  # a keyword the constructor does not take
        shown = {k: v for k, v in settings.items() if k != "factory"}
        raise ParameterError("method", f"bad setting for {name!r}: {exc}", value=shown,
                             fix="see docs/FORECASTING.md for the settings of each method") from None
