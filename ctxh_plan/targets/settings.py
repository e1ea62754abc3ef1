"""Settings of target setting and projection, from ``params/projection.yaml``.

Every key is validated; a wrong key or value raises :class:`ParameterError`
naming the file, the key, the value and the fix.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ctxh_plan.errors import ParameterError
from ctxh_plan.io.yamlfile import read_yaml
from ctxh_plan.targets.terms import MilestonePath, TargetMethod

__all__ = ["ProjectionSettings", "default_settings_path", "load_settings"]


@dataclass(frozen=True)
class ProjectionSettings:
    """Settings of :func:`propose_targets` and :func:`project_frames`.

    Attributes
    ----------
    base_year : int
        Last year of the current plan; its value is "the 2025 level".
    horizon : int
        Target year (2030).
    levels : tuple of int
        Forecast interval levels in percent; must include 80 and 95.
    forecast_method : str
        Forecaster name given to ``forecast_frame``.
    method : str
        Target method: ``auto``, ``trend``, ``stretch``, ``required`` or ``maintain``.
    milestone_path : str
        ``geometric`` (constant annual rate) or ``linear`` (constant annual step).
    stretch_quantile : float
        Probability in (0.5, 1): quantile of the horizon forecast on the GOOD side
        (0.75 → 75th percentile when higher is better, 25th when lower is better).
    stretch_ratio : float
        A target is flagged "stretch" when its required annual rate of improvement is
        above this multiple of the historical rate.
    history_from : int
        First year used for the historical rate.
    shortfall_threshold : float
        Percent kinds where higher is better work on the shortfall (100 − p) when both
        the base and the target are above this value (percent points).
    limit_tolerance : float
        Distance (in the indicator's unit) to a natural limit that counts as "at the limit".
    zero_replacement : float
        Value replacing 0 in rate calculations (Open SDG convention, 0.001).
    """

    base_year: int = 2025
    horizon: int = 2030
    levels: tuple[int, ...] = (80, 95)
    forecast_method: str = "default"
    method: str = TargetMethod.AUTO.value
    milestone_path: str = MilestonePath.GEOMETRIC.value
    stretch_quantile: float = 0.75
    stretch_ratio: float = 1.5
    history_from: int = 2020
    shortfall_threshold: float = 50.0
    limit_tolerance: float = 0.05
    zero_replacement: float = 0.001

    def with_(self, **changes: Any) -> ProjectionSettings:
        """A copy with some values changed (validated)."""
        return validate_settings({**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


def default_settings_path() -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "projection.yaml"


def _check(cond: bool, key: str, value: Any, problem: str, fix: str, source: str | None) -> None:
    if not cond:
        raise ParameterError(key, problem, fix=fix, source=source, value=value)


def validate_settings(raw: dict[str, Any], source: str | None = None) -> ProjectionSettings:
    """Build :class:`ProjectionSettings` from a mapping, checking every key and value."""
    known = {f.name for f in fields(ProjectionSettings)}
    raw = {k: v for k, v in raw.items() if k != "version"}
    for key in raw:
        _check(key in known, key, raw[key], "unknown setting", f"use only: {sorted(known)}", source)
    s = replace(ProjectionSettings(), **{k: v for k, v in raw.items() if k != "levels"})
    if "levels" in raw:
        lv = raw["levels"]
        numbers = isinstance(lv, (list, tuple)) and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) and float(x).is_integer() and 0 < x < 100
            for x in lv)
        _check(numbers and {80, 95} <= {int(x) for x in lv}, "levels", lv,
               "must list the interval levels (whole percentages) and include 80 and 95", "levels: [80, 95]", source)
        s = replace(s, levels=tuple(int(x) for x in lv))
    for key in ("base_year", "horizon", "history_from"):
        v = getattr(s, key)
        _check(isinstance(v, int) and 1990 <= v <= 2100, key, v, "must be a year", "e.g. 2025", source)
    _check(s.horizon > s.base_year, "horizon", s.horizon, f"must be after base_year {s.base_year}",
           "e.g. horizon: 2030", source)
    _check(s.history_from < s.base_year, "history_from", s.history_from, "must be before base_year",
           "e.g. history_from: 2020", source)
    methods = [m.value for m in TargetMethod]
    _check(s.method in methods, "method", s.method, "unknown target method", f"use one of {methods}", source)
    paths = [m.value for m in MilestonePath]
    _check(s.milestone_path in paths, "milestone_path", s.milestone_path, "unknown milestone path",
           f"use one of {paths}", source)
    _check(isinstance(s.stretch_quantile, (int, float)) and 0.5 < s.stretch_quantile < 1, "stretch_quantile",
           s.stretch_quantile, "must be a probability between 0.5 and 1 (the good side)", "e.g. 0.75", source)
    _check(isinstance(s.stretch_ratio, (int, float)) and s.stretch_ratio > 0, "stretch_ratio", s.stretch_ratio,
           "must be a positive number", "e.g. 1.5", source)
    for key in ("shortfall_threshold", "limit_tolerance", "zero_replacement"):
        v = getattr(s, key)
        _check(isinstance(v, (int, float)) and v >= 0, key, v, "must be a number >= 0", "see params/projection.yaml",
               source)
    _check(isinstance(s.forecast_method, str) and s.forecast_method != "", "forecast_method", s.forecast_method,
           "must be a forecaster name", "e.g. default", source)
    return s


def load_settings(path: str | Path | None = None, **overrides: Any) -> ProjectionSettings:
    """Read ``params/projection.yaml`` (or ``path``) and apply keyword overrides.

    Raises
    ------
    ParameterError
        Unknown key, wrong type or value out of range (message names file, key, value, fix).
    InputError
        The file is not valid YAML (file and line).
    """
    p = Path(path) if path else default_settings_path()
    raw: dict[str, Any] = {}
    if p.exists():
        doc = read_yaml(p) or {}
        if not isinstance(doc, dict):
            raise ParameterError("(file)", "must be a mapping of settings", fix="see docs/TARGETS.md", source=str(p))
        raw.update(doc)
    elif path:
        raise ParameterError("(file)", "settings file not found", fix="check the path", source=str(p))
    raw.update({k: v for k, v in overrides.items() if v is not None})
    return validate_settings(raw, source=str(p))
