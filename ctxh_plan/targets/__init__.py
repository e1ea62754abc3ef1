"""Target setting for 2030: proposals, milestones, feasibility, scenarios, allocation.

Public API::

    project_dataset(ds, *, target_year=None, scenario=None, evaluation=None) -> Projection
    project_frames(observations, catalog, targets=None, *, units=None, settings=None, scenario=None, ...)
    propose_targets(forecasts, observations, catalog, targets=None, *, settings=None, province_code=None, ...)
    apply_scenario(forecasts, scenario, catalog, *, observations=None)
    allocate_target(target, units, *, method="population", kind="count")
    load_scenario(name_or_path), list_scenarios(), load_settings(path=None, **overrides)
    widen_small_count_intervals(forecasts, observations, catalog, *, levels=(80, 95), base_year=None)

See docs/TARGETS.md.
"""
from __future__ import annotations

from ctxh_plan.targets.allocation import allocate_target
from ctxh_plan.targets.output import write_projection
from ctxh_plan.targets.projection import (
    Projection,
    compare_scenarios,
    forecast_observations,
    project_dataset,
    project_frames,
)
from ctxh_plan.targets.propose import propose_targets
from ctxh_plan.targets.scenarios import Scenario, apply_scenario, list_scenarios, load_scenario
from ctxh_plan.targets.settings import ProjectionSettings, load_settings
from ctxh_plan.targets.small_counts import widen_small_count_intervals
from ctxh_plan.targets.terms import AllocationMethod, Binding, MilestonePath, ScenarioOperation, TargetMethod

__all__ = [
    "AllocationMethod",
    "Binding",
    "MilestonePath",
    "Projection",
    "ProjectionSettings",
    "Scenario",
    "ScenarioOperation",
    "TargetMethod",
    "allocate_target",
    "apply_scenario",
    "compare_scenarios",
    "forecast_observations",
    "list_scenarios",
    "load_scenario",
    "load_settings",
    "project_dataset",
    "project_frames",
    "propose_targets",
    "widen_small_count_intervals",
    "write_projection",
]
