"""Re-base whole frames or a whole :class:`~ctxh_plan.data.dataset.Dataset` onto the units of a date,
and the full time-aware unit registry of a province.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.data.units import LAST_DAY_BEFORE_REFORM, REFORM_DATE, UnitRegistry, load_units, parse_date
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.rebase.crosswalk import build_crosswalk
from ctxh_plan.rebase.reallocate import RebaseResult, rebase_observations, rebase_targets
from ctxh_plan.rebase.weights import read_weights

__all__ = ["check_rebase_date", "load_registry", "rebase_dataset", "rebase_frames"]

log = logging.getLogger(__name__)


def check_rebase_date(to: Any) -> str:
    """The day of the new units as ``YYYY-MM-DD``: a calendar date on or after the reform (2025-07-01).

    Raises
    ------
    ParameterError
        Not a date, or a day before the new units existed (key ``to``, the value and the fix named).
    """
    day = parse_date(to, key="to")
    if day < REFORM_DATE:
        raise ParameterError("to", f"the new units start on {REFORM_DATE}", value=to,
                             fix=f"use --to {REFORM_DATE} (or a later date)")
    return day


def rebase_frames(observations: Any, catalog: Any, *, province: str = "22", to: str = REFORM_DATE,
                  weights: Any = None, counts: str = "integer", conversion: Any = None) -> RebaseResult:
    """Re-base tidy observations of former units of ``province`` onto the units valid on ``to``.

    Parameters
    ----------
    observations : DataFrame (tidy, docs/ARCHITECTURE.md)
    catalog : Catalog
    province : str
        Official province code.
    to : str or date
        Day of the new units, on or after 2025-07-01.
    weights : path or DataFrame, optional
        Weights file (see :func:`read_weights`).
    counts : "integer" (largest remainder, default) or "fractional".
    conversion : optional path(s) of conversion tables.

    Returns
    -------
    RebaseResult
    """
    import pandas as pd

    day = check_rebase_date(to)
    province = str(province)
    w = read_weights(weights) if weights is not None else None
    old_units = _full_registry(province) if conversion is None else load_units(province, include_communes=True,
                                                                               conversion=conversion)
    new_units = old_units.at(day)
    conv = old_units.conversion
    conv = conv[conv["old_province_code"] == province]
    if not len(conv):
        raise InputError(f"no conversion rows for province {province}", value=province, column="province",
                         fix="add the province's official conversion table to data/reference/")
    cw = build_crosswalk(conv, weights=w)
    old_name = old_units.name(province, as_of=LAST_DAY_BEFORE_REFORM)
    new_name = new_units.name(province) if province in new_units else None
    obs, dxw, skipped = rebase_observations(observations, catalog, cw, province=province, old_units=old_units,
                                            to=day, weights=w, counts=counts,
                                            province_kept=(new_name == old_name))
    crosswalk = pd.concat([cw, dxw], ignore_index=True) if len(dxw) else cw
    for r in frame_records(skipped.head(20)):
        log.warning("rebase skipped %s %s %s %s: %s", r["unit_code"], r["indicator_code"], r["year"], r["period"],
                    r["reason"])
    return RebaseResult(observations=obs, crosswalk=crosswalk, skipped=skipped, units=new_units, to=day)


def rebase_dataset(ds: Any, *, to: str = REFORM_DATE, weights: Any = None, counts: str = "integer") -> Any:
    """A new Dataset whose observations are on the units valid on ``to``.

    Observations are re-based with :func:`rebase_frames`; ``units`` becomes the
    registry as of ``to``; district-scope targets are dropped; skipped rows are
    appended to ``problems`` as warnings.

    Parameters
    ----------
    ds : Dataset
    to : str, the day of the new units (>= 2025-07-01)
    weights : path or DataFrame, optional (see :func:`read_weights`)
    counts : "integer" (largest remainder, default) or "fractional"
    """
    import pandas as pd

    res = rebase_frames(ds.observations, ds.catalog, province=ds.province_code, to=to, weights=weights,
                        counts=counts)
    targets, _dropped = rebase_targets(ds.targets, ds.province_code)
    changes: dict[str, Any] = {"observations": res.observations, "units": res.units, "targets": targets}
    problems = getattr(ds, "problems", None)
    if problems is not None and len(res.skipped):
        extra = pd.DataFrame({
            "file": "", "sheet": "", "row": pd.NA, "column": "unit_code", "value": res.skipped["unit_code"],
            "problem": "not re-based: " + res.skipped["reason"] + " (" + res.skipped["indicator_code"] + " "
                       + res.skipped["year"].astype(str) + ")",
            "fix": "", "severity": "warning"})
        changes["problems"] = pd.concat([problems, extra[[c for c in extra.columns if c in problems.columns
                                                          or not len(problems.columns)]]], ignore_index=True)
    if callable(getattr(ds, "replace", None)):  # ctxh_plan.data.dataset.Dataset: frames behind properties
        return ds.replace(**changes)
    names = {f.name for f in dataclasses.fields(ds)}
    return dataclasses.replace(ds, **{k: v for k, v in changes.items() if k in names})


@functools.lru_cache(maxsize=8)
def _full_registry_cached(province: str, stamp: tuple) -> UnitRegistry:
    return load_units(province, include_communes=True)


def _full_registry(province: str) -> UnitRegistry:
    """The full registry of the reference tables, cached while the files do not change."""
    from ctxh_plan.paths import reference_dir

    files = sorted(reference_dir().glob("admin_conversion_2025_*.csv")) + [reference_dir() /
                                                                          "district_units_2025-01.csv"]
    stamp = tuple((str(p), p.stat().st_mtime) for p in files if p.exists())
    return _full_registry_cached(province, stamp)


def load_registry(province: str = "22") -> UnitRegistry:
    """The full time-aware registry of a province: former districts and communes and the
    new units, each with validity dates (lookups of shared codes need ``as_of``)."""
    return load_units(province, include_communes=True)
