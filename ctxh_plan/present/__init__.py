"""Presentation: labels (vi/en), appendix tables, charts, Word/Excel appendices, small-cell suppression.

Nothing heavy is imported here: each public name is loaded from its submodule on
first use (pandas, matplotlib, python-docx and openpyxl stay out of
``import ctxh_plan.present``).

Public names
------------
suppress_small_cells, suppress_evaluation, render_suppressed — :mod:`.suppress`
plot_indicator, plot_status_heatmap, plot_ranking, save_figure — :mod:`.charts`
build_appendix_tables, AppendixTable          — :mod:`.tables`
write_appendices                              — :mod:`.appendices`
load_models, build_models_table               — :mod:`.models`
load_publish_settings                         — :mod:`.settings`
column_label, table_title, label_columns, COLUMN_LABELS, TABLE_LABELS — :mod:`.labels`
"""
from __future__ import annotations

import importlib
from typing import Any

_HOME: dict[str, str] = {
    "suppress_small_cells": "suppress",
    "render_suppressed": "suppress",
    "suppress_evaluation": "suppress",
    "SUPPRESSED_PREFIX": "suppress",
    "plot_indicator": "charts",
    "plot_status_heatmap": "charts",
    "plot_ranking": "charts",
    "save_figure": "charts",
    "build_appendix_tables": "tables",
    "AppendixTable": "tables",
    "write_appendices": "appendices",
    "load_models": "models",
    "build_models_table": "models",
    "load_publish_settings": "settings",
    "PublishSettings": "settings",
    "column_label": "labels",
    "table_title": "labels",
    "label_columns": "labels",
    "text": "labels",
    "COLUMN_LABELS": "labels",
    "TABLE_LABELS": "labels",
}

#: the public names (an explicit list, so that tools can read it without running the module)
__all__ = [
    "COLUMN_LABELS",
    "SUPPRESSED_PREFIX",
    "TABLE_LABELS",
    "AppendixTable",
    "PublishSettings",
    "build_appendix_tables",
    "build_models_table",
    "column_label",
    "label_columns",
    "load_models",
    "load_publish_settings",
    "plot_indicator",
    "plot_ranking",
    "plot_status_heatmap",
    "render_suppressed",
    "save_figure",
    "suppress_evaluation",
    "suppress_small_cells",
    "table_title",
    "text",
    "write_appendices",
]

#: public name → submodule that defines it: ``_HOME`` restricted to ``__all__`` (a public name without
#: a home fails here, at import; a home without a public name is not served)
_LAZY: dict[str, str] = {name: _HOME[name] for name in __all__}


def __getattr__(name: str) -> Any:
    """Load a public name from its submodule on first use (and cache it in this module)."""
    try:
        submodule = importlib.import_module(f".{_LAZY[name]}", __name__)
    except KeyError:
        raise AttributeError(f"module 'ctxh_plan.present' has no attribute {name!r}") from None
    globals()[name] = found = getattr(submodule, name)
    return found
