"""Projection 2026–2030: forecasts of every series, scenarios, and 2030 proposals.

:func:`project_frames` works on plain frames (observations, targets) and a
:class:`Catalog`; :func:`project_dataset` is the thin wrapper over a ``Dataset``.
All series go through one vectorised ``forecast_frame`` call per indicator kind.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ctxh_plan.data.frames import FORECAST_COLUMNS
from ctxh_plan.targets.propose import ILLUSTRATIVE_NOTE, propose_targets
from ctxh_plan.targets.scenarios import BASELINE, Scenario, apply_scenario, load_scenario
from ctxh_plan.targets.settings import ProjectionSettings, load_settings

__all__ = [
    "FORECAST_COLUMNS",
    "Projection",
    "compare_scenarios",
    "dataset_targets",
    "forecast_observations",
    "prepare_observations",
    "project_dataset",
    "project_frames",
]

log = logging.getLogger(__name__)



@dataclass
class Projection:
    """Result of a projection.

    Attributes
    ----------
    forecasts : DataFrame
        Forecasts under the selected scenario: ``scenario, unit_code, indicator_code, year, method, mean,
        lo80, hi80, lo95, hi95, note`` (indicator units; percent 0–100).
    proposals : DataFrame
        One row per (unit, indicator): see :func:`propose_targets`.
    scenarios : DataFrame
        Every scenario side by side (long, ``scenario`` column), same columns as ``forecasts``.
    settings : ProjectionSettings
    illustrative : bool
        The data are illustrative ("dữ liệu minh họa").
    timings : dict
        Wall seconds of the steps (``forecast``, ``scenarios``, ``proposals``).
    """

    forecasts: pd.DataFrame
    proposals: pd.DataFrame
    scenarios: pd.DataFrame
    settings: ProjectionSettings = field(default_factory=ProjectionSettings)
    illustrative: bool = False
    timings: dict = field(default_factory=dict)

    def write(self, path: str | Path) -> list[Path]:
        """Write the projection (see :func:`ctxh_plan.targets.output.write_projection`)."""
        from ctxh_plan.targets.output import write_projection

        return write_projection(self, path)


def forecast_observations(observations: pd.DataFrame, catalog, settings: ProjectionSettings,
                          units: Iterable[str] | None = None) -> pd.DataFrame:
    """Forecast every (unit, indicator) full-year series up to the horizon.

    ``forecast_frame`` is called once per (indicator kind, last observed year) with
    ``horizon = settings.target_year − last year``, so a series whose last value is from 2024
    is forecast for 2025 too (the proposals then take the 2025 level from the forecast,
    and say so). yes/no indicators are not forecast.

    Small counts (count indicators whose recent level is up to ``forecast.counts.SWITCH_MEAN``)
    are forecast by the count model (``count_glm``; whole-number intervals, the predictive
    distribution in the ``dist_*`` columns), borrowing strength across the units of the same
    indicator (empirical Bayes). Rates and percentages on small counts are forecast from the
    count model of their numerator and the projected denominator
    (:func:`.small_counts.forecast_rate_counts`); the other rates and percentages built on counts
    get intervals at least as wide as the Poisson interval of their count
    (:func:`.small_counts.widen_small_count_intervals`). With ``forecast_method`` other than
    ``default`` (or ``count_glm``) no count model is used.
    """
    from ctxh_plan.forecast import forecast_frame
    from ctxh_plan.targets.floors import full_year
    from ctxh_plan.targets.small_counts import forecast_rate_counts, widen_small_count_intervals

    B, H = settings.base_year, settings.target_year
    obs = full_year(observations)
    obs = obs[(obs["year"] <= B) & obs["indicator_code"].isin(catalog.codes())]
    counts_on = settings.forecast_method in ("default", "count_glm")
    if units is not None and not counts_on:
        obs = obs[obs["unit_code"].isin(list(units))]
    # with the count model every unit is forecast (the units of an indicator pool their priors), and
    # only the requested units are returned: a unit's forecast does not depend on which units were asked for
    kinds = {ind.code: ind.kind.value for ind in catalog}
    obs = obs[obs["indicator_code"].map(kinds) != "yes_no"]
    long = obs[["unit_code", "indicator_code", "year", "value"]].drop_duplicates(
        ["unit_code", "indicator_code", "year"], keep="last")
    long = long.assign(year=long["year"].astype(int))
    has_value = long[long["value"].notna()][["unit_code", "indicator_code"]].drop_duplicates()
    long = long.merge(has_value, on=["unit_code", "indicator_code"])
    last = long.groupby(["unit_code", "indicator_code"], sort=False)["year"].max().rename("last_year")
    long = long.merge(last.reset_index(), on=["unit_code", "indicator_code"])
    long["kind"] = long["indicator_code"].map(kinds)
    parts = []
    # catalogue counts are counts even when re-allocation made them fractional
    method, fsettings = ("count_glm", {"whole_only": False}) if counts_on else (settings.forecast_method, None)
    # one vectorised call per (kind, last observed year): horizon = years from the last year to H,
    # so a series without a base-year value gets a base-year forecast too; the count model pools
    # the units of each indicator (group), so all units of a kind and year go in one call
    for (kind, last_year), grp in long.groupby(["kind", "last_year"], sort=True):
        h = H - int(last_year)
        fc = forecast_frame(grp[["unit_code", "indicator_code", "year", "value"]], h, levels=settings.levels,
                            method=method, settings=fsettings, kind=kind, id_cols=("unit_code", "indicator_code"),
                            group="indicator_code", distribution=True)
        parts.append(fc)
    if not parts:
        return pd.DataFrame(columns=list(FORECAST_COLUMNS[1:]))
    fc = pd.concat(parts, ignore_index=True)
    fc = fc.sort_values(["unit_code", "indicator_code", "year"], kind="stable").reset_index(drop=True)
    if counts_on:
        fc = forecast_rate_counts(fc, obs, catalog, levels=settings.levels, base_year=B)
    fc = widen_small_count_intervals(fc, obs, catalog, levels=settings.levels, base_year=B)
    if units is not None and counts_on:
        fc = fc[fc["unit_code"].isin(list(units))].reset_index(drop=True)
    return fc


def compare_scenarios(scenarios: pd.DataFrame, proposals: pd.DataFrame, catalog,
                      target_year: int = 2030) -> pd.DataFrame:
    """Horizon value of each scenario next to the proposed target and the probability of meeting it.

    Returns ``unit_code, indicator_code, scenario, mean_<target_year>, target_<target_year>, feasibility``
    (probability 0–1 of meeting the proposed target under each scenario's forecast).
    """
    from ctxh_plan.targets.feasibility import prob_meets
    from ctxh_plan.targets.propose import indicator_attributes

    tcol = f"target_{target_year}"
    at = scenarios[scenarios["year"] == target_year]
    prop = proposals[["unit_code", "indicator_code", tcol]].drop_duplicates(["unit_code", "indicator_code"])
    j = at.merge(prop, on=["unit_code", "indicator_code"], how="inner").reset_index(drop=True)
    attrs = indicator_attributes(catalog).set_index("indicator_code")
    sign = j["indicator_code"].map(attrs["sign"]).to_numpy()
    space = j["indicator_code"].map(attrs["space"]).to_numpy(object)
    out = j[["unit_code", "indicator_code", "scenario"]].copy()
    out[f"mean_{target_year}"] = j["mean"].to_numpy(float)
    out[tcol] = j[tcol].to_numpy(float)
    out["feasibility"] = (prob_meets(j, j[tcol].to_numpy(float), np.where(sign > 0, ">=", "<="), kind=space)
                          if len(j) else np.zeros(0))
    return out


def project_frames(observations: pd.DataFrame, catalog, targets: pd.DataFrame | None = None, *,
                   units: Sequence[str] | None = None, settings: ProjectionSettings | None = None,
                   scenario: str | Scenario | None = None, compare: Sequence[str | Scenario] = (),
                   province_code: str | None = None, base_levels: pd.DataFrame | None = None,
                   illustrative: bool = False) -> Projection:
    """Forecast, apply a scenario, and propose targets — on plain frames.

    Parameters
    ----------
    observations, targets : frames as in docs/ARCHITECTURE.md
    catalog : Catalog
    units : unit codes to project (default: all in ``observations``)
    settings : ProjectionSettings (default ``params/projection.yaml``)
    scenario : the scenario the proposals use (default baseline = the trend)
    compare : other scenarios to compute side by side in ``Projection.scenarios``
    province_code : scope code of the province's own targets
    base_levels : base-year values where no full-year observation exists (year-end estimates)
    illustrative : label outputs "dữ liệu minh họa"
    """
    import time

    s = settings or load_settings()
    t0 = time.perf_counter()
    base = forecast_observations(observations, catalog, s, units)
    t1 = time.perf_counter()
    chosen = load_scenario(scenario) if isinstance(scenario, str) else (scenario or load_scenario(BASELINE))
    wanted: list[Scenario] = [load_scenario(BASELINE)]
    for sc in [*compare, chosen]:
        sc = load_scenario(sc) if isinstance(sc, str) else sc
        if sc.name not in [w.name for w in wanted]:
            wanted.append(sc)
    runs = {sc.name: apply_scenario(base, sc, catalog, observations=observations) for sc in wanted}
    all_sc = pd.concat(list(runs.values()), ignore_index=True)
    cols = [c for c in FORECAST_COLUMNS if c in all_sc.columns] + [c for c in all_sc.columns
                                                                   if c not in FORECAST_COLUMNS]
    all_sc = all_sc[cols]
    if illustrative:
        all_sc["note"] = np.where(all_sc["note"] == "", ILLUSTRATIVE_NOTE, all_sc["note"] + "; " + ILLUSTRATIVE_NOTE)
    forecasts = all_sc[all_sc["scenario"] == chosen.name].reset_index(drop=True)
    t2 = time.perf_counter()
    obs = observations if units is None else observations[observations["unit_code"].isin(list(units))]
    proposals = propose_targets(forecasts, obs, catalog, targets, settings=s, province_code=province_code,
                                base_levels=base_levels, illustrative=illustrative)
    t3 = time.perf_counter()
    return Projection(forecasts, proposals, all_sc.reset_index(drop=True), s, illustrative,
                      {"forecast": t1 - t0, "scenarios": t2 - t1, "proposals": t3 - t2})


def prepare_observations(ds) -> pd.DataFrame:
    """Full-year history of every unit and its parents, ready to forecast.

    Partial-year values get a year-end estimate (``evaluate.estimate_year_end``, flagged
    ``estimate``); parent units (the province) get the catalogue's roll-up
    (``evaluate.rollup_observations``: sums, ratio of sums) where they report no value
    themselves.
    """
    from ctxh_plan.evaluate import estimate_year_end, rollup_observations

    obs = estimate_year_end(ds.observations, ds.catalog)
    up = rollup_observations(obs, ds.units, ds.catalog)
    if len(up):
        keys = ["unit_code", "indicator_code", "year", "period"]
        have = pd.MultiIndex.from_frame(obs[keys].astype({"year": "int64"}))
        new = up[~pd.MultiIndex.from_frame(up[keys].astype({"year": "int64"})).isin(have)]
        obs = pd.concat([obs, new[[c for c in new.columns if c in obs.columns]]], ignore_index=True)
    return obs


def dataset_targets(ds) -> pd.DataFrame:
    """The dataset's targets plus every national row (the national floor is always known)."""
    parts = [ds.targets]
    nat = getattr(ds, "national_targets", None)
    if nat is not None and len(nat):
        parts.append(nat)
    t = pd.concat(parts, ignore_index=True)
    return t.drop_duplicates(["scope", "indicator_code", "target_year"], keep="first").reset_index(drop=True)


def project_dataset(ds, *, target_year: int | None = None, scenario: str | Scenario | None = None, evaluation=None,
                    units: Sequence[str] | None = None, compare: Sequence[str | Scenario] = (),
                    settings: ProjectionSettings | None = None) -> Projection:
    """Project a :class:`Dataset` to ``target_year`` (thin wrapper over :func:`project_frames`).

    ``target_year`` ``None`` keeps the settings' ``target_year`` (``params/projection.yaml``); a year
    given here replaces it (checked like the file's value).

    ``evaluation`` (from ``evaluate_dataset``) supplies base-year levels where the
    base year has no full-year observation (``latest_value`` when ``latest_year`` is the
    base year, e.g. a year-end estimate).
    """
    s = settings or load_settings()
    if target_year is not None:
        s = s.with_(target_year=target_year)
    base_levels = None
    if evaluation is not None and len(evaluation):
        ev = evaluation[evaluation["latest_year"] == s.base_year]
        base_levels = ev[["unit_code", "indicator_code", "latest_value"]].rename(columns={"latest_value": "value"})
    return project_frames(prepare_observations(ds), ds.catalog, dataset_targets(ds), units=units, settings=s,
                          scenario=scenario,
                          compare=compare, province_code=getattr(ds, "province_code", None),
                          base_levels=base_levels, illustrative=bool(getattr(ds, "illustrative", False)))
