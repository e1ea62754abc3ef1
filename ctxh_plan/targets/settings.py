"""Settings of target setting and projection, from ``params/projection.yaml``.

Every key is validated; a wrong key or value raises :class:`ParameterError`
naming the file, the key, the value and the fix.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ctxh_plan.errors import ParameterError
from ctxh_plan.io.settings import Field, check_mapping
from ctxh_plan.io.yamlfile import read_yaml
from ctxh_plan.targets.terms import MilestonePath, TargetMethod

__all__ = ["SETTINGS_FIELDS", "ProjectionSettings", "default_settings_path", "load_settings", "validate_settings"]


@dataclass(frozen=True)
class ProjectionSettings:
    """Settings of :func:`propose_targets` and :func:`project_frames`.

    Attributes
    ----------
    base_year : int
        Last year of the current plan; its value is "the 2025 level".
    target_year : int
        Year of the new plan's targets (2030). (``horizon`` elsewhere means years ahead.)
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
    min_reduction_percent : float
        Lower-is-better indicators (deaths, abuse, injuries, malnutrition…): a plan's direction is to
        reduce them, so a 2030 target that would keep the 2025 level (or above it) is replaced by at least
        this reduction, in percent a year from 2025 (2 = the low end of QĐ 23's child-marriage norm);
        0 turns the rule off. A 2025 level already at 0 is kept at 0.
    """

    base_year: int = 2025
    target_year: int = 2030
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
    min_reduction_percent: float = 2.0

    def with_(self, **changes: Any) -> ProjectionSettings:
        """A copy with some values changed (validated)."""
        return validate_settings({**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})


def default_settings_path() -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "projection.yaml"


def _levels_rule(lv: Any) -> str | None:
    if all(float(x).is_integer() and 0 < x < 100 for x in lv) and {80, 95} <= {int(x) for x in lv}:
        return None
    return "must list the interval levels (whole percentages) and include 80 and 95"


#: the declared keys of ``params/projection.yaml`` (defaults: :class:`ProjectionSettings`)
SETTINGS_FIELDS: tuple[Field, ...] = (
    Field("base_year", (int,), "last year of the current plan, e.g. 2025", default=2025, minimum=1990, maximum=2100),
    Field("target_year", (int,), "year of the new plan's targets, e.g. 2030", default=2030, minimum=1990,
          maximum=2100),
    Field("levels", (list, tuple), "levels: [80, 95]", default=[80, 95], item_type=float, rule=_levels_rule),
    Field("forecast_method", (str,), "a forecaster name, e.g. default", default="default",
          rule=lambda v: "must be a forecaster name" if not v else None),
    Field("method", (str,), "target method", default=TargetMethod.AUTO.value,
          choices=tuple(m.value for m in TargetMethod.choosable())),
    Field("milestone_path", (str,), "geometric or linear", default=MilestonePath.GEOMETRIC.value,
          choices=tuple(m.value for m in MilestonePath)),
    Field("stretch_quantile", (float,), "a probability between 0.5 and 1 (the good side), e.g. 0.75", default=0.75,
          rule=lambda v: None if 0.5 < v < 1 else "must be a probability between 0.5 and 1 (the good side)"),
    Field("stretch_ratio", (float,), "a positive number, e.g. 1.5", default=1.5,
          rule=lambda v: None if v > 0 else "must be a positive number"),
    Field("history_from", (int,), "first year of the historical rate, e.g. 2020", default=2020, minimum=1990,
          maximum=2100),
    Field("shortfall_threshold", (float,), "percent points, e.g. 50", default=50.0, minimum=0),
    Field("limit_tolerance", (float,), "distance to a natural limit, e.g. 0.05", default=0.05, minimum=0),
    Field("zero_replacement", (float,), "Open SDG convention: 0.001", default=0.001, minimum=0),
    Field("min_reduction_percent", (float,), "percent a year, e.g. 2 (0 = off)", default=2.0, minimum=0,
          maximum=50),
)


def validate_settings(raw: dict[str, Any], source: str | None = None) -> ProjectionSettings:
    """Build :class:`ProjectionSettings` from a mapping, checking every key and value (the one
    settings checker, :mod:`ctxh_plan.io.settings`).

    Raises
    ------
    ParameterError
        Unknown key (``horizon`` says it is now ``target_year``), wrong type, value out of range,
        ``target_year`` not after ``base_year``, ``history_from`` not before it.
    """
    if "horizon" in raw:
        raise ParameterError("horizon", "is now called target_year (horizon means years ahead)",
                             fix="write `target_year: 2030`", source=source, value=raw["horizon"])
    v = check_mapping(raw, SETTINGS_FIELDS, source=source, ignore=("version",))
    if v["target_year"] <= v["base_year"]:
        raise ParameterError("target_year", f"must be after base_year {v['base_year']}", fix="e.g. target_year: 2030",
                             source=source, value=v["target_year"])
    from ctxh_plan.io.limits import MAX_HORIZON

    if v["target_year"] - v["base_year"] > MAX_HORIZON:
        raise ParameterError("target_year", f"must be at most {MAX_HORIZON} years after base_year {v['base_year']}",
                             fix="e.g. target_year: 2030", source=source, value=v["target_year"])
    if v["history_from"] >= v["base_year"]:
        raise ParameterError("history_from", "must be before base_year", fix="e.g. history_from: 2020",
                             source=source, value=v["history_from"])
    v["levels"] = tuple(int(x) for x in v["levels"])
    return ProjectionSettings(**v)


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
