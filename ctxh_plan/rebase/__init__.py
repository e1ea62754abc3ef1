"""Re-base 2021–2025 history onto the commune-level units of 1 July 2025.

Modules, in the order the work flows: ``weights`` (the weights file), ``crosswalk`` (former → new
units with weights, from the official conversion table), ``allocation`` (split a total by weights,
integers by largest remainder), ``reallocate`` (observations and targets re-allocated by each
indicator's aggregation rule), ``dataset`` (whole frames or a Dataset; the full registry).
See docs/REBASE.md for the design and worked examples.
"""
from ctxh_plan.rebase.allocation import allocate_fractional, allocate_integer
from ctxh_plan.rebase.crosswalk import WEIGHT_SOURCES, build_crosswalk, build_district_crosswalk
from ctxh_plan.rebase.dataset import load_registry, rebase_dataset, rebase_frames
from ctxh_plan.rebase.reallocate import RebaseResult, rebase_observations, rebase_targets
from ctxh_plan.rebase.weights import read_weights

__all__ = ["WEIGHT_SOURCES", "RebaseResult", "allocate_fractional", "allocate_integer", "build_crosswalk",
           "build_district_crosswalk", "load_registry", "read_weights", "rebase_dataset", "rebase_frames",
           "rebase_observations", "rebase_targets"]
