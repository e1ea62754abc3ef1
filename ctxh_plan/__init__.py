"""ctxh_plan — planning and target tracking for child-affairs work in Vietnamese provinces.

Importing the package is cheap: pandas, statsmodels, matplotlib and friends are
imported only when a function that needs them is first used (``import
ctxh_plan`` must stay under 0.5 s; see ``benchmarks/import_time.py``).

Typical use in a notebook::

    import ctxh_plan as cp
    ds = cp.load_dataset("data/quang_ninh")
    ev = cp.evaluate_dataset(ds).table
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name → module (relative to this package) that defines it
_HOME: dict[str, str] = {
    # data in
    "load_dataset": "data.dataset",
    "Dataset": "data.dataset",
    "load_catalog": "data.catalog",
    "Catalog": "data.catalog",
    "Indicator": "data.catalog",
    "load_units": "data.units",
    "UnitRegistry": "data.units",
    "parse_number": "data.numbers",
    "format_number": "data.numbers",
    "validate_paths": "data.validation",
    # evaluation 2021–2025
    "Evaluation": "evaluate",
    "evaluate_dataset": "evaluate",
    "evaluate_frames": "evaluate",
    "rollup_observations": "evaluate",
    "estimate_year_end": "evaluate",
    "style_evaluation": "evaluate",
    # forecasting and targets 2026–2030
    "get_forecaster": "forecast",
    "list_forecasters": "forecast",
    "forecast_frame": "forecast",
    "prob_meets": "forecast",
    "project_dataset": "targets",
    "propose_targets": "targets",
    "apply_scenario": "targets",
    "allocate_target": "targets",
    "project_frames": "targets",
    "load_scenario": "targets",
    "list_scenarios": "targets",
    "compare_scenarios": "targets",
    "Projection": "targets",
    # 2025 reform
    "rebase_dataset": "rebase",
    "load_registry": "rebase",
    # outputs
    "write_appendices": "present",
    "suppress_small_cells": "present",
    "plot_indicator": "present",
    "plot_status_heatmap": "present",
    "plot_ranking": "present",
    "run_batch": "batch",
}

#: the public names (an explicit list, so that tools can read it without running the module)
__all__ = [
    "Catalog",
    "Dataset",
    "Evaluation",
    "Indicator",
    "Projection",
    "UnitRegistry",
    "__version__",
    "allocate_target",
    "apply_scenario",
    "compare_scenarios",
    "estimate_year_end",
    "evaluate_dataset",
    "evaluate_frames",
    "forecast_frame",
    "format_number",
    "get_forecaster",
    "list_forecasters",
    "list_scenarios",
    "load_catalog",
    "load_dataset",
    "load_registry",
    "load_scenario",
    "load_units",
    "parse_number",
    "plot_indicator",
    "plot_ranking",
    "plot_status_heatmap",
    "prob_meets",
    "project_dataset",
    "project_frames",
    "propose_targets",
    "rebase_dataset",
    "rollup_observations",
    "run_batch",
    "style_evaluation",
    "suppress_small_cells",
    "validate_paths",
    "write_appendices",
]

#: public name → submodule that defines it: ``_HOME`` restricted to ``__all__`` (a public name without
#: a home fails here, at import; a home without a public name is not served)
_LAZY: dict[str, str] = {name: _HOME[name] for name in __all__ if name != "__version__"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ctxh_plan' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
