"""Settings of plan tracking (``params/tracking.yaml``): status thresholds, trend rule, province check."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError
from ctxh_plan.io.yamlfile import read_yaml

__all__ = ["TrackingSettings", "default_settings_path", "load_tracking_settings"]


@dataclass(frozen=True)
class TrackingSettings:
    """Thresholds of the tracking table.

    Attributes
    ----------
    on_track, off_track : float
        Probability (0–1) that the year's value meets the milestone: ``>= on_track`` → on track,
        ``< off_track`` → off track, in between → at risk.
    trend_years : int
        Previous full years averaged for the trend.
    trend_threshold : float
        Relative change (percent, good direction positive) below which the trend is "stable".
    poisson_level : float
        Level (0–1) of the Poisson range that keeps a small count's change "stable".
    province_tolerance : float
        Relative difference (percent) between the province's own figure and its units' aggregate
        above which the tracking table flags it.
    min_count : float
        A count's own share of the year (six months ÷ year in past years) is used only when its past
        full-year values add up to at least this; below it the province's share is used.
    path : Path or None
    """

    on_track: float = 0.8
    off_track: float = 0.2
    trend_years: int = 3
    trend_threshold: float = 5.0
    poisson_level: float = 0.95
    province_tolerance: float = 1.0
    min_count: float = 20.0
    path: Path | None = None

    def with_(self, **changes: Any) -> TrackingSettings:
        return replace(self, **changes)


def default_settings_path() -> Path:
    from ctxh_plan.paths import params_dir

    return params_dir() / "tracking.yaml"


_SCHEMA: dict[str, dict[str, tuple[str, type]]] = {
    "status": {"on_track": ("on_track", float), "off_track": ("off_track", float)},
    "trend": {"years": ("trend_years", int), "threshold_percent": ("trend_threshold", float),
              "poisson_level": ("poisson_level", float)},
    "province_check": {"tolerance_percent": ("province_tolerance", float)},
    "year_end": {"min_count": ("min_count", float)},
}


def load_tracking_settings(path: str | Path | None = None) -> TrackingSettings:
    """Read ``params/tracking.yaml`` (every key optional, every key checked).

    Raises
    ------
    InputError
        Unknown key, a value of the wrong type, or thresholds out of order (0 <= off_track < on_track <= 1).
    """
    p = Path(path) if path else default_settings_path()
    if not p.exists():
        return TrackingSettings()
    doc = read_yaml(p) or {}
    file = str(p)
    if not isinstance(doc, dict):
        raise InputError("the settings file must be a mapping", file=file, fix="see params/tracking.yaml")
    values: dict[str, Any] = {}
    for section, body in doc.items():
        if section == "version":
            continue
        if section not in _SCHEMA:
            raise InputError("unknown key", file=file, column=section, fix=f"use only: {', '.join(_SCHEMA)}")
        if not isinstance(body, dict):
            raise InputError("must be a mapping", file=file, column=section, value=body,
                             fix="see params/tracking.yaml")
        for key, value in body.items():
            if key not in _SCHEMA[section]:
                raise InputError("unknown key", file=file, column=f"{section}.{key}",
                                 fix=f"use only: {', '.join(_SCHEMA[section])}")
            attr, typ = _SCHEMA[section][key]
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if typ is int:
                ok = isinstance(value, int) and not isinstance(value, bool)
            if not ok:
                raise InputError(f"must be a {typ.__name__}", file=file, column=f"{section}.{key}", value=value,
                                 fix="write a number, e.g. 0.8")
            values[attr] = typ(value)
    s = TrackingSettings(**values, path=p)
    if not 0 <= s.off_track < s.on_track <= 1:
        raise InputError("thresholds must satisfy 0 <= off_track < on_track <= 1", file=file,
                         column="status", value=(s.off_track, s.on_track), fix="e.g. on_track: 0.8, off_track: 0.2")
    if s.trend_years < 1 or not 0 < s.poisson_level < 1 or s.trend_threshold < 0 or s.province_tolerance < 0:
        raise InputError("trend.years >= 1, 0 < trend.poisson_level < 1, thresholds >= 0", file=file,
                         column="trend", fix="see the defaults in params/tracking.yaml")
    return s
